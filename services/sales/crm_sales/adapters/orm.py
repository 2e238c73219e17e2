"""The sales database: its tables, plus the chassis' outbox and inbox.

Sections: core (pipelines, leads, opportunities, stage history; migration 0001),
commerce (products, price lists, quotes, orders, competitors; migration 0002) and forecast (stage conversion counts and
history indexes; migration 0003).
Money columns are BigInteger minor units beside a 3-letter currency.
"""
from __future__ import annotations

import sqlalchemy as sa

from crm_chassis.db import UtcDateTime
from crm_chassis.inbox import inbox_table
from crm_chassis.outbox import outbox_table

metadata = sa.MetaData()

# --- core ---
pipelines = sa.Table(
    "pipelines",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("is_default", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# A removed stage stays (active = false) so that history keeps pointing at it.
pipeline_stages = sa.Table(
    "pipeline_stages",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("pipeline_id", sa.String(36), sa.ForeignKey("pipelines.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("probability", sa.Integer, nullable=False),
    sa.Column("expected_days", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Index("ix_pipeline_stages_pipeline_position", "pipeline_id", "position"),
)

close_reasons = sa.Table(
    "close_reasons",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),  # won | lost
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("kind", "code", name="uq_close_reasons_kind_code"),
)

assignment_rules = sa.Table(
    "assignment_rules",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("countries", sa.Text, nullable=False),  # JSON array
    sa.Column("industries", sa.Text, nullable=False),  # JSON array
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("members", sa.Text, nullable=False),  # JSON array, the round-robin order
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("territory", sa.String(200), nullable=False),
    sa.Column("next_member", sa.Integer, nullable=False, default=0),  # the round-robin cursor
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

leads = sa.Table(
    "leads",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("given_name", sa.String(200), nullable=False),
    sa.Column("family_name", sa.String(200), nullable=False),
    sa.Column("company", sa.String(200), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("phone", sa.String(20), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("industry", sa.String(100), nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("rating", sa.String(10), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("disqualify_reason", sa.String(500), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("territory", sa.String(200), nullable=False),
    sa.Column("campaign_id", sa.String(64), nullable=False),
    # The marketing response or import row it came from; unique so that a redelivery adds nothing.
    sa.Column("origin_ref", sa.String(200), nullable=True, unique=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("account_id", sa.String(36), nullable=False),
    sa.Column("opportunity_id", sa.String(36), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("last_activity_at", UtcDateTime(), nullable=False),
    sa.Index("ix_leads_created_at_id", "created_at", "id"),
    sa.Index("ix_leads_status_last_activity", "status", "last_activity_at"),
    sa.Index("ix_leads_owner", "owner"),
    sa.Index("ix_leads_team", "team"),
    sa.Index("ix_leads_territory", "territory"),
    sa.Index("ix_leads_person_id", "person_id"),
)

# What ConvertLead did so far in contacts, so that a retry continues instead of repeating.
lead_conversions = sa.Table(
    "lead_conversions",
    metadata,
    sa.Column("lead_id", sa.String(36), sa.ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("account_id", sa.String(36), nullable=False),
    sa.Column("linked", sa.Boolean, nullable=False, default=False),  # person linked to the account
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("completed_at", UtcDateTime(), nullable=True),
)

opportunities = sa.Table(
    "opportunities",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("account_id", sa.String(36), nullable=False),
    sa.Column("lead_id", sa.String(36), nullable=False),
    sa.Column("pipeline_id", sa.String(36), sa.ForeignKey("pipelines.id"), nullable=False),
    sa.Column("stage_id", sa.String(36), sa.ForeignKey("pipeline_stages.id"), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # open | won | lost
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("expected_close_date", sa.Date, nullable=True),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("territory", sa.String(200), nullable=False),
    sa.Column("next_step", sa.String(500), nullable=False),
    sa.Column("probability", sa.Integer, nullable=False),
    sa.Column("stage_entered_at", UtcDateTime(), nullable=False),
    sa.Column("close_reason_id", sa.String(36), nullable=False),
    sa.Column("close_note", sa.Text, nullable=False),
    sa.Column("lost_to_competitor_id", sa.String(36), nullable=False),
    sa.Column("competitor_price_minor", sa.BigInteger, nullable=True),
    sa.Column("competitor_currency", sa.String(3), nullable=False),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_opportunities_created_at_id", "created_at", "id"),
    sa.Index("ix_opportunities_status_close_date", "status", "expected_close_date"),
    sa.Index("ix_opportunities_stage", "stage_id"),
    sa.Index("ix_opportunities_owner", "owner"),
    sa.Index("ix_opportunities_team", "team"),
    sa.Index("ix_opportunities_territory", "territory"),
    sa.Index("ix_opportunities_account", "account_id"),
    sa.Index("ix_opportunities_closed_at", "closed_at"),
)

opportunity_products = sa.Table(
    "opportunity_products",
    metadata,
    sa.Column("opportunity_id", sa.String(36), sa.ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("product_id", sa.String(36), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("quantity", sa.BigInteger, nullable=False),
    sa.Column("unit_price_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
)

opportunity_contacts = sa.Table(
    "opportunity_contacts",
    metadata,
    sa.Column("opportunity_id", sa.String(36), sa.ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Index("ix_opportunity_contacts_person", "person_id"),
)

# One row per stay in a stage (or in won/lost): entered_at, left_at (null while there).
# The amount and probability at entry let the forecast rebuild the pipeline as of any date.
opportunity_stage_history = sa.Table(
    "opportunity_stage_history",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("opportunity_id", sa.String(36), sa.ForeignKey("opportunities.id", ondelete="CASCADE"), nullable=False),
    sa.Column("pipeline_id", sa.String(36), nullable=False),
    sa.Column("stage_id", sa.String(36), nullable=False),
    sa.Column("from_stage_id", sa.String(36), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # open | won | lost
    sa.Column("kind", sa.String(10), nullable=False),  # created | forward | backward | won | lost | reopened
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("probability", sa.Integer, nullable=False),
    sa.Column("entered_at", UtcDateTime(), nullable=False),
    sa.Column("left_at", UtcDateTime(), nullable=True),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Index("ix_stage_history_opportunity_entered", "opportunity_id", "entered_at"),
    sa.Index("ix_stage_history_stage", "stage_id"),
    # Migration 0003: covering indexes for the KPIs over a period (moves by entered_at, completed stays by left_at),
    # read without touching the table; their first columns also narrow the pipeline as of a date.
    sa.Index("ix_stage_history_entered_moves", "entered_at", "kind", "from_stage_id", "pipeline_id", "opportunity_id"),
    sa.Index("ix_stage_history_left_stays", "left_at", "status", "stage_id", "entered_at", "pipeline_id", "opportunity_id"),
)
# --- end core ---

# --- commerce ---
products = sa.Table(
    "products",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("sku", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("tax_rate_bp", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_products_created_at_id", "created_at", "id"),
)

price_lists = sa.Table(
    "price_lists",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),  # null: open-ended
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_price_lists_currency_valid_from", "currency", "valid_from"),
)

price_list_entries = sa.Table(
    "price_list_entries",
    metadata,
    sa.Column("price_list_id", sa.String(36), sa.ForeignKey("price_lists.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("product_id", sa.String(36), sa.ForeignKey("products.id"), primary_key=True),
    sa.Column("unit_price_minor", sa.BigInteger, nullable=False),
)

# The quote's identity; everything that changes per version lives in quote_versions. Who sees a quote follows its
# opportunity's owner, team and territory (read through the join), so reassigning the opportunity moves its quotes.
quotes = sa.Table(
    "quotes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("opportunity_id", sa.String(36), sa.ForeignKey("opportunities.id"), nullable=False),
    sa.Column("account_id", sa.String(36), nullable=False),
    sa.Column("price_list_id", sa.String(36), sa.ForeignKey("price_lists.id"), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # the current one
    sa.Column("order_id", sa.String(36), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_quotes_opportunity", "opportunity_id", "created_at", "id"),
    sa.Index("ix_quotes_created_at_id", "created_at", "id"),
)

quote_versions = sa.Table(
    "quote_versions",
    metadata,
    sa.Column("quote_id", sa.String(36), sa.ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),  # draft | sent | accepted | rejected
    sa.Column("approval", sa.String(15), nullable=False),  # not_required | pending | approved | rejected
    sa.Column("discount_bp", sa.Integer, nullable=False),
    sa.Column("valid_until", sa.Date, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("approved_by", sa.String(200), nullable=False),
    sa.Column("approval_comment", sa.Text, nullable=False),
    sa.Column("decision_reason", sa.Text, nullable=False),
    sa.Column("list_minor", sa.BigInteger, nullable=False),
    sa.Column("discount_minor", sa.BigInteger, nullable=False),
    sa.Column("net_minor", sa.BigInteger, nullable=False),
    sa.Column("tax_minor", sa.BigInteger, nullable=False),
    sa.Column("gross_minor", sa.BigInteger, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)


def _line_columns() -> list[sa.Column]:
    return [
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger, nullable=False),
        sa.Column("discount_bp", sa.Integer, nullable=False),
        sa.Column("discount_minor", sa.BigInteger, nullable=False),
        sa.Column("tax_rate_bp", sa.Integer, nullable=False),
        sa.Column("list_minor", sa.BigInteger, nullable=False),
        sa.Column("discount_total_minor", sa.BigInteger, nullable=False),
        sa.Column("net_minor", sa.BigInteger, nullable=False),
        sa.Column("tax_minor", sa.BigInteger, nullable=False),
        sa.Column("gross_minor", sa.BigInteger, nullable=False),
    ]


quote_lines = sa.Table(
    "quote_lines",
    metadata,
    sa.Column("quote_id", sa.String(36), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    *_line_columns(),
    sa.ForeignKeyConstraint(["quote_id", "version"], ["quote_versions.quote_id", "quote_versions.version"], ondelete="CASCADE"),
)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("quote_id", sa.String(36), sa.ForeignKey("quotes.id"), nullable=False, unique=True),
    sa.Column("quote_version", sa.Integer, nullable=False),
    sa.Column("opportunity_id", sa.String(36), nullable=False),
    sa.Column("account_id", sa.String(36), nullable=False),
    sa.Column("price_list_id", sa.String(36), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("purchase_order_number", sa.String(100), nullable=False),
    sa.Column("list_minor", sa.BigInteger, nullable=False),
    sa.Column("discount_minor", sa.BigInteger, nullable=False),
    sa.Column("net_minor", sa.BigInteger, nullable=False),
    sa.Column("tax_minor", sa.BigInteger, nullable=False),
    sa.Column("gross_minor", sa.BigInteger, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("territory", sa.String(200), nullable=False),
    sa.Column("placed_by", sa.String(200), nullable=False),
    sa.Column("placed_at", UtcDateTime(), nullable=False),
    sa.Index("ix_orders_placed_at_id", "placed_at", "id"),
    sa.Index("ix_orders_opportunity", "opportunity_id"),
    sa.Index("ix_orders_account", "account_id"),
    sa.Index("ix_orders_owner", "owner"),
    sa.Index("ix_orders_team", "team"),
    sa.Index("ix_orders_territory", "territory"),
)

order_lines = sa.Table(
    "order_lines",
    metadata,
    sa.Column("order_id", sa.String(36), sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    *_line_columns(),
)

competitors = sa.Table(
    "competitors",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("website", sa.String(500), nullable=False),
    sa.Column("strengths", sa.Text, nullable=False),
    sa.Column("weaknesses", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

competitor_products = sa.Table(
    "competitor_products",
    metadata,
    sa.Column("competitor_id", sa.String(36), sa.ForeignKey("competitors.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
)

competitor_prices = sa.Table(
    "competitor_prices",
    metadata,
    sa.Column("competitor_id", sa.String(36), primary_key=True),
    sa.Column("product_position", sa.Integer, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=True),
    sa.Column("valid_to", sa.Date, nullable=True),
    sa.ForeignKeyConstraint(
        ["competitor_id", "product_position"], ["competitor_products.competitor_id", "competitor_products.position"], ondelete="CASCADE"
    ),
)

opportunity_competitors = sa.Table(
    "opportunity_competitors",
    metadata,
    sa.Column("opportunity_id", sa.String(36), sa.ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("competitor_id", sa.String(36), sa.ForeignKey("competitors.id"), primary_key=True),
    sa.Column("strengths", sa.Text, nullable=False),
    sa.Column("weaknesses", sa.Text, nullable=False),
    sa.Column("threat", sa.String(10), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_opportunity_competitors_competitor", "competitor_id"),
)
# --- end commerce ---

# --- forecast (migration 0003) ---
# Closed opportunities that had once been in a stage, counted per closing day and per closing month (grain), kept
# up to date by OpportunityRepository in the transaction that closes, reopens or reassigns an opportunity, so that
# the historical conversion never has to scan the stage history (crm_sales.domain.forecast.close_window). The _all
# grains hold the same counts summed over owner, team and territory (left '') for those who see everything.
stage_conversions = sa.Table(
    "stage_conversions",
    metadata,
    sa.Column("grain", sa.String(10), primary_key=True),  # day | month, or day_all | month_all: summed over every owner
    sa.Column("period", sa.Date, primary_key=True),  # the UTC day of closing, or the first day of its month
    sa.Column("pipeline_id", sa.String(36), primary_key=True),
    sa.Column("stage_id", sa.String(36), primary_key=True),
    sa.Column("outcome", sa.String(10), primary_key=True),  # won | lost
    sa.Column("owner", sa.String(200), primary_key=True),
    sa.Column("team", sa.String(200), primary_key=True),
    sa.Column("territory", sa.String(200), primary_key=True),
    sa.Column("opportunities", sa.Integer, nullable=False),
)
# --- end forecast ---

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
