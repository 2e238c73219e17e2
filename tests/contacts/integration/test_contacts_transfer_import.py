"""Import and export through the service layer on both backends: dry run, batches, resume, rejects, access, round trips."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from contacts_support import ADMIN, ALICE, BOB, CAROL, MIGRATIONS, counts, jane, migrate

from crm_chassis import migrations
from crm_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from crm_contacts.adapters import orm
from crm_contacts.domain import custom_fields as cf
from crm_contacts.domain import transfer as tr
from crm_contacts.domain.model import utcnow
from crm_contacts.service_layer import custom_fields, handlers, transfer

IMPORT_TABLES = {"import_jobs", "import_chunks", "import_rows", "import_mappings", "outbox"}

CSV = (
    "given_name,family_name,email,phone.mobile,address.city,address.country\n"
    "Ana,Pop,ana@example.com,+40721234567,Cluj,RO\n"  # row 2: good
    "Bad,,not-an-email,12,,\n"  # row 3: three bad fields
    "Ion,Ionescu,ion@example.com,,Iasi,RO\n"  # row 4: good
    "Dan,Pop,ana@example.com,,,\n"  # row 5: same email as row 2
    "Ragged,Row\n"  # row 6: two fields of six
    "Mia,Marin,,+40722345678,,\n"  # row 7: good
)


def run(app, **kwargs):
    return transfer.run_pending(app.uow, default_phone_region=None, **kwargs)


def start(app, data=CSV, viewer=ALICE, **kwargs):
    return transfer.start_import(transfer.StartImport("csv", data.encode() if isinstance(data, str) else data, "people.csv", **kwargs), app.uow(), viewer)


def persons(app, viewer=ADMIN):
    found, _ = handlers.list_persons(app.uow(), viewer, 1000, "")
    return found


def rejects(app, job, outcome="", viewer=ALICE):
    rows, _ = transfer.list_rejects(job.id, outcome, app.uow(), viewer, 0, "")
    return rows


def test_a_dry_run_reports_errors_and_duplicates_and_writes_no_person(app):
    existing = handlers.create_person(jane(given_name="Ion", family_name="Ionescu", emails=[("ion@example.com", "work")], phones=[]), app.uow(), ALICE, None)
    before = counts(app.engine)
    job = start(app, dry_run=True)
    assert (job.status, job.rows_total, job.rows_done) == ("queued", 6, 0)
    run(app)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.status, job.rows_done, job.rows_accepted, job.rows_rejected, job.rows_duplicate, job.progress) == ("done", 6, 2, 2, 2, 1.0)
    after = counts(app.engine)
    assert {t for t in after if after[t] != before[t]} <= IMPORT_TABLES
    assert after["persons"] == 1
    listed = {r.row_number: r for r in rejects(app, job)}
    assert {n: r.outcome for n, r in listed.items()} == {3: "rejected", 4: "duplicate", 5: "duplicate", 6: "rejected"}
    assert {(e.column, e.field) for e in listed[3].errors} == {("email", "emails[0].address"), ("phone.mobile", "phones[0].number")}
    assert listed[4].candidates[0]["person_id"] == existing.id and listed[4].candidates[0]["score"] >= 0.8
    assert listed[5].candidates == ({"row": 2, "score": 1.0, "reasons": ["same email as row 2"]},)
    assert "header has 6 columns" in listed[6].errors[0].message and listed[6].raw == "Ragged,Row\n"
    assert [r.row_number for r in rejects(app, job, "rejected")] == [3, 6]


def test_a_real_run_writes_good_rows_in_batches_with_events_and_dossier(app):
    job = start(app)
    [result] = run(app, batch_size=2)
    assert (result.status, result.batches) == ("done", 4)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.rows_accepted, job.rows_rejected, job.rows_duplicate) == (3, 2, 1)
    written = persons(app)
    assert sorted(p.family_name for p in written) == ["Ionescu", "Marin", "Pop"]
    assert {(p.owner, p.team, p.territory) for p in written} == {("alice", "north", "ro")}
    with app.engine.connect() as conn:
        types = [r.event_type for r in conn.execute(sa.select(orm.outbox.c.event_type))]
        assert types.count("PersonCreated") == 3 and types.count("ImportCompleted") == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.import_chunks)).scalar_one() == 0  # the file is gone
    ana = next(p for p in written if p.given_name == "Ana")
    entries, _ = handlers.list_history(ana.id, app.uow(), ALICE, 0, "")
    assert [e.summary for e in entries] == ["Ana Pop imported by alice from people.csv (row 2)"]


def test_duplicates_are_written_only_when_allowed(app):
    job = start(app, allow_duplicates=True)
    run(app)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.rows_accepted, job.rows_duplicate) == (4, 1)
    [dup] = rejects(app, job, "duplicate")
    assert dup.outcome == "duplicate_allowed" and dup.person_id in {p.id for p in persons(app)}


def test_a_run_cut_short_resumes_where_it_stopped_without_writing_a_row_twice(app):
    job = start(app)
    result = transfer.run_job(app.uow, job.id, default_phone_region=None, batch_size=2, stop_after_batches=1)
    assert result.status == "running"
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.status, job.rows_done, job.rows_accepted, job.lease_owner) == ("running", 2, 1, "")
    assert len(persons(app)) == 1
    run(app, batch_size=2)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.status, job.rows_done, job.rows_accepted, job.rows_rejected) == ("done", 6, 3, 2)
    assert sorted(p.given_name for p in persons(app)) == ["Ana", "Ion", "Mia"]


def test_a_batch_that_fails_leaves_nothing_half_written_and_resumes(app, monkeypatch):
    job = start(app)
    real = transfer._run_batch

    def crash_after_writing(uow, job_, drafts, *args, **kwargs):
        real(uow, job_, drafts, *args, **kwargs)
        if any(d.number == 7 for d in drafts):
            raise RuntimeError("database gone")

    monkeypatch.setattr(transfer, "_run_batch", crash_after_writing)
    [result] = run(app, batch_size=4)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (result.status, job.status, job.rows_done) == ("failed", "failed", 4)
    assert "ResumeImport" in job.error
    assert sorted(p.given_name for p in persons(app)) == ["Ana", "Ion"]  # the second batch was rolled back whole
    with app.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.outbox).where(orm.outbox.c.event_type == "PersonCreated")).scalar_one() == 2
    monkeypatch.setattr(transfer, "_run_batch", real)
    with pytest.raises(NotFound):
        transfer.resume_import(job.id, app.uow(), BOB)
    transfer.resume_import(job.id, app.uow(), ALICE)
    with pytest.raises(FailedPrecondition):
        transfer.resume_import(job.id, app.uow(), ALICE)
    run(app, batch_size=4)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.status, job.rows_done, job.rows_accepted) == ("done", 6, 3)
    assert sorted(p.given_name for p in persons(app)) == ["Ana", "Ion", "Mia"]


def test_a_row_the_database_refuses_is_rejected_alone(app, monkeypatch):
    job = start(app)
    real = transfer._write_rows

    def refuse_mia(uow, rows, job_):
        real(uow, rows, job_)  # written, then refused: the batch's rollback, then the row's savepoint, must undo it
        if any(person.given_name == "Mia" for person, _, _ in rows):
            raise ValueError("value too long for type character varying(20)")

    monkeypatch.setattr(transfer, "_write_rows", refuse_mia)
    run(app, batch_size=10)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.status, job.rows_accepted, job.rows_rejected) == ("done", 2, 3)
    [mia] = [r for r in rejects(app, job) if r.raw.startswith("Mia")]
    assert "the database refused the row (ValueError: value too long" in mia.errors[0].message
    assert sorted(p.given_name for p in persons(app)) == ["Ana", "Ion"]
    with app.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.outbox).where(orm.outbox.c.event_type == "PersonCreated")).scalar_one() == 2
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.person_history)).scalar_one() == 2


def test_a_running_job_with_a_live_lease_is_left_alone_and_an_expired_one_is_taken_over(app):
    job = start(app)
    with app.uow() as uow:
        held = uow.imports.get(job.id)
        held.status, held.lease_owner, held.lease_until = "running", "other-worker", utcnow() + timedelta(minutes=1)
        uow.imports.save(held)
        uow.commit()
    assert run(app) == []
    assert transfer.run_job(app.uow, job.id, default_phone_region=None) is None
    [result] = run(app, now=lambda: utcnow() + timedelta(minutes=5))
    assert result.status == "done" and len(persons(app)) == 3


def test_jobs_and_rejects_are_their_owners_own(app):
    job = start(app, dry_run=True)
    run(app)
    for viewer in (BOB, CAROL):
        with pytest.raises(NotFound):
            transfer.get_job(job.id, app.uow(), viewer)
        with pytest.raises(NotFound):
            rejects(app, job, viewer=viewer)
    assert transfer.get_job(job.id, app.uow(), ADMIN).id == job.id
    assert [j.id for j in transfer.list_jobs(app.uow(), BOB, 0, "")[0]] == []
    second = start(app, dry_run=True)
    page, token = transfer.list_jobs(app.uow(), ALICE, 1, "")
    rest, _ = transfer.list_jobs(app.uow(), ALICE, 1, token)
    assert [j.id for j in page + rest] == [second.id, job.id]


def test_start_checks_the_mapping_and_header_before_queueing(app):
    before = counts(app.engine)
    bad_mapping = tr.ColumnMapping((("first", "given_name"), ("last", "nickname")), tr.MappingOptions(encoding="ebcdic"))
    with pytest.raises(InvalidArgument) as caught:
        start(app, mapping=bad_mapping)
    assert {v.field for v in caught.value.violations} == {"columns[1].field", "options.encoding"}
    with pytest.raises(InvalidArgument) as caught:
        start(app, mapping=tr.ColumnMapping((("first", "given_name"),)))
    assert [v.field for v in caught.value.violations] == ["columns[0].column"]
    with pytest.raises(InvalidArgument) as caught:
        start(app, data="")
    assert [v.field for v in caught.value.violations] == ["file"]
    with pytest.raises(InvalidArgument) as caught:
        start(app, mapping_name="nope")
    assert [v.field for v in caught.value.violations] == ["mapping_name"]
    with pytest.raises(InvalidArgument):
        transfer.start_import(transfer.StartImport("xls", b"x"), app.uow(), ALICE)
    assert counts(app.engine) == before


def test_saved_mappings_by_name(app):
    cmd = transfer.SaveMapping("crm-export", "csv", (("Prenume", "given_name"), ("Nume", "family_name"), ("Mobil", "phone.mobile")),
                               tr.MappingOptions(phone_region="RO", encoding="cp1250", delimiter=";"))
    saved = transfer.create_mapping(cmd, app.uow(), ALICE)
    with pytest.raises(AlreadyExists):
        transfer.create_mapping(cmd, app.uow(), ALICE)
    transfer.create_mapping(cmd, app.uow(), BOB)  # names are per user
    transfer.create_mapping(transfer.SaveMapping("another", "vcard", (), tr.MappingOptions()), app.uow(), ALICE)
    with pytest.raises(InvalidArgument) as caught:
        transfer.create_mapping(transfer.SaveMapping("", "pdf", (("a", "b"),), tr.MappingOptions()), app.uow(), ALICE)
    assert {v.field for v in caught.value.violations} == {"name", "format", "columns[0].field"}
    assert transfer.get_mapping("crm-export", app.uow(), ALICE).mapping == saved.mapping
    page, token = transfer.list_mappings(app.uow(), ALICE, 1, "")
    rest, end = transfer.list_mappings(app.uow(), ALICE, 1, token)
    assert [m.name for m in page + rest] == ["another", "crm-export"] and end == ""

    data = "Prenume;Nume;Mobil\nŞtefan;Ţăran;0721 234 567\n".encode("cp1250")
    job = start(app, data=data, mapping_name="crm-export")
    run(app)
    [person] = persons(app)
    assert (person.given_name, person.family_name, person.phones[0].number) == ("Ştefan", "Ţăran", "+40721234567")
    assert transfer.get_job(job.id, app.uow(), ALICE).encoding == "cp1250"

    transfer.delete_mapping("crm-export", app.uow(), ALICE)
    for call in (transfer.get_mapping, transfer.delete_mapping):
        with pytest.raises(NotFound):
            call("crm-export", app.uow(), ALICE)
    assert transfer.get_mapping("crm-export", app.uow(), BOB).owner == "bob"


def test_a_file_uploaded_in_chunks(app):
    data = CSV.encode()
    job = start(app, data=data[:50], chunked=True)
    assert job.status == "uploading" and run(app) == []
    transfer.upload_chunk(job.id, data[50:100], False, app.uow(), ALICE)
    with pytest.raises(NotFound):
        transfer.upload_chunk(job.id, b"", True, app.uow(), BOB)
    with pytest.raises(InvalidArgument):
        transfer.upload_chunk(job.id, data[100:], False, app.uow(), ALICE, max_bytes=len(data) - 1)
    job = transfer.upload_chunk(job.id, data[100:], True, app.uow(), ALICE)
    assert (job.status, job.file_size) == ("queued", len(data))
    with pytest.raises(FailedPrecondition):
        transfer.upload_chunk(job.id, b"more", True, app.uow(), ALICE)
    run(app)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.status, job.rows_total, job.rows_accepted) == ("done", 6, 3)

    broken = start(app, data=b"first,last\n", chunked=True, mapping=tr.ColumnMapping((("given", "given_name"),)))
    with pytest.raises(InvalidArgument):
        transfer.upload_chunk(broken.id, b"Ana,Pop\n", True, app.uow(), ALICE)
    broken = transfer.get_job(broken.id, app.uow(), ALICE)
    assert broken.status == "failed" and "no column 'given'" in broken.error


def test_custom_field_columns_are_validated_and_stored(app):
    custom_fields.create_custom_field(
        custom_fields.CreateCustomField("person", "vat_regime", "choice", cf.DefinitionDraft(label="VAT regime", options=(("normal", "Normal"), ("special", "Special")))),
        app.uow(),
    )
    custom_fields.create_custom_field(custom_fields.CreateCustomField("person", "budget", "number", cf.DefinitionDraft(label="Budget")), app.uow())
    data = "given_name,family_name,cf.vat_regime,cf.budget,cf.unknown\nAna,Pop,normal,12.5,\nIon,Pop,weird,abc,\nMia,Pop,,,x\n"
    job = start(app, data=data)
    run(app)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.rows_accepted, job.rows_rejected) == (1, 2)
    listed = {r.row_number: {(e.column, e.field) for e in r.errors} for r in rejects(app, job)}
    assert listed == {3: {("cf.vat_regime", "custom_fields.vat_regime"), ("cf.budget", "custom_fields.budget")},
                      4: {("cf.unknown", "custom_fields.unknown")}}
    [ana] = persons(app)
    with app.uow() as uow:
        assert uow.custom_values.load("person", [ana.id])[ana.id] == {"vat_regime": "normal", "budget": cf.Decimal("12.5")}
    page = transfer.export_persons(transfer.ExportPersons("csv", columns=("given_name", "cf.vat_regime", "cf.budget")), app.uow(), ALICE)
    assert page.data.decode("utf-8-sig").splitlines() == ["given_name,cf.vat_regime,cf.budget", "Ana,normal,12.5"]


def test_vcard_import(app):
    data = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Pop;Ana;;;\r\nEMAIL;TYPE=HOME:ana@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Broken\r\nTEL:not a number\r\nEND:VCARD\r\n"
    )
    job = transfer.start_import(transfer.StartImport("vcard", data.encode(), "a.vcf"), app.uow(), ALICE)
    assert job.rows_total == 2
    run(app)
    [person] = persons(app)
    assert person.emails[0].kind == "personal"
    [reject] = rejects(app, job)
    assert reject.row_number == 2 and reject.errors[0].field == "phones[0].number" and reject.errors[0].column == "TEL (line 9)"


def test_export_respects_record_level_access_and_pages(app):
    mine = [handlers.create_person(jane(given_name=n, emails=[], phones=[]), app.uow(), ALICE, None) for n in ("A", "B", "C")]
    handlers.create_person(jane(given_name="Bobs", emails=[], phones=[]), app.uow(), BOB, None)
    chunks, token, count = [], "", 0
    while True:
        page = transfer.export_persons(transfer.ExportPersons("csv", columns=("id", "given_name"), page_size=2, page_token=token), app.uow(), ALICE)
        chunks.append(page.data)
        count += page.count
        token = page.next_page_token
        if not token:
            break
    lines = b"".join(chunks).decode("utf-8-sig").splitlines()
    assert lines == ["id,given_name", *(f"{p.id},{p.given_name}" for p in mine)] and count == 3
    bob = transfer.export_persons(transfer.ExportPersons("vcard_3"), app.uow(), BOB).data.decode()
    assert bob.count("BEGIN:VCARD") == 1 and "Bobs" in bob
    queried = transfer.export_persons(transfer.ExportPersons("csv", columns=("given_name",), query='given_name in ("B", "C", "Bobs")', page_size=1), app.uow(), ALICE)
    rest = transfer.export_persons(transfer.ExportPersons("csv", columns=("given_name",), query='given_name in ("B", "C", "Bobs")', page_token=queried.next_page_token), app.uow(), ALICE)
    assert (queried.data + rest.data).decode("utf-8-sig").splitlines() == ["given_name", "B", "C"] and rest.next_page_token == ""
    with pytest.raises(InvalidArgument) as caught:
        transfer.export_persons(transfer.ExportPersons("csv", query="given_nam = 1"), app.uow(), ALICE)
    assert [v.field for v in caught.value.violations] == ["query"]
    with pytest.raises(InvalidArgument) as caught:
        transfer.export_persons(transfer.ExportPersons("pdf", columns=("password",), page_size=-1), app.uow(), ALICE)
    assert {v.field for v in caught.value.violations} >= {"format", "page_size"}


@pytest.mark.parametrize("format_", ["csv", "vcard_3", "vcard_4"])
def test_round_trip_export_then_import_gives_the_same_persons(app, format_):
    originals = [
        handlers.create_person(jane(
            given_name="Ștefan, \"Ștef\"", family_name="Pop; Ionescu", emails=[("s@example.com", "work"), ("p@example.org", "personal")],
            phones=[("+40721234567", "mobile")], salutation="Dear Ștefan", preferred_language="ro", time_zone="Europe/Bucharest",
            addresses=[("home", ["Str. Lungă 1", "Bl. 2"], "400001", "Cluj-Napoca", "CJ", "RO")], birth_date="1980-01-31", tags=["VIP"],
            name_day="12-27", lifecycle="customer", origin=("fair", "Expo 2026", ""),
        ), app.uow(), ALICE, None),
        handlers.create_person(jane(given_name="Ion", family_name="Ionescu", emails=[], phones=[("+40211234567", "fax")]), app.uow(), ALICE, None),
    ]
    exported = transfer.export_persons(transfer.ExportPersons(format_), app.uow(), ALICE).data  # the default columns
    job = transfer.start_import(
        transfer.StartImport("csv" if format_ == "csv" else "vcard", exported, "back", allow_duplicates=True), app.uow(), CAROL
    )
    run(app)
    job = transfer.get_job(job.id, app.uow(), CAROL)
    assert (job.rows_accepted, job.rows_rejected) == (2, 0), rejects(app, job, viewer=CAROL)
    imported = [p for p in persons(app) if p.owner == "carol"]
    fields = ("given_name", "family_name", "emails", "phones", "addresses", "salutation", "preferred_language", "time_zone", "birth_date", "tags")
    if format_ == "csv":  # vCard has no place for these
        fields += ("name_day", "lifecycle", "origin")

    def key(p):
        return {f: getattr(p, f) for f in fields}

    assert sorted(map(key, imported), key=str) == sorted(map(key, originals), key=str)


def test_erasure_hook_forgets_import_rows_naming_a_person(app):
    existing = handlers.create_person(jane(given_name="Ana", family_name="Pop", emails=[("ana@example.com", "work")], phones=[]), app.uow(), ALICE, None)
    job = start(app, dry_run=True)
    run(app)
    assert any(r.candidates and r.candidates[0].get("person_id") == existing.id for r in rejects(app, job))
    with app.uow() as uow:
        uow.imports.forget_person(existing.id)
        uow.commit()
    assert not any(r.candidates and r.candidates[0].get("person_id") == existing.id for r in rejects(app, job))


def test_migration_0008_downgrades_and_upgrades(database_url):
    migrate(database_url)
    command.downgrade(migrations.config(MIGRATIONS, database_url), "0007")
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert not {"import_jobs", "import_rows", "import_chunks", "import_mappings"} & set(sa.inspect(conn).get_table_names())
        migrate(database_url)
        with engine.connect() as conn:
            assert {"import_jobs", "import_rows", "import_chunks", "import_mappings"} <= set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("dry_run", [True, False])
def test_fuzzy_duplicates_within_the_file_are_found_whatever_the_batch_size(app, dry_run):
    data = "given_name,family_name,email\nMaria,Popescu,maria.popescu@gmail.com\nMaria,Popesku,mariapopescu@gmail.com\nIon,Pop,\n"
    counted = []
    for batch_size in (1, 10):
        job = start(app, data=data, dry_run=dry_run, allow_duplicates=True)
        run(app, batch_size=batch_size)
        job = transfer.get_job(job.id, app.uow(), ALICE)
        counted.append((job.rows_accepted, job.rows_duplicate))
        [dup] = rejects(app, job)
        assert dup.row_number == 3 and dup.outcome == "duplicate_allowed"
        assert any(c.get("row") == 2 or c.get("person_id") for c in dup.candidates)
        if not dry_run:
            with app.uow() as uow:  # the next round starts from an empty file of persons again (rows cascade)
                uow.session.execute(sa.delete(orm.persons))
                uow.commit()
    assert counted == [(3, 1), (3, 1)]


def test_rows_naming_an_account_are_linked_to_the_one_the_user_sees(app):
    from crm_contacts.domain.accounts import CreateAccount
    from crm_contacts.service_layer import accounts, relations

    acme = accounts.create_account(CreateAccount({"name": "Acme SRL"}), app.uow(), ALICE)
    accounts.create_account(CreateAccount({"name": "Twin"}), app.uow(), ALICE)
    accounts.create_account(CreateAccount({"name": "twin"}), app.uow(), ALICE)
    accounts.create_account(CreateAccount({"name": "Hidden"}), app.uow(), BOB)
    data = ("given_name,family_name,company,title,role\nAna,Pop,acme srl,Buyer,decision_maker\nIon,Pop,Twin,,\n"
            "Mia,Pop,Hidden,,\nDan,Pop,Acme SRL,,pilot\nEva,Pop,,,\n")
    mapping = tr.ColumnMapping((("given_name", "given_name"), ("family_name", "family_name"), ("company", "account.name"),
                                ("title", "account.position"), ("role", "account.role")))
    job = start(app, data=data, mapping=mapping)
    run(app)
    job = transfer.get_job(job.id, app.uow(), ALICE)
    assert (job.rows_accepted, job.rows_rejected) == (2, 3)
    listed = {r.row_number: [(e.column, e.field, e.message) for e in r.errors] for r in rejects(app, job)}
    assert listed[3] == [("company", "account.name", "2 accounts you can see are named 'Twin'")]
    assert listed[4] == [("company", "account.name", "no account you can see is named 'Hidden'")]
    assert [c for c, f, _ in listed[5]] == ["role"]
    ana = next(p for p in persons(app) if p.given_name == "Ana")
    [link] = relations.list_links(app.uow(), ALICE, person_id=ana.id, include_ended=False, page_size=0, page_token="")[0]
    assert (link.account_id, link.position, link.role) == (acme.id, "Buyer", "decision_maker")
    entries, _ = handlers.list_history(ana.id, app.uow(), ALICE, 0, "")
    assert "Linked to Acme SRL as Buyer, decision maker" in [e.summary for e in entries]


def test_rejected_rows_are_purged_a_month_after_their_job_ended(app):
    job = start(app, dry_run=True)
    run(app)
    assert rejects(app, job)
    run(app, now=lambda: utcnow() + timedelta(days=29))
    assert rejects(app, job)
    run(app, now=lambda: utcnow() + timedelta(days=31))
    assert rejects(app, job) == [] and transfer.get_job(job.id, app.uow(), ALICE).rows_rejected == 2
