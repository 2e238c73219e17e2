"""Accounts and relations as protobuf messages: for gRPC answers and for events alike."""
from __future__ import annotations

from crm.contacts.v1 import accounts_pb2 as apb
from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import events_pb2
from crm_chassis.envelope import OutboundEvent
from crm_contacts.adapters import custom_field_messages
from crm_contacts.adapters import messages as shared  # imported both ways: use its names at call time only
from crm_contacts.domain import events
from crm_contacts.domain.accounts import Account
from crm_contacts.domain.model import HistoryEntry
from crm_contacts.domain.relations import PersonAccountLink, Relation

PARENT_KIND = {"subsidiary": apb.PARENT_KIND_SUBSIDIARY, "branch": apb.PARENT_KIND_BRANCH}
REGISTRATION_KIND = {
    "vat": apb.REGISTRATION_KIND_VAT, "registration": apb.REGISTRATION_KIND_REGISTRATION, "duns": apb.REGISTRATION_KIND_DUNS,
    "other": apb.REGISTRATION_KIND_OTHER,
}
WEBSITE_KIND = {"main": apb.WEBSITE_KIND_MAIN, "shop": apb.WEBSITE_KIND_SHOP, "social": apb.WEBSITE_KIND_SOCIAL, "other": apb.WEBSITE_KIND_OTHER}
EVENTS = (
    events.AccountCreated, events.AccountUpdated, events.PersonLinkedToAccount, events.PersonAccountLinkChanged,
    events.PersonUnlinkedFromAccount, events.PersonsRelated, events.PersonRelationRemoved, events.AccountsRelated,
    events.AccountRelationRemoved,
)


def account(a: Account) -> apb.Account:
    message = apb.Account(
        id=a.id, name=a.name, legal_name=a.legal_name, parent_id=a.parent_id, parent_kind=PARENT_KIND.get(a.parent_kind, 0),
        industry=a.industry,
        registration_ids=[apb.RegistrationId(kind=REGISTRATION_KIND[r.kind], value=r.value) for r in a.registration_ids],
        addresses=[shared.postal_address(x) for x in a.addresses],
        phones=[pb.PhoneNumber(number=n.number, kind=shared.PHONE_KIND[n.kind]) for n in a.phones],
        emails=[pb.EmailAddress(address=e.address, kind=shared.EMAIL_KIND[e.kind]) for e in a.emails],
        websites=[apb.Website(url=w.url, kind=WEBSITE_KIND[w.kind]) for w in a.websites],
        tags=list(a.tags), lifecycle=shared.lifecycle(a.lifecycle), origin=shared.origin(a.origin),
        owner=a.owner, team=a.team, territory=a.territory,
        create_time=shared.timestamp(a.created_at), update_time=shared.timestamp(a.updated_at), etag=a.etag,
        merged_into=a.merged_into,  # duplicates
    )
    if a.employees is not None:
        message.employees = a.employees
    if a.turnover is not None:
        message.annual_turnover.CopyFrom(custom_field_messages.money(a.turnover))
    for key, value in a.custom_fields.items():  # custom fields
        message.custom_fields[key].CopyFrom(custom_field_messages.value(value))
    return message


def history_entry(e: HistoryEntry) -> apb.AccountHistoryEntry:
    return apb.AccountHistoryEntry(
        id=e.id, account_id=e.person_id, kind=e.kind, summary=e.summary, source=e.source, occur_time=shared.timestamp(e.occurred_at)
    )


def link(x: PersonAccountLink) -> apb.PersonAccountLink:
    return apb.PersonAccountLink(
        id=x.id, person_id=x.person_id, account_id=x.account_id, position=x.position, role=x.role, is_primary=x.is_primary,
        start_date=x.start_date.isoformat() if x.start_date else "", end_date=x.end_date.isoformat() if x.end_date else "",
        create_time=shared.timestamp(x.created_at), update_time=shared.timestamp(x.updated_at),
    )


def person_relation(r: Relation) -> apb.PersonRelation:
    return apb.PersonRelation(
        id=r.id, person_id=r.subject_id, related_person_id=r.related_id, label=r.label, create_time=shared.timestamp(r.created_at)
    )


def account_relation(r: Relation) -> apb.AccountRelation:
    return apb.AccountRelation(
        id=r.id, account_id=r.subject_id, related_account_id=r.related_id, label=r.label, create_time=shared.timestamp(r.created_at)
    )


def outbound(event) -> OutboundEvent:
    """Events about a person's links and relations belong to the person (aggregate "person"), so that erasure's
    removal of the person's outbox rows takes them too; account events and account relations to the account."""
    if isinstance(event, events.AccountCreated):
        return OutboundEvent("account", event.account.id, events_pb2.AccountCreated(account=account(event.account)), occurred_at=event.account.created_at)
    if isinstance(event, events.AccountUpdated):
        message = events_pb2.AccountUpdated(account=account(event.account), changed_fields=list(event.changed_fields))
        return OutboundEvent("account", event.account.id, message, occurred_at=event.account.updated_at)
    if isinstance(event, events.PersonLinkedToAccount):
        return OutboundEvent("person", event.link.person_id, events_pb2.PersonLinkedToAccount(link=link(event.link)), occurred_at=event.link.created_at)
    if isinstance(event, events.PersonAccountLinkChanged):
        message = events_pb2.PersonAccountLinkChanged(link=link(event.link), changed_fields=list(event.changed_fields))
        return OutboundEvent("person", event.link.person_id, message, occurred_at=event.link.updated_at)
    if isinstance(event, events.PersonUnlinkedFromAccount):
        return OutboundEvent("person", event.link.person_id, events_pb2.PersonUnlinkedFromAccount(link=link(event.link)))
    if isinstance(event, events.PersonsRelated):
        message = events_pb2.PersonsRelated(relation=person_relation(event.relation))
        return OutboundEvent("person", event.relation.subject_id, message, occurred_at=event.relation.created_at)
    if isinstance(event, events.PersonRelationRemoved):
        return OutboundEvent("person", event.relation.subject_id, events_pb2.PersonRelationRemoved(relation=person_relation(event.relation)))
    if isinstance(event, events.AccountsRelated):
        message = events_pb2.AccountsRelated(relation=account_relation(event.relation))
        return OutboundEvent("account", event.relation.subject_id, message, occurred_at=event.relation.created_at)
    if isinstance(event, events.AccountRelationRemoved):
        return OutboundEvent("account", event.relation.subject_id, events_pb2.AccountRelationRemoved(relation=account_relation(event.relation)))
    raise TypeError(f"no message for domain event {type(event).__name__}")
