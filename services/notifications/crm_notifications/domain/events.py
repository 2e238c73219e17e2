"""What happened to a notification, in the past tense."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_notifications.domain.model import Notification


@dataclass(frozen=True)
class NotificationSent:
    notification: "Notification"


@dataclass(frozen=True)
class NotificationSkipped:
    notification: "Notification"


@dataclass(frozen=True)
class NotificationFailed:
    notification: "Notification"


@dataclass(frozen=True)
class NotificationDelivered:
    notification: "Notification"


@dataclass(frozen=True)
class PhoneTaskCompleted:
    notification: "Notification"
