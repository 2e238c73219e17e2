"""A notification and the rules of its life: queued, sending, sent, failed or skipped."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from crm_chassis.access import Audience
from crm_notifications.domain import events

QUEUED, SENDING, SENT, FAILED, SKIPPED = "queued", "sending", "sent", "failed", "skipped"
CHANNELS = ("email", "sms", "phone", "letter", "fax")


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
    events: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def queue(cls, *, idempotency_key: str, person_id: str, channel: str, recipient: str, template: str, subject: str, body: str, audience: Audience) -> "Notification":
        now = utcnow()
        n = cls(str(uuid.uuid4()), idempotency_key, person_id, channel, recipient, template, subject, body, audience, QUEUED, "", 0, now, next_attempt_at=now)
        n.history.append(StatusChange(QUEUED, "", now))
        return n

    @classmethod
    def skipped(cls, *, idempotency_key: str, person_id: str, channel: str, recipient: str, template: str, audience: Audience, reason: str) -> "Notification":
        now = utcnow()
        n = cls(str(uuid.uuid4()), idempotency_key, person_id, channel, recipient, template, "", "", audience, SKIPPED, reason, 0, now)
        n.history.append(StatusChange(SKIPPED, reason, now))
        n.events.append(events.NotificationSkipped(n))
        return n

    def is_due(self, now: datetime) -> bool:
        return self.status == QUEUED and (self.next_attempt_at is None or self.next_attempt_at <= now)

    def start_sending(self, now: datetime) -> None:
        self.attempts += 1
        self._move(SENDING, "", now)

    def mark_sent(self, now: datetime) -> None:
        self.sent_at = now
        self.next_attempt_at = None
        self._move(SENT, "", now)
        self.events.append(events.NotificationSent(self))

    def mark_failed(self, reason: str, now: datetime, *, transient: bool, policy: RetryPolicy) -> None:
        """A transient failure is retried later until the policy's attempts run out."""
        if transient and self.attempts < policy.max_attempts:
            self.next_attempt_at = now + policy.delay(self.attempts)
            self._move(QUEUED, f"retrying: {reason}", now)
            return
        self.next_attempt_at = None
        self._move(FAILED, reason if not transient else f"gave up after {self.attempts} attempts: {reason}", now)
        self.events.append(events.NotificationFailed(self))

    def release_interrupted(self, now: datetime) -> None:
        """A worker died while sending: queue it again (same Message-ID, so receivers can tell)."""
        self.next_attempt_at = now
        self._move(QUEUED, "sending was interrupted", now)

    def _move(self, status: str, reason: str, now: datetime) -> None:
        self.status = status
        self.reason = reason
        self.history.append(StatusChange(status, reason, now))
