"""Incoming events and requests in the notifications service's own terms."""
from __future__ import annotations

from datetime import UTC

from crm.contacts.v1 import contacts_pb2 as contacts_pb
from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis.access import Audience
from crm_notifications.adapters.messages import CHANNEL, PHONE_OUTCOME, PURPOSE, words
from crm_notifications.domain import commands
from crm_notifications.domain.recipients import ConsentRecord, Recipient

CONTACT_CHANNELS = {
    contacts_pb.CHANNEL_EMAIL: "email", contacts_pb.CHANNEL_SMS: "sms", contacts_pb.CHANNEL_PHONE: "phone",
    contacts_pb.CHANNEL_LETTER: "letter", contacts_pb.CHANNEL_FAX: "fax",
}
CONTACT_PURPOSES = {contacts_pb.PURPOSE_MARKETING: "marketing", contacts_pb.PURPOSE_SERVICE: "service"}
CHANNEL_WORDS, PURPOSE_WORDS, OUTCOME_WORDS = words(CHANNEL), words(PURPOSE), words(PHONE_OUTCOME)


def _time(ts):
    return ts.ToDatetime(tzinfo=UTC)


def consent(c: contacts_pb.Consent) -> tuple[str, str, ConsentRecord] | None:
    channel, purpose = CONTACT_CHANNELS.get(c.channel), CONTACT_PURPOSES.get(c.purpose)
    if channel is None or purpose is None:
        return None
    return channel, purpose, ConsentRecord(c.granted, _time(c.record_time))


def recipient(person: contacts_pb.Person) -> Recipient:
    phones = [p for p in person.phones if p.number]
    address = person.addresses[0] if person.addresses else None
    postal = ()
    if address is not None:
        town = " ".join(part for part in (address.postal_code, address.city) if part)
        postal = tuple(line for line in (*address.lines, town, address.region, address.country) if line)
    consents = {}
    for c in person.consents:
        if (found := consent(c)) is not None:
            consents[(found[0], found[1])] = found[2]
    return Recipient(
        person_id=person.id,
        given_name=person.given_name,
        family_name=person.family_name,
        salutation=person.salutation,
        language=person.preferred_language,
        time_zone=person.time_zone,
        emails=tuple(e.address for e in person.emails if e.address),
        mobile_phones=tuple(p.number for p in phones if p.kind == contacts_pb.PHONE_KIND_MOBILE),
        other_phones=tuple(p.number for p in phones if p.kind not in (contacts_pb.PHONE_KIND_MOBILE, contacts_pb.PHONE_KIND_FAX)),
        fax_numbers=tuple(p.number for p in phones if p.kind == contacts_pb.PHONE_KIND_FAX),
        postal_address=postal,
        consents=consents,
        audience=Audience(person.owner, person.team, person.territory),
    )


def send_notification(request: pb.SendNotificationRequest) -> commands.SendNotification:
    return commands.SendNotification(
        idempotency_key=request.idempotency_key,
        channel=CHANNEL_WORDS.get(request.channel),
        purpose=PURPOSE_WORDS.get(request.purpose),
        template=request.template,
        person_id=request.recipient.person_id,
        address=request.recipient.address,
        language=request.language,
        variables=dict(request.variables),
        send_at=_time(request.send_time) if request.HasField("send_time") else None,
        campaign_id=request.campaign_id,
    )


def send_batch(request: pb.SendBatchRequest) -> commands.SendBatch:
    return commands.SendBatch(
        batch_id=request.batch_id,
        recipients=[commands.BatchRecipient(r.recipient.person_id, r.recipient.address, dict(r.variables)) for r in request.recipients],
        channel=CHANNEL_WORDS.get(request.channel),
        purpose=PURPOSE_WORDS.get(request.purpose),
        template=request.template,
        language=request.language,
        variables=dict(request.variables),
        campaign_id=request.campaign_id,
        send_at=_time(request.send_time) if request.HasField("send_time") else None,
        rate_per_minute=request.rate_per_minute,
    )


def create_template(request: pb.CreateTemplateRequest) -> commands.CreateTemplate:
    t = request.template
    return commands.CreateTemplate(t.name, t.language, CHANNEL_WORDS.get(t.channel), t.subject, t.text_body, t.html_body)


def phone_outcome(task_id: str, outcome: int, call_back_time, has_call_back: bool, note: str, agent: str) -> commands.ReportPhoneOutcome:
    return commands.ReportPhoneOutcome(task_id, OUTCOME_WORDS.get(outcome), _time(call_back_time) if has_call_back else None, note, agent)
