"""The notifications database: its tables, plus the chassis' outbox and inbox."""
from __future__ import annotations

import sqlalchemy as sa

from crm_chassis.db import UtcDateTime
from crm_chassis.inbox import inbox_table
from crm_chassis.outbox import outbox_table

metadata = sa.MetaData()

notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("template", sa.String(100), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("territory", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("sent_at", UtcDateTime()),
    sa.Column("next_attempt_at", UtcDateTime()),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("purpose", sa.String(20), nullable=False, server_default="service"),
    sa.Column("language", sa.String(35), nullable=False, server_default=""),
    sa.Column("template_version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("variables", sa.Text, nullable=False, server_default="{}"),
    sa.Column("campaign_id", sa.String(100), nullable=False, server_default=""),
    sa.Column("batch_id", sa.String(100), nullable=False, server_default=""),
    sa.Column("provider_id", sa.String(500), nullable=False, server_default=""),
    sa.Column("segments", sa.Integer, nullable=False, server_default="0"),
    sa.Column("phone_outcome", sa.String(20), nullable=False, server_default=""),
    sa.Column("call_back_at", UtcDateTime()),
    sa.Index("ix_notifications_person_created", "person_id", "created_at", "id"),
    sa.Index("ix_notifications_status_next_attempt", "status", "next_attempt_at"),
    sa.Index("ix_notifications_campaign", "campaign_id", "created_at"),
    sa.Index("ix_notifications_batch", "batch_id", "created_at"),
    sa.Index("ix_notifications_provider", "channel", "provider_id"),
)

status_changes = sa.Table(
    "notification_status_changes",
    metadata,
    sa.Column("notification_id", sa.String(36), sa.ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("changed_at", UtcDateTime(), nullable=False),
)

templates = sa.Table(
    "templates",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("language", sa.String(35), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("text_body", sa.Text, nullable=False),
    sa.Column("html_body", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

suppressions = sa.Table(
    "suppressions",
    metadata,
    sa.Column("channel", sa.String(20), primary_key=True),
    sa.Column("address", sa.String(320), primary_key=True),
    sa.Column("reason", sa.String(50), nullable=False),
    sa.Column("marketing_only", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# contacts' persons as far as sending needs them; JSON so the replica follows contacts' schema cheaply
recipients = sa.Table(
    "recipients",
    metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

batches = sa.Table(
    "batches",
    metadata,
    sa.Column("batch_id", sa.String(100), primary_key=True),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
