"""gRPC requests as commands; the only place that reads request messages."""
from __future__ import annotations

from datetime import UTC, datetime

from crm.contacts.v1 import contacts_pb2 as pb
from crm_chassis.errors import FieldViolation, InvalidArgument
from crm_contacts.adapters.messages import ADDRESS_KIND, CHANNEL, EMAIL_KIND, PHONE_KIND, PURPOSE
from crm_contacts.domain import commands


def _reverse(mapping: dict[str, int]) -> dict[int, str]:
    return {number: word for word, number in mapping.items()}


EMAIL_KIND_WORDS, PHONE_KIND_WORDS = _reverse(EMAIL_KIND), _reverse(PHONE_KIND)
CHANNEL_WORDS, PURPOSE_WORDS = _reverse(CHANNEL), _reverse(PURPOSE)
ADDRESS_KIND_WORDS = _reverse(ADDRESS_KIND)


def _consent(c: pb.Consent) -> tuple[str | None, str | None, bool, str, datetime | None]:
    return (
        CHANNEL_WORDS.get(c.channel),
        PURPOSE_WORDS.get(c.purpose),
        c.granted,
        c.source,
        c.record_time.ToDatetime(tzinfo=UTC) if c.HasField("record_time") else None,
    )


def create_person(request: pb.CreatePersonRequest) -> commands.CreatePerson:
    p = request.person
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
    )


def set_person_consent(request: pb.SetPersonConsentRequest) -> commands.SetPersonConsent:
    channel, purpose, granted, source, recorded_at = _consent(request.consent)
    return commands.SetPersonConsent(request.person_id, channel, purpose, granted, source, recorded_at)


def under(prefix: str, error: InvalidArgument) -> InvalidArgument:
    """Field paths relative to the request, e.g. `person.emails[0].address`."""
    return InvalidArgument([FieldViolation(f"{prefix}.{v.field}", v.description) for v in error.violations])
