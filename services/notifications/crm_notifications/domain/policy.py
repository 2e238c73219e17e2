"""Whether, and when, a message may go out: consent, suppression and quiet hours."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MARKETING, SERVICE = "marketing", "service"


@dataclass(frozen=True)
class Suppression:
    address: str
    channel: str
    reason: str  # unsubscribed | bounced | complaint | manual
    marketing_only: bool
    created_at: datetime


def skip_reason(channel: str, purpose: str, consent: bool | None, suppression: Suppression | None) -> str:
    """Why the message must not be sent now, or "" when it may.

    Marketing needs consent granted for the channel; service messages go
    unless the person withdrew service consent for the channel. A suppressed
    address gets nothing, or no marketing when only marketing was refused.
    """
    if suppression is not None and (purpose == MARKETING or not suppression.marketing_only):
        return f"{suppression.address} is suppressed for {channel} ({suppression.reason})"
    if purpose == MARKETING and consent is not True:
        return f"no marketing consent for {channel}" if consent is None else f"marketing by {channel} was refused"
    if purpose == SERVICE and consent is False:
        return f"service messages by {channel} were refused"
    return ""


@dataclass(frozen=True)
class QuietHours:
    """A nightly window, in the recipient's local time, when a channel stays silent."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> "QuietHours | None":
        """"21:00-08:00" → QuietHours; "" → None. Raises ValueError naming the problem."""
        if not text.strip():
            return None
        try:
            start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise ValueError(f"{text!r} is not a window like 21:00-08:00") from None
        if start == end:
            raise ValueError(f"{text!r} is empty: start and end are the same")
        return cls(start, end)

    def next_allowed(self, now: datetime, zone: str, default_zone: str) -> datetime | None:
        """When the window ends if `now` is inside it (in UTC), else None."""
        tz = _zone(zone) or _zone(default_zone) or ZoneInfo("UTC")
        local = now.astimezone(tz)
        clock = local.time()
        inside = (self.start <= clock or clock < self.end) if self.start > self.end else (self.start <= clock < self.end)
        if not inside:
            return None
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(now.tzinfo)


def _zone(name: str) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
