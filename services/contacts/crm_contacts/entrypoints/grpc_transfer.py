"""The RPCs of crm.contacts.v1.ContactsService for import and export."""
from __future__ import annotations

from crm.contacts.v1 import transfer_pb2 as tpb
from crm_chassis.access import Viewer
from crm_chassis.auth import current_principal
from crm_chassis.errors import InvalidArgument
from crm_contacts.adapters import transfer_messages
from crm_contacts.bootstrap import Contacts
from crm_contacts.domain import transfer as tr
from crm_contacts.entrypoints import mappers
from crm_contacts.entrypoints.roles import READERS, WRITERS
from crm_contacts.service_layer import transfer

FORMAT_WORDS = {number: word for word, number in transfer_messages.FORMAT.items()}
EXPORT_FORMAT_WORDS = {number: word for word, number in transfer_messages.EXPORT_FORMAT.items()}
OUTCOME_WORDS = {
    tpb.IMPORT_ROW_OUTCOME_UNSPECIFIED: "", tpb.IMPORT_ROW_OUTCOME_REJECTED: "rejected",
    tpb.IMPORT_ROW_OUTCOME_DUPLICATE: "duplicate", tpb.IMPORT_ROW_OUTCOME_DUPLICATE_ALLOWED: "duplicate",
}


def _options(o: tpb.ImportOptions) -> tr.MappingOptions:
    """Empty fields take the defaults."""
    default = tr.MappingOptions()
    return tr.MappingOptions(
        phone_region=o.phone_region.strip().upper(), date_format=o.date_format or default.date_format,
        separator=o.separator or default.separator, encoding=(o.encoding.strip().lower() or default.encoding), delimiter=o.delimiter,
    )


def _columns(columns) -> tuple[tuple[str, str], ...]:
    return tuple((c.column, c.field) for c in columns)


def _viewer() -> Viewer:
    return Viewer.of(current_principal())


class TransferRpcs:
    ROLES: dict[str, tuple[str, ...]] = {
        "CreateImportMapping": WRITERS,
        "GetImportMapping": WRITERS,
        "ListImportMappings": WRITERS,
        "DeleteImportMapping": WRITERS,
        "StartImport": WRITERS,
        "UploadImportChunk": WRITERS,
        "GetImportJob": WRITERS,
        "ListImportJobs": WRITERS,
        "ResumeImport": WRITERS,
        "ListImportRejects": WRITERS,
        "ExportPersons": READERS,
    }
    app: Contacts

    def CreateImportMapping(self, request: tpb.CreateImportMappingRequest, context) -> tpb.ImportMapping:
        m = request.mapping
        cmd = transfer.SaveMapping(m.name, FORMAT_WORDS.get(m.format, ""), _columns(m.columns), _options(m.options))
        try:
            saved = transfer.create_mapping(cmd, self.app.uow(), _viewer())
        except InvalidArgument as exc:
            raise mappers.under("mapping", exc) from None
        return transfer_messages.mapping(saved)

    def GetImportMapping(self, request: tpb.GetImportMappingRequest, context) -> tpb.ImportMapping:
        return transfer_messages.mapping(transfer.get_mapping(request.name, self.app.uow(), _viewer()))

    def ListImportMappings(self, request: tpb.ListImportMappingsRequest, context) -> tpb.ListImportMappingsResponse:
        found, token = transfer.list_mappings(self.app.uow(), _viewer(), request.page_size, request.page_token)
        return tpb.ListImportMappingsResponse(mappings=[transfer_messages.mapping(m) for m in found], next_page_token=token)

    def DeleteImportMapping(self, request: tpb.DeleteImportMappingRequest, context) -> tpb.DeleteImportMappingResponse:
        transfer.delete_mapping(request.name, self.app.uow(), _viewer())
        return tpb.DeleteImportMappingResponse()

    def StartImport(self, request: tpb.StartImportRequest, context) -> tpb.ImportJob:
        o = request.options  # all-empty options are no mapping: a saved one (mapping_name) may go with them
        inline = bool(request.columns) or any((o.phone_region, o.date_format, o.separator, o.encoding, o.delimiter))
        cmd = transfer.StartImport(
            format=FORMAT_WORDS.get(request.format, ""),
            data=request.file,
            file_name=request.file_name,
            mapping=tr.ColumnMapping(_columns(request.columns), _options(request.options)) if inline else None,
            mapping_name=request.mapping_name,
            dry_run=request.dry_run,
            allow_duplicates=request.allow_duplicates,
            chunked=request.chunked,
        )
        job = transfer.start_import(cmd, self.app.uow(), _viewer(), self.app.settings.import_max_bytes)
        return transfer_messages.job(job)

    def UploadImportChunk(self, request: tpb.UploadImportChunkRequest, context) -> tpb.ImportJob:
        job = transfer.upload_chunk(request.job_id, request.data, request.last, self.app.uow(), _viewer(), self.app.settings.import_max_bytes)
        return transfer_messages.job(job)

    def GetImportJob(self, request: tpb.GetImportJobRequest, context) -> tpb.ImportJob:
        return transfer_messages.job(transfer.get_job(request.id, self.app.uow(), _viewer()))

    def ListImportJobs(self, request: tpb.ListImportJobsRequest, context) -> tpb.ListImportJobsResponse:
        jobs, token = transfer.list_jobs(self.app.uow(), _viewer(), request.page_size, request.page_token)
        return tpb.ListImportJobsResponse(jobs=[transfer_messages.job(j) for j in jobs], next_page_token=token)

    def ResumeImport(self, request: tpb.ResumeImportRequest, context) -> tpb.ImportJob:
        return transfer_messages.job(transfer.resume_import(request.id, self.app.uow(), _viewer()))

    def ListImportRejects(self, request: tpb.ListImportRejectsRequest, context) -> tpb.ListImportRejectsResponse:
        rows, token = transfer.list_rejects(
            request.job_id, OUTCOME_WORDS.get(request.outcome, "?"), self.app.uow(), _viewer(), request.page_size, request.page_token
        )
        return tpb.ListImportRejectsResponse(rows=[transfer_messages.reject(r) for r in rows], next_page_token=token)

    def ExportPersons(self, request: tpb.ExportPersonsRequest, context) -> tpb.ExportPersonsResponse:
        cmd = transfer.ExportPersons(
            format=EXPORT_FORMAT_WORDS.get(request.format, ""), columns=tuple(request.columns), query=request.query,
            page_size=request.page_size, page_token=request.page_token,
        )
        page = transfer.export_persons(cmd, self.app.uow(), _viewer())
        return tpb.ExportPersonsResponse(data=page.data, count=page.count, next_page_token=page.next_page_token, content_type=page.content_type)

