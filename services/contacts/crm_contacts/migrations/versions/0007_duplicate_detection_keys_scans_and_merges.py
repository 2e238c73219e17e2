"""duplicate detection keys, scans and merges

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 04:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Persons that exist already get their keys on their next write, or from the first duplicate scan, which
    # gives keys to every person without; accounts get theirs on their next write.
    op.create_table('person_match_keys',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'kind', 'key')
    )
    op.create_index('ix_person_match_keys_kind_key', 'person_match_keys', ['kind', 'key'], unique=False)
    op.create_table('account_match_keys',
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'kind', 'key')
    )
    op.create_index('ix_account_match_keys_kind_key', 'account_match_keys', ['kind', 'key'], unique=False)
    op.create_table('duplicate_scans',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('min_score', sa.Float(), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('persons_scanned', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pairs_found', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.Column('position', sa.String(length=36), server_default='', nullable=False),
    sa.Column('progressed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_duplicate_scans_status_requested', 'duplicate_scans', ['status', 'requested_at'], unique=False)
    op.create_table('duplicate_pairs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('person_a', sa.String(length=36), nullable=False),
    sa.Column('person_b', sa.String(length=36), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('scan_id', sa.String(length=36), nullable=False),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=200), server_default='', nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_a'], ['persons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_b'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_a', 'person_b', name='uq_duplicate_pairs_persons')
    )
    op.create_index('ix_duplicate_pairs_status_score', 'duplicate_pairs', ['status', 'score', 'id'], unique=False)
    op.create_index('ix_duplicate_pairs_person_b', 'duplicate_pairs', ['person_b'], unique=False)
    op.create_table('person_merges',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('survivor_id', sa.String(length=36), nullable=False),
    sa.Column('merged_ids', sa.Text(), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=True),
    sa.Column('survivor_version', sa.Integer(), nullable=False),
    sa.Column('merged_by', sa.String(length=200), nullable=False),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_by', sa.String(length=200), server_default='', nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_person_merges_survivor_id', 'person_merges', ['survivor_id', 'merged_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_person_merges_survivor_id', table_name='person_merges')
    op.drop_table('person_merges')
    op.drop_index('ix_duplicate_pairs_person_b', table_name='duplicate_pairs')
    op.drop_index('ix_duplicate_pairs_status_score', table_name='duplicate_pairs')
    op.drop_table('duplicate_pairs')
    op.drop_index('ix_duplicate_scans_status_requested', table_name='duplicate_scans')
    op.drop_table('duplicate_scans')
    op.drop_index('ix_account_match_keys_kind_key', table_name='account_match_keys')
    op.drop_table('account_match_keys')
    op.drop_index('ix_person_match_keys_kind_key', table_name='person_match_keys')
    op.drop_table('person_match_keys')
