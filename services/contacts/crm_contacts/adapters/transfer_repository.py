"""Saved import mappings, import jobs with their file and the rows that need attention; their SQL only here."""
from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.access import Viewer
from crm_contacts.adapters import orm
from crm_contacts.domain.transfer import ImportJob, RowError, RowOutcome, SavedMapping, mapping_from_json, mapping_to_json

_JOB_FIELDS = (
    "owner", "team", "territory", "status", "format", "dry_run", "allow_duplicates", "mapping_name", "file_name",
    "file_size", "encoding", "rows_total", "rows_done", "rows_accepted", "rows_rejected", "rows_duplicate", "error",
    "lease_owner", "lease_until", "created_at", "updated_at", "finished_at",
)


class ImportMappingRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, saved: SavedMapping) -> None:
        self.session.execute(sa.insert(orm.import_mappings).values(id=saved.id, **self._row(saved)))

    @staticmethod
    def _row(saved: SavedMapping) -> dict:
        raw = mapping_to_json(saved.mapping)
        return {
            "owner": saved.owner, "name": saved.name, "format": saved.format, "created_at": saved.created_at, "updated_at": saved.updated_at,
            "columns": json.dumps(raw["columns"], ensure_ascii=False), "options": json.dumps(raw["options"], ensure_ascii=False),
        }

    def by_name(self, owner: str, name: str) -> SavedMapping | None:
        m = orm.import_mappings
        row = self.session.execute(sa.select(m).where(m.c.owner == owner, m.c.name == name)).first()
        return _mapping(row) if row else None

    def list_for(self, owner: str, after: str | None, limit: int) -> list[SavedMapping]:
        """By name, starting after a name."""
        m = orm.import_mappings
        query = sa.select(m).where(m.c.owner == owner)
        if after is not None:
            query = query.where(m.c.name > after)
        return [_mapping(r) for r in self.session.execute(query.order_by(m.c.name).limit(limit))]

    def delete(self, mapping_id: str) -> None:
        self.session.execute(sa.delete(orm.import_mappings).where(orm.import_mappings.c.id == mapping_id))


def _mapping(r) -> SavedMapping:
    mapping = mapping_from_json({"columns": json.loads(r.columns), "options": json.loads(r.options)})
    return SavedMapping(r.id, r.owner, r.name, r.format, mapping, r.created_at, r.updated_at)


class ImportJobRepository:
    def __init__(self, session: Session):
        self.session = session

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: what runs inside is undone alone when it raises (and the error goes on)."""
        with self.session.begin_nested():
            yield

    def add(self, job: ImportJob) -> None:
        self.session.execute(sa.insert(orm.import_jobs).values(id=job.id, **self._row(job)))

    def save(self, job: ImportJob) -> None:
        self.session.execute(sa.update(orm.import_jobs).where(orm.import_jobs.c.id == job.id).values(**self._row(job)))

    @staticmethod
    def _row(job: ImportJob) -> dict:
        row = {name: getattr(job, name) for name in _JOB_FIELDS}
        row["mapping"] = json.dumps(mapping_to_json(job.mapping), ensure_ascii=False)
        return row

    def get(self, job_id: str, *, for_update: bool = False) -> ImportJob | None:
        query = sa.select(orm.import_jobs).where(orm.import_jobs.c.id == job_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        return _job(row) if row else None

    def list_for(self, owner: str | None, after: tuple[datetime, str] | None, limit: int) -> list[ImportJob]:
        """Newest first; `owner` None lists everyone's (admins)."""
        j = orm.import_jobs
        query = sa.select(j)
        if owner is not None:
            query = query.where(j.c.owner == owner)
        if after is not None:
            query = query.where(sa.tuple_(j.c.created_at, j.c.id) < sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        return [_job(r) for r in self.session.execute(query.order_by(j.c.created_at.desc(), j.c.id.desc()).limit(limit))]

    def runnable_ids(self, now: datetime, limit: int = 10) -> list[str]:
        """Queued jobs, and running ones whose worker stopped renewing its lease (it died): oldest first."""
        j = orm.import_jobs
        query = sa.select(j.c.id).where(
            sa.or_(j.c.status == "queued", sa.and_(j.c.status == "running", sa.or_(j.c.lease_until.is_(None), j.c.lease_until < now)))
        )
        return list(self.session.execute(query.order_by(j.c.created_at, j.c.id).limit(limit)).scalars())

    # --- the file, kept in chunks as uploaded ---

    def add_chunk(self, job_id: str, seq: int, data: bytes) -> None:
        self.session.execute(sa.insert(orm.import_chunks).values(job_id=job_id, seq=seq, data=data))

    def chunk_count(self, job_id: str) -> int:
        c = orm.import_chunks
        return self.session.execute(sa.select(sa.func.count()).select_from(c).where(c.c.job_id == job_id)).scalar_one()

    def file(self, job_id: str) -> bytes:
        c = orm.import_chunks
        return b"".join(self.session.execute(sa.select(c.c.data).where(c.c.job_id == job_id).order_by(c.c.seq)).scalars())

    def drop_file(self, job_id: str) -> None:
        """A finished job's file is not kept: it holds personal data nobody needs any more."""
        self.session.execute(sa.delete(orm.import_chunks).where(orm.import_chunks.c.job_id == job_id))

    # --- rows that need attention ---

    def add_rows(self, job_id: str, rows: Sequence[RowOutcome]) -> None:
        if not rows:
            return
        self.session.execute(
            sa.insert(orm.import_rows),
            [
                {
                    "job_id": job_id, "row_number": r.row_number, "outcome": r.outcome, "raw": r.raw, "person_id": r.person_id,
                    "errors": json.dumps([{"column": e.column, "field": e.field, "message": e.message} for e in r.errors], ensure_ascii=False),
                    "candidates": json.dumps(list(r.candidates), ensure_ascii=False),
                }
                for r in rows
            ],
        )

    def rows(self, job_id: str, outcomes: Sequence[str], after: int, limit: int) -> list[RowOutcome]:
        r = orm.import_rows
        query = sa.select(r).where(r.c.job_id == job_id, r.c.row_number > after, r.c.outcome.in_(outcomes))
        return [_row_outcome(x) for x in self.session.execute(query.order_by(r.c.row_number).limit(limit))]

    def all_rows(self, job_id: str) -> Iterator[RowOutcome]:
        r = orm.import_rows
        for x in self.session.execute(sa.select(r).where(r.c.job_id == job_id).order_by(r.c.row_number)):
            yield _row_outcome(x)

    def accounts_named(self, names: set[str], viewer: Viewer) -> dict[str, list[tuple[str, str]]]:
        """(id, name) of the accounts the viewer may see, by lower-cased name, for the names given (lower-cased)."""
        if not names:
            return {}
        a = orm.accounts
        found: dict[str, list[tuple[str, str]]] = {}
        for chunk in _chunks(sorted(names), 500):
            query = sa.select(a.c.id, a.c.name).where(sa.func.lower(a.c.name).in_(chunk), db.visible_to(viewer, a.c.owner, a.c.team, a.c.territory))
            for r in self.session.execute(query.order_by(a.c.id)):
                found.setdefault(r.name.lower(), []).append((r.id, r.name))
        return found

    def purge_rows(self, finished_before: datetime) -> int:
        """Deletes the listed rows (raw personal data) of jobs finished before the time; the jobs and counts stay."""
        j, r = orm.import_jobs, orm.import_rows
        old = sa.select(j.c.id).where(j.c.finished_at < finished_before).scalar_subquery()
        return self.session.execute(sa.delete(r).where(r.c.job_id.in_(old))).rowcount

    def forget_person(self, person_id: str) -> None:
        """Erasure: rows of any import that name the person (written as a duplicate, or a candidate of one)."""
        r = orm.import_rows
        self.session.execute(sa.delete(r).where(sa.or_(r.c.person_id == person_id, r.c.candidates.contains(person_id))))


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _job(r) -> ImportJob:
    values = {name: getattr(r, name) for name in _JOB_FIELDS}
    return ImportJob(id=r.id, mapping=mapping_from_json(json.loads(r.mapping)), **values)


def _row_outcome(x) -> RowOutcome:
    errors = tuple(RowError(e["column"], e["field"], e["message"]) for e in json.loads(x.errors))
    return RowOutcome(x.row_number, x.outcome, x.raw, errors, tuple(json.loads(x.candidates)), x.person_id)
