"""Account and relation requests as commands; the only place that reads those request messages."""
from __future__ import annotations

from crm.contacts.v1 import accounts_pb2 as apb
from crm.contacts.v1 import contacts_pb2 as pb
from crm_contacts.adapters import custom_field_messages
from crm_contacts.adapters.account_messages import PARENT_KIND, REGISTRATION_KIND, WEBSITE_KIND
from crm_contacts.domain.accounts import CreateAccount, UpdateAccount
from crm_contacts.entrypoints import mappers
from crm_contacts.service_layer.relations import LinkPersonToAccount, Relate, UpdatePersonAccountLink

PARENT_KIND_WORDS = mappers._reverse(PARENT_KIND) | {apb.PARENT_KIND_UNSPECIFIED: ""}
REGISTRATION_KIND_WORDS = mappers._reverse(REGISTRATION_KIND)  # no default: an unset kind is reported
WEBSITE_KIND_WORDS = mappers._reverse(WEBSITE_KIND)


def account_fields(a: apb.Account) -> dict:
    """Every field of the message, as Account.create and Account.update take them (unknown enum numbers → None)."""
    return {
        "name": a.name,
        "legal_name": a.legal_name,
        "parent_id": a.parent_id,
        "parent_kind": PARENT_KIND_WORDS.get(a.parent_kind),
        "industry": a.industry,
        "employees": a.employees if a.HasField("employees") else None,
        "annual_turnover": (a.annual_turnover.amount_minor, a.annual_turnover.currency) if a.HasField("annual_turnover") else None,
        "registration_ids": [(REGISTRATION_KIND_WORDS.get(r.kind), r.value) for r in a.registration_ids],
        "addresses": [(mappers.ADDRESS_KIND_WORDS.get(x.kind), list(x.lines), x.postal_code, x.city, x.region, x.country) for x in a.addresses],
        # An unset kind means "work" for emails and phones and "main" for websites, as for persons.
        "phones": [(n.number, mappers.PHONE_KIND_WORDS.get(n.kind or pb.PHONE_KIND_WORK)) for n in a.phones],
        "emails": [(e.address, mappers.EMAIL_KIND_WORDS.get(e.kind or pb.EMAIL_KIND_WORK)) for e in a.emails],
        "websites": [(w.url, WEBSITE_KIND_WORDS.get(w.kind or apb.WEBSITE_KIND_MAIN)) for w in a.websites],
        "tags": list(a.tags),
        "lifecycle": mappers.lifecycle(a.lifecycle),
        "origin": mappers.origin(a.origin),
        "custom_fields": custom_field_messages.values_from_proto(a.custom_fields),  # custom fields
        "team": a.team,
        "territory": a.territory,
    }


def create_account(request: apb.CreateAccountRequest) -> CreateAccount:
    return CreateAccount(account_fields(request.account), request_id=request.request_id, allow_duplicates=request.allow_duplicates)


def update_account(request: apb.UpdateAccountRequest) -> UpdateAccount:
    return UpdateAccount(
        request.account.id, account_fields(request.account), tuple(request.update_mask.paths), request.account.etag,
        allow_duplicates=request.allow_duplicates,  # duplicates
    )


def _link_fields(link: apb.PersonAccountLink) -> dict:
    return {"position": link.position, "role": link.role, "is_primary": link.is_primary, "start_date": link.start_date, "end_date": link.end_date}


def link_person_to_account(request: apb.LinkPersonToAccountRequest) -> LinkPersonToAccount:
    return LinkPersonToAccount(request.link.person_id, request.link.account_id, _link_fields(request.link), request_id=request.request_id)


def update_person_account_link(request: apb.UpdatePersonAccountLinkRequest) -> UpdatePersonAccountLink:
    return UpdatePersonAccountLink(request.link.id, _link_fields(request.link), tuple(request.update_mask.paths))


def relate_persons(request: apb.RelatePersonsRequest) -> Relate:
    r = request.relation
    return Relate("person", r.person_id, r.related_person_id, r.label)


def relate_accounts(request: apb.RelateAccountsRequest) -> Relate:
    r = request.relation
    return Relate("account", r.account_id, r.related_account_id, r.label)
