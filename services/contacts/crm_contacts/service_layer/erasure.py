"""Erasure under data-protection law: a person anonymised, with nothing personal left anywhere in contacts."""
from __future__ import annotations

from crm_chassis.access import Viewer
from crm_chassis.errors import Violations
from crm_contacts.domain import commands
from crm_contacts.domain.erasure import neutral_summary, personal_parts, quotes_any
from crm_contacts.domain.model import HistoryEntry, Person
from crm_contacts.service_layer.handlers import SOURCE, _visible_person
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

MAX_REASON_LENGTH = 200


def erase_person(cmd: commands.ErasePerson, uow: ContactsUnitOfWork, viewer: Viewer) -> Person:
    """Anonymises the person in one transaction and emits PersonErased; erasing again changes nothing.

    The record keeps its id, owner, team and territory (so links and access rules still hold), and its
    owned products (no personal data). Everything else goes: the person's fields and lists, the dossier
    except one line, the outbox rows about the person (their payloads quote personal data), and what the
    other areas hold about the person (their `forget_person`).
    """
    reason = cmd.reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        problems = Violations()
        problems.add("reason", f"must be at most {MAX_REASON_LENGTH} characters")
        problems.raise_if_any()
    with uow:
        person = _visible_person(uow, cmd.person_id, viewer, for_update=True)
        if person.erased:
            return person
        # Records merged into this one are the same human: their tombstones still hold what they held.
        records = [person]
        pending = uow.persons.merged_into_ids(person.id)
        while pending:
            tombstone = uow.persons.get(pending.pop(), for_update=True)
            if tombstone is not None and not tombstone.erased and all(r.id != tombstone.id for r in records):
                records.append(tombstone)
                pending.extend(uow.persons.merged_into_ids(tombstone.id))
        _check_reason(reason, records)
        summary = f"Erased by {viewer.subject}" + (f": {reason}" if reason else "")
        for record in records:
            _erase(uow, record, summary)
        uow.commit()
    return person


def _check_reason(reason: str, records: list[Person]) -> None:
    """The reason is kept verbatim in the one line left, so it must not quote the person: a reason naming them
    (a name part, an email, a phone — of the record or of a record merged into it) is refused, nothing erased."""
    parts = [x for p in records for x in personal_parts(p.given_name, p.family_name, [e.address for e in p.emails], [n.number for n in p.phones])]
    if reason and quotes_any(reason, parts):
        problems = Violations()
        problems.add("reason", "must not contain personal data of the person (a name, an email address or a phone number)")
        problems.raise_if_any()


def _erase(uow: ContactsUnitOfWork, person: Person, summary: str) -> None:
    _rewrite_other_dossiers(uow, person)
    person.erase()
    uow.persons.save(person)
    uow.history.forget_person(person.id)
    if person.merged_into:  # its own lines a merge moved to the survivor's dossier quote it too
        uow.history.forget_entries(uow.duplicates.moved_history_ids(person.id))
    uow.outbox_rows.forget_aggregate("person", person.id)
    # every area that keeps personal data about a person forgets it here, one explicit call each:
    # --- erasure: other areas' forget_person calls ---
    uow.custom_values.forget_person(person.id)  # custom fields (retired fields' values too)
    uow.match_keys.forget_person(person.id)  # duplicates: blocking keys (normalised names, emails, phones)
    uow.duplicates.forget_person(person.id)  # duplicates: pairs; merge snapshots lose their data (no undo)
    uow.relations.forget_person(person.id)  # accounts: person↔person relations go; account links lose the position
    uow.imports.forget_person(person.id)  # import/export: import rows that name the person
    # --- end erasure ---
    uow.history.add(HistoryEntry.new(person.id, "PersonErased", summary, SOURCE, person.erased_at))


def _rewrite_other_dossiers(uow: ContactsUnitOfWork, person: Person) -> None:
    """Other records' dossier lines name the person ("Jane Doe linked as CFO", "Related: Jane Doe (spouse)").

    Every such line records whom it names (`mentions_person_id`): exactly those lines are rewritten to a neutral
    text built from their kind ("[erased] linked", "Related: [erased] (spouse)"). Lines written before that was
    recorded (migration 0011) which its backfill could not resolve fall back to matching text, and only those:
    in the dossiers of the accounts and persons linked to them, every name part, email and phone becomes
    `[erased]`; in all other dossiers only the full name (given and family), emails and phones.
    """
    uow.history.rewrite_mentions(person.id, neutral_summary)
    uow.account_history.rewrite_mentions(person.id, neutral_summary)
    accounts, persons = uow.persons.linked_records(person.id)
    contacts = [e.address for e in person.emails] + [p.number for p in person.phones]
    names = [person.display_name, person.given_name, person.family_name]
    uow.history.scrub(names + contacts, persons)
    uow.account_history.scrub(names + contacts, accounts)
    everywhere = contacts + ([person.display_name] if person.given_name and person.family_name else [])
    uow.history.scrub(everywhere)
    uow.account_history.scrub(everywhere)
