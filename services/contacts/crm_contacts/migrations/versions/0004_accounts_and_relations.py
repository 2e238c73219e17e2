"""accounts and relations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 04:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm_chassis.db import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account_part(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('account_id', 'position'),
    )


def _relations(table: str, side: str, target: str) -> None:
    op.create_table(
        table,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column(f'{side}_id', sa.String(length=36), nullable=False),
        sa.Column(f'related_{side}_id', sa.String(length=36), nullable=False),
        sa.Column('label', sa.String(length=30), nullable=False),
        sa.Column('inverse_label', sa.String(length=30), nullable=False),
        sa.Column('created_at', UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint([f'{side}_id'], [f'{target}.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint([f'related_{side}_id'], [f'{target}.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(f'ix_{table}_{side}_id', table, [f'{side}_id'])
    op.create_index(f'ix_{table}_related_{side}_id', table, [f'related_{side}_id'])


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'accounts',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('legal_name', sa.String(length=200), server_default='', nullable=False),
        sa.Column('parent_id', sa.String(length=36), nullable=True),
        sa.Column('parent_kind', sa.String(length=20), server_default='', nullable=False),
        sa.Column('industry', sa.String(length=100), server_default='', nullable=False),
        sa.Column('employees', sa.Integer(), nullable=True),
        sa.Column('turnover_minor', sa.BigInteger(), nullable=True),
        sa.Column('turnover_currency', sa.String(length=3), server_default='', nullable=False),
        sa.Column('lifecycle', sa.String(length=20), server_default='', nullable=False),
        sa.Column('origin_kind', sa.String(length=20), server_default='', nullable=False),
        sa.Column('origin_detail', sa.String(length=200), server_default='', nullable=False),
        sa.Column('origin_campaign_id', sa.String(length=100), server_default='', nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('team', sa.String(length=200), server_default='', nullable=False),
        sa.Column('territory', sa.String(length=200), server_default='', nullable=False),
        sa.Column('created_at', UtcDateTime(), nullable=False),
        sa.Column('updated_at', UtcDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['parent_id'], ['accounts.id'], name='fk_accounts_parent_id'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_accounts_created_at_id', 'accounts', ['created_at', 'id'])
    op.create_index('ix_accounts_parent_id', 'accounts', ['parent_id'])
    op.create_index('ix_accounts_name', 'accounts', ['name'])
    op.create_index('ix_accounts_owner', 'accounts', ['owner'])
    op.create_index('ix_accounts_team', 'accounts', ['team'])
    op.create_index('ix_accounts_territory', 'accounts', ['territory'])

    _account_part('account_emails', sa.Column('address', sa.String(length=320), nullable=False), sa.Column('kind', sa.String(length=20), nullable=False))
    op.create_index('ix_account_emails_address', 'account_emails', ['address'])
    _account_part('account_phones', sa.Column('number', sa.String(length=20), nullable=False), sa.Column('kind', sa.String(length=20), nullable=False))
    op.create_index('ix_account_phones_number', 'account_phones', ['number'])
    _account_part(
        'account_addresses',
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('lines', sa.Text(), nullable=False),
        sa.Column('postal_code', sa.String(length=20), nullable=False),
        sa.Column('city', sa.String(length=200), nullable=False),
        sa.Column('region', sa.String(length=200), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
    )
    op.create_index('ix_account_addresses_city', 'account_addresses', ['city'])
    _account_part('account_websites', sa.Column('url', sa.String(length=2000), nullable=False), sa.Column('kind', sa.String(length=20), nullable=False))
    _account_part('account_registrations', sa.Column('kind', sa.String(length=20), nullable=False), sa.Column('value', sa.String(length=50), nullable=False))
    op.create_index('ix_account_registrations_kind_value', 'account_registrations', ['kind', 'value'])
    _account_part('account_tags', sa.Column('tag', sa.String(length=100), nullable=False))
    op.create_index('ix_account_tags_tag', 'account_tags', ['tag'])

    op.create_table(
        'account_history',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=100), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=100), nullable=False),
        sa.Column('occurred_at', UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_account_history_account_occurred', 'account_history', ['account_id', 'occurred_at', 'id'])

    op.create_table(
        'person_accounts',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('position', sa.String(length=200), server_default='', nullable=False),
        sa.Column('role', sa.String(length=30), server_default='', nullable=False),
        sa.Column('is_primary', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=True),
        sa.Column('end_date', sa.Date(), nullable=True),
        sa.Column('created_at', UtcDateTime(), nullable=False),
        sa.Column('updated_at', UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_person_accounts_person_id', 'person_accounts', ['person_id', 'created_at', 'id'])
    op.create_index('ix_person_accounts_account_id', 'person_accounts', ['account_id', 'created_at', 'id'])

    _relations('person_relations', 'person', 'persons')
    _relations('account_relations', 'account', 'accounts')


def downgrade() -> None:
    """Downgrade schema."""
    for table in (
        'account_relations', 'person_relations', 'person_accounts', 'account_history', 'account_tags', 'account_registrations',
        'account_websites', 'account_addresses', 'account_phones', 'account_emails', 'accounts',
    ):
        op.drop_table(table)
