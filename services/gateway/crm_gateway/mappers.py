"""Translation between the REST documents (pydantic) and the services' protobuf messages."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from crm.contacts.v1 import contacts_pb2
from crm.notifications.v1 import notifications_pb2
from crm_gateway import schemas


def _enum_value(enum, prefix: str, word: str) -> int:
    return enum.Value(f"{prefix}_{word.upper()}")


def _enum_word(enum, prefix: str, value: int) -> str:
    try:
        name = enum.Name(value)
    except ValueError:  # a value added to the contract after this gateway was built
        return "unspecified"
    return name.removeprefix(f"{prefix}_").lower()


def _time(message: Message, field: str) -> datetime | None:
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=UTC)


def _timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    timestamp = Timestamp()
    timestamp.FromDatetime(value.astimezone(UTC))
    return timestamp


def person_to_proto(body: schemas.PersonCreate) -> contacts_pb2.Person:
    return contacts_pb2.Person(
        given_name=body.given_name,
        family_name=body.family_name,
        emails=[
            contacts_pb2.EmailAddress(address=e.address, kind=_enum_value(contacts_pb2.EmailKind, "EMAIL_KIND", e.kind))
            for e in body.emails
        ],
        phones=[
            contacts_pb2.PhoneNumber(number=p.number, kind=_enum_value(contacts_pb2.PhoneKind, "PHONE_KIND", p.kind)) for p in body.phones
        ],
        consents=[
            contacts_pb2.Consent(
                channel=_enum_value(contacts_pb2.Channel, "CHANNEL", c.channel),
                purpose=_enum_value(contacts_pb2.Purpose, "PURPOSE", c.purpose),
                granted=c.granted,
                source=c.source,
                record_time=_timestamp(c.record_time),
            )
            for c in body.consents
        ],
        team=body.team,
        territory=body.territory,
    )


def person_from_proto(person: contacts_pb2.Person) -> schemas.Person:
    return schemas.Person(
        id=person.id,
        given_name=person.given_name,
        family_name=person.family_name,
        emails=[
            schemas.EmailAddress(address=e.address, kind=_enum_word(contacts_pb2.EmailKind, "EMAIL_KIND", e.kind)) for e in person.emails
        ],
        phones=[schemas.PhoneNumber(number=p.number, kind=_enum_word(contacts_pb2.PhoneKind, "PHONE_KIND", p.kind)) for p in person.phones],
        consents=[
            schemas.Consent(
                channel=_enum_word(contacts_pb2.Channel, "CHANNEL", c.channel),
                purpose=_enum_word(contacts_pb2.Purpose, "PURPOSE", c.purpose),
                granted=c.granted,
                source=c.source,
                record_time=_time(c, "record_time"),
            )
            for c in person.consents
        ],
        owner=person.owner,
        team=person.team,
        territory=person.territory,
        create_time=_time(person, "create_time"),
        update_time=_time(person, "update_time"),
    )


def notification_from_proto(notification: notifications_pb2.Notification) -> schemas.Notification:
    status = notifications_pb2.Status
    return schemas.Notification(
        id=notification.id,
        channel=_enum_word(notifications_pb2.Channel, "CHANNEL", notification.channel),
        recipient=notification.recipient,
        template=notification.template,
        subject=notification.subject,
        status=_enum_word(status, "STATUS", notification.status),
        reason=notification.reason,
        attempts=notification.attempts,
        create_time=_time(notification, "create_time"),
        send_time=_time(notification, "send_time"),
        history=[
            schemas.StatusChange(
                status=_enum_word(status, "STATUS", change.status),
                reason=change.reason,
                change_time=_time(change, "change_time"),
            )
            for change in notification.history
        ],
    )
