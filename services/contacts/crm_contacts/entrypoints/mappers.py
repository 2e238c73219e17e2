"""gRPC requests as commands; the only place that reads request messages."""
from __future__ import annotations

from datetime import UTC

from crm.contacts.v1 import contacts_pb2 as pb
from crm_chassis.errors import FieldViolation, InvalidArgument
from crm_contacts.adapters.messages import CHANNEL, EMAIL_KIND, PHONE_KIND, PURPOSE
from crm_contacts.domain import commands


def _reverse(mapping: dict[str, int]) -> dict[int, str]:
    return {number: word for word, number in mapping.items()}


EMAIL_KIND_WORDS, PHONE_KIND_WORDS = _reverse(EMAIL_KIND), _reverse(PHONE_KIND)
CHANNEL_WORDS, PURPOSE_WORDS = _reverse(CHANNEL), _reverse(PURPOSE)


def create_person(request: pb.CreatePersonRequest) -> commands.CreatePerson:
    p = request.person
    return commands.CreatePerson(
        given_name=p.given_name,
        family_name=p.family_name,
        # An unset kind means "work" for emails and phones; unknown numbers are reported by the domain.
        emails=[(e.address, EMAIL_KIND_WORDS.get(e.kind or pb.EMAIL_KIND_WORK)) for e in p.emails],
        phones=[(n.number, PHONE_KIND_WORDS.get(n.kind or pb.PHONE_KIND_WORK)) for n in p.phones],
        consents=[
            (
                CHANNEL_WORDS.get(c.channel),
                PURPOSE_WORDS.get(c.purpose),
                c.granted,
                c.source,
                c.record_time.ToDatetime(tzinfo=UTC) if c.HasField("record_time") else None,
            )
            for c in p.consents
        ],
        team=p.team,
        territory=p.territory,
    )


def under(prefix: str, error: InvalidArgument) -> InvalidArgument:
    """Field paths relative to the request, e.g. `person.emails[0].address`."""
    return InvalidArgument([FieldViolation(f"{prefix}.{v.field}", v.description) for v in error.violations])
