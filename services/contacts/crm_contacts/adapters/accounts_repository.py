"""Loading and saving accounts and every relation of the customer file; the only place that writes their SQL."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.access import Viewer
from crm_contacts.adapters import orm
from crm_contacts.adapters.custom_fields_repository import CustomValueRepository
from crm_contacts.adapters.duplicates_repository import write_account_match_keys
from crm_contacts.adapters.search_index import index_account
from crm_contacts.domain.accounts import MAX_HIERARCHY_DEPTH, Account, RegistrationId, Website
from crm_contacts.domain.classification import Origin
from crm_contacts.domain.custom_fields import Money
from crm_contacts.domain.model import EmailAddress, PhoneNumber, PostalAddress
from crm_contacts.domain.relations import PersonAccountLink, Relation

# The lists of an account, each replaced whole when the account is saved.
_PARTS = (
    orm.account_emails, orm.account_phones, orm.account_addresses, orm.account_websites, orm.account_registrations, orm.account_tags,
)
MAX_DESCENDANTS = 10_000


class AccountRepository:
    def __init__(self, session: Session, seen: list):
        self.session = session
        self.seen = seen

    def add(self, account: Account) -> None:
        self.session.execute(sa.insert(orm.accounts).values(id=account.id, created_at=account.created_at, **self._row(account)))
        self._insert_parts(account)
        index_account(self.session, account)  # search: the name words `name ~ "..."` finds (search helper)
        write_account_match_keys(self.session, account)  # duplicates: blocking keys of FindAccountDuplicates
        self.seen.append(account)

    def save(self, account: Account) -> None:
        """Writes a changed account back: its row, and its lists replaced whole."""
        self.session.execute(sa.update(orm.accounts).where(orm.accounts.c.id == account.id).values(**self._row(account)))
        for table in _PARTS:
            self.session.execute(sa.delete(table).where(table.c.account_id == account.id))
        self._insert_parts(account)
        index_account(self.session, account)  # search: the name words `name ~ "..."` finds (search helper)
        write_account_match_keys(self.session, account)  # duplicates: blocking keys of FindAccountDuplicates

    @staticmethod
    def _row(a: Account) -> dict:
        return {
            "name": a.name, "legal_name": a.legal_name, "parent_id": a.parent_id or None, "parent_kind": a.parent_kind,
            "industry": a.industry, "employees": a.employees,
            "turnover_minor": a.turnover.amount_minor if a.turnover else None, "turnover_currency": a.turnover.currency if a.turnover else "",
            "lifecycle": a.lifecycle, "origin_kind": a.origin.kind, "origin_detail": a.origin.detail, "origin_campaign_id": a.origin.campaign_id,
            "owner": a.owner, "team": a.team, "territory": a.territory, "updated_at": a.updated_at, "version": a.version,
            "merged_into": a.merged_into,  # duplicates
        }

    def _insert_parts(self, a: Account) -> None:
        rows = {
            orm.account_emails: [{"address": e.address, "kind": e.kind} for e in a.emails],
            orm.account_phones: [{"number": p.number, "kind": p.kind} for p in a.phones],
            orm.account_addresses: [
                {"kind": x.kind, "lines": json.dumps(list(x.lines), ensure_ascii=False), "postal_code": x.postal_code, "city": x.city,
                 "region": x.region, "country": x.country}
                for x in a.addresses
            ],
            orm.account_websites: [{"url": w.url, "kind": w.kind} for w in a.websites],
            orm.account_registrations: [{"kind": r.kind, "value": r.value} for r in a.registration_ids],
            orm.account_tags: [{"tag": t} for t in a.tags],
        }
        for table, values in rows.items():
            if values:
                self.session.execute(sa.insert(table), [{"account_id": a.id, "position": i, **v} for i, v in enumerate(values)])

    def get(self, account_id: str, *, for_update: bool = False) -> Account | None:
        query = sa.select(orm.accounts).where(orm.accounts.c.id == account_id)
        found = self._load(query.with_for_update() if for_update else query)
        return found[0] if found else None

    def exists(self, account_id: str) -> bool:
        return self.session.execute(sa.select(orm.accounts.c.id).where(orm.accounts.c.id == account_id)).first() is not None

    def list_visible(self, viewer: Viewer, after: tuple[datetime, str] | None, limit: int) -> list[Account]:
        """Accounts the viewer may see, in creation order, starting after a keyset position."""
        a = orm.accounts
        query = sa.select(a).where(db.visible_to(viewer, a.c.owner, a.c.team, a.c.territory), a.c.merged_into == "")  # duplicates: no tombstones
        if after is not None:
            query = query.where(sa.tuple_(a.c.created_at, a.c.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        return self._load(query.order_by(a.c.created_at, a.c.id).limit(limit))

    def ancestors(self, account_id: str) -> list[str]:
        """The ids above an account, nearest first; stops after MAX_HIERARCHY_DEPTH + 1 (or at a loop)."""
        chain: list[str] = []
        current = account_id
        while len(chain) <= MAX_HIERARCHY_DEPTH:
            parent = self.session.execute(sa.select(orm.accounts.c.parent_id).where(orm.accounts.c.id == current)).scalar()
            if not parent or parent in chain:
                break
            chain.append(parent)
            current = parent
        return chain

    def descendants(self, account_id: str, recursive: bool) -> list[tuple[str, int]]:
        """(id, depth) below an account, depth first in creation order; one query per level, at most MAX_DESCENDANTS."""
        a = orm.accounts
        result: list[tuple[str, int]] = []
        children: dict[str, list[str]] = {}
        level, depth = [account_id], 1
        while level and depth <= (MAX_HIERARCHY_DEPTH if recursive else 1) and sum(map(len, children.values())) < MAX_DESCENDANTS:
            rows = self.session.execute(sa.select(a.c.id, a.c.parent_id).where(a.c.parent_id.in_(level)).order_by(a.c.created_at, a.c.id)).all()
            for r in rows:
                children.setdefault(r.parent_id, []).append(r.id)
            level, depth = [r.id for r in rows], depth + 1

        def walk(node: str, d: int) -> None:
            for child in children.get(node, []):
                if len(result) < MAX_DESCENDANTS:
                    result.append((child, d))
                    walk(child, d + 1)

        walk(account_id, 1)
        return result

    def load_many(self, ids: list[str]) -> dict[str, Account]:
        found: dict[str, Account] = {}
        for start in range(0, len(ids), 500):
            found.update((acc.id, acc) for acc in self._load(sa.select(orm.accounts).where(orm.accounts.c.id.in_(ids[start:start + 500]))))
        return found

    def _load(self, query) -> list[Account]:
        rows = self.session.execute(query).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        parts: dict[sa.Table, dict[str, list]] = {table: defaultdict(list) for table in _PARTS}
        for table in _PARTS:
            for r in self.session.execute(sa.select(table).where(table.c.account_id.in_(ids)).order_by(table.c.account_id, table.c.position)):
                parts[table][r.account_id].append(r)
        custom = CustomValueRepository(self.session).load("account", ids)  # custom fields: values of active fields
        accounts = [
            Account(
                id=r.id, name=r.name, owner=r.owner, team=r.team, territory=r.territory, created_at=r.created_at, updated_at=r.updated_at,
                legal_name=r.legal_name, parent_id=r.parent_id or "", parent_kind=r.parent_kind, industry=r.industry, employees=r.employees,
                turnover=Money(r.turnover_minor, r.turnover_currency) if r.turnover_minor is not None else None,
                registration_ids=[RegistrationId(x.kind, x.value) for x in parts[orm.account_registrations][r.id]],
                addresses=[
                    PostalAddress(x.kind, tuple(json.loads(x.lines)), x.postal_code, x.city, x.region, x.country)
                    for x in parts[orm.account_addresses][r.id]
                ],
                phones=[PhoneNumber(x.number, x.kind) for x in parts[orm.account_phones][r.id]],
                emails=[EmailAddress(x.address, x.kind) for x in parts[orm.account_emails][r.id]],
                websites=[Website(x.url, x.kind) for x in parts[orm.account_websites][r.id]],
                tags=tuple(x.tag for x in parts[orm.account_tags][r.id]),
                lifecycle=r.lifecycle,
                origin=Origin(r.origin_kind, r.origin_detail, r.origin_campaign_id),
                version=r.version,
                merged_into=r.merged_into,  # duplicates
                custom_fields=custom.get(r.id, {}),  # custom fields
            )
            for r in rows
        ]
        self.seen.extend(accounts)
        return accounts


class RelationRepository:
    """person_accounts, person_relations and account_relations."""

    def __init__(self, session: Session, seen: list):
        self.session = session
        self.seen = seen

    # --- person ↔ account ---
    def add_link(self, link: PersonAccountLink) -> None:
        self.session.execute(sa.insert(orm.person_accounts).values(id=link.id, created_at=link.created_at, **self._link_row(link)))
        self.seen.append(link)

    def save_link(self, link: PersonAccountLink) -> None:
        self.session.execute(sa.update(orm.person_accounts).where(orm.person_accounts.c.id == link.id).values(**self._link_row(link)))

    def delete_link(self, link: PersonAccountLink) -> None:
        self.session.execute(sa.delete(orm.person_accounts).where(orm.person_accounts.c.id == link.id))

    @staticmethod
    def _link_row(link: PersonAccountLink) -> dict:
        return {
            "person_id": link.person_id, "account_id": link.account_id, "position": link.position, "role": link.role,
            "is_primary": link.is_primary, "start_date": link.start_date, "end_date": link.end_date, "updated_at": link.updated_at,
        }

    def get_link(self, link_id: str) -> PersonAccountLink | None:
        found = self._links(sa.select(orm.person_accounts).where(orm.person_accounts.c.id == link_id))
        return found[0] if found else None

    def current_links(self, person_id: str, account_id: str, today: date) -> list[PersonAccountLink]:
        """The links of one person to one account that have not ended."""
        pa = orm.person_accounts
        query = sa.select(pa).where(pa.c.person_id == person_id, pa.c.account_id == account_id, _current(today))
        return self._links(query)

    def primary_links(self, account_id: str, today: date, except_id: str) -> list[PersonAccountLink]:
        pa = orm.person_accounts
        return self._links(sa.select(pa).where(pa.c.account_id == account_id, pa.c.is_primary.is_(True), pa.c.id != except_id, _current(today)))

    def list_links(
        self, viewer: Viewer, *, person_id: str = "", account_id: str = "", include_ended: bool, today: date,
        after: tuple[datetime, str] | None, limit: int,
    ) -> list[PersonAccountLink]:
        """One person's or one account's links whose other side the viewer may see, in the order they were made."""
        pa, p, a = orm.person_accounts, orm.persons, orm.accounts
        query = (
            sa.select(pa)
            .join(p, p.c.id == pa.c.person_id)
            .join(a, a.c.id == pa.c.account_id)
            .where(db.visible_to(viewer, p.c.owner, p.c.team, p.c.territory), db.visible_to(viewer, a.c.owner, a.c.team, a.c.territory))
            .where(pa.c.person_id == person_id if person_id else pa.c.account_id == account_id)
        )
        if not include_ended:
            query = query.where(_current(today))
        if after is not None:
            query = query.where(sa.tuple_(pa.c.created_at, pa.c.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        return self._links(query.order_by(pa.c.created_at, pa.c.id).limit(limit))

    def _links(self, query) -> list[PersonAccountLink]:
        links = [
            PersonAccountLink(
                r.id, r.person_id, r.account_id, r.position, r.role, r.is_primary, r.start_date, r.end_date, r.created_at, r.updated_at
            )
            for r in self.session.execute(query)
        ]
        self.seen.extend(links)
        return links

    # --- person ↔ person and account ↔ account ---
    def add_relation(self, kind: str, relation: Relation) -> None:
        table, subject, related = _relation_table(kind)
        self.session.execute(
            sa.insert(table).values(
                id=relation.id, label=relation.label, inverse_label=relation.inverse_label, created_at=relation.created_at,
                **{subject.key: relation.subject_id, related.key: relation.related_id},
            )
        )
        self.seen.append(relation)

    def delete_relation(self, kind: str, relation: Relation) -> None:
        table, _, _ = _relation_table(kind)
        self.session.execute(sa.delete(table).where(table.c.id == relation.id))

    def get_relation(self, kind: str, relation_id: str) -> Relation | None:
        table, _, _ = _relation_table(kind)
        found = self._relations(kind, sa.select(table).where(table.c.id == relation_id))
        return found[0] if found else None

    def find_relation(self, kind: str, subject_id: str, related_id: str, label: str, inverse_label: str) -> Relation | None:
        """The same relation already on record, from either side."""
        table, subject, related = _relation_table(kind)
        query = sa.select(table).where(
            sa.or_(
                sa.and_(subject == subject_id, related == related_id, table.c.label == label),
                sa.and_(subject == related_id, related == subject_id, table.c.label == inverse_label),
            )
        )
        found = self._relations(kind, query)
        return found[0] if found else None

    def list_relations(self, kind: str, viewer: Viewer, record_id: str, after: tuple[datetime, str] | None, limit: int) -> list[Relation]:
        """A record's relations from both sides whose other record the viewer may see, seen from `record_id`."""
        table, subject, related = _relation_table(kind)
        other_table = orm.persons if kind == "person" else orm.accounts
        other_id = sa.case((subject == record_id, related), else_=subject)
        query = (
            sa.select(table)
            .join(other_table, other_table.c.id == other_id)
            .where(sa.or_(subject == record_id, related == record_id))
            .where(db.visible_to(viewer, other_table.c.owner, other_table.c.team, other_table.c.territory))
        )
        if after is not None:
            query = query.where(sa.tuple_(table.c.created_at, table.c.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        found = self._relations(kind, query.order_by(table.c.created_at, table.c.id).limit(limit))
        return [r.seen_from(record_id) for r in found]

    def _relations(self, kind: str, query) -> list[Relation]:
        _, subject, related = _relation_table(kind)
        relations = [
            Relation(r.id, r._mapping[subject.key], r._mapping[related.key], r.label, r.inverse_label, r.created_at)
            for r in self.session.execute(query)
        ]
        self.seen.extend(relations)
        return relations

    # --- for merge and erasure ---
    def repoint_person(self, old_id: str, new_id: str) -> None:
        """Merge: the survivor takes over the merged record's links and relations. A relation between the two
        records themselves would relate the survivor to itself and goes; one the survivor already has is kept once."""
        self._repoint("person", old_id, new_id)
        pa = orm.person_accounts
        self.session.execute(sa.update(pa).where(pa.c.person_id == old_id).values(person_id=new_id))

    def repoint_account(self, old_id: str, new_id: str) -> None:
        """Merge of accounts: links, relations and children move to the survivor."""
        self._repoint("account", old_id, new_id)
        pa, a = orm.person_accounts, orm.accounts
        self.session.execute(sa.update(pa).where(pa.c.account_id == old_id).values(account_id=new_id))
        self.session.execute(sa.update(a).where(a.c.parent_id == old_id, a.c.id != new_id).values(parent_id=new_id))

    def _repoint(self, kind: str, old_id: str, new_id: str) -> None:
        table, subject, related = _relation_table(kind)
        between = sa.or_(sa.and_(subject == old_id, related == new_id), sa.and_(subject == new_id, related == old_id))
        self.session.execute(sa.delete(table).where(between))
        existing = {
            (r.other(new_id), r.seen_from(new_id).label)
            for r in self._relations(kind, sa.select(table).where(sa.or_(subject == new_id, related == new_id)))
        }
        for r in self._relations(kind, sa.select(table).where(sa.or_(subject == old_id, related == old_id))):
            seen = r.seen_from(old_id)
            if (seen.related_id, seen.label) in existing:
                self.session.execute(sa.delete(table).where(table.c.id == r.id))
            else:
                existing.add((seen.related_id, seen.label))
                column = subject if r.subject_id == old_id else related
                self.session.execute(sa.update(table).where(table.c.id == r.id).values({column.key: new_id}))

    def forget_person(self, person_id: str) -> None:
        """Erasure: relations to other persons go (who is whose spouse is personal data); links to accounts stay, as
        the account's history, but lose the free-text position."""
        table, subject, related = _relation_table("person")
        self.session.execute(sa.delete(table).where(sa.or_(subject == person_id, related == person_id)))
        pa = orm.person_accounts
        self.session.execute(sa.update(pa).where(pa.c.person_id == person_id).values(position=""))


def _current(today: date):
    pa = orm.person_accounts
    return sa.or_(pa.c.end_date.is_(None), pa.c.end_date >= today)


def _relation_table(kind: str) -> tuple[sa.Table, sa.Column, sa.Column]:
    if kind == "person":
        t = orm.person_relations
        return t, t.c.person_id, t.c.related_person_id
    t = orm.account_relations
    return t, t.c.account_id, t.c.related_account_id
