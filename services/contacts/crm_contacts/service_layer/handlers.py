"""Use cases of the customer file: one function per command or query."""
from __future__ import annotations

from collections.abc import Callable

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.errors import NotFound
from crm_contacts.domain import commands
from crm_contacts.domain.model import Consent, HistoryEntry, Person
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

UowFactory = Callable[[], ContactsUnitOfWork]
SOURCE = "contacts"


def create_person(cmd: commands.CreatePerson, uow: ContactsUnitOfWork, viewer: Viewer, default_phone_region: str | None) -> Person:
    person = Person.create(
        given_name=cmd.given_name,
        family_name=cmd.family_name,
        emails=cmd.emails,
        phones=cmd.phones,
        consents=cmd.consents,
        owner=viewer,
        team=cmd.team,
        territory=cmd.territory,
        salutation=cmd.salutation,
        preferred_language=cmd.preferred_language,
        time_zone=cmd.time_zone,
        addresses=cmd.addresses,
        default_phone_region=default_phone_region,
    )
    with uow:
        uow.persons.add(person)
        uow.history.add(HistoryEntry.new(person.id, "PersonCreated", f"{person.display_name} added by {viewer.subject}", SOURCE, person.created_at))
        uow.commit()
    return person


def get_person(person_id: str, uow: ContactsUnitOfWork, viewer: Viewer) -> Person:
    """NOT_FOUND both for a missing person and for one the viewer may not see."""
    with uow:
        person = uow.persons.get(person_id)
    if person is None or not person.is_visible_to(viewer):
        raise NotFound(f"person {person_id} not found")
    return person


def set_person_consent(cmd: commands.SetPersonConsent, uow: ContactsUnitOfWork, viewer: Viewer) -> Person:
    """Grants or withdraws one consent; the same answer again writes nothing and publishes nothing."""
    with uow:
        person = uow.persons.get(cmd.person_id, for_update=True)
        if person is None or not person.is_visible_to(viewer):
            raise NotFound(f"person {cmd.person_id} not found")
        had = {(c.channel, c.purpose) for c in person.consents}
        if person.set_consent(cmd.channel, cmd.purpose, cmd.granted, cmd.source, cmd.recorded_at):
            uow.persons.save(person)
            consent = next(c for c in person.consents if (c.channel, c.purpose) == (cmd.channel, cmd.purpose))
            summary = _consent_summary(consent, first=(consent.channel, consent.purpose) not in had)
            uow.history.add(HistoryEntry.new(person.id, "ConsentChanged", summary, SOURCE, consent.recorded_at))
            uow.commit()
    return person


_CHANNEL_WORDS = {"email": "Email", "sms": "SMS", "phone": "Phone", "letter": "Letter", "fax": "Fax"}


def _consent_summary(consent: Consent, first: bool) -> str:
    """E.g. "Email marketing consent granted via web form"; a first "no" is refused, a later one withdrawn."""
    verb = "granted" if consent.granted else ("refused" if first else "withdrawn")
    via = f" via {consent.source}" if consent.source else ""
    return f"{_CHANNEL_WORDS[consent.channel]} {consent.purpose} consent {verb}{via}"


def list_persons(uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str) -> tuple[list[Person], str]:
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        persons = uow.persons.list_visible(viewer, after, size + 1)
    return paging.page(persons, size, lambda p: paging.time_key(p.created_at, p.id))


def list_history(person_id: str, uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str) -> tuple[list[HistoryEntry], str]:
    size = paging.page_size(page_size)
    before = paging.decode_time_key(page_token)
    get_person(person_id, uow, viewer)
    with uow:
        entries = uow.history.list_for(person_id, before, size + 1)
    return paging.page(entries, size, lambda e: paging.time_key(e.occurred_at, e.id))


def record_history(cmd: commands.RecordHistory, uow: ContactsUnitOfWork, consumer: str) -> bool:
    """Adds another service's fact to a person's dossier once; False for a duplicate or unknown person."""
    with uow:
        if not uow.claim_event(consumer, cmd.event_id):
            return False
        if not uow.persons.exists(cmd.person_id):
            uow.commit()  # remember the event: a person we never had will not appear later
            return False
        uow.history.add(HistoryEntry.new(cmd.person_id, cmd.kind, cmd.summary, cmd.source, cmd.occurred_at))
        uow.commit()
    return True

