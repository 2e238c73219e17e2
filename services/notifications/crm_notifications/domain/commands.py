"""What callers ask notifications to do."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SendNotification:
    idempotency_key: str
    channel: str | None
    purpose: str | None
    template: str
    person_id: str = ""
    address: str = ""
    language: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    send_at: datetime | None = None
    campaign_id: str = ""


@dataclass(frozen=True)
class BatchRecipient:
    person_id: str = ""
    address: str = ""
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SendBatch:
    batch_id: str
    recipients: list[BatchRecipient]
    channel: str | None
    purpose: str | None
    template: str
    language: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    campaign_id: str = ""
    send_at: datetime | None = None
    rate_per_minute: int = 0


@dataclass(frozen=True)
class CreateTemplate:
    name: str
    language: str
    channel: str | None
    subject: str
    text_body: str
    html_body: str = ""


@dataclass(frozen=True)
class ReportPhoneOutcome:
    task_id: str
    outcome: str | None
    call_back_at: datetime | None = None
    note: str = ""
    agent: str = ""
