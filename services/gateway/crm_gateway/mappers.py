"""Translation between the REST documents (pydantic) and the services' protobuf messages."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from crm.contacts.v1 import contacts_pb2, custom_fields_pb2
from crm.notifications.v1 import notifications_pb2
from crm_gateway import schemas


def enum_value(enum, prefix: str, word: str) -> int:
    return enum.Value(f"{prefix}_{word.upper()}")


def enum_word(enum, prefix: str, value: int) -> str:
    try:
        name = enum.Name(value)
    except ValueError:  # a value added to the contract after this gateway was built
        return "unspecified"
    return name.removeprefix(f"{prefix}_").lower()


def time_of(message: Message, field: str) -> datetime | None:
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=UTC)


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(UTC))
    return stamp


def emails_to_proto(emails: list[schemas.EmailAddressIn]) -> list[contacts_pb2.EmailAddress]:
    return [contacts_pb2.EmailAddress(address=e.address, kind=enum_value(contacts_pb2.EmailKind, "EMAIL_KIND", e.kind)) for e in emails]


def phones_to_proto(phones: list[schemas.PhoneNumberIn]) -> list[contacts_pb2.PhoneNumber]:
    return [contacts_pb2.PhoneNumber(number=p.number, kind=enum_value(contacts_pb2.PhoneKind, "PHONE_KIND", p.kind)) for p in phones]


def addresses_to_proto(addresses: list[schemas.PostalAddressIn]) -> list[contacts_pb2.PostalAddress]:
    return [
        contacts_pb2.PostalAddress(
            kind=enum_value(contacts_pb2.AddressKind, "ADDRESS_KIND", a.kind),
            lines=a.lines,
            postal_code=a.postal_code,
            city=a.city,
            region=a.region,
            country=a.country,
        )
        for a in addresses
    ]


def emails_from_proto(emails) -> list[schemas.EmailAddress]:
    return [schemas.EmailAddress(address=e.address, kind=enum_word(contacts_pb2.EmailKind, "EMAIL_KIND", e.kind)) for e in emails]


def phones_from_proto(phones) -> list[schemas.PhoneNumber]:
    return [schemas.PhoneNumber(number=p.number, kind=enum_word(contacts_pb2.PhoneKind, "PHONE_KIND", p.kind)) for p in phones]


def addresses_from_proto(addresses) -> list[schemas.PostalAddress]:
    return [
        schemas.PostalAddress(
            kind=enum_word(contacts_pb2.AddressKind, "ADDRESS_KIND", a.kind),
            lines=list(a.lines),
            postal_code=a.postal_code,
            city=a.city,
            region=a.region,
            country=a.country,
        )
        for a in addresses
    ]


def lifecycle_value(word: str | None) -> int:
    return enum_value(contacts_pb2.Lifecycle, "LIFECYCLE", word) if word else contacts_pb2.LIFECYCLE_UNSPECIFIED


def lifecycle_word(value: int) -> str:
    return enum_word(contacts_pb2.Lifecycle, "LIFECYCLE", value)


def origin_to_proto(origin: schemas.OriginIn | None) -> contacts_pb2.Origin | None:
    if origin is None:
        return None
    kind = enum_value(contacts_pb2.OriginKind, "ORIGIN_KIND", origin.kind)
    return contacts_pb2.Origin(kind=kind, detail=origin.detail, campaign_id=origin.campaign_id)


def origin_from_proto(message: Message) -> schemas.Origin | None:
    origin = message.origin
    if origin == contacts_pb2.Origin():  # unset, or set with nothing in it: not known
        return None
    return schemas.Origin(
        kind=enum_word(contacts_pb2.OriginKind, "ORIGIN_KIND", origin.kind), detail=origin.detail, campaign_id=origin.campaign_id
    )


def money_to_proto(money: schemas.Money | None) -> custom_fields_pb2.Money | None:
    return None if money is None else custom_fields_pb2.Money(amount_minor=money.amount_minor, currency=money.currency)


def money_from_proto(message: Message, field: str) -> schemas.Money | None:
    if not message.HasField(field):
        return None
    money = getattr(message, field)
    return schemas.Money(amount_minor=money.amount_minor, currency=money.currency)


def custom_fields_to_proto(values: dict[str, schemas.CustomFieldValue]) -> dict[str, custom_fields_pb2.CustomFieldValue]:
    converted = {}
    for key, value in values.items():
        message = custom_fields_pb2.CustomFieldValue()
        if value.money is not None:
            message.money.CopyFrom(money_to_proto(value.money))
        elif value.choices is not None:
            message.choices.choices.extend(value.choices)
        else:
            for member in ("text", "number", "date", "bool_value", "choice"):
                if getattr(value, member) is not None:
                    setattr(message, member, getattr(value, member))
        converted[key] = message
    return converted


def custom_fields_from_proto(values) -> dict[str, schemas.CustomFieldValue]:
    converted = {}
    for key, message in values.items():
        member = message.WhichOneof("value")
        if member == "money":
            converted[key] = schemas.CustomFieldValue(money=money_from_proto(message, "money"))
        elif member == "choices":
            converted[key] = schemas.CustomFieldValue(choices=list(message.choices.choices))
        elif member is not None:
            converted[key] = schemas.CustomFieldValue(**{member: getattr(message, member)})
        else:
            converted[key] = schemas.CustomFieldValue()
    return converted


def person_to_proto(body: schemas.PersonCreate) -> contacts_pb2.Person:
    return contacts_pb2.Person(
        given_name=body.given_name,
        family_name=body.family_name,
        emails=emails_to_proto(body.emails),
        phones=phones_to_proto(body.phones),
        consents=[
            contacts_pb2.Consent(
                channel=enum_value(contacts_pb2.Channel, "CHANNEL", c.channel),
                purpose=enum_value(contacts_pb2.Purpose, "PURPOSE", c.purpose),
                granted=c.granted,
                source=c.source,
                record_time=timestamp(c.record_time),
            )
            for c in body.consents
        ],
        team=body.team,
        territory=body.territory,
        salutation=body.salutation,
        preferred_language=body.preferred_language,
        time_zone=body.time_zone,
        addresses=addresses_to_proto(body.addresses),
        birth_date=body.birth_date,
        name_day=body.name_day,
        anniversaries=[contacts_pb2.Anniversary(label=a.label, date=a.date) for a in body.anniversaries],
        tags=body.tags,
        lifecycle=lifecycle_value(body.lifecycle),
        origin=origin_to_proto(body.origin),
        custom_fields=custom_fields_to_proto(body.custom_fields),
    )


def consent_to_proto(person_id: str, channel: str, purpose: str, body: schemas.ConsentUpdate) -> contacts_pb2.SetPersonConsentRequest:
    return contacts_pb2.SetPersonConsentRequest(
        person_id=person_id,
        consent=contacts_pb2.Consent(
            channel=enum_value(contacts_pb2.Channel, "CHANNEL", channel),
            purpose=enum_value(contacts_pb2.Purpose, "PURPOSE", purpose),
            granted=body.granted,
            source=body.source,
            record_time=timestamp(body.record_time),
        ),
    )


def person_from_proto(person: contacts_pb2.Person) -> schemas.Person:
    return schemas.Person(
        id=person.id,
        given_name=person.given_name,
        family_name=person.family_name,
        emails=emails_from_proto(person.emails),
        phones=phones_from_proto(person.phones),
        consents=[
            schemas.Consent(
                channel=enum_word(contacts_pb2.Channel, "CHANNEL", c.channel),
                purpose=enum_word(contacts_pb2.Purpose, "PURPOSE", c.purpose),
                granted=c.granted,
                source=c.source,
                record_time=time_of(c, "record_time"),
            )
            for c in person.consents
        ],
        owner=person.owner,
        team=person.team,
        territory=person.territory,
        create_time=time_of(person, "create_time"),
        update_time=time_of(person, "update_time"),
        salutation=person.salutation,
        preferred_language=person.preferred_language,
        time_zone=person.time_zone,
        addresses=addresses_from_proto(person.addresses),
        birth_date=person.birth_date,
        name_day=person.name_day,
        anniversaries=[schemas.Anniversary(label=a.label, date=a.date) for a in person.anniversaries],
        tags=list(person.tags),
        lifecycle=lifecycle_word(person.lifecycle),
        origin=origin_from_proto(person),
        custom_fields=custom_fields_from_proto(person.custom_fields),
        erased=person.erased,
        erase_time=time_of(person, "erase_time"),
        merged_into=person.merged_into,
        etag=person.etag,
    )


def _recipient(body: schemas.RecipientIn) -> notifications_pb2.Recipient:
    if body.person_id:
        return notifications_pb2.Recipient(person_id=body.person_id)
    return notifications_pb2.Recipient(address=body.address)


def channel_value(word: str) -> int:
    return enum_value(notifications_pb2.Channel, "CHANNEL", word)


def _purpose(word: str) -> int:
    return enum_value(notifications_pb2.Purpose, "PURPOSE", word)


def send_notification_to_proto(body: schemas.NotificationCreate, idempotency_key: str) -> notifications_pb2.SendNotificationRequest:
    return notifications_pb2.SendNotificationRequest(
        recipient=_recipient(body.recipient),
        channel=channel_value(body.channel),
        purpose=_purpose(body.purpose),
        template=body.template,
        language=body.language,
        variables=body.variables,
        idempotency_key=idempotency_key,
        send_time=timestamp(body.send_time),
        campaign_id=body.campaign_id,
    )


def send_batch_to_proto(batch_id: str, body: schemas.BatchRecipients) -> notifications_pb2.SendBatchRequest:
    return notifications_pb2.SendBatchRequest(
        batch_id=batch_id,
        recipients=[notifications_pb2.BatchRecipient(recipient=_recipient(r.recipient), variables=r.variables) for r in body.recipients],
        channel=channel_value(body.channel),
        purpose=_purpose(body.purpose),
        template=body.template,
        language=body.language,
        variables=body.variables,
        campaign_id=body.campaign_id,
        send_time=timestamp(body.send_time),
        rate_per_minute=body.rate_per_minute,
    )


def statuses_to_proto(words: list[str]) -> list[int]:
    return [enum_value(notifications_pb2.Status, "STATUS", w) for w in words]


def template_to_proto(body: schemas.TemplateCreate) -> notifications_pb2.Template:
    return notifications_pb2.Template(
        name=body.name,
        language=body.language,
        channel=channel_value(body.channel),
        subject=body.subject,
        text_body=body.text_body,
        html_body=body.html_body,
    )


def suppression_to_proto(body: schemas.SuppressionCreate) -> notifications_pb2.Suppression:
    return notifications_pb2.Suppression(
        channel=channel_value(body.channel), address=body.address, reason=body.reason, marketing_only=body.marketing_only
    )


def phone_outcome_to_proto(task_id: str, body: schemas.PhoneOutcomeReport) -> notifications_pb2.ReportPhoneTaskOutcomeRequest:
    return notifications_pb2.ReportPhoneTaskOutcomeRequest(
        task_id=task_id,
        outcome=enum_value(notifications_pb2.PhoneOutcome, "PHONE_OUTCOME", body.outcome),
        call_back_time=timestamp(body.call_back_time),
        note=body.note,
        agent=body.agent,
    )


def channel_word(value: int) -> str:
    return enum_word(notifications_pb2.Channel, "CHANNEL", value)


def notification_from_proto(notification: notifications_pb2.Notification) -> schemas.Notification:
    status = notifications_pb2.Status
    return schemas.Notification(
        id=notification.id,
        person_id=notification.person_id,
        channel=channel_word(notification.channel),
        purpose=enum_word(notifications_pb2.Purpose, "PURPOSE", notification.purpose),
        recipient=notification.recipient,
        template=notification.template,
        template_version=notification.template_version,
        language=notification.language,
        subject=notification.subject,
        status=enum_word(status, "STATUS", notification.status),
        reason=notification.reason,
        attempts=notification.attempts,
        idempotency_key=notification.idempotency_key,
        campaign_id=notification.campaign_id,
        batch_id=notification.batch_id,
        create_time=time_of(notification, "create_time"),
        send_time=time_of(notification, "send_time"),
        next_attempt_time=time_of(notification, "next_attempt_time"),
        provider_id=notification.provider_id,
        segments=notification.segments,
        phone_outcome=enum_word(notifications_pb2.PhoneOutcome, "PHONE_OUTCOME", notification.phone_outcome),
        call_back_time=time_of(notification, "call_back_time"),
        history=[
            schemas.StatusChange(
                status=enum_word(status, "STATUS", change.status),
                reason=change.reason,
                change_time=time_of(change, "change_time"),
            )
            for change in notification.history
        ],
    )


def template_from_proto(template: notifications_pb2.Template) -> schemas.Template:
    return schemas.Template(
        name=template.name,
        language=template.language,
        version=template.version,
        channel=channel_word(template.channel),
        subject=template.subject,
        text_body=template.text_body,
        html_body=template.html_body,
        create_time=time_of(template, "create_time"),
        variables=list(template.variables),
    )


def rendered_from_proto(rendered: notifications_pb2.RenderedMessage) -> schemas.RenderedMessage:
    return schemas.RenderedMessage(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        template_version=rendered.template_version,
        segments=rendered.segments,
    )


def suppression_from_proto(suppression: notifications_pb2.Suppression) -> schemas.Suppression:
    return schemas.Suppression(
        channel=channel_word(suppression.channel),
        address=suppression.address,
        reason=suppression.reason,
        marketing_only=suppression.marketing_only,
        create_time=time_of(suppression, "create_time"),
    )
