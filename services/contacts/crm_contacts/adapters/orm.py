"""The contacts database: its tables, plus the chassis' outbox and inbox."""
from __future__ import annotations

import sqlalchemy as sa

from crm_chassis.db import UtcDateTime
from crm_chassis.idempotency import idempotency_table
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
    # core (migration 0003): personal details, classification, erasure, merge tombstone, etag
    sa.Column("birth_date", sa.Date),
    sa.Column("name_day", sa.String(5), nullable=False, server_default=""),
    sa.Column("lifecycle", sa.String(20), nullable=False, server_default=""),
    sa.Column("origin_kind", sa.String(20), nullable=False, server_default=""),
    sa.Column("origin_detail", sa.String(200), nullable=False, server_default=""),
    sa.Column("origin_campaign_id", sa.String(100), nullable=False, server_default=""),
    sa.Column("erased_at", UtcDateTime()),
    sa.Column("merged_into", sa.String(36), nullable=False, server_default=""),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
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
    # the other person the line names (migration 0011), so erasure rewrites exactly those lines; "" for a line
    # written before that could name someone the migration could not tell (erasure scrubs those by text)
    sa.Column("mentions_person_id", sa.String(36)),
    sa.Index("ix_person_history_person_occurred", "person_id", "occurred_at", "id"),
    sa.Index("ix_person_history_mentions_person_id", "mentions_person_id"),
)

# --- core: personal details, classification, owned products (migration 0003) ---
person_anniversaries = sa.Table(
    "person_anniversaries",
    metadata,
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
)

person_tags = sa.Table(
    "person_tags",
    metadata,
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("tag", sa.String(100), nullable=False),
    sa.Index("ix_person_tags_tag", "tag"),
)

# The owner is a person or an account (exactly one); accounts come in a later migration, hence no foreign key.
owned_products = sa.Table(
    "owned_products",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE")),
    sa.Column("account_id", sa.String(36)),
    sa.Column("product_id", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("purchased_on", sa.Date),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_owned_products_person_id", "person_id", "created_at", "id"),
    sa.Index("ix_owned_products_account_id", "account_id", "created_at", "id"),
)
# --- end core ---

# --- accounts and relations (migration 0004) ---
accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("legal_name", sa.String(200), nullable=False, server_default=""),
    # No ON DELETE: accounts are never deleted, and a parent must not vanish under its branches.
    sa.Column("parent_id", sa.String(36), sa.ForeignKey("accounts.id", name="fk_accounts_parent_id")),
    sa.Column("parent_kind", sa.String(20), nullable=False, server_default=""),
    sa.Column("industry", sa.String(100), nullable=False, server_default=""),
    sa.Column("employees", sa.Integer),
    sa.Column("turnover_minor", sa.BigInteger),
    sa.Column("turnover_currency", sa.String(3), nullable=False, server_default=""),
    sa.Column("lifecycle", sa.String(20), nullable=False, server_default=""),
    sa.Column("origin_kind", sa.String(20), nullable=False, server_default=""),
    sa.Column("origin_detail", sa.String(200), nullable=False, server_default=""),
    sa.Column("origin_campaign_id", sa.String(100), nullable=False, server_default=""),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False, server_default=""),
    sa.Column("territory", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("merged_into", sa.String(36), nullable=False, server_default=""),  # duplicates: a merged account's survivor (0012)
    sa.Index("ix_accounts_created_at_id", "created_at", "id"),
    sa.Index("ix_accounts_parent_id", "parent_id"),
    sa.Index("ix_accounts_name", "name"),
    sa.Index("ix_accounts_owner", "owner"),
    sa.Index("ix_accounts_team", "team"),
    sa.Index("ix_accounts_territory", "territory"),
)


def _account_part(name: str, *columns: sa.Column | sa.Index) -> sa.Table:
    """One list of an account, kept in the given order, replaced whole when the account is saved."""
    return sa.Table(
        name,
        metadata,
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        *columns,
    )


account_emails = _account_part(
    "account_emails", sa.Column("address", sa.String(320), nullable=False), sa.Column("kind", sa.String(20), nullable=False),
    sa.Index("ix_account_emails_address", "address"),
)
account_phones = _account_part(
    "account_phones", sa.Column("number", sa.String(20), nullable=False), sa.Column("kind", sa.String(20), nullable=False),
    sa.Index("ix_account_phones_number", "number"),
)
account_addresses = _account_part(
    "account_addresses",
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("lines", sa.Text, nullable=False),  # a JSON array of strings
    sa.Column("postal_code", sa.String(20), nullable=False),
    sa.Column("city", sa.String(200), nullable=False),
    sa.Column("region", sa.String(200), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Index("ix_account_addresses_city", "city"),
)
account_websites = _account_part(
    "account_websites", sa.Column("url", sa.String(2000), nullable=False), sa.Column("kind", sa.String(20), nullable=False),
)
account_registrations = _account_part(
    "account_registrations", sa.Column("kind", sa.String(20), nullable=False), sa.Column("value", sa.String(50), nullable=False),
    sa.Index("ix_account_registrations_kind_value", "kind", "value"),
)
account_tags = _account_part("account_tags", sa.Column("tag", sa.String(100), nullable=False), sa.Index("ix_account_tags_tag", "tag"))

account_history = sa.Table(
    "account_history",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
    sa.Column("mentions_person_id", sa.String(36)),
    sa.Index("ix_account_history_account_occurred", "account_id", "occurred_at", "id"),
    sa.Index("ix_account_history_mentions_person_id", "mentions_person_id"),
)

person_accounts = sa.Table(
    "person_accounts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.String(200), nullable=False, server_default=""),
    sa.Column("role", sa.String(30), nullable=False, server_default=""),
    sa.Column("is_primary", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_person_accounts_person_id", "person_id", "created_at", "id"),
    sa.Index("ix_person_accounts_account_id", "account_id", "created_at", "id"),
)

# Each relation is one row; `label` is what related_id is to subject_id, `inverse_label` the other way round.
person_relations = sa.Table(
    "person_relations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    sa.Column("related_person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    sa.Column("label", sa.String(30), nullable=False),
    sa.Column("inverse_label", sa.String(30), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_person_relations_person_id", "person_id"),
    sa.Index("ix_person_relations_related_person_id", "related_person_id"),
)

account_relations = sa.Table(
    "account_relations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("related_account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("label", sa.String(30), nullable=False),
    sa.Column("inverse_label", sa.String(30), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_account_relations_account_id", "account_id"),
    sa.Index("ix_account_relations_related_account_id", "related_account_id"),
)
# --- end accounts and relations ---

# --- custom fields (migration 0005) ---
custom_field_definitions = sa.Table(
    "custom_field_definitions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("entity", sa.String(20), nullable=False),  # person | account
    sa.Column("key", sa.String(63), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("required", sa.Boolean, nullable=False),
    sa.Column("options", sa.Text, nullable=False),  # JSON [{"key", "label"}]
    sa.Column("validation", sa.Text, nullable=False),  # JSON of the rules that are set
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("retired_at", UtcDateTime(), nullable=True),
    # retired fields keep their key until purged: a key names one field's values for good
    sa.UniqueConstraint("entity", "key", name="uq_custom_field_definitions_entity_key"),
)

# One row per value (a multi-choice: one per choice). Search filters `cf.<key>` by field_id and the typed column:
# text/choice/multi_choice → text_value, number → number_value, money → number_value (major units) + currency
# (exact minor units in text_value), date → date_value, bool → bool_value.
custom_values = sa.Table(
    "custom_values",
    metadata,
    sa.Column("entity", sa.String(20), primary_key=True),
    sa.Column("entity_id", sa.String(36), primary_key=True),
    sa.Column("field_id", sa.String(36), sa.ForeignKey("custom_field_definitions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(63), nullable=False),
    sa.Column("text_value", sa.String(500), nullable=True),
    sa.Column("number_value", sa.Numeric(38, 10), nullable=True),
    sa.Column("date_value", sa.Date, nullable=True),
    sa.Column("bool_value", sa.Boolean, nullable=True),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.Index("ix_custom_values_field_text", "field_id", "text_value"),
    sa.Index("ix_custom_values_field_number", "field_id", "number_value"),
    sa.Index("ix_custom_values_field_date", "field_id", "date_value"),
    sa.Index("ix_custom_values_field_bool", "field_id", "bool_value"),
)
# --- end custom fields ---

# --- search: saved searches (migration 0006) ---
saved_searches = sa.Table(
    "saved_searches",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("entity", sa.String(20), nullable=False),  # person | account
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("query", sa.Text, nullable=False),
    sa.Column("columns", sa.Text, nullable=False),  # a JSON array of field names
    sa.Column("order_by", sa.String(1000), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("shared", sa.Boolean, nullable=False),  # visible to the owner's team too
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("owner", "entity", "name", name="uq_saved_searches_owner_entity_name"),
    sa.Index("ix_saved_searches_team", "team"),
)

# Folded name words of persons and accounts (`name ~ "pop"`), written by their repositories on every add/save.
search_name_tokens = sa.Table(
    "search_name_tokens",
    metadata,
    sa.Column("entity", sa.String(20), primary_key=True),
    sa.Column("entity_id", sa.String(36), primary_key=True),
    sa.Column("token", sa.String(100), primary_key=True),
    sa.Index("ix_search_name_tokens_token", "entity", "token", postgresql_ops={"token": "text_pattern_ops"}),
)

# Sort and filter indexes of the search. Case-insensitive equality compares lower(...) on PostgreSQL only: on SQLite
# it is crm_lower() (see adapters/search_sql.py), which these would not serve.
sa.Index("ix_persons_family_name_id", persons.c.family_name, persons.c.id)
sa.Index("ix_persons_lower_family_name", sa.func.lower(persons.c.family_name)).ddl_if(dialect="postgresql")
sa.Index("ix_person_addresses_lower_city", sa.func.lower(person_addresses.c.city)).ddl_if(dialect="postgresql")
sa.Index("ix_person_emails_lower_address", sa.func.lower(person_emails.c.address)).ddl_if(dialect="postgresql")
sa.Index("ix_person_tags_lower_tag", sa.func.lower(person_tags.c.tag)).ddl_if(dialect="postgresql")
sa.Index("ix_accounts_name_id", accounts.c.name, accounts.c.id)
sa.Index("ix_accounts_lower_industry", sa.func.lower(accounts.c.industry)).ddl_if(dialect="postgresql")
sa.Index("ix_account_addresses_lower_city", sa.func.lower(account_addresses.c.city)).ddl_if(dialect="postgresql")
sa.Index("ix_account_tags_lower_tag", sa.func.lower(account_tags.c.tag)).ddl_if(dialect="postgresql")
# --- end search ---

# --- duplicates and merges (migration 0007) ---
# Blocking keys (domain.matching.blocking_keys) of every live person, rewritten on each write: the online check
# and the batch scan compare only persons sharing a key.
person_match_keys = sa.Table(
    "person_match_keys",
    metadata,
    sa.Column("person_id", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kind", sa.String(10), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Index("ix_person_match_keys_kind_key", "kind", "key"),
)

# The same for accounts (domain.matching.account_blocking_keys), rewritten by AccountRepository.add/save.
account_match_keys = sa.Table(
    "account_match_keys",
    metadata,
    sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kind", sa.String(10), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Index("ix_account_match_keys_kind_key", "kind", "key"),
)

duplicate_scans = sa.Table(
    "duplicate_scans",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),  # pending, running, done, failed
    sa.Column("min_score", sa.Float, nullable=False),
    sa.Column("requested_by", sa.String(200), nullable=False),
    sa.Column("requested_at", UtcDateTime(), nullable=False),
    sa.Column("started_at", UtcDateTime()),
    sa.Column("finished_at", UtcDateTime()),
    sa.Column("persons_scanned", sa.Integer, nullable=False, server_default="0"),
    sa.Column("pairs_found", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text, nullable=False, server_default=""),
    # Resuming: the last person id scored, saved with each batch, and when; a running scan whose worker died
    # (no progress for a while) is taken up again after its position.
    sa.Column("position", sa.String(36), nullable=False, server_default=""),
    sa.Column("progressed_at", UtcDateTime()),
    sa.Index("ix_duplicate_scans_status_requested", "status", "requested_at"),
)

# One row per pair of persons (person_a < person_b), kept across scans so that a dismissal sticks.
duplicate_pairs = sa.Table(
    "duplicate_pairs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_a", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    sa.Column("person_b", sa.String(36), sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reasons", sa.Text, nullable=False),  # a JSON array of strings
    sa.Column("status", sa.String(10), nullable=False),  # open, dismissed, merged
    sa.Column("scan_id", sa.String(36), nullable=False),
    sa.Column("found_at", UtcDateTime(), nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=False, server_default=""),
    sa.Column("decided_at", UtcDateTime()),
    sa.UniqueConstraint("person_a", "person_b", name="uq_duplicate_pairs_persons"),
    sa.Index("ix_duplicate_pairs_status_score", "status", "score", "id"),
    sa.Index("ix_duplicate_pairs_person_b", "person_b"),
)

# Lineage of merges: every record as it was before (JSON), and what was moved, so that a merge can be undone.
person_merges = sa.Table(
    "person_merges",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("survivor_id", sa.String(36), nullable=False),
    sa.Column("merged_ids", sa.Text, nullable=False),  # a JSON array of ids
    sa.Column("snapshot", sa.Text),  # JSON; NULL once a record of the merge was erased (no undo then)
    sa.Column("survivor_version", sa.Integer, nullable=False),  # the survivor's version right after the merge
    sa.Column("merged_by", sa.String(200), nullable=False),
    sa.Column("merged_at", UtcDateTime(), nullable=False),
    sa.Column("undone_by", sa.String(200), nullable=False, server_default=""),
    sa.Column("undone_at", UtcDateTime()),
    sa.Index("ix_person_merges_survivor_id", "survivor_id", "merged_at"),
)

account_merges = sa.Table(  # migration 0012; same shape as person_merges
    "account_merges",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("survivor_id", sa.String(36), nullable=False),
    sa.Column("merged_ids", sa.Text, nullable=False),
    sa.Column("snapshot", sa.Text),
    sa.Column("survivor_version", sa.Integer, nullable=False),
    sa.Column("merged_by", sa.String(200), nullable=False),
    sa.Column("merged_at", UtcDateTime(), nullable=False),
    sa.Column("undone_by", sa.String(200), nullable=False, server_default=""),
    sa.Column("undone_at", UtcDateTime()),
    sa.Index("ix_account_merges_survivor_id", "survivor_id", "merged_at"),
)
# --- end duplicates and merges ---

# --- import and export (migration 0008) ---
import_mappings = sa.Table(
    "import_mappings",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("owner", sa.String(200), nullable=False),  # mappings are their creator's own
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("format", sa.String(10), nullable=False),
    sa.Column("columns", sa.Text, nullable=False),  # JSON [[column, target], ...]
    sa.Column("options", sa.Text, nullable=False),  # JSON of MappingOptions
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("owner", "name", name="uq_import_mappings_owner_name"),
)

import_jobs = sa.Table(
    "import_jobs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    # Who started it: the persons it creates are theirs, and only they (and admins) see the job.
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("territory", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # uploading, queued, running, done, failed
    sa.Column("format", sa.String(10), nullable=False),
    sa.Column("dry_run", sa.Boolean, nullable=False),
    sa.Column("allow_duplicates", sa.Boolean, nullable=False),
    sa.Column("mapping_name", sa.String(100), nullable=False),
    sa.Column("mapping", sa.Text, nullable=False),  # JSON {"columns": ..., "options": ...}, fixed at start
    sa.Column("file_name", sa.String(200), nullable=False),
    sa.Column("file_size", sa.BigInteger, nullable=False),
    sa.Column("encoding", sa.String(20), nullable=False),  # as detected when the run began
    sa.Column("rows_total", sa.Integer, nullable=False),
    sa.Column("rows_done", sa.Integer, nullable=False),  # rows read so far: where a resumed run goes on
    sa.Column("rows_accepted", sa.Integer, nullable=False),
    sa.Column("rows_rejected", sa.Integer, nullable=False),
    sa.Column("rows_duplicate", sa.Integer, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("lease_owner", sa.String(36), nullable=False),
    sa.Column("lease_until", UtcDateTime()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime()),
    sa.Index("ix_import_jobs_status", "status"),
    sa.Index("ix_import_jobs_owner_created", "owner", "created_at", "id"),
)

import_chunks = sa.Table(
    "import_chunks",
    metadata,
    sa.Column("job_id", sa.String(36), sa.ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

import_rows = sa.Table(
    "import_rows",
    metadata,
    sa.Column("job_id", sa.String(36), sa.ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("row_number", sa.Integer, primary_key=True),
    sa.Column("outcome", sa.String(20), nullable=False),  # rejected, duplicate (not written), duplicate_allowed
    sa.Column("raw", sa.Text, nullable=False),
    sa.Column("errors", sa.Text, nullable=False),  # JSON [{"column", "field", "message"}]
    sa.Column("candidates", sa.Text, nullable=False),  # JSON [{"person_id", "score", "reasons"}] or in-file rows
    sa.Column("person_id", sa.String(36), nullable=False),  # the person written for a duplicate_allowed row
)
# --- end import and export ---

# --- sales events feed (migration 0009) ---
# The names of sales' pipeline stages, kept from PipelineCreated/PipelineUpdated, so that a dossier line can say
# "moved forward to Proposal" (stage changes name the stage by id only).
sales_stages = sa.Table(
    "sales_stages",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("pipeline_id", sa.String(36), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("pipeline_updated_at", UtcDateTime(), nullable=False),  # a late, older PipelineUpdated changes nothing
)
# --- end sales events feed ---

# --- idempotency: request ids of CreatePerson, CreateAccount, LinkPersonToAccount (migration 0010) ---
idempotency_keys = idempotency_table(metadata)
# --- end idempotency ---

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
