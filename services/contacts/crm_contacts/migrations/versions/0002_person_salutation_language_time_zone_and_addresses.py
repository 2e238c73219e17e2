"""person salutation, preferred language, time zone and postal addresses

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 02:08:17.089463

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('person_addresses',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('lines', sa.Text(), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=False),
    sa.Column('city', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'position')
    )
    # Existing persons get empty values: nothing is known yet. On SQLite this is ALTER TABLE ADD COLUMN, no copy.
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('salutation', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('preferred_language', sa.String(length=35), server_default='', nullable=False))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='', nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('person_addresses')
    # Never recreate persons on SQLite: with foreign keys on, dropping the old table would cascade to
    # every email, phone, consent and history row. SQLite >= 3.35 drops a plain column in place.
    with op.batch_alter_table('persons', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('preferred_language')
        batch_op.drop_column('salutation')
