"""account merges: accounts.merged_into and account_merges (lineage and undo snapshots)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 05:15:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('merged_into', sa.String(length=36), server_default='', nullable=False))
    op.create_table(
        'account_merges',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('survivor_id', sa.String(length=36), nullable=False),
        sa.Column('merged_ids', sa.Text(), nullable=False),
        sa.Column('snapshot', sa.Text(), nullable=True),
        sa.Column('survivor_version', sa.Integer(), nullable=False),
        sa.Column('merged_by', sa.String(length=200), nullable=False),
        sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('undone_by', sa.String(length=200), server_default='', nullable=False),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_account_merges_survivor_id', 'account_merges', ['survivor_id', 'merged_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_account_merges_survivor_id', table_name='account_merges')
    op.drop_table('account_merges')
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('merged_into')
