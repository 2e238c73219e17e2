"""Translation between the customer file's REST documents and ContactsService messages, beyond persons.

Most messages map field by field under the same names; `from_proto` and `to_proto` do that once for all of them
(enums as lower-case words without their prefix, timestamps as UTC datetimes), and the functions below add only
what differs: nested records, money, custom values.
"""

from __future__ import annotations

from pydantic import BaseModel

from crm.contacts.v1 import (
    accounts_pb2,
    contacts_pb2,
    custom_fields_pb2,
    duplicates_pb2,
    search_pb2,
    transfer_pb2,
)
from crm_gateway import contacts_schemas as cs
from crm_gateway import mappers, schemas
from crm_gateway.message_mapping import enum_value, from_proto, present_values, to_proto, values_of  # noqa: F401

# -- persons --------------------------------------------------------------------------------------------------------


def person_patch_to_proto(person_id: str, body: cs.PersonPatch, etag: str) -> contacts_pb2.Person:
    # A patch is a person with only some keys: the keys absent (or null) are empty, and the mask names the present ones.
    person = mappers.person_to_proto(schemas.PersonCreate.model_construct(**present_values(body)))
    person.id = person_id
    person.etag = etag
    return person


def history_from_proto(response) -> cs.History:
    return cs.History(entries=[from_proto(cs.HistoryEntry, e) for e in response.entries], next_page_token=response.next_page_token)


# -- owned products -------------------------------------------------------------------------------------------------


def owned_product_to_proto(body: BaseModel, **owner: str) -> contacts_pb2.OwnedProduct:
    return to_proto(contacts_pb2.OwnedProduct, {**present_values(body), **owner})


def owned_product_from_proto(product: contacts_pb2.OwnedProduct) -> cs.OwnedProduct:
    return from_proto(cs.OwnedProduct, product)


# -- accounts -------------------------------------------------------------------------------------------------------

_ACCOUNT_NESTED = {"annual_turnover", "registration_ids", "addresses", "phones", "emails", "websites", "origin", "custom_fields"}


def account_to_proto(body: cs.AccountCreate) -> accounts_pb2.Account:
    account = to_proto(accounts_pb2.Account, {k: v for k, v in values_of(body).items() if k not in _ACCOUNT_NESTED})
    if body.annual_turnover is not None:
        account.annual_turnover.CopyFrom(mappers.money_to_proto(body.annual_turnover))
    account.registration_ids.extend(to_proto(accounts_pb2.RegistrationId, values_of(r)) for r in body.registration_ids)
    account.addresses.extend(mappers.addresses_to_proto(body.addresses))
    account.phones.extend(mappers.phones_to_proto(body.phones))
    account.emails.extend(mappers.emails_to_proto(body.emails))
    account.websites.extend(to_proto(accounts_pb2.Website, values_of(w)) for w in body.websites)
    if body.origin is not None:
        account.origin.CopyFrom(mappers.origin_to_proto(body.origin))
    for key, value in mappers.custom_fields_to_proto(body.custom_fields).items():
        account.custom_fields[key].CopyFrom(value)
    return account


def account_patch_to_proto(account_id: str, body: cs.AccountPatch, etag: str) -> accounts_pb2.Account:
    account = account_to_proto(cs.AccountCreate.model_construct(**present_values(body)))
    account.id = account_id
    account.etag = etag
    return account


def account_from_proto(account: accounts_pb2.Account) -> cs.Account:
    return from_proto(
        cs.Account,
        account,
        annual_turnover=mappers.money_from_proto(account, "annual_turnover"),
        registration_ids=[from_proto(cs.RegistrationId, r) for r in account.registration_ids],
        addresses=mappers.addresses_from_proto(account.addresses),
        phones=mappers.phones_from_proto(account.phones),
        emails=mappers.emails_from_proto(account.emails),
        websites=[from_proto(cs.Website, w) for w in account.websites],
        origin=mappers.origin_from_proto(account),
        custom_fields=mappers.custom_fields_from_proto(account.custom_fields),
    )


# -- custom fields --------------------------------------------------------------------------------------------------


def custom_field_to_proto(body: BaseModel, field_id: str = "") -> custom_fields_pb2.CustomField:
    values = {k: v for k, v in present_values(body).items() if k not in ("options", "validation")}
    field = to_proto(custom_fields_pb2.CustomField, {**values, "id": field_id})
    field.options.extend(custom_fields_pb2.CustomFieldOption(key=o.key, label=o.label) for o in getattr(body, "options", None) or ())
    validation = getattr(body, "validation", None)
    if validation is not None:
        field.validation.CopyFrom(to_proto(custom_fields_pb2.CustomFieldValidation, values_of(validation)))
    return field


def custom_field_from_proto(field: custom_fields_pb2.CustomField) -> cs.CustomField:
    return from_proto(
        cs.CustomField,
        field,
        options=[from_proto(cs.CustomFieldOption, o) for o in field.options],
        validation=from_proto(cs.CustomFieldValidation, field.validation),
    )


# -- search ---------------------------------------------------------------------------------------------------------


def search_from_proto(response: search_pb2.SearchResponse) -> cs.SearchResult:
    return cs.SearchResult(
        columns=list(response.columns),
        rows=[cs.SearchRow(id=row.id, values=dict(row.values)) for row in response.rows],
        next_page_token=response.next_page_token,
        total_count=response.total_count if response.HasField("total_count") else None,
    )


# -- duplicates -----------------------------------------------------------------------------------------------------


def candidate_from_proto(candidate: duplicates_pb2.DuplicateCandidate) -> cs.DuplicateCandidate:
    return from_proto(cs.DuplicateCandidate, candidate)


def account_candidate_from_proto(candidate: duplicates_pb2.AccountDuplicateCandidate) -> cs.AccountDuplicateCandidate:
    return from_proto(cs.AccountDuplicateCandidate, candidate)


def probe_to_proto(body: cs.PersonProbe) -> duplicates_pb2.PersonProbe:
    return duplicates_pb2.PersonProbe(
        given_name=body.given_name,
        family_name=body.family_name,
        emails=mappers.emails_to_proto(body.emails),
        phones=mappers.phones_to_proto(body.phones),
        addresses=mappers.addresses_to_proto(body.addresses),
    )


def account_probe_to_proto(body: cs.AccountProbe) -> duplicates_pb2.AccountProbe:
    return duplicates_pb2.AccountProbe(
        name=body.name,
        legal_name=body.legal_name,
        registration_ids=body.registration_ids,
        websites=body.websites,
        phones=mappers.phones_to_proto(body.phones),
    )


def pair_from_proto(pair: duplicates_pb2.DuplicatePair) -> cs.DuplicatePair:
    return from_proto(cs.DuplicatePair, pair, first=candidate_from_proto(pair.first), second=candidate_from_proto(pair.second))


# -- import and export ----------------------------------------------------------------------------------------------


def import_mapping_from_proto(mapping: transfer_pb2.ImportMapping) -> cs.ImportMapping:
    return from_proto(
        cs.ImportMapping,
        mapping,
        columns=[from_proto(cs.ColumnMapping, c) for c in mapping.columns],
        options=from_proto(cs.ImportOptions, mapping.options),
    )


def import_mapping_to_proto(body: cs.ImportMappingCreate) -> transfer_pb2.ImportMapping:
    return transfer_pb2.ImportMapping(
        name=body.name,
        format=enum_value(transfer_pb2.ImportMapping, "format", body.format),
        columns=[transfer_pb2.ColumnMapping(column=c.column, field=c.field) for c in body.columns],
        options=transfer_pb2.ImportOptions(**values_of(body.options)),
    )


def reject_from_proto(reject: transfer_pb2.ImportReject) -> cs.ImportReject:
    return from_proto(
        cs.ImportReject,
        reject,
        errors=[from_proto(cs.ImportRowError, e) for e in reject.errors],
        candidates=[from_proto(cs.ImportDuplicateCandidate, c) for c in reject.candidates],
    )
