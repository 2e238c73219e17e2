"""The welcome email a new person receives, and whether they may receive it."""
from __future__ import annotations

from crm_notifications.domain.model import Notification
from crm_notifications.domain.recipients import Recipient

TEMPLATE = "welcome"


def idempotency_key(person_id: str) -> str:
    return f"{TEMPLATE}:{person_id}"


def welcome(person: Recipient) -> Notification:
    """Queued when the person has an email address and any granted email consent; else skipped, with the reason.

    The text comes from the `welcome` template in the person's language when it is sent.
    """
    key = idempotency_key(person.person_id)
    recipient = person.address_for("email")
    reason = ""
    if not recipient:
        reason = "the person has no email address"
    elif not any(person.consent("email", purpose) for purpose in ("marketing", "service")):
        reason = "the person has not consented to email"
    if reason:
        return Notification.skipped(
            idempotency_key=key, person_id=person.person_id, channel="email", recipient=recipient, template=TEMPLATE, audience=person.audience, reason=reason
        )
    return Notification.queue(
        idempotency_key=key, person_id=person.person_id, channel="email", recipient=recipient, template=TEMPLATE,
        audience=person.audience, purpose="service",
    )
