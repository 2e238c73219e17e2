"""gRPC requests as commands; the only place that reads request messages."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from crm.contacts.v1 import contacts_pb2 as pb
from crm_chassis.errors import FieldViolation, InvalidArgument
from crm_contacts.adapters import custom_field_messages
from crm_contacts.adapters.messages import ADDRESS_KIND, CHANNEL, EMAIL_KIND, LIFECYCLE, ORIGIN_KIND, PHONE_KIND, PURPOSE
from crm_contacts.domain import commands


def _reverse(mapping: dict[str, int]) -> dict[int, str]:
    return {number: word for word, number in mapping.items()}


EMAIL_KIND_WORDS, PHONE_KIND_WORDS = _reverse(EMAIL_KIND), _reverse(PHONE_KIND)
CHANNEL_WORDS, PURPOSE_WORDS = _reverse(CHANNEL), _reverse(PURPOSE)
ADDRESS_KIND_WORDS = _reverse(ADDRESS_KIND)
LIFECYCLE_WORDS = _reverse(LIFECYCLE) | {pb.LIFECYCLE_UNSPECIFIED: ""}
ORIGIN_KIND_WORDS = _reverse(ORIGIN_KIND) | {pb.ORIGIN_KIND_UNSPECIFIED: ""}


def lifecycle(number: int) -> str | None:
    """The stage's word, "" when unset, None for a number that names none (the domain reports it); shared with accounts."""
    return LIFECYCLE_WORDS.get(number)


def origin(o: pb.Origin) -> tuple[str | None, str, str]:
    """(kind, detail, campaign_id) as classification.validate_origin takes it; shared with accounts."""
    return (ORIGIN_KIND_WORDS.get(o.kind), o.detail, o.campaign_id)


def _consent(c: pb.Consent) -> tuple[str | None, str | None, bool, str, datetime | None]:
    return (
        CHANNEL_WORDS.get(c.channel),
        PURPOSE_WORDS.get(c.purpose),
        c.granted,
        c.source,
        c.record_time.ToDatetime(tzinfo=UTC) if c.HasField("record_time") else None,
    )


def create_person(request: pb.CreatePersonRequest) -> commands.CreatePerson:
    return replace(_person(request.person, request.allow_duplicates), request_id=request.request_id)  # idempotency


def _person(p: pb.Person, allow_duplicates: bool) -> commands.CreatePerson:
    return commands.CreatePerson(
        given_name=p.given_name,
        family_name=p.family_name,
        # An unset kind means "work" for emails and phones; unknown numbers are reported by the domain.
        emails=[(e.address, EMAIL_KIND_WORDS.get(e.kind or pb.EMAIL_KIND_WORK)) for e in p.emails],
        phones=[(n.number, PHONE_KIND_WORDS.get(n.kind or pb.PHONE_KIND_WORK)) for n in p.phones],
        consents=[_consent(c) for c in p.consents],
        team=p.team,
        territory=p.territory,
        salutation=p.salutation,
        preferred_language=p.preferred_language,
        time_zone=p.time_zone,
        # An address has no default kind (unset or unknown numbers are reported by the domain).
        addresses=[(ADDRESS_KIND_WORDS.get(a.kind), list(a.lines), a.postal_code, a.city, a.region, a.country) for a in p.addresses],
        birth_date=p.birth_date,
        name_day=p.name_day,
        anniversaries=[(a.label, a.date) for a in p.anniversaries],
        tags=list(p.tags),
        lifecycle=lifecycle(p.lifecycle),
        origin=origin(p.origin) if p.HasField("origin") else None,
        custom_fields=_custom_fields(p),
        allow_duplicates=allow_duplicates,
    )


def _custom_fields(p: pb.Person) -> dict:
    """Seam: Person.custom_fields (map<string, CustomFieldValue>) typed by the custom fields helper's mapping."""
    return custom_field_messages.values_from_proto(p.custom_fields)


def update_person(request: pb.UpdatePersonRequest) -> commands.UpdatePerson:
    return commands.UpdatePerson(
        person_id=request.person.id,
        person=_person(request.person, request.allow_duplicates),
        update_mask=tuple(request.update_mask.paths),
        etag=request.person.etag,
        allow_duplicates=request.allow_duplicates,
    )


def erase_person(request: pb.ErasePersonRequest) -> commands.ErasePerson:
    return commands.ErasePerson(request.id, request.reason)


def add_owned_product(request: pb.AddOwnedProductRequest) -> commands.AddOwnedProduct:
    o = request.owned_product
    return commands.AddOwnedProduct(
        person_id=o.person_id, account_id=o.account_id, product_id=o.product_id, name=o.name, quantity=o.quantity,
        purchased_on=o.purchased_on, active=True, source=o.source,
    )


def update_owned_product(request: pb.UpdateOwnedProductRequest) -> commands.UpdateOwnedProduct:
    o = request.owned_product
    values = {"active": o.active, "quantity": o.quantity, "name": o.name, "purchased_on": o.purchased_on}
    return commands.UpdateOwnedProduct(o.id, values, tuple(request.update_mask.paths))


def set_person_consent(request: pb.SetPersonConsentRequest) -> commands.SetPersonConsent:
    channel, purpose, granted, source, recorded_at = _consent(request.consent)
    return commands.SetPersonConsent(request.person_id, channel, purpose, granted, source, recorded_at)


def under(prefix: str, error: InvalidArgument, *, request_fields: tuple[str, ...] = ()) -> InvalidArgument:
    """Field paths relative to the request, e.g. `person.emails[0].address`; `request_fields` (e.g. update_mask)
    are fields of the request itself and keep their path."""
    return InvalidArgument([
        v if v.field.split(".")[0].split("[")[0] in request_fields else FieldViolation(f"{prefix}.{v.field}", v.description)
        for v in error.violations
    ])
