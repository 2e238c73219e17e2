"""custom field definitions and values

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 04:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('custom_field_definitions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=63), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.Text(), nullable=False),
    sa.Column('validation', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entity', 'key', name='uq_custom_field_definitions_entity_key')
    )
    op.create_table('custom_values',
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('field_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=63), nullable=False),
    sa.Column('text_value', sa.String(length=500), nullable=True),
    sa.Column('number_value', sa.Numeric(precision=38, scale=10), nullable=True),
    sa.Column('date_value', sa.Date(), nullable=True),
    sa.Column('bool_value', sa.Boolean(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.ForeignKeyConstraint(['field_id'], ['custom_field_definitions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entity', 'entity_id', 'field_id', 'position')
    )
    op.create_index('ix_custom_values_field_text', 'custom_values', ['field_id', 'text_value'], unique=False)
    op.create_index('ix_custom_values_field_number', 'custom_values', ['field_id', 'number_value'], unique=False)
    op.create_index('ix_custom_values_field_date', 'custom_values', ['field_id', 'date_value'], unique=False)
    op.create_index('ix_custom_values_field_bool', 'custom_values', ['field_id', 'bool_value'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_custom_values_field_bool', table_name='custom_values')
    op.drop_index('ix_custom_values_field_date', table_name='custom_values')
    op.drop_index('ix_custom_values_field_number', table_name='custom_values')
    op.drop_index('ix_custom_values_field_text', table_name='custom_values')
    op.drop_table('custom_values')
    op.drop_table('custom_field_definitions')
