"""Import and export of persons: saved mappings, import jobs run in batches by the worker, exports by page."""
from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument, NotFound, Violations
from crm_contacts.adapters.duplicates_repository import MAX_BLOCK
from crm_contacts.domain import custom_fields as cf
from crm_contacts.domain import events, matching
from crm_contacts.domain import transfer as tr
from crm_contacts.domain.model import HistoryEntry, Person, utcnow
from crm_contacts.domain.relations import PersonAccountLink
from crm_contacts.service_layer import duplicates, search
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

log = logging.getLogger(__name__)

UowFactory = Callable[[], ContactsUnitOfWork]
SOURCE = "contacts"
DEFAULT_BATCH_SIZE = 500  # CRM_CONTACTS_IMPORT_BATCH_SIZE
DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # CRM_CONTACTS_IMPORT_MAX_BYTES: a whole file, all chunks together
MAX_CHUNK_BYTES = 3 * 1024 * 1024  # one StartImport file or UploadImportChunk: under gRPC's 4 MiB message limit
LEASE = timedelta(seconds=120)
REPORT_RETENTION = timedelta(days=30)  # rejected rows hold personal data: listed for a month after the job ends  # a running job whose worker has not renewed this long is taken over
EXPORT_DEFAULT_PAGE = 1000
DRY_RUN_INDEX_ROWS = 200_000  # a dry run's memory of earlier rows for the fuzzy in-file check (about 1 KB each)
EXPORT_MAX_PAGE = 5000


# --- saved mappings ---

@dataclass(frozen=True)
class SaveMapping:
    name: str
    format: str
    columns: tuple[tuple[str, str], ...]
    options: tr.MappingOptions


def create_mapping(cmd: SaveMapping, uow: ContactsUnitOfWork, viewer: Viewer) -> tr.SavedMapping:
    """A named mapping of the caller's own; ALREADY_EXISTS when they have one of that name."""
    problems = Violations()
    _check_format(cmd.format, problems, "format")
    mapping = tr.validate_mapping(cmd.name, cmd.columns, cmd.options, problems)
    problems.raise_if_any()
    now = utcnow()
    saved = tr.SavedMapping(str(uuid.uuid4()), viewer.subject, cmd.name.strip(), cmd.format, mapping, now, now)
    with uow:
        if uow.import_mappings.by_name(viewer.subject, saved.name) is not None:
            raise AlreadyExists(f"import mapping {saved.name!r} exists already")
        uow.import_mappings.add(saved)
        uow.commit()
    return saved


def get_mapping(name: str, uow: ContactsUnitOfWork, viewer: Viewer) -> tr.SavedMapping:
    with uow:
        saved = uow.import_mappings.by_name(viewer.subject, name.strip())
    if saved is None:
        raise NotFound(f"import mapping {name!r} not found")
    return saved


def list_mappings(uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str) -> tuple[list[tr.SavedMapping], str]:
    size = paging.page_size(page_size)
    after = paging.decode(page_token, 1)
    with uow:
        found = uow.import_mappings.list_for(viewer.subject, str(after[0]) if after else None, size + 1)
    return paging.page(found, size, lambda m: [m.name])


def delete_mapping(name: str, uow: ContactsUnitOfWork, viewer: Viewer) -> None:
    with uow:
        saved = uow.import_mappings.by_name(viewer.subject, name.strip())
        if saved is None:
            raise NotFound(f"import mapping {name!r} not found")
        uow.import_mappings.delete(saved.id)
        uow.commit()


def _check_format(format_: str, problems: Violations, path: str) -> None:
    if format_ not in tr.FORMATS:
        problems.add(path, f"must be one of {', '.join(tr.FORMATS)}")


# --- starting an import ---

@dataclass(frozen=True)
class StartImport:
    format: str
    data: bytes  # the whole file, or its first chunk when `chunked`
    file_name: str = ""
    mapping: tr.ColumnMapping | None = None  # inline
    mapping_name: str = ""  # or saved
    dry_run: bool = False
    allow_duplicates: bool = False
    chunked: bool = False  # more of the file follows in UploadImportChunk calls


def start_import(cmd: StartImport, uow: ContactsUnitOfWork, viewer: Viewer, max_bytes: int = DEFAULT_MAX_BYTES) -> tr.ImportJob:
    """Checks what can be checked before reading the rows (format, mapping, size, the header against the
    mapping) and queues the job for the worker; rows are read and written there, never in this call."""
    problems = Violations()
    _check_format(cmd.format, problems, "format")
    if cmd.mapping is not None and cmd.mapping_name:
        problems.add("mapping_name", "give either mapping or mapping_name")
    mapping = cmd.mapping
    if mapping is not None:
        mapping = tr.validate_mapping(None, mapping.columns, mapping.options, problems)
    if len(cmd.file_name) > 200:
        problems.add("file_name", "must be at most 200 characters")
    if len(cmd.data) > MAX_CHUNK_BYTES:
        problems.add("file", f"must be at most {MAX_CHUNK_BYTES:,} bytes per call; send bigger files in chunks (UploadImportChunk)")
    if not cmd.data and not cmd.chunked:
        problems.add("file", "is empty")
    problems.raise_if_any()
    now = utcnow()
    with uow:
        if cmd.mapping_name:
            saved = uow.import_mappings.by_name(viewer.subject, cmd.mapping_name.strip())
            if saved is None:
                raise InvalidArgument([_violation("mapping_name", f"you have no import mapping named {cmd.mapping_name!r}")])
            if saved.format != cmd.format:
                raise InvalidArgument([_violation("mapping_name", f"{saved.name!r} is a mapping for {saved.format} files, not {cmd.format}")])
            mapping = saved.mapping
        job = tr.ImportJob(
            id=str(uuid.uuid4()), owner=viewer.subject, team=viewer.team, territory=viewer.territory,
            status="uploading" if cmd.chunked else "queued", format=cmd.format, dry_run=cmd.dry_run,
            allow_duplicates=cmd.allow_duplicates, mapping_name=cmd.mapping_name.strip(), mapping=mapping,
            file_name=cmd.file_name.strip(), file_size=len(cmd.data), created_at=now, updated_at=now,
        )
        if not cmd.chunked:
            job.encoding, job.rows_total = _precheck(job, cmd.data, count=True)
        uow.imports.add(job)
        if cmd.data:
            uow.imports.add_chunk(job.id, 0, cmd.data)
        uow.commit()
    return job


def upload_chunk(job_id: str, data: bytes, last: bool, uow: ContactsUnitOfWork, viewer: Viewer, max_bytes: int = DEFAULT_MAX_BYTES) -> tr.ImportJob:
    """Appends a chunk to an import started with `chunked`; the last one queues it (after the same checks as
    StartImport: a file whose header does not fit the mapping fails the job and answers INVALID_ARGUMENT)."""
    if len(data) > MAX_CHUNK_BYTES:
        raise InvalidArgument([_violation("data", f"must be at most {MAX_CHUNK_BYTES:,} bytes per call")])
    with uow:
        job = _visible_job(uow, job_id, viewer, for_update=True)
        if job.status != "uploading":
            raise FailedPrecondition(f"import {job_id} is {job.status}, not uploading: chunks are no longer accepted")
        if job.file_size + len(data) > max_bytes:
            raise InvalidArgument([_violation("data", f"the file would exceed {max_bytes:,} bytes, the limit of one import")])
        if data:
            uow.imports.add_chunk(job.id, uow.imports.chunk_count(job.id), data)
        job.file_size += len(data)
        job.updated_at = utcnow()
        failure = None
        if last:
            try:
                if job.file_size == 0:
                    raise InvalidArgument([_violation("file", "is empty")])
                job.encoding, job.rows_total = _precheck(job, uow.imports.file(job.id), count=False)
                job.status = "queued"
            except InvalidArgument as exc:
                failure = exc
                _fail(job, exc.message)
                uow.imports.drop_file(job.id)
        uow.imports.save(job)
        uow.commit()
    if failure is not None:
        raise failure
    return job


def _violation(field: str, description: str) -> FieldViolation:
    return FieldViolation(field, description)


def _precheck(job: tr.ImportJob, data: bytes, *, count: bool) -> tuple[str, int]:
    """(encoding, rows) of a whole file: a header that does not fit the mapping is INVALID_ARGUMENT now rather
    than a failed job later. Counting the rows reads the file once more (no validation): done here for a file
    sent in one call, by the worker for a chunked one (0 until then)."""
    reader = _reader(job, data)
    return reader.encoding, sum(1 for _ in reader.records) if count else 0


@dataclass
class _Reader:
    encoding: str
    records: Iterator  # CsvRecord or VCard
    draft: Callable[[object], tr.Draft]


def _reader(job: tr.ImportJob, data: bytes) -> _Reader:
    options = job.mapping.options if job.mapping is not None else tr.MappingOptions()
    text, encoding = tr.decode(data, options.encoding)
    if job.format == "vcard":
        return _Reader(encoding, tr.read_vcards(text), lambda card: tr.vcard_draft(card, options))
    try:
        header, records, _delimiter = tr.read_csv(text, options.delimiter)
    except InvalidArgument as exc:
        raise InvalidArgument([replace(v, field="file") for v in exc.violations]) from None
    mapping = job.mapping if job.mapping is not None and job.mapping.columns else tr.auto_mapping(header)
    if job.mapping is not None and not job.mapping.columns:
        mapping = replace(mapping, options=options)
    tr.check_header(header, mapping, "mapping_name" if job.mapping_name else "columns[{i}].column")
    return _Reader(encoding, records, lambda record: tr.csv_draft(record, header, mapping))


# --- reading jobs ---

def _visible_job(uow: ContactsUnitOfWork, job_id: str, viewer: Viewer, *, for_update: bool = False) -> tr.ImportJob:
    job = uow.imports.get(job_id, for_update=for_update) if job_id else None
    if job is None or not job.is_visible_to(viewer):
        raise NotFound(f"import {job_id} not found")
    return job


def get_job(job_id: str, uow: ContactsUnitOfWork, viewer: Viewer) -> tr.ImportJob:
    with uow:
        return _visible_job(uow, job_id, viewer)


def list_jobs(uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str) -> tuple[list[tr.ImportJob], str]:
    size = paging.page_size(page_size)
    before = paging.decode_time_key(page_token)
    with uow:
        jobs = uow.imports.list_for(None if viewer.is_admin else viewer.subject, before, size + 1)
    return paging.page(jobs, size, lambda j: paging.time_key(j.created_at, j.id))


OUTCOME_FILTERS = {
    "": (tr.OUTCOME_REJECTED, tr.OUTCOME_DUPLICATE, tr.OUTCOME_DUPLICATE_ALLOWED),
    "rejected": (tr.OUTCOME_REJECTED,),
    "duplicate": (tr.OUTCOME_DUPLICATE, tr.OUTCOME_DUPLICATE_ALLOWED),
}


def list_rejects(job_id: str, outcome: str, uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str) -> tuple[list[tr.RowOutcome], str]:
    """Rows that were not written (errors, or duplicates) and duplicates written anyway, by row number."""
    if outcome not in OUTCOME_FILTERS:
        raise InvalidArgument([_violation("outcome", "must be empty, rejected or duplicate")])
    size = paging.page_size(page_size)
    after = paging.decode(page_token, 1)
    with uow:
        _visible_job(uow, job_id, viewer)
        rows = uow.imports.rows(job_id, OUTCOME_FILTERS[outcome], int(after[0]) if after else 0, size + 1)
    return paging.page(rows, size, lambda r: [r.row_number])


def resume_import(job_id: str, uow: ContactsUnitOfWork, viewer: Viewer) -> tr.ImportJob:
    """Queues a failed import again; the worker goes on after the last batch it wrote."""
    with uow:
        job = _visible_job(uow, job_id, viewer, for_update=True)
        if job.status != "failed" or uow.imports.chunk_count(job.id) == 0:
            raise FailedPrecondition(f"import {job_id} is {job.status}; only an import stopped by an error with its file kept can resume")
        job.status, job.error, job.finished_at, job.updated_at = "queued", "", None, utcnow()
        uow.imports.save(job)
        uow.commit()
    return job


# --- running an import: the worker's part ---

@dataclass
class RunResult:
    job_id: str
    status: str
    batches: int


def run_pending(
    uow_factory: UowFactory,
    *,
    default_phone_region: str | None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    budget_seconds: float = 30.0,
    pause: Callable[[], None] = lambda: None,
    now: Callable[[], datetime] = utcnow,
) -> list[RunResult]:
    """Runs queued imports (and takes over those whose worker died) until none is left or the time budget is
    spent; a job cut short keeps its position and is taken up again at the next call. The worker's timer calls it."""
    started = time.monotonic()
    results = []
    with uow_factory() as uow:
        if uow.imports.purge_rows(now() - REPORT_RETENTION):
            uow.commit()
        ids = uow.imports.runnable_ids(now())
    for job_id in ids:
        left = budget_seconds - (time.monotonic() - started)
        if left <= 0:
            break
        result = run_job(uow_factory, job_id, default_phone_region=default_phone_region, batch_size=batch_size,
                         budget_seconds=left, pause=pause, now=now)
        if result is not None:
            results.append(result)
    return results


def run_job(
    uow_factory: UowFactory,
    job_id: str,
    *,
    default_phone_region: str | None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    budget_seconds: float = float("inf"),
    pause: Callable[[], None] = lambda: None,
    now: Callable[[], datetime] = utcnow,
    stop_after_batches: int | None = None,
) -> RunResult | None:
    """Claims one job and reads it from its saved position in batches: each batch (its persons, its rejected
    rows, the job's counters and position) is one transaction, so a run cut anywhere resumes without writing
    a row twice or skipping one. None when the job is not runnable or another worker holds it."""
    lease_owner = str(uuid.uuid4())
    with uow_factory() as uow:
        job = uow.imports.get(job_id, for_update=True)
        at = now()
        if job is None or not (job.status == "queued" or (job.status == "running" and (job.lease_until is None or job.lease_until < at))):
            return None
        job.status, job.lease_owner, job.lease_until, job.updated_at = "running", lease_owner, at + LEASE, at
        uow.imports.save(job)
        uow.commit()
        data = uow.imports.file(job.id)
    try:
        reader = _reader(job, data)
    except InvalidArgument as exc:  # checked at start; only a changed mapping or library could bring this
        return _finish_failed(uow_factory, job_id, lease_owner, exc.message, keep_file=False)
    if job.rows_total == 0 and job.rows_done == 0:
        job.rows_total = sum(1 for _ in _reader(job, data).records)
        with uow_factory() as uow:
            current = uow.imports.get(job_id, for_update=True)
            if current is None or current.lease_owner != lease_owner:
                return None
            current.rows_total = job.rows_total
            uow.imports.save(current)
            uow.commit()
    seen_keys: dict[str, int] = {}
    in_file = _EarlierRows()
    if job.rows_done:
        # Resuming: the rows already done are read again (not written) so that a later row that repeats one of
        # them is still found to be an in-file duplicate, as in a run that was never cut.
        with uow_factory() as uow:
            validate_custom = _custom_validator(uow)
        for record in itertools.islice(reader.records, job.rows_done):
            draft = reader.draft(record)
            person = tr.build_person(draft, job.owner_viewer, _region(job, default_phone_region), validate_custom)
            if person is not None:
                _in_file_duplicates(person, draft.number, seen_keys)
                if job.dry_run:
                    in_file.add(draft.number, matching.Probe.of(person))
    records = reader.records
    batches = 0
    started = time.monotonic()
    while True:
        batch = list(itertools.islice(records, batch_size))
        try:
            with uow_factory() as uow:
                current = uow.imports.get(job_id, for_update=True)
                if current is None or current.lease_owner != lease_owner or current.status != "running":
                    return None  # taken over by another worker after our lease ran out
                try:
                    _run_batch(uow, current, [reader.draft(r) for r in batch], seen_keys, in_file, default_phone_region)
                except Exception:
                    # A row the database refuses (a rule no validation knew of): the batch again, each row on its
                    # own savepoint, so that only that row is rejected. Anything else fails this attempt too.
                    log.warning("import %s: a batch failed, retrying it row by row", job_id, exc_info=True)
                    uow.rollback()  # the batch's writes and the events of its persons
                    current = uow.imports.get(job_id, for_update=True)
                    if current is None or current.lease_owner != lease_owner or current.status != "running":
                        return None
                    _run_batch(uow, current, [reader.draft(r) for r in batch], seen_keys, in_file, default_phone_region, careful=True)
                current.lease_until, current.updated_at = now() + LEASE, now()
                if not batch:
                    current.status, current.finished_at, current.lease_owner, current.lease_until = "done", now(), "", None
                    current.rows_total = current.rows_done
                    uow.imports.drop_file(current.id)
                    uow.record(events.ImportCompleted(current))
                uow.imports.save(current)
                uow.commit()
        except Exception as exc:
            log.exception("import %s failed", job_id)
            return _finish_failed(uow_factory, job_id, lease_owner, f"stopped by an internal error ({type(exc).__name__}); ResumeImport goes on", keep_file=True)
        batches += 1
        if not batch:
            return RunResult(job_id, "done", batches)
        pause()
        if time.monotonic() - started > budget_seconds or (stop_after_batches is not None and batches >= stop_after_batches):
            _release(uow_factory, job_id, lease_owner)
            return RunResult(job_id, "running", batches)


def _run_batch(
    uow: ContactsUnitOfWork, job: tr.ImportJob, drafts: Sequence[tr.Draft], seen_keys: dict[str, int], in_file: _EarlierRows,
    region: str | None, *, careful: bool = False,
) -> None:
    """Validates each row as CreatePerson does, checks it for duplicates, writes the good ones (unless a dry run)
    and records the others; counts everything on the job.

    Duplicates: against the stored persons (one lookup for the batch), against the rows written before it in the
    same batch (`in_file`; a real run finds the earlier batches' rows stored, a dry run keeps them in `in_file`
    for up to DRY_RUN_INDEX_ROWS rows), and by exact email or phone against every earlier row (`seen_keys`)."""
    validate_custom = _custom_validator(uow)
    owner = job.owner_viewer
    built = [(draft, tr.build_person(draft, owner, _region(job, region), validate_custom)) for draft in drafts]
    accounts = uow.imports.accounts_named({d.account_name.lower() for d, p in built if p is not None and d.account_name}, owner)
    built = [(draft, person, _account_link(draft, person, accounts)) for draft, person in built]
    built = [(draft, None if draft.errors else person, link) for draft, person, link in built]
    stored = _stored_duplicates(uow, [p for _, p, _ in built if p is not None], owner, uow.duplicate_threshold)
    if not job.dry_run:
        in_file.clear()
    outcomes: list[tr.RowOutcome] = []
    accepted: list[tuple[Person, tuple[PersonAccountLink, str] | None, int]] = []  # written together after the loop
    for draft, person, link in built:
        job.rows_done += 1
        if person is None:
            job.rows_rejected += 1
            outcomes.append(tr.RowOutcome(draft.number, tr.OUTCOME_REJECTED, draft.raw, tuple(draft.errors)))
            continue
        probe = matching.Probe.of(person)
        candidates = _in_file_duplicates(person, draft.number, seen_keys)
        exact_rows = {c["row"] for c in candidates}
        candidates += [c for c in in_file.matches(probe, uow.duplicate_threshold, job.dry_run) if c["row"] not in exact_rows]
        candidates += [_candidate(m) for m in stored.get(person.id, ())]
        if candidates:
            job.rows_duplicate += 1
            if not job.allow_duplicates:
                outcomes.append(tr.RowOutcome(draft.number, tr.OUTCOME_DUPLICATE, draft.raw, (), tuple(candidates)))
                continue
        if careful and not job.dry_run:
            failure = _store_alone(uow, person, link, job, draft.number)
            if failure:
                job.rows_duplicate -= bool(candidates)
                job.rows_rejected += 1
                outcomes.append(tr.RowOutcome(draft.number, tr.OUTCOME_REJECTED, draft.raw, (tr.RowError("", "", failure),)))
                continue
        elif not job.dry_run:
            accepted.append((person, link, draft.number))
        job.rows_accepted += 1
        in_file.add(draft.number, probe)
        if candidates:
            outcomes.append(tr.RowOutcome(draft.number, tr.OUTCOME_DUPLICATE_ALLOWED, draft.raw, (), tuple(candidates), "" if job.dry_run else person.id))
    # Nothing in the loop reads what the batch writes (duplicates were looked up before it, earlier rows of the
    # batch are matched in memory), so its rows go in one write: one multi-row insert per table.
    _write_rows(uow, accepted, job)
    uow.imports.add_rows(job.id, outcomes)


def _store_alone(uow: ContactsUnitOfWork, person: Person, link, job: tr.ImportJob, number: int) -> str:
    """Writes one row on a savepoint of its own (a batch the database refused, done again row by row); "" when
    done, else the row's error: the database's refusal (its events are dropped with it)."""
    try:
        with uow.imports.savepoint():
            _write_rows(uow, [(person, link, number)], job)
    except Exception as exc:
        log.warning("import %s: row %d could not be stored", job.id, number, exc_info=True)
        person.events.clear()
        if link is not None:
            link[0].events.clear()
        return f"the database refused the row ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
    return ""


def _write_rows(uow: ContactsUnitOfWork, rows: Sequence[tuple[Person, tuple[PersonAccountLink, str] | None, int]], job: tr.ImportJob) -> None:
    """What create_person writes for each row's person (and LinkPersonToAccount for a row naming an account),
    for a whole batch at once: each table in one multi-row insert."""
    if not rows:
        return
    persons = [person for person, _, _ in rows]
    uow.persons.add_many(persons)
    uow.custom_values.add_many("person", {p.id: p.custom_fields for p in persons})
    source = f" from {job.file_name}" if job.file_name else ""
    history = [
        HistoryEntry.new(p.id, "PersonCreated", f"{p.display_name} imported by {job.owner}{source} (row {number})", SOURCE, p.created_at)
        for p, _, number in rows
    ]
    account_history: list[HistoryEntry] = []
    for person, link, _ in rows:
        if link is not None:
            _add_link(uow, person, *link, history, account_history)
    uow.history.add_many(history)
    uow.account_history.add_many(account_history)


def _account_link(draft: tr.Draft, person: Person | None, accounts: dict[str, list[tuple[str, str]]]) -> tuple[PersonAccountLink, str] | None:
    """(link, account name) for a row naming an account: the one account of that name the importing user may see.
    None or several is an error of the row (CSV), or no link (a vCard's ORG)."""
    if person is None or not draft.account_name:
        return None
    found = accounts.get(draft.account_name.lower(), [])
    column = draft.account_sources.get("name", "")
    if len(found) != 1:
        if draft.account_required:
            why = "no account you can see is" if not found else f"{len(found)} accounts you can see are"
            draft.error(column, "account.name", f"{why} named {draft.account_name[:100]!r}")
        return None
    account_id, name = found[0]
    try:
        return PersonAccountLink.create(person.id, account_id, dict(draft.account_fields)), name
    except InvalidArgument as exc:
        for v in exc.violations:
            draft.error(draft.account_sources.get(v.field, column), f"account.{v.field}", v.description)
        return None


def _add_link(
    uow: ContactsUnitOfWork, person: Person, link: PersonAccountLink, account_name: str,
    history: list[HistoryEntry], account_history: list[HistoryEntry],
) -> None:
    """What LinkPersonToAccount writes for a new person (who has no other link to check); the dossier lines are
    added to the batch's."""
    uow.relations.add_link(link)
    parts = [p for p in (link.position, link.role.replace("_", " ")) if p]
    described = f" as {', '.join(parts)}" if parts else ""
    history.append(HistoryEntry.new(person.id, "PersonLinkedToAccount", f"Linked to {account_name}{described}", SOURCE))
    account_history.append(
        HistoryEntry.new(link.account_id, "PersonLinkedToAccount", f"{person.display_name} linked{described}", SOURCE, mentions_person_id=person.id)
    )


def _candidate(m: matching.Match) -> dict:
    return {"person_id": m.person_id, "score": round(m.score, 3), "reasons": list(m.reasons), "display_name": m.display_name}


def _stored_duplicates(uow: ContactsUnitOfWork, persons: Sequence[Person], viewer: Viewer, threshold: float) -> dict[str, list[matching.Match]]:
    """duplicates.find for a whole batch at once: the blocks of every row's keys in one lookup, the candidates
    in one load, then each row scored against the candidates sharing a key with it (what find does per row)."""
    probes = [matching.Probe.of(p) for p in persons]
    keys_of = {probe.id: matching.blocking_keys(probe) for probe in probes}
    blocks = uow.match_keys.blocks(set().union(*keys_of.values())) if probes else {}
    ids = sorted({i for block in blocks.values() for i in block})
    known = {c.probe.id: c.probe for c in uow.match_keys.candidates(ids, viewer)}
    found = {}
    for probe in probes:
        mine = sorted({i for key in keys_of[probe.id] for i in blocks.get(key, ())} & known.keys())
        found[probe.id] = matching.rank(probe, (known[i] for i in mine), threshold)[:duplicates.MAX_CANDIDATES]
    return found


class _EarlierRows:
    """Rows accepted so far and not yet stored, by blocking key: what the database check would find for the rows
    after them if each row were its own transaction."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], list[tuple[int, matching.Probe]]] = {}
        self.rows = 0

    def clear(self) -> None:
        self.by_key.clear()
        self.rows = 0

    def add(self, number: int, probe: matching.Probe) -> None:
        if self.rows >= DRY_RUN_INDEX_ROWS:
            return
        self.rows += 1
        for key in matching.blocking_keys(probe):
            self.by_key.setdefault(key, []).append((number, probe))

    def matches(self, probe: matching.Probe, threshold: float, dry_run: bool) -> list[dict]:
        # A key shared by more than MAX_BLOCK rows says little (a common name) and is skipped, as the stored check does.
        blocks = [block for key in matching.blocking_keys(probe) if len(block := self.by_key.get(key, ())) <= MAX_BLOCK]
        rows = {p.id: n for block in blocks for n, p in block}
        probes = {p.id: p for block in blocks for _, p in block}
        out = []
        for m in matching.rank(probe, probes.values(), threshold)[:duplicates.MAX_CANDIDATES]:
            candidate = _candidate(m) | {"row": rows[m.person_id]}
            if dry_run:
                candidate["person_id"] = ""  # nothing was written
            out.append(candidate)
        return out


def _custom_validator(uow: ContactsUnitOfWork) -> tr.CustomValidator | None:
    """The custom fields area's validation with the person definitions of now; None when there are none."""
    definitions = uow.custom_fields.definitions("person")
    if not definitions:
        return None
    return lambda raw, problems: cf.validate_values(definitions, raw, problems, entity="person")


def _region(job: tr.ImportJob, default: str | None) -> str | None:
    return (job.mapping.options.phone_region if job.mapping is not None else "") or default


def _in_file_duplicates(person: Person, number: int, seen_keys: dict[str, int]) -> list[dict]:
    """Earlier rows of the same file with the same email or phone (a dry run writes nothing for the database check
    to find; a real run's earlier batches are found there as well)."""
    found: dict[int, list[str]] = {}
    for key in tr.duplicate_keys(person):
        row = seen_keys.get(key)
        if row is not None and row != number:
            found.setdefault(row, []).append(f"same {key.split(':', 1)[0]} as row {row}")
        seen_keys.setdefault(key, number)
    return [{"row": row, "score": 1.0, "reasons": reasons} for row, reasons in sorted(found.items())]


def _fail(job: tr.ImportJob, message: str) -> None:
    job.status, job.error, job.finished_at, job.lease_owner, job.lease_until = "failed", message[:2000], utcnow(), "", None


def _finish_failed(uow_factory: UowFactory, job_id: str, lease_owner: str, message: str, *, keep_file: bool) -> RunResult | None:
    """Marks the job failed; its file is kept when the failure was ours (ResumeImport), dropped when the file is."""
    with uow_factory() as uow:
        job = uow.imports.get(job_id, for_update=True)
        if job is None or job.lease_owner != lease_owner:
            return None
        _fail(job, message)
        if not keep_file:
            uow.imports.drop_file(job.id)
        uow.record(events.ImportCompleted(job))
        uow.imports.save(job)
        uow.commit()
    return RunResult(job_id, "failed", 0)


def _release(uow_factory: UowFactory, job_id: str, lease_owner: str) -> None:
    """Gives a job cut short by the time budget back, so that the next sweep (of any worker) goes on with it."""
    with uow_factory() as uow:
        job = uow.imports.get(job_id, for_update=True)
        if job is not None and job.lease_owner == lease_owner and job.status == "running":
            job.lease_owner, job.lease_until = "", None
            uow.imports.save(job)
            uow.commit()


# --- export ---

@dataclass(frozen=True)
class ExportPersons:
    format: str  # csv, vcard_3, vcard_4
    columns: tuple[str, ...] = ()
    query: str = ""
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class ExportPage:
    data: bytes
    count: int
    next_page_token: str
    content_type: str


def export_persons(cmd: ExportPersons, uow: ContactsUnitOfWork, viewer: Viewer) -> ExportPage:
    """One page of the persons the viewer may see, as CSV (the header on the first page only) or vCards; pages
    concatenated make the file. `query` is the search language (SearchPersons'); empty: every visible person."""
    problems = Violations()
    if cmd.format not in tr.EXPORT_FORMATS:
        problems.add("format", f"must be one of {', '.join(tr.EXPORT_FORMATS)}")
    if cmd.page_size < 0 or cmd.page_size > EXPORT_MAX_PAGE:
        problems.add("page_size", f"must be between 0 and {EXPORT_MAX_PAGE}")
    size = cmd.page_size or EXPORT_DEFAULT_PAGE
    after = paging.decode_time_key(cmd.page_token) if cmd.page_token else None
    with uow:
        definitions = {d.key: d for d in uow.custom_fields.definitions("person")}
        columns = tr.validate_export_columns(cmd.columns, definitions, problems) if cmd.format == "csv" else ()
        problems.raise_if_any()
        if cmd.query.strip():
            ids = search.matching_ids(uow, viewer, "person", cmd.query, after, size + 1)
            persons = [p for p in uow.persons.get_many(ids) if p.is_visible_to(viewer) and p.erased_at is None and not p.merged_into]  # perf: one read
        else:
            persons = uow.persons.list_visible(viewer, after, size + 1)
        page, token = paging.page(persons, size, lambda p: paging.time_key(p.created_at, p.id))
        values = uow.custom_values.load("person", [p.id for p in page]) if any(c.startswith("cf.") for c in columns) else {}
    if cmd.format == "csv":
        def custom_text(person: Person, key: str) -> str:
            value = values.get(person.id, {}).get(key)
            return "" if value is None or key not in definitions else cf.format_text_value(definitions[key], value)

        data = tr.csv_chunk(page, columns, header=not cmd.page_token, custom_text=custom_text)
        return ExportPage(data, len(page), token, "text/csv; charset=utf-8")
    version = "3.0" if cmd.format == "vcard_3" else "4.0"
    return ExportPage(tr.vcard_chunk(page, version), len(page), token, "text/vcard; charset=utf-8")
