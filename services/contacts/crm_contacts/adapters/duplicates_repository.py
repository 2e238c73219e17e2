"""Storage of duplicate detection and merges: match keys, scans, pairs and merge lineage."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.access import Viewer
from crm_contacts.adapters import orm
from crm_contacts.domain.matching import AccountProbe, Address, Probe, account_blocking_keys, blocking_keys
from crm_contacts.domain.merge import DuplicatePair, DuplicateScan, MergeRecord, decode, encode

# A key shared by more persons than this says nothing (a city's main post office code, "ion|p"): it is skipped,
# which keeps both the online check and the batch scan linear in the number of persons.
MAX_BLOCK = 200


def write_match_keys(session: Session, person) -> None:
    """Replaces a person's blocking keys; tombstones and erased persons have none (they are never candidates).

    Called by PersonRepository.save, so that every write of a person keeps its keys current.
    """
    write_match_keys_many(session, [person])


def write_match_keys_many(session: Session, persons: Sequence, *, new: bool = False) -> None:
    """write_match_keys for many persons in one delete and one insert; `new` persons have no keys yet, so only
    the insert is sent (PersonRepository.add_many: an import's batch)."""
    k = orm.person_match_keys
    if not new:
        session.execute(sa.delete(k).where(k.c.person_id.in_([p.id for p in persons])))
    rows = [
        {"person_id": p.id, "kind": kind, "key": key}
        for p in persons if not p.merged_into and p.erased_at is None
        for kind, key in sorted(blocking_keys(Probe.of(p)))
    ]
    if rows:
        session.execute(sa.insert(k), rows)


def write_account_match_keys(session: Session, account) -> None:
    """Replaces an account's blocking keys; called by AccountRepository.add/save."""
    k = orm.account_match_keys
    session.execute(sa.delete(k).where(k.c.account_id == account.id))
    keys = account_blocking_keys(AccountProbe.of(account)) if not account.merged_into else set()  # a tombstone is no candidate
    if keys:
        session.execute(sa.insert(k), [{"account_id": account.id, "kind": kind, "key": key} for kind, key in sorted(keys)])


@dataclass(frozen=True)
class Candidate:
    """A live person as matching sees it, with what record-level access needs."""

    probe: Probe
    owner: str
    team: str
    territory: str


class MatchKeyRepository:
    def __init__(self, session: Session):
        self.session = session

    def candidate_ids(self, keys: Iterable[tuple[str, str]], limit: int = MAX_BLOCK) -> list[str]:
        """Persons sharing at least one of the keys; a key shared by more than `limit` persons is ignored."""
        return sorted({i for ids in self.blocks(keys, limit).values() for i in ids})

    def blocks(self, keys: Iterable[tuple[str, str]], limit: int = MAX_BLOCK) -> dict[tuple[str, str], list[str]]:
        """The persons of each key (one indexed query per kind and chunk); keys with more than `limit` are left out."""
        k = orm.person_match_keys
        by_kind: dict[str, set[str]] = defaultdict(set)
        for kind, key in keys:
            by_kind[kind].add(key)
        # One query for the few keys of an online check; chunks of at most 500 keys of one kind for a scan batch.
        conditions = [
            sa.and_(k.c.kind == kind, k.c.key.in_(chunk)) for kind, values in sorted(by_kind.items()) for chunk in _chunks(sorted(values), 500)
        ]
        groups = [conditions] if sum(len(v) for v in by_kind.values()) <= 500 else [[c] for c in conditions]
        found: dict[tuple[str, str], list[str]] = defaultdict(list)
        for group in groups:
            # Oversized blocks are counted in the database, not shipped (a city's postal code holds thousands).
            size = sa.func.count().over(partition_by=(k.c.kind, k.c.key)).label("size")
            inner = sa.select(k.c.kind, k.c.key, k.c.person_id, size).where(sa.or_(*group)).subquery()
            for r in self.session.execute(sa.select(inner.c.kind, inner.c.key, inner.c.person_id).where(inner.c.size <= limit)):
                found[(r.kind, r.key)].append(r.person_id)
        return dict(found)

    def candidate_pairs(self, after: str, last: str, kinds: Iterable[str], limit: int = MAX_BLOCK) -> list[tuple[str, str]]:
        """The scan's blocking in one query: (a, b) with a among the persons whose ids are in (after, last], b > a,
        sharing a key of these kinds that at most `limit` persons hold. The database joins the keys, so a batch
        costs one round trip however many keys it has; blocks are counted only for the batch's own keys."""
        k, m = orm.person_match_keys, orm.person_match_keys.alias("m")
        batch = sa.select(k.c.person_id, k.c.kind, k.c.key).where(
            k.c.person_id > after, k.c.person_id <= last, k.c.kind.in_(sorted(set(kinds)))
        ).cte("batch")
        wanted = sa.select(batch.c.kind, batch.c.key).distinct().subquery("wanted")
        small = (
            sa.select(m.c.kind, m.c.key)
            .join(wanted, sa.and_(m.c.kind == wanted.c.kind, m.c.key == wanted.c.key))
            .group_by(m.c.kind, m.c.key)
            .having(sa.func.count() <= limit)
            .cte("small")
        )
        other = orm.person_match_keys.alias("other")
        query = (
            sa.select(batch.c.person_id.label("a"), other.c.person_id.label("b"))
            .join(small, sa.and_(small.c.kind == batch.c.kind, small.c.key == batch.c.key))
            .join(other, sa.and_(other.c.kind == batch.c.kind, other.c.key == batch.c.key, other.c.person_id > batch.c.person_id))
            .distinct()
        )
        return [(r.a, r.b) for r in self.session.execute(query)]

    def candidates(self, ids: Sequence[str], viewer: Viewer | None = None) -> list[Candidate]:
        """The live persons among `ids` (visible to `viewer` when given) with their matching data, in id order."""
        if not ids:
            return []
        p = orm.persons
        query = sa.select(p.c.id, p.c.given_name, p.c.family_name, p.c.owner, p.c.team, p.c.territory).where(
            p.c.id.in_(list(ids)), p.c.merged_into == "", p.c.erased_at.is_(None)
        )
        if viewer is not None:
            query = query.where(db.visible_to(viewer, p.c.owner, p.c.team, p.c.territory))
        rows = self.session.execute(query.order_by(p.c.id)).all()
        return self._with_parts(rows)

    def scan_batch(self, after: str, limit: int, *, without_keys: bool = False) -> list[Candidate]:
        """Live persons in id order after `after`: the batch scan reads the whole file this way.

        `without_keys`: only those that have no match keys (written before migration 0007).
        """
        p, k = orm.persons, orm.person_match_keys
        query = sa.select(p.c.id, p.c.given_name, p.c.family_name, p.c.owner, p.c.team, p.c.territory).where(
            p.c.id > after, p.c.merged_into == "", p.c.erased_at.is_(None)
        )
        if without_keys:
            query = query.where(~sa.exists().where(k.c.person_id == p.c.id))
        rows = self.session.execute(query.order_by(p.c.id).limit(limit)).all()
        # The batch is a range of ids: its parts are read by range too (no list of 2,000 ids to send and compile).
        return self._with_parts(rows, lambda column: sa.and_(column > after, column <= rows[-1].id) if rows else sa.false())

    def _with_parts(self, rows, where=None) -> list[Candidate]:
        ids = [r.id for r in rows]
        if not ids:
            return []
        where = where or (lambda column: column.in_(ids))
        emails, phones, addresses = defaultdict(list), defaultdict(list), defaultdict(list)
        e, ph, a = orm.person_emails, orm.person_phones, orm.person_addresses
        for r in self.session.execute(sa.select(e.c.person_id, e.c.address).where(where(e.c.person_id)).order_by(e.c.person_id, e.c.position)):
            emails[r.person_id].append(r.address)
        for r in self.session.execute(sa.select(ph.c.person_id, ph.c.number).where(where(ph.c.person_id)).order_by(ph.c.person_id, ph.c.position)):
            phones[r.person_id].append(r.number)
        query = sa.select(a.c.person_id, a.c.lines, a.c.postal_code, a.c.city, a.c.country).where(where(a.c.person_id)).order_by(
            a.c.person_id, a.c.position
        )
        for r in self.session.execute(query):
            addresses[r.person_id].append(Address(tuple(json.loads(r.lines)), r.postal_code, r.city, r.country))
        return [
            Candidate(
                Probe(
                    r.id, r.given_name, r.family_name, tuple(emails[r.id]), tuple(phones[r.id]), tuple(addresses[r.id]),
                    display_name=" ".join(x for x in (r.given_name, r.family_name) if x),
                ),
                r.owner, r.team, r.territory,
            )
            for r in rows
        ]

    def add_keys(self, keys: dict[str, set[tuple[str, str]]]) -> None:
        """Keys of persons that have none yet (written before migration 0007, or bulk-loaded), in one insert."""
        rows = [{"person_id": pid, "kind": kind, "key": key} for pid, found in keys.items() for kind, key in sorted(found)]
        if rows:
            self.session.execute(sa.insert(orm.person_match_keys), rows)

    def refresh_statistics(self) -> None:
        """After many keys were written at once (PostgreSQL): the scan's join is planned from the statistics, and
        stale ones (a table that looks empty) make it loop over every key pair."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(sa.text("ANALYZE person_match_keys"))

    def forget_person(self, person_id: str) -> None:
        """Erasure: the keys are personal data (normalised emails, phones, names)."""
        self.session.execute(sa.delete(orm.person_match_keys).where(orm.person_match_keys.c.person_id == person_id))


class AccountMatchKeyRepository:
    def __init__(self, session: Session):
        self.session = session

    def candidate_ids(self, keys: Iterable[tuple[str, str]], limit: int = MAX_BLOCK) -> list[str]:
        """Accounts sharing at least one key (one query); a key shared by more than `limit` accounts is ignored."""
        k = orm.account_match_keys
        by_kind: dict[str, set[str]] = defaultdict(set)
        for kind, key in keys:
            by_kind[kind].add(key)
        if not by_kind:
            return []
        size = sa.func.count().over(partition_by=(k.c.kind, k.c.key)).label("size")
        condition = sa.or_(*(sa.and_(k.c.kind == kind, k.c.key.in_(sorted(values))) for kind, values in by_kind.items()))
        inner = sa.select(k.c.account_id, size).where(condition).subquery()
        return sorted(set(self.session.execute(sa.select(inner.c.account_id).where(inner.c.size <= limit)).scalars()))

    def candidates(self, ids: Sequence[str], viewer: Viewer | None = None) -> list[AccountProbe]:
        """The accounts among `ids` (visible to `viewer` when given) as matching sees them."""
        if not ids:
            return []
        a, r, w, ph, em = orm.accounts, orm.account_registrations, orm.account_websites, orm.account_phones, orm.account_emails
        query = sa.select(a.c.id, a.c.name, a.c.legal_name).where(a.c.id.in_(list(ids)), a.c.merged_into == "")
        if viewer is not None:
            query = query.where(db.visible_to(viewer, a.c.owner, a.c.team, a.c.territory))
        rows = self.session.execute(query.order_by(a.c.id)).all()
        found = [r_.id for r_ in rows]
        registrations, websites, phones, emails = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
        if found:
            for x in self.session.execute(sa.select(r.c.account_id, r.c.kind, r.c.value).where(r.c.account_id.in_(found))):
                registrations[x.account_id].append((x.kind, x.value))
            for x in self.session.execute(sa.select(w.c.account_id, w.c.url).where(w.c.account_id.in_(found))):
                websites[x.account_id].append(x.url)
            for x in self.session.execute(sa.select(ph.c.account_id, ph.c.number).where(ph.c.account_id.in_(found))):
                phones[x.account_id].append(x.number)
            for x in self.session.execute(sa.select(em.c.account_id, em.c.address).where(em.c.account_id.in_(found))):
                emails[x.account_id].append(x.address)
        return [
            AccountProbe(x.id, x.name, x.legal_name, tuple(registrations[x.id]), tuple(websites[x.id]), tuple(phones[x.id]), tuple(emails[x.id]),
                         display_name=x.name)
            for x in rows
        ]


class DuplicateRepository:
    """Scans, pairs and merge lineage."""

    def __init__(self, session: Session):
        self.session = session

    # --- scans ---
    def add_scan(self, scan: DuplicateScan) -> None:
        self.session.execute(sa.insert(orm.duplicate_scans).values(**_scan_row(scan)))

    def save_scan(self, scan: DuplicateScan) -> None:
        s = orm.duplicate_scans
        self.session.execute(sa.update(s).where(s.c.id == scan.id).values(**_scan_row(scan)))

    def get_scan(self, scan_id: str, *, for_update: bool = False) -> DuplicateScan | None:
        s = orm.duplicate_scans
        query = sa.select(s).where(s.c.id == scan_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        return _scan(row) if row else None

    def next_pending_scan(self, stalled_before: datetime) -> DuplicateScan | None:
        """The oldest queued scan, or a running one without progress since `stalled_before` (its worker died)."""
        s = orm.duplicate_scans
        stalled = sa.and_(s.c.status == "running", s.c.progressed_at < stalled_before)
        query = sa.select(s).where(sa.or_(s.c.status == "pending", stalled)).order_by(s.c.requested_at, s.c.id).limit(1)
        row = self.session.execute(query.with_for_update(skip_locked=True)).first()
        return _scan(row) if row else None

    # --- pairs ---
    def upsert_pairs(self, pairs: Sequence[DuplicatePair]) -> int:
        """Records found pairs; an existing open pair gets the new score, a dismissed or merged one stays as decided.

        Returns how many pairs are new.
        """
        if not pairs:
            return 0
        d = orm.duplicate_pairs
        existing = {}
        for chunk in _chunks(sorted({p.person_a for p in pairs}), 500):
            for r in self.session.execute(sa.select(d.c.id, d.c.person_a, d.c.person_b, d.c.status).where(d.c.person_a.in_(chunk))):
                existing[(r.person_a, r.person_b)] = r
        new = []
        for pair in pairs:
            row = existing.get((pair.person_a, pair.person_b))
            if row is None:
                new.append(_pair_row(pair))
            elif row.status == "open":
                self.session.execute(
                    sa.update(d).where(d.c.id == row.id).values(score=pair.score, reasons=json.dumps(list(pair.reasons)), scan_id=pair.scan_id)
                )
        if new:
            self.session.execute(sa.insert(d), new)
        return len(new)

    def get_pair(self, pair_id: str, *, for_update: bool = False) -> DuplicatePair | None:
        d = orm.duplicate_pairs
        query = sa.select(d).where(d.c.id == pair_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        return _pair(row) if row else None

    def save_pair(self, pair: DuplicatePair) -> None:
        d = orm.duplicate_pairs
        self.session.execute(sa.update(d).where(d.c.id == pair.id).values(**_pair_row(pair)))

    def list_pairs(self, viewer: Viewer, status: str, min_score: float, after: tuple[float, str] | None, limit: int) -> list[DuplicatePair]:
        """Pairs whose two persons the viewer may both see, best score first (keyset on score desc, id)."""
        d, a, b = orm.duplicate_pairs, orm.persons.alias("a"), orm.persons.alias("b")
        query = (
            sa.select(d)
            .join(a, a.c.id == d.c.person_a)
            .join(b, b.c.id == d.c.person_b)
            .where(
                d.c.status == status, d.c.score >= min_score,
                db.visible_to(viewer, a.c.owner, a.c.team, a.c.territory),
                db.visible_to(viewer, b.c.owner, b.c.team, b.c.territory),
            )
        )
        if after is not None:
            score, pair_id = after
            query = query.where(sa.or_(d.c.score < score, sa.and_(d.c.score == score, d.c.id > pair_id)))
        rows = self.session.execute(query.order_by(d.c.score.desc(), d.c.id).limit(limit)).all()
        return [_pair(r) for r in rows]

    def display_names(self, ids: Sequence[str]) -> dict[str, str]:
        p = orm.persons
        rows = self.session.execute(sa.select(p.c.id, p.c.given_name, p.c.family_name).where(p.c.id.in_(list(ids)))) if ids else []
        return {r.id: " ".join(x for x in (r.given_name, r.family_name) if x) for r in rows}

    def mark_pairs_merged(self, survivor_id: str, merged_ids: Sequence[str], by: str, at: datetime) -> list[str]:
        """Open pairs among the merged records become `merged`; returns their ids (for undo)."""
        d = orm.duplicate_pairs
        ids = [survivor_id, *merged_ids]
        found = self.session.execute(
            sa.select(d.c.id).where(d.c.status == "open", d.c.person_a.in_(ids), d.c.person_b.in_(ids))
        ).scalars().all()
        if found:
            self.session.execute(sa.update(d).where(d.c.id.in_(found)).values(status="merged", decided_by=by, decided_at=at))
        return list(found)

    def reopen_pairs(self, pair_ids: Sequence[str]) -> None:
        d = orm.duplicate_pairs
        if pair_ids:
            self.session.execute(sa.update(d).where(d.c.id.in_(list(pair_ids))).values(status="open", decided_by="", decided_at=None))

    # --- merges (of persons, or of accounts: MergeRecord.kind) ---
    def add_merge(self, merge: MergeRecord) -> None:
        self.session.execute(sa.insert(_MERGES[merge.kind]).values(**_merge_row(merge)))

    def save_merge(self, merge: MergeRecord) -> None:
        m = _MERGES[merge.kind]
        self.session.execute(sa.update(m).where(m.c.id == merge.id).values(**_merge_row(merge)))

    def get_merge(self, merge_id: str, *, for_update: bool = False, kind: str = "person") -> MergeRecord | None:
        m = _MERGES[kind]
        query = sa.select(m).where(m.c.id == merge_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        return _merge(row, kind) if row else None

    def account_history_ids(self, account_id: str) -> list[str]:
        h = orm.account_history
        return list(self.session.execute(sa.select(h.c.id).where(h.c.account_id == account_id)).scalars())

    def move_account_history(self, entry_ids: Sequence[str], account_id: str) -> None:
        h = orm.account_history
        for chunk in _chunks(list(entry_ids), 500):
            self.session.execute(sa.update(h).where(h.c.id.in_(chunk)).values(account_id=account_id))

    def account_owned_product_ids(self, account_id: str) -> list[str]:
        o = orm.owned_products
        return list(self.session.execute(sa.select(o.c.id).where(o.c.account_id == account_id)).scalars())

    def move_account_owned_products(self, product_ids: Sequence[str], account_id: str) -> None:
        o = orm.owned_products
        for chunk in _chunks(list(product_ids), 500):
            self.session.execute(sa.update(o).where(o.c.id.in_(chunk)).values(account_id=account_id))

    def child_account_ids(self, account_id: str) -> list[str]:
        a = orm.accounts
        return list(self.session.execute(sa.select(a.c.id).where(a.c.parent_id == account_id)).scalars())

    def set_parent(self, account_ids: Sequence[str], parent_id: str, *, only_under: str) -> None:
        """Undo: children the merge moved under the survivor go back (those still under it)."""
        a = orm.accounts
        for chunk in _chunks(list(account_ids), 500):
            self.session.execute(sa.update(a).where(a.c.id.in_(chunk), a.c.parent_id == only_under).values(parent_id=parent_id))

    def moved_history_ids(self, person_id: str) -> list[str]:
        """Erasure of a merged record: the ids of its own dossier lines its merges moved to their survivors."""
        m = orm.person_merges
        query = sa.select(m.c.snapshot).where(m.c.merged_ids.like(f'%"{person_id}"%'), m.c.snapshot.is_not(None))
        return [i for snapshot in self.session.execute(query).scalars() for i in json.loads(snapshot).get("history", {}).get(person_id, [])]

    def history_ids(self, person_id: str) -> list[str]:
        h = orm.person_history
        return list(self.session.execute(sa.select(h.c.id).where(h.c.person_id == person_id)).scalars())

    def move_history(self, entry_ids: Sequence[str], person_id: str) -> None:
        h = orm.person_history
        for chunk in _chunks(list(entry_ids), 500):
            self.session.execute(sa.update(h).where(h.c.id.in_(chunk)).values(person_id=person_id))

    def owned_product_ids(self, person_id: str) -> list[str]:
        o = orm.owned_products
        return list(self.session.execute(sa.select(o.c.id).where(o.c.person_id == person_id)).scalars())

    def move_owned_products(self, product_ids: Sequence[str], person_id: str) -> None:
        o = orm.owned_products
        for chunk in _chunks(list(product_ids), 500):
            self.session.execute(sa.update(o).where(o.c.id.in_(chunk)).values(person_id=person_id))

    def relation_rows(self, record_ids: Sequence[str], kind: str = "person") -> dict[str, list[dict]]:
        """Every link and relation naming one of the records (persons or accounts), whole and JSON-ready: read
        before a merge re-points them, so that an undo can point back the rows that moved and re-create the ones
        it dropped."""
        found: dict[str, list[dict]] = {}
        for table, columns in _RELATION_COLUMNS[kind].items():
            condition = sa.or_(*(c.in_(list(record_ids)) for c in columns(table)))
            rows = self.session.execute(sa.select(table).where(condition).order_by(table.c.id)).all() if record_ids else []
            found[table.name] = [{k: encode(v) for k, v in r._mapping.items()} for r in rows]
        return found

    def missing_relation_ids(self, rows: dict[str, list[dict]], kind: str = "person") -> list[str]:
        """The ids of those rows that no longer exist (the merge dropped them)."""
        missing: list[str] = []
        for table in _RELATION_COLUMNS[kind]:
            ids = [r["id"] for r in rows.get(table.name, [])]
            present: set[str] = set()
            for chunk in _chunks(ids, 500):
                present.update(self.session.execute(sa.select(table.c.id).where(table.c.id.in_(chunk))).scalars())
            missing.extend(i for i in ids if i not in present)
        return missing

    def restore_relation_rows(self, rows: dict[str, list[dict]], dropped: Sequence[str], merged_ids: Sequence[str], kind: str = "person") -> None:
        """Undo: rows the merge dropped come back as they were; moved rows that still exist name the merged records
        again (a row removed by someone after the merge stays removed)."""
        dropped_ids, merged = set(dropped), set(merged_ids)
        for table, columns in _RELATION_COLUMNS[kind].items():
            for raw in rows.get(table.name, []):
                row = {k: decode(v, {}) for k, v in raw.items()}
                exists = self.session.execute(sa.select(table.c.id).where(table.c.id == row["id"])).first() is not None
                if row["id"] in dropped_ids and not exists:
                    self.session.execute(sa.insert(table).values(**row))
                elif exists:
                    back = {c.key: row[c.key] for c in columns(table) if row[c.key] in merged}
                    if back:
                        self.session.execute(sa.update(table).where(table.c.id == row["id"]).values(**back))

    def point_relations_back(self, person_id: str, refs: dict[str, list]) -> None:
        """Undo of a merge made before its snapshot kept whole relation rows (only the ids of the moved ones)."""
        pa, pr = orm.person_accounts, orm.person_relations
        for chunk in _chunks(list(refs.get("person_accounts", [])), 500):
            self.session.execute(sa.update(pa).where(pa.c.id.in_(chunk)).values(person_id=person_id))
        for relation_id, column in refs.get("person_relations", []):
            self.session.execute(sa.update(pr).where(pr.c.id == relation_id).values({column: person_id}))

    def forget_person(self, person_id: str) -> None:
        """Erasure: pairs naming the person go; merges that involved it keep their ids (lineage) but lose the
        snapshot, which holds the person's data, so they can no longer be undone."""
        d, m = orm.duplicate_pairs, orm.person_merges
        self.session.execute(sa.delete(d).where(sa.or_(d.c.person_a == person_id, d.c.person_b == person_id)))
        involved = sa.or_(m.c.survivor_id == person_id, m.c.merged_ids.like(f'%"{person_id}"%'))
        self.session.execute(sa.update(m).where(involved).values(snapshot=None))
        # Other merges' snapshots may hold the person's relations to their records (whose spouse it was) and its
        # job titles at their accounts: gone too, as erasure removes them from the tables (undo cannot bring them back).
        for table in _MERGES.values():
            query = sa.select(table.c.id, table.c.snapshot).where(table.c.snapshot.like(f'%"{person_id}"%'))
            for merge_id, raw in self.session.execute(query).all():
                snapshot = json.loads(raw)
                rows = snapshot.get("relation_rows", {})
                rows["person_relations"] = [r for r in rows.get("person_relations", []) if person_id not in (r["person_id"], r["related_person_id"])]
                for link in rows.get("person_accounts", []):
                    if link["person_id"] == person_id:
                        link["position"] = ""
                if rows:
                    snapshot["relation_rows"] = rows
                self.session.execute(sa.update(table).where(table.c.id == merge_id).values(snapshot=json.dumps(snapshot, ensure_ascii=False)))


# The columns of each relation table that name a person, or an account.
_RELATION_COLUMNS = {
    "person": {
        orm.person_accounts: lambda t: (t.c.person_id,),
        orm.person_relations: lambda t: (t.c.person_id, t.c.related_person_id),
    },
    "account": {
        orm.person_accounts: lambda t: (t.c.account_id,),
        orm.account_relations: lambda t: (t.c.account_id, t.c.related_account_id),
    },
}
_MERGES = {"person": orm.person_merges, "account": orm.account_merges}


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _scan_row(scan: DuplicateScan) -> dict:
    return {
        "id": scan.id, "status": scan.status, "min_score": scan.min_score, "requested_by": scan.requested_by,
        "requested_at": scan.requested_at, "started_at": scan.started_at, "finished_at": scan.finished_at,
        "persons_scanned": scan.persons_scanned, "pairs_found": scan.pairs_found, "error": scan.error,
        "position": scan.position, "progressed_at": scan.progressed_at,
    }


def _scan(r) -> DuplicateScan:
    return DuplicateScan(
        id=r.id, status=r.status, min_score=r.min_score, requested_by=r.requested_by, requested_at=r.requested_at,
        started_at=r.started_at, finished_at=r.finished_at, persons_scanned=r.persons_scanned, pairs_found=r.pairs_found, error=r.error,
        position=r.position, progressed_at=r.progressed_at,
    )


def _pair_row(pair: DuplicatePair) -> dict:
    return {
        "id": pair.id, "person_a": pair.person_a, "person_b": pair.person_b, "score": pair.score,
        "reasons": json.dumps(list(pair.reasons)), "status": pair.status, "scan_id": pair.scan_id, "found_at": pair.found_at,
        "decided_by": pair.decided_by, "decided_at": pair.decided_at,
    }


def _pair(r) -> DuplicatePair:
    return DuplicatePair(
        id=r.id, person_a=r.person_a, person_b=r.person_b, score=r.score, reasons=tuple(json.loads(r.reasons)), status=r.status,
        scan_id=r.scan_id, found_at=r.found_at, decided_by=r.decided_by, decided_at=r.decided_at,
    )


def _merge_row(merge: MergeRecord) -> dict:
    return {
        "id": merge.id, "survivor_id": merge.survivor_id, "merged_ids": json.dumps(list(merge.merged_ids)),
        "snapshot": None if merge.snapshot is None else json.dumps(merge.snapshot, ensure_ascii=False),
        "survivor_version": merge.survivor_version, "merged_by": merge.merged_by, "merged_at": merge.merged_at,
        "undone_by": merge.undone_by, "undone_at": merge.undone_at,
    }


def _merge(r, kind: str = "person") -> MergeRecord:
    return MergeRecord(kind=kind,
        id=r.id, survivor_id=r.survivor_id, merged_ids=tuple(json.loads(r.merged_ids)),
        snapshot=None if r.snapshot is None else json.loads(r.snapshot), survivor_version=r.survivor_version,
        merged_by=r.merged_by, merged_at=r.merged_at, undone_by=r.undone_by, undone_at=r.undone_at,
    )
