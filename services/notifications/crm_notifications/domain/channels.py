"""The port every channel adapter implements: send one rendered message, or say why not.

Adapters live in `adapters/` (SMTP, SMS and fax provider APIs, PDF letters,
phone tasks on RabbitMQ). They raise `SendError` with `transient=True` when
trying again later may succeed (timeouts, 4xx SMTP replies, HTTP 429/5xx),
optionally with the provider's `retry_after` in seconds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: str  # stable across retries: Message-ID, Idempotency-Key, AMQP message_id
    channel: str  # email | sms | fax | letter | phone
    recipient: str  # email address, E.164 number, or postal address (lines separated by "\n")
    subject: str
    text: str
    html: str = ""
    recipient_name: str = ""
    person_id: str = ""
    purpose: str = ""  # marketing | service
    campaign_id: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # extra email headers, e.g. List-Unsubscribe
    attempt: int = 1


@dataclass(frozen=True)
class Receipt:
    provider_id: str = ""  # the provider's message id, the queue message id, or the spooled file
    segments: int = 1  # billable units: SMS segments, fax pages


class SendError(Exception):
    def __init__(self, reason: str, *, transient: bool, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.retry_after = retry_after


class Channel(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> Receipt: ...
