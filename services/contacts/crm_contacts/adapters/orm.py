"""The contacts database: its tables, plus the chassis' outbox and inbox."""
from __future__ import annotations

import sqlalchemy as sa

from crm_chassis.db import UtcDateTime
from crm_chassis.inbox import inbox_table
from crm_chassis.outbox import outbox_table

metadata = sa.MetaData()

persons = sa.Table(
    "persons",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("given_name", sa.String(200), nullable=False),
    sa.Column("family_name", sa.String(200), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False, server_default=""),
    sa.Column("territory", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("salutation", sa.String(200), nullable=False, server_default=""),
    sa.Column("preferred_language", sa.String(35), nullable=False, server_default=""),
    sa.Column("time_zone", sa.String(64), nullable=False, server_default=""),
    sa.Index("ix_persons_created_at_id", "created_at", "id"),
    sa.Index("ix_persons_owner", "owner"),
    sa.Index("ix_persons_team", "team"),
    sa.Index("ix_persons_territory", "territory"),
)

person_emails = sa.Table(
    "person_emails",
    metadata,
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("address", sa.String(320), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Index("ix_person_emails_address", "address"),
)

person_phones = sa.Table(
    "person_phones",
    metadata,
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Index("ix_person_phones_number", "number"),
)

person_consents = sa.Table(
    "person_consents",
    metadata,
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("channel", sa.String(20), primary_key=True),
    sa.Column("purpose", sa.String(20), primary_key=True),
    sa.Column("granted", sa.Boolean, nullable=False),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)

person_addresses = sa.Table(
    "person_addresses",
    metadata,
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("lines", sa.Text, nullable=False),  # a JSON array of strings
    sa.Column("postal_code", sa.String(20), nullable=False),
    sa.Column("city", sa.String(200), nullable=False),
    sa.Column("region", sa.String(200), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
)

person_history = sa.Table(
    "person_history",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
    sa.Index("ix_person_history_person_occurred", "person_id", "occurred_at", "id"),
)

# --- core: personal details, classification, owned products (migration 0003) ---
# --- end core ---

# --- accounts and relations (migration 0004) ---
# --- end accounts and relations ---

# --- custom fields (migration 0005) ---
# --- end custom fields ---

# --- search: saved searches (migration 0006) ---
# --- end search ---

# --- duplicates and merges (migration 0007) ---
# --- end duplicates and merges ---

# --- import and export (migration 0008) ---
# --- end import and export ---

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
