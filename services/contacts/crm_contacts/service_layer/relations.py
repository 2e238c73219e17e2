"""Use cases of relations: persons linked to accounts, persons related to persons, accounts related to accounts.

A relation is only made, changed, listed or removed when the caller may see both of its records; anything else
answers NOT_FOUND, exactly as for a record that does not exist.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, Violations
from crm_chassis.idempotency import check_request_id
from crm_contacts.domain import events
from crm_contacts.domain.accounts import Account
from crm_contacts.domain.model import HistoryEntry, Person, utcnow
from crm_contacts.domain.relations import PersonAccountLink, Relation, new_relation
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

SOURCE = "contacts"


@dataclass(frozen=True)
class LinkPersonToAccount:
    person_id: str
    account_id: str
    fields: Mapping[str, object]  # position, role, is_primary, start_date, end_date
    request_id: str = ""  # idempotency: a retry with the same id answers the link made the first time


@dataclass(frozen=True)
class UpdatePersonAccountLink:
    link_id: str
    fields: Mapping[str, object]
    mask: tuple[str, ...]


@dataclass(frozen=True)
class Relate:
    kind: str  # "person" or "account"
    subject_id: str
    related_id: str
    label: str  # what related_id is to subject_id


def _person(uow: ContactsUnitOfWork, viewer: Viewer, person_id: str, *, writing: bool) -> Person:
    person = uow.persons.get(person_id)
    if person is None or not person.is_visible_to(viewer):
        raise NotFound(f"person {person_id} not found")
    if writing:
        person.ensure_writable()  # erased or merged: FAILED_PRECONDITION
    return person


def _account(uow: ContactsUnitOfWork, viewer: Viewer, account_id: str, *, lock: bool = False, writing: bool = False) -> Account:
    account = uow.accounts.get(account_id, for_update=lock)
    if account is None or not account.is_visible_to(viewer):
        raise NotFound(f"account {account_id} not found")
    if writing and account.merged_into:  # duplicates: a tombstone takes no new relations
        raise FailedPrecondition(f"account {account_id} was merged into {account.merged_into}; use that account")
    return account


def _describe(link: PersonAccountLink) -> str:
    parts = [p for p in (link.position, link.role.replace("_", " ")) if p]
    return f" as {', '.join(parts)}" if parts else ""


def link_person_to_account(cmd: LinkPersonToAccount, uow: ContactsUnitOfWork, viewer: Viewer) -> PersonAccountLink:
    """A retry with the request id of an earlier link answers that link as it is now, and writes nothing."""
    problems = Violations()
    check_request_id(cmd.request_id, problems)
    try:
        link = PersonAccountLink.create(cmd.person_id, cmd.account_id, cmd.fields)  # INVALID_ARGUMENT before any lookup
    except InvalidArgument as exc:
        problems.extend(list(exc.violations))
    problems.raise_if_any()
    with uow:
        earlier = uow.handled_request(viewer.subject, "LinkPersonToAccount", cmd.request_id)  # idempotency
        if earlier is not None:
            return _visible_link(uow, viewer, earlier, writing=False)[0]
        person = _person(uow, viewer, link.person_id, writing=True)
        account = _account(uow, viewer, link.account_id, lock=True, writing=True)  # links of one account are made one at a time
        today = utcnow().date()
        if link.is_current(today) and uow.relations.current_links(link.person_id, link.account_id, today):
            raise AlreadyExists(f"person {link.person_id} is already linked to account {link.account_id}; change that link instead")
        uow.remember_request(viewer.subject, "LinkPersonToAccount", cmd.request_id, link.id)  # idempotency
        uow.relations.add_link(link)
        _one_primary(uow, link, today)
        uow.history.add(HistoryEntry.new(person.id, "PersonLinkedToAccount", f"Linked to {account.name}{_describe(link)}", SOURCE))
        uow.account_history.add(
            HistoryEntry.new(account.id, "PersonLinkedToAccount", f"{person.display_name} linked{_describe(link)}", SOURCE, mentions_person_id=person.id)
        )
        uow.commit()
    return link


def _one_primary(uow: ContactsUnitOfWork, link: PersonAccountLink, today) -> None:
    """At most one current primary contact per account: making one primary clears the previous one."""
    if not (link.is_primary and link.is_current(today)):
        return
    for other in uow.relations.primary_links(link.account_id, today, except_id=link.id):
        other.update({"is_primary": False}, ["is_primary"])
        uow.relations.save_link(other)


def _visible_link(uow: ContactsUnitOfWork, viewer: Viewer, link_id: str, *, writing: bool) -> tuple[PersonAccountLink, Person, Account]:
    link = uow.relations.get_link(link_id)
    if link is None:
        raise NotFound(f"link {link_id} not found")
    try:
        return link, _person(uow, viewer, link.person_id, writing=writing), _account(uow, viewer, link.account_id, lock=True)
    except NotFound:
        raise NotFound(f"link {link_id} not found") from None


def update_person_account_link(cmd: UpdatePersonAccountLink, uow: ContactsUnitOfWork, viewer: Viewer) -> PersonAccountLink:
    with uow:
        link, person, account = _visible_link(uow, viewer, cmd.link_id, writing=True)
        changed = link.update(cmd.fields, cmd.mask)
        if changed:
            uow.relations.save_link(link)
            _one_primary(uow, link, utcnow().date())
            ended = "end_date" in changed and link.end_date is not None
            what = f"ended on {link.end_date.isoformat()}" if ended else "changed: " + ", ".join(f.replace("_", " ") for f in changed)
            uow.history.add(HistoryEntry.new(person.id, "PersonAccountLinkChanged", f"Link to {account.name} {what}", SOURCE))
            uow.account_history.add(
                HistoryEntry.new(account.id, "PersonAccountLinkChanged", f"Link of {person.display_name} {what}", SOURCE, mentions_person_id=person.id)
            )
            uow.commit()
    return link


def unlink_person_from_account(link_id: str, uow: ContactsUnitOfWork, viewer: Viewer) -> PersonAccountLink:
    """Removes a link made by mistake; a link that ended keeps its history through end_date instead."""
    with uow:
        link, person, account = _visible_link(uow, viewer, link_id, writing=False)
        link.unlink()
        uow.relations.delete_link(link)
        if not person.erased:
            uow.history.add(HistoryEntry.new(person.id, "PersonUnlinkedFromAccount", f"Unlinked from {account.name}", SOURCE))
        uow.account_history.add(
            HistoryEntry.new(account.id, "PersonUnlinkedFromAccount", f"{person.display_name or 'A person'} unlinked", SOURCE, mentions_person_id=person.id)
        )
        uow.commit()
    return link


def list_links(
    uow: ContactsUnitOfWork, viewer: Viewer, *, person_id: str = "", account_id: str = "", include_ended: bool, page_size: int,
    page_token: str,
) -> tuple[list[PersonAccountLink], str]:
    """One person's accounts or one account's persons; only links whose both sides the viewer may see."""
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        if person_id:
            _person(uow, viewer, person_id, writing=False)
        else:
            _account(uow, viewer, account_id)
        links = uow.relations.list_links(
            viewer, person_id=person_id, account_id=account_id, include_ended=include_ended, today=utcnow().date(), after=after, limit=size + 1
        )
    return paging.page(links, size, lambda link: paging.time_key(link.created_at, link.id))


def _record(uow: ContactsUnitOfWork, viewer: Viewer, kind: str, record_id: str, *, writing: bool) -> str:
    """The record's display name; NOT_FOUND when missing or hidden."""
    if kind == "person":
        return _person(uow, viewer, record_id, writing=writing).display_name
    return _account(uow, viewer, record_id, writing=writing).name


def relate(cmd: Relate, uow: ContactsUnitOfWork, viewer: Viewer) -> Relation:
    relation = new_relation(cmd.kind, cmd.subject_id, cmd.related_id, cmd.label)
    with uow:
        subject_name = _record(uow, viewer, cmd.kind, relation.subject_id, writing=True)
        related_name = _record(uow, viewer, cmd.kind, relation.related_id, writing=True)
        if uow.relations.find_relation(cmd.kind, relation.subject_id, relation.related_id, relation.label, relation.inverse_label):
            raise AlreadyExists(f"{related_name or relation.related_id} is already recorded as {relation.label} of {subject_name or relation.subject_id}")
        uow.relations.add_relation(cmd.kind, relation)
        _relation_history(uow, cmd.kind, relation, subject_name, related_name, "Related")
        uow.commit()
    return relation


def _relation_history(uow: ContactsUnitOfWork, kind: str, relation: Relation, subject_name: str, related_name: str, verb: str) -> None:
    """One line in each record's dossier, each with its own side's label ("Related: Ion Pop (child)")."""
    dossier = uow.history if kind == "person" else uow.account_history
    event = ("Persons" if kind == "person" else "Accounts") + ("Related" if verb == "Related" else "RelationRemoved")
    persons = kind == "person"  # each line names the other side: erasing that person rewrites it
    dossier.add(HistoryEntry.new(relation.subject_id, event, f"{verb}: {related_name} ({relation.label})", SOURCE,
                                 mentions_person_id=relation.related_id if persons else ""))
    dossier.add(HistoryEntry.new(relation.related_id, event, f"{verb}: {subject_name} ({relation.inverse_label})", SOURCE,
                                 mentions_person_id=relation.subject_id if persons else ""))


def delete_relation(kind: str, relation_id: str, uow: ContactsUnitOfWork, viewer: Viewer) -> Relation:
    with uow:
        relation = uow.relations.get_relation(kind, relation_id)
        if relation is None:
            raise NotFound(f"relation {relation_id} not found")
        try:
            subject_name = _record(uow, viewer, kind, relation.subject_id, writing=False)
            related_name = _record(uow, viewer, kind, relation.related_id, writing=False)
        except NotFound:
            raise NotFound(f"relation {relation_id} not found") from None
        relation.events.append(events.PersonRelationRemoved(relation) if kind == "person" else events.AccountRelationRemoved(relation))
        uow.relations.delete_relation(kind, relation)
        _relation_history(uow, kind, relation, subject_name, related_name, "No longer related")
        uow.commit()
    return relation


def list_relations(
    kind: str, record_id: str, uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str
) -> tuple[list[Relation], str]:
    """Every relation of the record from both sides, seen from the record; hidden counterparts are left out."""
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        _record(uow, viewer, kind, record_id, writing=False)
        relations = uow.relations.list_relations(kind, viewer, record_id, after, size + 1)
    return paging.page(relations, size, lambda r: paging.time_key(r.created_at, r.id))
