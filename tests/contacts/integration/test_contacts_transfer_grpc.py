"""Import and export RPCs through the real chassis gRPC server: roles, field paths of errors, jobs, rejects, export."""
from __future__ import annotations

import grpc

from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import transfer_pb2 as tpb
from crm_contacts.service_layer import transfer
from tests.grpc_testing import TIMEOUT, bad_fields, failure

CSV = b"given_name,family_name,email\nAna,Pop,ana@example.com\nBad,,nope\n"


def test_import_then_progress_rejects_and_export(app, stub, as_user):
    alice = as_user()
    job = stub.StartImport(tpb.StartImportRequest(format=tpb.IMPORT_FORMAT_CSV, file=CSV, file_name="a.csv"), metadata=alice, timeout=TIMEOUT)
    assert (job.status, job.rows_total, job.owner, job.progress) == (tpb.IMPORT_STATUS_QUEUED, 2, "alice", 0.0)
    transfer.run_pending(app.uow, default_phone_region=None)  # the worker's part
    job = stub.GetImportJob(tpb.GetImportJobRequest(id=job.id), metadata=alice, timeout=TIMEOUT)
    assert (job.status, job.rows_accepted, job.rows_rejected, job.progress) == (tpb.IMPORT_STATUS_DONE, 1, 1, 1.0)
    assert job.HasField("finish_time")
    assert [j.id for j in stub.ListImportJobs(tpb.ListImportJobsRequest(), metadata=alice, timeout=TIMEOUT).jobs] == [job.id]
    rows = stub.ListImportRejects(tpb.ListImportRejectsRequest(job_id=job.id, outcome=tpb.IMPORT_ROW_OUTCOME_REJECTED), metadata=alice, timeout=TIMEOUT).rows
    assert [(r.row_number, r.outcome, r.raw) for r in rows] == [(3, tpb.IMPORT_ROW_OUTCOME_REJECTED, "Bad,,nope\n")]
    assert [(e.column, e.field) for e in rows[0].errors] == [("email", "emails[0].address")]

    other = as_user("bob", team="south", territory="de")
    assert failure(stub.GetImportJob, tpb.GetImportJobRequest(id=job.id), other).code() == grpc.StatusCode.NOT_FOUND
    assert failure(stub.ListImportRejects, tpb.ListImportRejectsRequest(job_id=job.id), other).code() == grpc.StatusCode.NOT_FOUND

    exported = stub.ExportPersons(tpb.ExportPersonsRequest(format=tpb.EXPORT_FORMAT_VCARD_4), metadata=as_user(roles=("viewer",)), timeout=TIMEOUT)
    assert exported.count == 1 and b"FN:Ana Pop" in exported.data and exported.content_type.startswith("text/vcard")
    nothing = stub.ExportPersons(tpb.ExportPersonsRequest(format=tpb.EXPORT_FORMAT_CSV, columns=["given_name"]), metadata=other, timeout=TIMEOUT)
    assert (nothing.count, nothing.data) == (0, b"\xef\xbb\xbfgiven_name\r\n")


def test_errors_name_the_request_fields(stub, as_user):
    alice = as_user()
    request = tpb.StartImportRequest(
        format=tpb.IMPORT_FORMAT_CSV, file=CSV, columns=[tpb.ColumnMapping(column="given_name", field="nickname")],
        options=tpb.ImportOptions(encoding="ebcdic"),
    )
    assert set(bad_fields(failure(stub.StartImport, request, alice))) == {"columns[0].field", "options.encoding"}
    assert set(bad_fields(failure(stub.StartImport, tpb.StartImportRequest(file=CSV), alice))) == {"format"}
    mapping = tpb.ImportMapping(name="", format=tpb.IMPORT_FORMAT_CSV, columns=[tpb.ColumnMapping(column="x", field="y")])
    error = failure(stub.CreateImportMapping, tpb.CreateImportMappingRequest(mapping=mapping), alice)
    assert set(bad_fields(error)) == {"mapping.name", "mapping.columns[0].field"}
    assert set(bad_fields(failure(stub.ExportPersons, tpb.ExportPersonsRequest(format=tpb.EXPORT_FORMAT_CSV, columns=["pin"]), alice))) == {"columns[0]"}


def test_saved_mappings_and_chunks(app, stub, as_user):
    alice = as_user()
    mapping = tpb.ImportMapping(
        name="legacy", format=tpb.IMPORT_FORMAT_CSV, options=tpb.ImportOptions(delimiter=";", encoding="cp1250"),
        columns=[tpb.ColumnMapping(column="Prenume", field="given_name"), tpb.ColumnMapping(column="Nume", field="family_name")],
    )
    saved = stub.CreateImportMapping(tpb.CreateImportMappingRequest(mapping=mapping), metadata=alice, timeout=TIMEOUT)
    assert (saved.name, saved.options.separator, saved.options.date_format) == ("legacy", ";", "%Y-%m-%d")
    assert failure(stub.CreateImportMapping, tpb.CreateImportMappingRequest(mapping=mapping), alice).code() == grpc.StatusCode.ALREADY_EXISTS
    assert stub.GetImportMapping(tpb.GetImportMappingRequest(name="legacy"), metadata=alice, timeout=TIMEOUT) == saved
    assert list(stub.ListImportMappings(tpb.ListImportMappingsRequest(), metadata=alice, timeout=TIMEOUT).mappings) == [saved]

    data = "Prenume;Nume\nŞtefan;Ţăran\n".encode("cp1250")
    request = tpb.StartImportRequest(format=tpb.IMPORT_FORMAT_CSV, file=data[:7], mapping_name="legacy", chunked=True, options=tpb.ImportOptions())
    job = stub.StartImport(request, metadata=alice, timeout=TIMEOUT)
    assert job.status == tpb.IMPORT_STATUS_UPLOADING
    job = stub.UploadImportChunk(tpb.UploadImportChunkRequest(job_id=job.id, data=data[7:], last=True), metadata=alice, timeout=TIMEOUT)
    assert job.status == tpb.IMPORT_STATUS_QUEUED
    transfer.run_pending(app.uow, default_phone_region=None)
    [person] = stub.ListPersons(pb.ListPersonsRequest(), metadata=alice, timeout=TIMEOUT).persons
    assert (person.given_name, person.family_name) == ("Ştefan", "Ţăran")

    stub.DeleteImportMapping(tpb.DeleteImportMappingRequest(name="legacy"), metadata=alice, timeout=TIMEOUT)
    assert failure(stub.GetImportMapping, tpb.GetImportMappingRequest(name="legacy"), alice).code() == grpc.StatusCode.NOT_FOUND


def test_roles(stub, as_user):
    viewer = as_user(roles=("viewer",))
    assert failure(stub.StartImport, tpb.StartImportRequest(format=tpb.IMPORT_FORMAT_CSV, file=CSV), viewer).code() == grpc.StatusCode.PERMISSION_DENIED
    assert failure(stub.ListImportMappings, tpb.ListImportMappingsRequest(), viewer).code() == grpc.StatusCode.PERMISSION_DENIED
    assert stub.ExportPersons(tpb.ExportPersonsRequest(format=tpb.EXPORT_FORMAT_VCARD_3), metadata=viewer, timeout=TIMEOUT).count == 0
