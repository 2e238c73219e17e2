"""persons, history, outbox and inbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 01:44:59.529104

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('inbox',
    sa.Column('consumer', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id')
    )
    op.create_table('outbox',
    sa.Column('position', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('message_type', sa.String(length=300), nullable=False),
    sa.Column('aggregate_type', sa.String(length=100), nullable=False),
    sa.Column('aggregate_id', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('traceparent', sa.String(length=100), nullable=True),
    sa.Column('tracestate', sa.String(length=500), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('position'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_state_position', ['state', 'position'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('given_name', sa.String(length=200), nullable=False),
    sa.Column('family_name', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('team', sa.String(length=200), server_default='', nullable=False),
    sa.Column('territory', sa.String(length=200), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('ix_persons_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_persons_owner', ['owner'], unique=False)
        batch_op.create_index('ix_persons_team', ['team'], unique=False)
        batch_op.create_index('ix_persons_territory', ['territory'], unique=False)

    op.create_table('person_consents',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'channel', 'purpose')
    )
    op.create_table('person_emails',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'position')
    )
    with op.batch_alter_table('person_emails', schema=None) as batch_op:
        batch_op.create_index('ix_person_emails_address', ['address'], unique=False)

    op.create_table('person_history',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person_history', schema=None) as batch_op:
        batch_op.create_index('ix_person_history_person_occurred', ['person_id', 'occurred_at', 'id'], unique=False)

    op.create_table('person_phones',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'position')
    )
    with op.batch_alter_table('person_phones', schema=None) as batch_op:
        batch_op.create_index('ix_person_phones_number', ['number'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('person_phones', schema=None) as batch_op:
        batch_op.drop_index('ix_person_phones_number')

    op.drop_table('person_phones')
    with op.batch_alter_table('person_history', schema=None) as batch_op:
        batch_op.drop_index('ix_person_history_person_occurred')

    op.drop_table('person_history')
    with op.batch_alter_table('person_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_person_emails_address')

    op.drop_table('person_emails')
    op.drop_table('person_consents')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_territory')
        batch_op.drop_index('ix_persons_team')
        batch_op.drop_index('ix_persons_owner')
        batch_op.drop_index('ix_persons_created_at_id')

    op.drop_table('persons')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_position')

    op.drop_table('outbox')
    op.drop_table('inbox')
