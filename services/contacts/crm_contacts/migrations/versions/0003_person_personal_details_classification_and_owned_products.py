"""person personal details, classification and owned products

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Existing persons get empty values: nothing is known yet. On SQLite this is ALTER TABLE ADD COLUMN, no copy.
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('name_day', sa.String(length=5), server_default='', nullable=False))
        batch_op.add_column(sa.Column('lifecycle', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('origin_kind', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('origin_detail', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('origin_campaign_id', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('merged_into', sa.String(length=36), server_default='', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.create_table('person_anniversaries',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'position')
    )
    op.create_table('person_tags',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'position')
    )
    op.create_index('ix_person_tags_tag', 'person_tags', ['tag'], unique=False)
    op.create_table('owned_products',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=True),
    sa.Column('account_id', sa.String(length=36), nullable=True),
    sa.Column('product_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('purchased_on', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_owned_products_person_id', 'owned_products', ['person_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_owned_products_account_id', 'owned_products', ['account_id', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_owned_products_account_id', table_name='owned_products')
    op.drop_index('ix_owned_products_person_id', table_name='owned_products')
    op.drop_table('owned_products')
    op.drop_index('ix_person_tags_tag', table_name='person_tags')
    op.drop_table('person_tags')
    op.drop_table('person_anniversaries')
    # Never recreate persons on SQLite: with foreign keys on, dropping the old table would cascade to
    # every email, phone, consent and history row. SQLite >= 3.35 drops a plain column in place.
    with op.batch_alter_table('persons', schema=None, recreate='never') as batch_op:
        for column in ('version', 'merged_into', 'erased_at', 'origin_campaign_id', 'origin_detail', 'origin_kind',
                       'lifecycle', 'name_day', 'birth_date'):
            batch_op.drop_column(column)
