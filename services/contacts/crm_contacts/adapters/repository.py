"""Loading and saving persons and their dossier; the only place that writes their SQL."""
from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.access import Viewer
from crm_contacts.adapters import orm
from crm_contacts.adapters.custom_fields_repository import _value as custom_value  # one reading of a stored value
from crm_contacts.adapters.duplicates_repository import write_match_keys, write_match_keys_many
from crm_contacts.adapters.search_index import index_person, index_persons
from crm_contacts.domain.classification import Origin
from crm_contacts.domain.model import Anniversary, Consent, EmailAddress, HistoryEntry, Person, PhoneNumber, PostalAddress
from crm_contacts.domain.owned_products import OwnedProduct

# The lists of a person, each replaced whole when the person is saved.
_PARTS = (orm.person_emails, orm.person_phones, orm.person_addresses, orm.person_consents, orm.person_anniversaries, orm.person_tags)


class PersonRepository:
    def __init__(self, session: Session, seen: list):
        self.session = session
        self.seen = seen

    def add(self, person: Person) -> None:
        self.add_many([person])

    def add_many(self, persons: Sequence[Person]) -> None:
        """New persons, each table written by one multi-row insert for them all: an import's batch of 500 costs
        about ten statements instead of ten per person."""
        if not persons:
            return
        self.session.execute(sa.insert(orm.persons), [{"id": p.id, "created_at": p.created_at, **self._row(p)} for p in persons])
        self._insert_parts(persons)
        index_persons(self.session, persons, new=True)  # search: the name words `name ~ "..."` finds (search helper)
        write_match_keys_many(self.session, persons, new=True)  # duplicates: the blocking keys of the online check and the scan
        self.seen.extend(persons)

    def save(self, person: Person) -> None:
        """Writes a changed person back: its row, and its lists replaced whole; counts the version up (the etag)."""
        person.version += 1
        self.session.execute(sa.update(orm.persons).where(orm.persons.c.id == person.id).values(**self._row(person)))
        for table in _PARTS:
            self.session.execute(sa.delete(table).where(table.c.person_id == person.id))
        self._insert_parts([person])
        index_person(self.session, person)  # search: the name words `name ~ "..."` finds (search helper)
        write_match_keys(self.session, person)  # duplicates: the blocking keys of the online check and the scan

    @staticmethod
    def _row(person: Person) -> dict:
        return {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "owner": person.owner,
            "team": person.team,
            "territory": person.territory,
            "updated_at": person.updated_at,
            "salutation": person.salutation,
            "preferred_language": person.preferred_language,
            "time_zone": person.time_zone,
            "birth_date": person.birth_date,
            "name_day": person.name_day,
            "lifecycle": person.lifecycle,
            "origin_kind": person.origin.kind,
            "origin_detail": person.origin.detail,
            "origin_campaign_id": person.origin.campaign_id,
            "erased_at": person.erased_at,
            "merged_into": person.merged_into,
            "version": person.version,
        }

    def _insert_parts(self, persons: Sequence[Person]) -> None:
        """The lists of these persons: one multi-row insert per table, whatever the number of persons."""
        rows: dict[sa.Table, list[dict]] = {table: [] for table in _PARTS}
        for person in persons:
            pid = person.id
            rows[orm.person_emails] += [{"person_id": pid, "position": i, "address": e.address, "kind": e.kind} for i, e in enumerate(person.emails)]
            rows[orm.person_phones] += [{"person_id": pid, "position": i, "number": p.number, "kind": p.kind} for i, p in enumerate(person.phones)]
            rows[orm.person_addresses] += [
                {
                    "person_id": pid, "position": i, "kind": a.kind, "lines": json.dumps(list(a.lines), ensure_ascii=False),
                    "postal_code": a.postal_code, "city": a.city, "region": a.region, "country": a.country,
                }
                for i, a in enumerate(person.addresses)
            ]
            rows[orm.person_consents] += [
                {"person_id": pid, "channel": c.channel, "purpose": c.purpose, "granted": c.granted, "source": c.source, "recorded_at": c.recorded_at}
                for c in person.consents
            ]
            rows[orm.person_anniversaries] += [{"person_id": pid, "position": i, "label": a.label, "date": a.date} for i, a in enumerate(person.anniversaries)]
            rows[orm.person_tags] += [{"person_id": pid, "position": i, "tag": t} for i, t in enumerate(person.tags)]
        for table, table_rows in rows.items():
            if table_rows:
                self.session.execute(sa.insert(table), table_rows)

    def get(self, person_id: str, *, for_update: bool = False, viewer: Viewer | None = None) -> Person | None:
        """`for_update` locks the row until the transaction ends, so that concurrent changes queue up
        instead of overwriting each other (SQLite's transactions already take the write lock). With a `viewer`,
        a person they may not see is not loaded at all (None, as for a missing one)."""
        access, params = None, {"id": person_id}
        if viewer is not None and not viewer.is_admin:
            access = (bool(viewer.team), bool(viewer.territory))
            params.update(subject=viewer.subject, team=viewer.team, territory=viewer.territory)
        rows = self.session.connection().execute(_person_by_id(for_update, access), params).all()
        if not rows:
            return None
        if for_update:
            return self._load_rows(rows)[0]
        return self._assemble(rows[:1], (r for r in rows if r.kind is not None))[0]  # no lists: one row of NULLs

    def get_many(self, person_ids: Sequence[str]) -> list[Person]:
        """The persons of these ids that exist, in the order asked for, in two round trips whatever their number."""
        rows, order = [], {person_id: i for i, person_id in enumerate(dict.fromkeys(person_ids))}
        ids = list(order)
        for start in range(0, len(ids), _BATCH):
            rows += self.session.connection().execute(_PERSONS_BY_IDS, {"ids": ids[start:start + _BATCH]}).all()
        return self._load_rows(sorted(rows, key=lambda r: order[r.id]))

    def merged_into_ids(self, person_id: str) -> list[str]:
        """The tombstones of the records merged into this one."""
        p = orm.persons
        return list(self.session.execute(sa.select(p.c.id).where(p.c.merged_into == person_id).order_by(p.c.id)).scalars())

    def linked_records(self, person_id: str) -> tuple[list[str], list[str]]:
        """Erasure: the accounts a person is linked to and the persons related to them, whose dossiers may name them."""
        pa, pr = orm.person_accounts, orm.person_relations
        accounts = self.session.execute(sa.select(pa.c.account_id).where(pa.c.person_id == person_id).distinct()).scalars().all()
        related = sa.select(pr.c.related_person_id).where(pr.c.person_id == person_id)
        relating = sa.select(pr.c.person_id).where(pr.c.related_person_id == person_id)
        persons = self.session.execute(sa.union(related, relating)).scalars().all()
        return list(accounts), [p for p in persons if p != person_id]

    def exists(self, person_id: str, *, include_erased: bool = True) -> bool:
        query = sa.select(orm.persons.c.id).where(orm.persons.c.id == person_id)
        if not include_erased:
            query = query.where(orm.persons.c.erased_at.is_(None))
        return self.session.execute(query).first() is not None

    def list_visible(self, viewer: Viewer, after: tuple[datetime, str] | None, limit: int) -> list[Person]:
        """Persons the viewer may see, in creation order, starting after a keyset position; erased persons and
        merged records (tombstones) are left out."""
        p = orm.persons
        query = sa.select(p).where(db.visible_to(viewer, p.c.owner, p.c.team, p.c.territory), p.c.erased_at.is_(None), p.c.merged_into == "")
        if after is not None:
            query = query.where(sa.tuple_(orm.persons.c.created_at, orm.persons.c.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        return self._load(query.order_by(orm.persons.c.created_at, orm.persons.c.id).limit(limit))

    def _load(self, query) -> list[Person]:
        return self._load_rows(self.session.execute(query).all())

    def _load_rows(self, rows: Sequence[sa.Row]) -> list[Person]:
        """Persons from their rows and every list they hold, read in one statement for the whole batch."""
        if not rows:
            return []
        ids = list(dict.fromkeys(r.id for r in rows))
        children = (
            row for start in range(0, len(ids), _BATCH)
            for row in self.session.connection().execute(_CHILDREN_OF_MANY, {"ids": ids[start:start + _BATCH]})
        )
        return self._assemble(rows, children)

    def _assemble(self, rows: Sequence[sa.Row], children: Iterable[sa.Row]) -> list[Person]:
        """Persons from their rows and the rows of their lists (in the union's shape, ordered)."""
        parts: dict[str, tuple[list, ...]] = {r.id: ([], [], [], [], [], [], {}) for r in rows}
        for c in children:
            emails, phones, addresses, consents, anniversaries, tags, custom = parts[c.person_id]
            kind = c.kind
            if kind == _EMAIL:
                emails.append(EmailAddress(c.t1, c.t2))
            elif kind == _PHONE:
                phones.append(PhoneNumber(c.t1, c.t2))
            elif kind == _ADDRESS:
                addresses.append(PostalAddress(c.t1, tuple(json.loads(c.t2)), c.t3, c.t4, c.t5, c.t6))
            elif kind == _CONSENT:
                consents.append(Consent(c.t1, c.t2, c.flag, c.t3, c.moment))
            elif kind == _ANNIVERSARY:
                anniversaries.append(Anniversary(c.t1, c.day))
            elif kind == _TAG:
                tags.append(c.t1)
            else:  # custom fields: values of active fields, as CustomValueRepository.load reads them
                value = custom_value(_CustomRow(c.t3, c.t1, c.t2, c.day, c.flag))
                custom[c.sort_key] = (*custom.get(c.sort_key, ()), value) if c.t3 == "multi_choice" else value
        persons = []
        for r in rows:
            emails, phones, addresses, consents, anniversaries, tags, custom = parts[r.id]
            persons.append(Person(
                id=r.id,
                given_name=r.given_name,
                family_name=r.family_name,
                emails=emails,
                phones=phones,
                consents=sorted(consents, key=lambda c: c.order),
                owner=r.owner,
                team=r.team,
                territory=r.territory,
                created_at=r.created_at,
                updated_at=r.updated_at,
                salutation=r.salutation,
                preferred_language=r.preferred_language,
                time_zone=r.time_zone,
                addresses=addresses,
                birth_date=r.birth_date,
                name_day=r.name_day,
                anniversaries=anniversaries,
                tags=tuple(tags),
                lifecycle=r.lifecycle,
                origin=Origin(r.origin_kind, r.origin_detail, r.origin_campaign_id),
                erased_at=r.erased_at,
                merged_into=r.merged_into,
                version=r.version,
                custom_fields=custom,  # custom fields
            ))
        self.seen.extend(persons)
        return persons


# Reading persons. A person's lists live in seven tables; reading them one statement each cost a round trip, a
# statement compilation and a SQL span apiece, most of a GetPerson's time. They are read instead in one UNION ALL
# whose rows carry each table's columns in shared slots (t1..t6 text, day, flag, moment), tagged by `kind`; the
# statements are built once, so that a call only binds its parameters.
_EMAIL, _PHONE, _ADDRESS, _CONSENT, _ANNIVERSARY, _TAG, _CUSTOM = range(7)
_BATCH = 500  # ids per statement: bound parameters stay well under every backend's limit
_SLOTS = ("t1", "t2", "t3", "t4", "t5", "t6")


class _CustomRow(NamedTuple):
    type: str
    text_value: str | None
    currency: str | None
    date_value: date | None
    bool_value: bool | None


def _children_branch(kind: int, person_id, match, *, sort_key=None, position=None, texts=(), day=None, flag=None, moment=None):
    """One table's rows in the union's shape; the first branch's NULLs are typed, so results are read as their type."""
    def typed(value, type_):
        return sa.cast(sa.null(), type_) if value is None else value

    columns = [
        sa.literal_column(str(kind), sa.Integer).label("kind"),
        person_id.label("person_id"),
        (sa.literal_column("''", sa.String) if sort_key is None else sort_key).label("sort_key"),
        (sa.literal_column("0", sa.Integer) if position is None else position).label("position"),
        *(typed(texts[i] if i < len(texts) else None, sa.String).label(name) for i, name in enumerate(_SLOTS)),
        typed(day, sa.Date).label("day"),
        typed(flag, sa.Boolean).label("flag"),
        typed(moment, db.UtcDateTime()).label("moment"),
    ]
    return sa.select(*columns).where(match(person_id))


def _children(match, *, ordered: bool = True) -> sa.CompoundSelect:
    e, ph, a, c, an, t = orm.person_emails, orm.person_phones, orm.person_addresses, orm.person_consents, orm.person_anniversaries, orm.person_tags
    v, d = orm.custom_values, orm.custom_field_definitions
    union = sa.union_all(
        _children_branch(_EMAIL, e.c.person_id, match, position=e.c.position, texts=(e.c.address, e.c.kind)),
        _children_branch(_PHONE, ph.c.person_id, match, position=ph.c.position, texts=(ph.c.number, ph.c.kind)),
        _children_branch(
            _ADDRESS, a.c.person_id, match, position=a.c.position,
            texts=(a.c.kind, a.c.lines, a.c.postal_code, a.c.city, a.c.region, a.c.country),
        ),
        _children_branch(_CONSENT, c.c.person_id, match, texts=(c.c.channel, c.c.purpose, c.c.source), flag=c.c.granted, moment=c.c.recorded_at),
        _children_branch(_ANNIVERSARY, an.c.person_id, match, position=an.c.position, texts=(an.c.label,), day=an.c.date),
        _children_branch(_TAG, t.c.person_id, match, position=t.c.position, texts=(t.c.tag,)),
        _children_branch(
            _CUSTOM, v.c.entity_id, match, sort_key=v.c.key, position=v.c.position, texts=(v.c.text_value, v.c.currency, d.c.type),
            day=v.c.date_value, flag=v.c.bool_value,
        ).join_from(v, d, d.c.id == v.c.field_id).where(v.c.entity == "person", d.c.retired_at.is_(None)),
    )
    if not ordered:
        return union
    cols = union.selected_columns
    return union.order_by(cols.kind, cols.person_id, cols.sort_key, cols.position)


_CHILDREN_OF_MANY = _children(lambda person_id: person_id.in_(sa.bindparam("ids", expanding=True)))
_PERSONS_BY_IDS = sa.select(orm.persons).where(orm.persons.c.id.in_(sa.bindparam("ids", expanding=True)))


@functools.cache
def _person_by_id(for_update: bool, access: tuple[bool, bool] | None) -> sa.Select:
    """`PersonRepository.get`'s statement, built once per shape: to read, the person's row joined to the rows of
    its lists, so that a GetPerson is one round trip; to change, the locked row alone. `access` (whether the viewer
    has a team, a territory; None: no check, or an admin) puts db.visible_to's rule in the WHERE clause, on bound
    parameters, so that one statement serves every viewer of that shape.

    A locking read must not carry the lists: PostgreSQL, having waited for the lock, re-reads the locked row but
    keeps the joined rows of the snapshot taken before the wait, so a change made by the lock's holder (a consent
    set meanwhile) would be missing and then overwritten. The lists are read after the lock, by a new statement."""
    p = orm.persons
    query = sa.select(p).where(p.c.id == sa.bindparam("id"))
    if not for_update:
        lists = _children(lambda person_id: person_id == sa.bindparam("id"), ordered=False).subquery("lists")
        query = (
            sa.select(p, *(c for c in lists.c if c.name != "person_id"), lists.c.person_id)
            .select_from(p.outerjoin(lists, lists.c.person_id == p.c.id))
            .where(p.c.id == sa.bindparam("id"))
            .order_by(lists.c.kind, lists.c.sort_key, lists.c.position)
        )
    if access is not None:
        has_team, has_territory = access
        clauses = [p.c.owner == sa.bindparam("subject")]
        if has_team:
            clauses.append(p.c.team == sa.bindparam("team"))
        if has_territory:
            clauses.append(p.c.territory == sa.bindparam("territory"))
        query = query.where(sa.or_(*clauses))
    return query.with_for_update() if for_update else query


class HistoryRepository:
    """A dossier: person_history by default; accounts use the same class on account_history (owner column account_id).
    The entries' `person_id` holds the owner's id either way."""

    def __init__(self, session: Session, table: sa.Table = orm.person_history, owner_column: str = "person_id"):
        self.session = session
        self.table = table
        self.owner_column = owner_column

    def add(self, entry: HistoryEntry) -> None:
        self.add_many([entry])

    def add_many(self, entries: Sequence[HistoryEntry]) -> None:
        """Dossier lines in one multi-row insert (an import's batch)."""
        if entries:
            self.session.execute(sa.insert(self.table), [
                {"id": e.id, "kind": e.kind, "summary": e.summary, "source": e.source, "occurred_at": e.occurred_at, self.owner_column: e.person_id,
                 "mentions_person_id": e.mentions_person_id or None}
                for e in entries
            ])

    def list_for(self, person_id: str, before: tuple[datetime, str] | None, limit: int) -> list[HistoryEntry]:
        """Newest first, starting before a keyset position."""
        h = self.table
        query = sa.select(h).where(h.c[self.owner_column] == person_id)
        if before is not None:
            query = query.where(sa.tuple_(h.c.occurred_at, h.c.id) < sa.tuple_(sa.literal(before[0]), sa.literal(before[1])))
        rows = self.session.execute(query.order_by(h.c.occurred_at.desc(), h.c.id.desc()).limit(limit)).all()
        return [
            HistoryEntry(r.id, r._mapping[self.owner_column], r.kind, r.summary, r.source, r.occurred_at, r.mentions_person_id or "")
            for r in rows
        ]

    def forget_person(self, person_id: str) -> None:
        """Erasure: the whole dossier goes (its lines may quote personal data)."""
        self.session.execute(sa.delete(orm.person_history).where(orm.person_history.c.person_id == person_id))

    def forget_entries(self, entry_ids: Sequence[str]) -> None:
        """Erasure of a merged record: its own lines that a merge moved into the survivor's dossier."""
        h = self.table
        ids = list(entry_ids)
        for start in range(0, len(ids), 500):
            self.session.execute(sa.delete(h).where(h.c.id.in_(ids[start:start + 500])))

    def rewrite_mentions(self, person_id: str, rewrite: Callable[[str, str], str]) -> int:
        """Erasure: every line of another dossier that names this person (its `mentions_person_id`) gets
        `rewrite(kind, summary)` as its text; the id stays (it is not personal data). Returns how many."""
        h = self.table
        rows = self.session.execute(sa.select(h.c.id, h.c.kind, h.c.summary).where(h.c.mentions_person_id == person_id)).all()
        for r in rows:
            self.session.execute(sa.update(h).where(h.c.id == r.id).values(summary=rewrite(r.kind, r.summary)))
        return len(rows)

    def scrub(self, texts: list[str], owner_ids: list[str] | None = None, replacement: str = "[erased]") -> None:
        """Erasure's fallback for lines written before lines recorded whom they name (migration 0011) and left
        unresolved by its backfill (`mentions_person_id` ""): replaces each text (longest first) in those lines
        of these dossiers (None: every dossier). Lines written since are rewritten exactly (`rewrite_mentions`)."""
        if owner_ids is not None and not owner_ids:
            return
        h, owner = self.table, self.table.c[self.owner_column]
        for text in sorted({t for t in texts if t}, key=len, reverse=True):
            query = sa.update(h).where(h.c.mentions_person_id == "", h.c.summary.contains(text, autoescape=True))
            if owner_ids is not None:
                query = query.where(owner.in_(owner_ids))
            self.session.execute(query.values(summary=sa.func.replace(h.c.summary, text, replacement)))


class OutboxEraser:
    """Erasure: events already written about a person carry personal data in their payloads."""

    def __init__(self, session: Session):
        self.session = session

    def forget_aggregate(self, aggregate_type: str, aggregate_id: str) -> int:
        o = orm.outbox
        return self.session.execute(sa.delete(o).where(o.c.aggregate_type == aggregate_type, o.c.aggregate_id == aggregate_id)).rowcount


class OwnedProductRepository:
    def __init__(self, session: Session, seen: list):
        self.session = session
        self.seen = seen

    def add(self, product: OwnedProduct) -> None:
        self.session.execute(sa.insert(orm.owned_products).values(id=product.id, created_at=product.created_at, **self._row(product)))
        self.seen.append(product)

    def save(self, product: OwnedProduct) -> None:
        self.session.execute(sa.update(orm.owned_products).where(orm.owned_products.c.id == product.id).values(**self._row(product)))

    @staticmethod
    def _row(product: OwnedProduct) -> dict:
        return {
            "person_id": product.person_id or None, "account_id": product.account_id or None, "product_id": product.product_id,
            "name": product.name, "quantity": product.quantity, "purchased_on": product.purchased_on, "active": product.active,
            "source": product.source, "updated_at": product.updated_at,
        }

    def get(self, product_id: str, *, for_update: bool = False) -> OwnedProduct | None:
        query = sa.select(orm.owned_products).where(orm.owned_products.c.id == product_id)
        found = self._load(query.with_for_update() if for_update else query)
        return found[0] if found else None

    def list_for(
        self, *, person_id: str = "", account_id: str = "", active_only: bool = False, after: tuple[datetime, str] | None, limit: int
    ) -> list[OwnedProduct]:
        """One owner's products in the order they were added, starting after a keyset position."""
        o = orm.owned_products
        query = sa.select(o).where(o.c.person_id == person_id if person_id else o.c.account_id == account_id)
        if active_only:
            query = query.where(o.c.active.is_(True))
        if after is not None:
            query = query.where(sa.tuple_(o.c.created_at, o.c.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        return self._load(query.order_by(o.c.created_at, o.c.id).limit(limit))

    def repoint_person(self, old_id: str, new_id: str) -> None:
        """Merge: the survivor owns what the merged records owned."""
        o = orm.owned_products
        self.session.execute(sa.update(o).where(o.c.person_id == old_id).values(person_id=new_id))

    def _load(self, query) -> list[OwnedProduct]:
        products = [
            OwnedProduct(
                id=r.id, person_id=r.person_id or "", account_id=r.account_id or "", product_id=r.product_id, name=r.name,
                quantity=r.quantity, purchased_on=r.purchased_on, active=r.active, source=r.source,
                created_at=r.created_at, updated_at=r.updated_at,
            )
            for r in self.session.execute(query)
        ]
        self.seen.extend(products)
        return products
