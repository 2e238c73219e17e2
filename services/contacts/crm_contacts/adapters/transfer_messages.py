"""Import jobs, mappings and rejected rows as protobuf messages."""
from __future__ import annotations

from crm.contacts.v1 import transfer_pb2 as tpb
from crm_contacts.adapters.messages import timestamp
from crm_contacts.domain import transfer as tr

FORMAT = {"csv": tpb.IMPORT_FORMAT_CSV, "vcard": tpb.IMPORT_FORMAT_VCARD}
EXPORT_FORMAT = {"csv": tpb.EXPORT_FORMAT_CSV, "vcard_3": tpb.EXPORT_FORMAT_VCARD_3, "vcard_4": tpb.EXPORT_FORMAT_VCARD_4}
STATUS = {
    "uploading": tpb.IMPORT_STATUS_UPLOADING, "queued": tpb.IMPORT_STATUS_QUEUED, "running": tpb.IMPORT_STATUS_RUNNING,
    "done": tpb.IMPORT_STATUS_DONE, "failed": tpb.IMPORT_STATUS_FAILED,
}
OUTCOME = {
    tr.OUTCOME_REJECTED: tpb.IMPORT_ROW_OUTCOME_REJECTED, tr.OUTCOME_DUPLICATE: tpb.IMPORT_ROW_OUTCOME_DUPLICATE,
    tr.OUTCOME_DUPLICATE_ALLOWED: tpb.IMPORT_ROW_OUTCOME_DUPLICATE_ALLOWED,
}


def options(o: tr.MappingOptions) -> tpb.ImportOptions:
    return tpb.ImportOptions(phone_region=o.phone_region, date_format=o.date_format, separator=o.separator, encoding=o.encoding, delimiter=o.delimiter)


def mapping(saved: tr.SavedMapping) -> tpb.ImportMapping:
    return tpb.ImportMapping(
        name=saved.name, format=FORMAT.get(saved.format, 0),
        columns=[tpb.ColumnMapping(column=c, field=t) for c, t in saved.mapping.columns],
        options=options(saved.mapping.options), create_time=timestamp(saved.created_at), update_time=timestamp(saved.updated_at),
    )


def job(j: tr.ImportJob) -> tpb.ImportJob:
    message = tpb.ImportJob(
        id=j.id, status=STATUS[j.status], format=FORMAT.get(j.format, 0), dry_run=j.dry_run, allow_duplicates=j.allow_duplicates,
        mapping_name=j.mapping_name, file_name=j.file_name, file_size=j.file_size, encoding=j.encoding, rows_total=j.rows_total,
        rows_done=j.rows_done, rows_accepted=j.rows_accepted, rows_rejected=j.rows_rejected, rows_duplicate=j.rows_duplicate,
        progress=j.progress, error=j.error, owner=j.owner, create_time=timestamp(j.created_at), update_time=timestamp(j.updated_at),
    )
    if j.finished_at is not None:
        message.finish_time.CopyFrom(timestamp(j.finished_at))
    return message


def reject(r: tr.RowOutcome) -> tpb.ImportReject:
    return tpb.ImportReject(
        row_number=r.row_number, outcome=OUTCOME[r.outcome], raw=r.raw, person_id=r.person_id,
        errors=[tpb.ImportRowError(column=e.column, field=e.field, message=e.message) for e in r.errors],
        candidates=[
            tpb.ImportDuplicateCandidate(
                person_id=c.get("person_id", ""), row=c.get("row", 0), score=c.get("score", 0.0), reasons=c.get("reasons", []),
                display_name=c.get("display_name", ""),
            )
            for c in r.candidates
        ],
    )
