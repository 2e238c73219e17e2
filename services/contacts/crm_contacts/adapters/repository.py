"""Loading and saving persons and their dossier; the only place that writes their SQL."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.access import Viewer
from crm_contacts.adapters import orm
from crm_contacts.domain.model import Consent, EmailAddress, HistoryEntry, Person, PhoneNumber, PostalAddress


class PersonRepository:
    def __init__(self, session: Session, seen: list):
        self.session = session
        self.seen = seen

    def add(self, person: Person) -> None:
        self.session.execute(sa.insert(orm.persons).values(id=person.id, created_at=person.created_at, **self._row(person)))
        self._insert_parts(person)
        self.seen.append(person)

    def save(self, person: Person) -> None:
        """Writes a changed person back: its row, and its lists replaced whole."""
        self.session.execute(sa.update(orm.persons).where(orm.persons.c.id == person.id).values(**self._row(person)))
        for table in (orm.person_emails, orm.person_phones, orm.person_addresses, orm.person_consents):
            self.session.execute(sa.delete(table).where(table.c.person_id == person.id))
        self._insert_parts(person)

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
        }

    def _insert_parts(self, person: Person) -> None:
        if person.emails:
            self.session.execute(
                sa.insert(orm.person_emails),
                [{"person_id": person.id, "position": i, "address": e.address, "kind": e.kind} for i, e in enumerate(person.emails)],
            )
        if person.phones:
            self.session.execute(
                sa.insert(orm.person_phones),
                [{"person_id": person.id, "position": i, "number": p.number, "kind": p.kind} for i, p in enumerate(person.phones)],
            )
        if person.addresses:
            self.session.execute(
                sa.insert(orm.person_addresses),
                [
                    {
                        "person_id": person.id, "position": i, "kind": a.kind, "lines": json.dumps(list(a.lines), ensure_ascii=False),
                        "postal_code": a.postal_code, "city": a.city, "region": a.region, "country": a.country,
                    }
                    for i, a in enumerate(person.addresses)
                ],
            )
        if person.consents:
            self.session.execute(
                sa.insert(orm.person_consents),
                [
                    {"person_id": person.id, "channel": c.channel, "purpose": c.purpose, "granted": c.granted, "source": c.source, "recorded_at": c.recorded_at}
                    for c in person.consents
                ],
            )

    def get(self, person_id: str, *, for_update: bool = False) -> Person | None:
        """`for_update` locks the row until the transaction ends, so that concurrent changes queue up
        instead of overwriting each other (SQLite's transactions already take the write lock)."""
        query = sa.select(orm.persons).where(orm.persons.c.id == person_id)
        found = self._load(query.with_for_update() if for_update else query)
        return found[0] if found else None

    def exists(self, person_id: str) -> bool:
        return self.session.execute(sa.select(orm.persons.c.id).where(orm.persons.c.id == person_id)).first() is not None

    def list_visible(self, viewer: Viewer, after: tuple[datetime, str] | None, limit: int) -> list[Person]:
        """Persons the viewer may see, in creation order, starting after a keyset position."""
        p = orm.persons
        query = sa.select(p).where(db.visible_to(viewer, p.c.owner, p.c.team, p.c.territory))
        if after is not None:
            query = query.where(sa.tuple_(orm.persons.c.created_at, orm.persons.c.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        return self._load(query.order_by(orm.persons.c.created_at, orm.persons.c.id).limit(limit))

    def _load(self, query) -> list[Person]:
        rows = self.session.execute(query).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        emails, phones, addresses, consents = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
        for e in self.session.execute(sa.select(orm.person_emails).where(orm.person_emails.c.person_id.in_(ids)).order_by(orm.person_emails.c.position)):
            emails[e.person_id].append(EmailAddress(e.address, e.kind))
        for p in self.session.execute(sa.select(orm.person_phones).where(orm.person_phones.c.person_id.in_(ids)).order_by(orm.person_phones.c.position)):
            phones[p.person_id].append(PhoneNumber(p.number, p.kind))
        a = orm.person_addresses
        for r in self.session.execute(sa.select(a).where(a.c.person_id.in_(ids)).order_by(a.c.position)):
            addresses[r.person_id].append(PostalAddress(r.kind, tuple(json.loads(r.lines)), r.postal_code, r.city, r.region, r.country))
        for c in self.session.execute(sa.select(orm.person_consents).where(orm.person_consents.c.person_id.in_(ids))):
            consents[c.person_id].append(Consent(c.channel, c.purpose, c.granted, c.source, c.recorded_at))
        persons = [
            Person(
                id=r.id,
                given_name=r.given_name,
                family_name=r.family_name,
                emails=emails[r.id],
                phones=phones[r.id],
                consents=sorted(consents[r.id], key=lambda c: c.order),
                owner=r.owner,
                team=r.team,
                territory=r.territory,
                created_at=r.created_at,
                updated_at=r.updated_at,
                salutation=r.salutation,
                preferred_language=r.preferred_language,
                time_zone=r.time_zone,
                addresses=addresses[r.id],
            )
            for r in rows
        ]
        self.seen.extend(persons)
        return persons


class HistoryRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, entry: HistoryEntry) -> None:
        self.session.execute(
            sa.insert(orm.person_history).values(
                id=entry.id, person_id=entry.person_id, kind=entry.kind, summary=entry.summary, source=entry.source, occurred_at=entry.occurred_at
            )
        )

    def list_for(self, person_id: str, before: tuple[datetime, str] | None, limit: int) -> list[HistoryEntry]:
        """Newest first, starting before a keyset position."""
        h = orm.person_history
        query = sa.select(h).where(h.c.person_id == person_id)
        if before is not None:
            query = query.where(sa.tuple_(h.c.occurred_at, h.c.id) < sa.tuple_(sa.literal(before[0]), sa.literal(before[1])))
        rows = self.session.execute(query.order_by(h.c.occurred_at.desc(), h.c.id.desc()).limit(limit)).all()
        return [HistoryEntry(r.id, r.person_id, r.kind, r.summary, r.source, r.occurred_at) for r in rows]
