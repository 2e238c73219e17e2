"""The welcome email a new person receives, and whether they may receive it."""
from __future__ import annotations

from dataclasses import dataclass
from string import Template

from crm_chassis.access import Audience
from crm_notifications.domain.model import Notification

TEMPLATE = "welcome"
SUBJECT = Template("Welcome, $name")
BODY = Template(
    "Dear $name,\n\n"
    "thank you for your interest. You are now in our customer file, and we will\n"
    "write to you at this address about the things you agreed to.\n\n"
    "Kind regards,\nCustomer care\n"
)


@dataclass(frozen=True)
class NewPerson:
    """What notifications needs to know of a person contacts just created."""

    person_id: str
    display_name: str
    emails: list[str]
    # (channel, purpose) pairs the person has granted
    granted: set[tuple[str, str]]
    audience: Audience


def idempotency_key(person_id: str) -> str:
    return f"{TEMPLATE}:{person_id}"


def welcome(person: NewPerson) -> Notification:
    """Queued when the person has an email address and any granted email consent; else skipped, with the reason."""
    key = idempotency_key(person.person_id)
    recipient = person.emails[0] if person.emails else ""
    reason = ""
    if not recipient:
        reason = "the person has no email address"
    elif not any(channel == "email" for channel, _ in person.granted):
        reason = "the person has not consented to email"
    if reason:
        return Notification.skipped(
            idempotency_key=key, person_id=person.person_id, channel="email", recipient=recipient, template=TEMPLATE, audience=person.audience, reason=reason
        )
    name = person.display_name or recipient
    return Notification.queue(
        idempotency_key=key,
        person_id=person.person_id,
        channel="email",
        recipient=recipient,
        template=TEMPLATE,
        subject=SUBJECT.substitute(name=name),
        body=BODY.substitute(name=name),
        audience=person.audience,
    )
