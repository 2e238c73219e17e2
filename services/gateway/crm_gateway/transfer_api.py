"""The REST routes of import and export: saved column mappings, imports of an uploaded file as jobs, and exports
streamed as a download.

An import's file is the raw request body (`Content-Type: text/csv` or `text/vcard`), its settings are query
parameters; the gateway streams it on to contacts in parts of at most `IMPORT_CHUNK_BYTES` (StartImport, then
UploadImportChunk), so a file larger than one gRPC message never sits whole in the gateway's memory. The import runs
in the contacts worker: the answer is 202 with the job's `Location`, to poll. An export is fetched page by page and
streamed as one file.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from crm.contacts.v1 import contacts_pb2_grpc, transfer_pb2
from crm_gateway import contacts_mappers, schemas
from crm_gateway import contacts_schemas as cs
from crm_gateway.contacts_common import CONFLICT, NOT_FOUND, PageSize, PageToken, caller
from crm_gateway.contacts_mappers import from_proto, to_proto
from crm_gateway.edge import API_ERRORS, ERRORS, Caller
from crm_gateway.errors import ApiError

log = logging.getLogger(__name__)

# The contract's limit of one StartImport / UploadImportChunk message.
IMPORT_CHUNK_BYTES = 3 * 1024 * 1024
_FORMATS_BY_TYPE = {"text/csv": "csv", "text/vcard": "vcard", "text/x-vcard": "vcard", "text/directory": "vcard"}
_EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "vcard_3": ("text/vcard; charset=utf-8", "vcf"),
    "vcard_4": ("text/vcard; charset=utf-8", "vcf"),
}
_FILE_BODY = {
    "required": True,
    "description": "The file itself, as the raw body.",
    "content": {
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
        "text/vcard": {"schema": {"type": "string", "format": "binary"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    },
}


def _invalid(field: str, description: str) -> ApiError:
    violation = schemas.FieldViolation(field=field, description=description)
    return ApiError(422, "INVALID_ARGUMENT", f"invalid request: {field}: {description}", [violation])


def _import_format(declared: str | None, content_type: str | None) -> str:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type.startswith("multipart/") or media_type == "application/x-www-form-urlencoded":
        # A form's envelope would be read as the file itself and fail on its "header row".
        raise ApiError(
            415, "INVALID_ARGUMENT", "send the file as the raw request body (Content-Type: text/csv or text/vcard), not as a form"
        )
    if declared:
        return declared
    if media_type in _FORMATS_BY_TYPE:
        return _FORMATS_BY_TYPE[media_type]
    raise _invalid("format", "is needed unless the Content-Type is text/csv or text/vcard")


def _about_the_body(exc: ApiError) -> ApiError:
    """The file travels as `file` of StartImport and `data` of UploadImportChunk; here it is the request body."""
    if not any(v.field in ("file", "data") for v in exc.violations):
        return exc
    violations = [v.model_copy(update={"field": "body"}) if v.field in ("file", "data") else v for v in exc.violations]
    summary = "; ".join(f"{v.field}: {v.description}" for v in violations)
    return ApiError(exc.status, exc.code, f"invalid request: {summary}", violations)


def _columns(pairs: list[str]) -> list[transfer_pb2.ColumnMapping]:
    mapped = []
    for i, pair in enumerate(pairs):
        column, sep, field = pair.rpartition("=")
        if not sep or not column or not field:
            raise _invalid(f"columns[{i}]", 'must be "<column header>=<field>"')
        mapped.append(transfer_pb2.ColumnMapping(column=column, field=field))
    return mapped


def routes(contacts: contacts_pb2_grpc.ContactsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["import and export"])
    call = caller(timeout)

    # -- mappings -------------------------------------------------------------------------------------------------

    @router.post(
        "/v1/import-mappings",
        status_code=201,
        name="create_import_mapping",
        summary="Save a column mapping under a name of the caller's own",
        responses={**API_ERRORS, **CONFLICT},
    )
    async def create_import_mapping(
        body: cs.ImportMappingCreate, principal: Caller, request: Request, response: Response
    ) -> cs.ImportMapping:
        created = await call(
            contacts.CreateImportMapping,
            transfer_pb2.CreateImportMappingRequest(mapping=contacts_mappers.import_mapping_to_proto(body)),
            principal,
            "mapping",
        )
        response.headers["Location"] = request.app.url_path_for("get_import_mapping", name=created.name)
        return contacts_mappers.import_mapping_from_proto(created)

    @router.get("/v1/import-mappings", name="list_import_mappings", summary="The caller's saved mappings", responses=API_ERRORS)
    async def list_import_mappings(principal: Caller, page_size: PageSize = 0, page_token: PageToken = "") -> cs.ImportMappingList:
        listed = await call(
            contacts.ListImportMappings, transfer_pb2.ListImportMappingsRequest(page_size=page_size, page_token=page_token), principal
        )
        return cs.ImportMappingList(
            mappings=[contacts_mappers.import_mapping_from_proto(m) for m in listed.mappings], next_page_token=listed.next_page_token
        )

    @router.get("/v1/import-mappings/{name}", name="get_import_mapping", summary="One saved mapping", responses={**API_ERRORS, **NOT_FOUND})
    async def get_import_mapping(name: str, principal: Caller) -> cs.ImportMapping:
        found = await call(contacts.GetImportMapping, transfer_pb2.GetImportMappingRequest(name=name), principal)
        return contacts_mappers.import_mapping_from_proto(found)

    @router.delete(
        "/v1/import-mappings/{name}",
        status_code=204,
        name="delete_import_mapping",
        summary="Delete a saved mapping",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def delete_import_mapping(name: str, principal: Caller) -> Response:
        await call(contacts.DeleteImportMapping, transfer_pb2.DeleteImportMappingRequest(name=name), principal)
        return Response(status_code=204)

    # -- imports --------------------------------------------------------------------------------------------------

    @router.post(
        "/v1/imports",
        status_code=202,
        name="start_import",
        summary="Import persons from an uploaded CSV or vCard file",
        description="The body is the file (`Content-Type: text/csv`, `text/vcard`, or `application/octet-stream` with `format`). "
        "The header row is checked against the mapping at once (422); the rows are read, validated and written in batches by "
        "the contacts worker: the answer is 202 with the job, whose `Location` shows its progress, and its rejected rows "
        "under `/rejects`. A dry run only reports.",
        openapi_extra={"requestBody": _FILE_BODY},
        responses={**API_ERRORS, **NOT_FOUND, 415: {**ERRORS, "description": "The file came as a form, not as the raw body"}},
    )
    async def start_import(
        principal: Caller,
        request: Request,
        response: Response,
        content_type: Annotated[str | None, Header(include_in_schema=False)] = None,
        format: Annotated[cs.ImportFormat | None, Query(description="csv or vcard; from the Content-Type when omitted.")] = None,
        file_name: Annotated[str, Query(description="The file's name, kept with the job.")] = "",
        mapping_name: Annotated[str, Query(description="A saved mapping of the caller's (not with `columns`).")] = "",
        columns: Annotated[
            list[str], Query(description="An inline mapping, one `<column header>=<field>` each; none: columns named like a field.")
        ] = [],  # noqa: B006 - FastAPI copies defaults
        phone_region: Annotated[str, Query(description="ISO 3166 region for numbers without +country.")] = "",
        date_format: Annotated[str, Query(description="strptime format of date columns; empty: %Y-%m-%d.")] = "",
        separator: Annotated[str, Query(description='Between several values in one cell; empty: ";".')] = "",
        encoding: Annotated[str, Query(description="auto, utf-8, utf-8-sig, cp1250, latin-1, utf-16.")] = "",
        delimiter: Annotated[str, Query(description="CSV: , ; | or a tab; empty: detected.")] = "",
        dry_run: Annotated[bool, Query(description="Only report per-row errors and duplicates; write no person.")] = False,
        allow_duplicates: Annotated[bool, Query(description="Also write rows that look like existing persons.")] = False,
    ) -> cs.ImportJob:
        start = transfer_pb2.StartImportRequest(
            format=contacts_mappers.enum_value(transfer_pb2.StartImportRequest, "format", _import_format(format, content_type)),
            file_name=file_name,
            columns=_columns(columns),
            options=transfer_pb2.ImportOptions(
                phone_region=phone_region, date_format=date_format, separator=separator, encoding=encoding, delimiter=delimiter
            ),
            mapping_name=mapping_name,
            dry_run=dry_run,
            allow_duplicates=allow_duplicates,
        )
        try:
            job = await _upload(start, request.stream(), principal)
        except ApiError as exc:
            raise _about_the_body(exc) from None
        response.headers["Location"] = request.app.url_path_for("get_import_job", job_id=job.id)
        return from_proto(cs.ImportJob, job)

    async def _upload(start: transfer_pb2.StartImportRequest, body: AsyncIterator[bytes], principal) -> transfer_pb2.ImportJob:
        """Sends the body on in parts; a part goes only once more is known to follow, so the last one says `last`."""
        job: transfer_pb2.ImportJob | None = None
        pending = bytearray()
        async for received in body:
            pending += received
            while len(pending) > IMPORT_CHUNK_BYTES:
                part, pending = bytes(pending[:IMPORT_CHUNK_BYTES]), pending[IMPORT_CHUNK_BYTES:]
                if job is None:
                    start.file, start.chunked = part, True
                    job = await call(contacts.StartImport, start, principal)
                else:
                    job = await call(contacts.UploadImportChunk, transfer_pb2.UploadImportChunkRequest(job_id=job.id, data=part), principal)
        if job is None:
            if not pending:
                raise _invalid("body", "is empty: send the file as the request body")
            start.file = bytes(pending)
            return await call(contacts.StartImport, start, principal)
        last = transfer_pb2.UploadImportChunkRequest(job_id=job.id, data=bytes(pending), last=True)
        return await call(contacts.UploadImportChunk, last, principal)

    @router.get("/v1/imports", name="list_import_jobs", summary="The caller's imports, newest first", responses=API_ERRORS)
    async def list_import_jobs(principal: Caller, page_size: PageSize = 0, page_token: PageToken = "") -> cs.ImportJobList:
        listed = await call(
            contacts.ListImportJobs, transfer_pb2.ListImportJobsRequest(page_size=page_size, page_token=page_token), principal
        )
        return cs.ImportJobList(jobs=[from_proto(cs.ImportJob, j) for j in listed.jobs], next_page_token=listed.next_page_token)

    @router.get(
        "/v1/imports/{job_id}",
        name="get_import_job",
        summary="An import's progress and counts",
        description="The caller's own imports (admins: any).",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def get_import_job(job_id: str, principal: Caller) -> cs.ImportJob:
        return from_proto(cs.ImportJob, await call(contacts.GetImportJob, transfer_pb2.GetImportJobRequest(id=job_id), principal))

    @router.post(
        "/v1/imports/{job_id}:resume",
        name="resume_import",
        summary="Queue a failed import again; it goes on from the last written batch",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def resume_import(job_id: str, principal: Caller) -> cs.ImportJob:
        return from_proto(cs.ImportJob, await call(contacts.ResumeImport, transfer_pb2.ResumeImportRequest(id=job_id), principal))

    @router.get(
        "/v1/imports/{job_id}/rejects",
        name="list_import_rejects",
        summary="Rows rejected (with per-field errors) or found to be duplicates",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_import_rejects(
        job_id: str,
        principal: Caller,
        outcome: Annotated[
            cs.RejectOutcome | None, Query(description="rejected, or duplicate (with the allowed ones); every row when omitted.")
        ] = None,
        page_size: PageSize = 0,
        page_token: PageToken = "",
    ) -> cs.ImportRejectList:
        request = to_proto(
            transfer_pb2.ListImportRejectsRequest, {"job_id": job_id, "outcome": outcome, "page_size": page_size, "page_token": page_token}
        )
        listed = await call(contacts.ListImportRejects, request, principal)
        return cs.ImportRejectList(
            rows=[contacts_mappers.reject_from_proto(r) for r in listed.rows], next_page_token=listed.next_page_token
        )

    # -- export ---------------------------------------------------------------------------------------------------

    @router.get(
        "/v1/persons:export",
        name="export_persons",
        summary="Download the persons the caller may see as CSV or vCard",
        description="Streamed page by page as one file (`Content-Disposition: attachment`). CSV is UTF-8 with a BOM, "
        "comma-separated, CRLF line ends, the header first; vCard 3.0 or 4.0, one card per person.",
        response_class=StreamingResponse,
        responses={
            **API_ERRORS,
            200: {
                "description": "The file",
                "content": {"text/csv": {"schema": {"type": "string"}}, "text/vcard": {"schema": {"type": "string"}}},
            },
        },
    )
    async def export_persons(
        principal: Caller,
        format: Annotated[cs.ExportFormat, Query(description="csv, vcard_3 or vcard_4.")] = "csv",
        columns: Annotated[list[str], Query(description="CSV columns (import field names, id, owner, create_time, update_time).")] = [],  # noqa: B006
        query: Annotated[str, Query(description="Reserved for the search language; must be empty for now.")] = "",
        page_size: Annotated[int, Query(ge=0, le=5000, description="Persons per call to contacts; 0: 1000.")] = 0,
    ) -> StreamingResponse:
        request = to_proto(
            transfer_pb2.ExportPersonsRequest, {"format": format, "columns": columns, "query": query, "page_size": page_size}
        )
        # The first page before answering: a refusal is still an HTTP error, not a broken download.
        first = await call(contacts.ExportPersons, request, principal)
        media_type, extension = _EXPORTS[format]

        async def pages() -> AsyncIterator[bytes]:
            page = first
            yield page.data
            while page.next_page_token:
                request.page_token = page.next_page_token
                try:
                    page = await call(contacts.ExportPersons, request, principal)
                except ApiError as exc:
                    # Too late for a status: the download is cut off (no final chunk), so it is not taken as complete.
                    log.warning("export of %s broken off after a page: %s %s", principal.subject, exc.code, exc.message)
                    raise
                yield page.data

        return StreamingResponse(
            pages(),
            media_type=first.content_type or media_type,
            headers={"Content-Disposition": f'attachment; filename="persons.{extension}"', "Cache-Control": "no-store"},
        )

    return router
