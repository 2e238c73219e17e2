"""Prometheus counters of what notifications decided and sent, per channel."""
from __future__ import annotations

from prometheus_client import Counter

OUTCOMES = Counter("crm_notifications_outcomes_total", "Notifications reaching a status, by channel", ["channel", "status"])
SEGMENTS = Counter("crm_notifications_billed_units_total", "SMS segments and fax pages the providers accepted", ["channel"])


def outcome(channel: str, status: str, segments: int = 0) -> None:
    OUTCOMES.labels(channel, status).inc()
    if segments:
        SEGMENTS.labels(channel).inc(segments)
