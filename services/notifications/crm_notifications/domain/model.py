"""A notification and the rules of its life: queued, sending, sent, delivered, failed or skipped."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from crm_chassis.access import Audience
from crm_notifications.domain import events

QUEUED, SENDING, SENT, DELIVERED, FAILED, SKIPPED = "queued", "sending", "sent", "delivered", "failed", "skipped"
CHANNELS = ("email", "sms", "phone", "letter", "fax")
PURPOSES = ("marketing", "service")
PHONE_OUTCOMES = ("reached", "no_answer", "call_back", "refused", "interested")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StatusChange:
    status: str
    reason: str
    changed_at: datetime


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for transient failures: base, 2×base, 4×base … capped."""

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)

    def delay(self, attempts: int) -> timedelta:
        return min(self.base * (2 ** max(0, attempts - 1)), self.cap)


@dataclass
class Notification:
    id: str
    idempotency_key: str
    person_id: str
    channel: str
    recipient: str
    template: str
    subject: str
    body: str
    audience: Audience
    status: str
    reason: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None
    history: list[StatusChange] = field(default_factory=list)
    purpose: str = "service"
    language: str = ""
    template_version: int = 0
    variables: dict[str, str] = field(default_factory=dict)
    campaign_id: str = ""
    batch_id: str = ""
    provider_id: str = ""
    segments: int = 0
    phone_outcome: str = ""
    call_back_at: datetime | None = None
    events: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def queue(
        cls,
        *,
        idempotency_key: str,
        person_id: str,
        channel: str,
        recipient: str,
        template: str,
        audience: Audience,
        subject: str = "",
        body: str = "",
        purpose: str = "service",
        language: str = "",
        variables: dict[str, str] | None = None,
        campaign_id: str = "",
        batch_id: str = "",
        send_at: datetime | None = None,
    ) -> "Notification":
        """A request accepted; it is rendered and checked against consent when its time comes."""
        now = utcnow()
        n = cls(
            str(uuid.uuid4()), idempotency_key, person_id, channel, recipient, template, subject, body, audience, QUEUED, "", 0, now,
            next_attempt_at=max(send_at, now) if send_at else now, purpose=purpose, language=language, variables=dict(variables or {}),
            campaign_id=campaign_id, batch_id=batch_id,
        )
        n.history.append(StatusChange(QUEUED, "", now))
        return n

    @classmethod
    def skipped(cls, *, idempotency_key: str, person_id: str, channel: str, recipient: str, template: str, audience: Audience, reason: str) -> "Notification":
        n = cls.queue(idempotency_key=idempotency_key, person_id=person_id, channel=channel, recipient=recipient, template=template, audience=audience)
        n.history.clear()
        n.skip(reason, n.created_at)
        return n

    def is_due(self, now: datetime) -> bool:
        return self.status == QUEUED and (self.next_attempt_at is None or self.next_attempt_at <= now)

    def skip(self, reason: str, now: datetime) -> None:
        self.next_attempt_at = None
        self._move(SKIPPED, reason, now)
        self.events.append(events.NotificationSkipped(self))

    def defer(self, until: datetime, reason: str, now: datetime) -> None:
        """Waits (quiet hours, a rate limit) without counting an attempt."""
        self.next_attempt_at = until
        if self.reason != reason:
            self._move(QUEUED, reason, now)

    def start_sending(
        self, now: datetime, *, recipient: str = "", subject: str = "", body: str = "", template_version: int = 0, language: str = ""
    ) -> None:
        if recipient:
            self.recipient = recipient
        if subject or body:
            self.subject, self.body = subject, body
        if template_version:
            # A version is numbered per name *and* language: pin both, so a retry finds the same template
            # even when the language was found by falling back (ro-RO → ro → the default).
            self.template_version = template_version
            self.language = language or self.language
        self.attempts += 1
        self._move(SENDING, "", now)

    def mark_sent(self, now: datetime, provider_id: str = "", segments: int = 0) -> None:
        self.sent_at = now
        self.next_attempt_at = None
        self.provider_id = provider_id
        self.segments = segments
        self._move(SENT, "", now)
        self.events.append(events.NotificationSent(self))

    def mark_failed(self, reason: str, now: datetime, *, transient: bool, policy: RetryPolicy, retry_after: float | None = None) -> None:
        """A transient failure is retried later (after the provider's Retry-After when given) until attempts run out."""
        if transient and self.attempts < policy.max_attempts:
            wait = policy.delay(self.attempts)
            if retry_after is not None:
                wait = max(wait, timedelta(seconds=retry_after))
            self.next_attempt_at = now + wait
            self._move(QUEUED, f"retrying: {reason}", now)
            return
        self.next_attempt_at = None
        self._move(FAILED, reason if not transient else f"gave up after {self.attempts} attempts: {reason}", now)
        self.events.append(events.NotificationFailed(self))

    def fail(self, reason: str, now: datetime) -> None:
        """Fails for good before any attempt (a template that cannot be rendered, an unknown person)."""
        self.next_attempt_at = None
        self._move(FAILED, reason, now)
        self.events.append(events.NotificationFailed(self))

    def release_interrupted(self, now: datetime) -> None:
        """A worker died while sending: queue it again (same id, so providers and receivers can tell)."""
        self.next_attempt_at = now
        self._move(QUEUED, "sending was interrupted", now)

    def retry(self, now: datetime) -> None:
        """An operator's replay of a failed notification: a fresh set of attempts."""
        if self.status != FAILED:
            raise ValueError(f"only failed notifications can be retried; this one is {self.status}")
        self.attempts = 0
        self.next_attempt_at = now
        self._move(QUEUED, "retried by an operator", now)

    def report_delivery(self, delivered: bool, reason: str, now: datetime) -> bool:
        """A provider's receipt; False when it changes nothing (a repeated receipt)."""
        if self.status != SENT:
            return False
        if delivered:
            self._move(DELIVERED, "", now)
            self.events.append(events.NotificationDelivered(self))
        else:
            self._move(FAILED, reason or "the provider could not deliver it", now)
            self.events.append(events.NotificationFailed(self))
        return True

    def record_phone_outcome(self, outcome: str, call_back_at: datetime | None, note: str, now: datetime) -> bool:
        """The call-center's report on a phone task; False when the same outcome was already recorded."""
        if self.channel != "phone":
            raise ValueError("only phone tasks have outcomes")
        if self.status not in (SENT, DELIVERED):
            raise ValueError(f"the task is {self.status}, not yet handed to the call-center")
        if self.phone_outcome == outcome and self.call_back_at == call_back_at:
            return False
        self.phone_outcome = outcome
        self.call_back_at = call_back_at
        reason = outcome.replace("_", " ") + (f": {note}" if note else "")
        if outcome == "no_answer":
            self._move(SENT, reason, now)
        else:
            self._move(DELIVERED, reason, now)
        self.events.append(events.PhoneTaskCompleted(self))
        return True

    def _move(self, status: str, reason: str, now: datetime) -> None:
        self.status = status
        self.reason = reason
        self.history.append(StatusChange(status, reason, now))
