"""saved searches and search indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 04:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm_contacts.domain.query import name_tokens

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
# Case-insensitive equality compares lower(...) on PostgreSQL: these make it an index lookup. SQLite compares
# crm_lower(...) (its own lower() knows only ASCII), which such indexes would not serve.
EXPRESSION_INDEXES = (
    ('ix_persons_lower_family_name', 'persons', 'lower(family_name)'),
    ('ix_person_addresses_lower_city', 'person_addresses', 'lower(city)'),
    ('ix_person_emails_lower_address', 'person_emails', 'lower(address)'),
    ('ix_person_tags_lower_tag', 'person_tags', 'lower(tag)'),
    ('ix_accounts_lower_industry', 'accounts', 'lower(industry)'),
    ('ix_account_addresses_lower_city', 'account_addresses', 'lower(city)'),
    ('ix_account_tags_lower_tag', 'account_tags', 'lower(tag)'),
)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'saved_searches',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('entity', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('query', sa.Text(), nullable=False),
        sa.Column('columns', sa.Text(), nullable=False),
        sa.Column('order_by', sa.String(length=1000), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('team', sa.String(length=200), nullable=False),
        sa.Column('shared', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('owner', 'entity', 'name', name='uq_saved_searches_owner_entity_name'),
    )
    op.create_index('ix_saved_searches_team', 'saved_searches', ['team'])
    op.create_table(
        'search_name_tokens',
        sa.Column('entity', sa.String(length=20), nullable=False),
        sa.Column('entity_id', sa.String(length=36), nullable=False),
        sa.Column('token', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('entity', 'entity_id', 'token'),
    )
    op.create_index('ix_search_name_tokens_token', 'search_name_tokens', ['entity', 'token'],
                    postgresql_ops={'token': 'text_pattern_ops'})
    op.create_index('ix_persons_family_name_id', 'persons', ['family_name', 'id'])
    if op.get_bind().dialect.name == 'postgresql':
        for name, table, expression in EXPRESSION_INDEXES:
            op.create_index(name, table, [sa.text(expression)])
    op.create_index('ix_accounts_name_id', 'accounts', ['name', 'id'])
    _backfill_name_tokens()


def _backfill_name_tokens() -> None:
    """Persons (and accounts, when their table exists) written before this revision get their name tokens."""
    conn = op.get_bind()
    tokens = sa.table('search_name_tokens', sa.column('entity'), sa.column('entity_id'), sa.column('token'))
    sources = [('person', 'SELECT id, given_name, family_name FROM persons')]
    if 'accounts' in sa.inspect(conn).get_table_names():
        sources.append(('account', 'SELECT id, name, legal_name FROM accounts'))
    for entity, select in sources:
        rows = []
        for row in conn.execute(sa.text(select)):
            rows.extend({'entity': entity, 'entity_id': row[0], 'token': t} for t in name_tokens(row[1], row[2]))
            if len(rows) >= BATCH:
                conn.execute(sa.insert(tokens), rows)
                rows = []
        if rows:
            conn.execute(sa.insert(tokens), rows)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_accounts_name_id', table_name='accounts')
    if op.get_bind().dialect.name == 'postgresql':
        for name, table, _ in reversed(EXPRESSION_INDEXES):
            op.drop_index(name, table_name=table)
    op.drop_index('ix_persons_family_name_id', table_name='persons')
    op.drop_index('ix_search_name_tokens_token', table_name='search_name_tokens')
    op.drop_table('search_name_tokens')
    op.drop_index('ix_saved_searches_team', table_name='saved_searches')
    op.drop_table('saved_searches')
