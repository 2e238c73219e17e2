"""core: pipelines, close reasons, assignment rules, leads, conversions, opportunities, stage history, outbox, inbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 03:57:27.872356

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm_chassis.db import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('assignment_rules',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('countries', sa.Text(), nullable=False),
    sa.Column('industries', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('members', sa.Text(), nullable=False),
    sa.Column('team', sa.String(length=200), nullable=False),
    sa.Column('territory', sa.String(length=200), nullable=False),
    sa.Column('next_member', sa.Integer(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('close_reasons',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'code', name='uq_close_reasons_kind_code')
    )
    op.create_table('inbox',
    sa.Column('consumer', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('processed_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id')
    )
    op.create_table('leads',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('given_name', sa.String(length=200), nullable=False),
    sa.Column('family_name', sa.String(length=200), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('industry', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rating', sa.String(length=10), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('disqualify_reason', sa.String(length=500), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('team', sa.String(length=200), nullable=False),
    sa.Column('territory', sa.String(length=200), nullable=False),
    sa.Column('campaign_id', sa.String(length=64), nullable=False),
    sa.Column('origin_ref', sa.String(length=200), nullable=True),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.Column('last_activity_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('origin_ref')
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index('ix_leads_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_leads_owner', ['owner'], unique=False)
        batch_op.create_index('ix_leads_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_leads_status_last_activity', ['status', 'last_activity_at'], unique=False)
        batch_op.create_index('ix_leads_team', ['team'], unique=False)
        batch_op.create_index('ix_leads_territory', ['territory'], unique=False)

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
    sa.Column('occurred_at', UtcDateTime(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('published_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('position'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_state_position', ['state', 'position'], unique=False)

    op.create_table('pipelines',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('lead_conversions',
    sa.Column('lead_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('linked', sa.Boolean(), nullable=False),
    sa.Column('started_at', UtcDateTime(), nullable=False),
    sa.Column('completed_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lead_id')
    )
    op.create_table('pipeline_stages',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pipeline_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('expected_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['pipeline_id'], ['pipelines.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pipeline_stages', schema=None) as batch_op:
        batch_op.create_index('ix_pipeline_stages_pipeline_position', ['pipeline_id', 'position'], unique=False)

    op.create_table('opportunities',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('lead_id', sa.String(length=36), nullable=False),
    sa.Column('pipeline_id', sa.String(length=36), nullable=False),
    sa.Column('stage_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('expected_close_date', sa.Date(), nullable=True),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('team', sa.String(length=200), nullable=False),
    sa.Column('territory', sa.String(length=200), nullable=False),
    sa.Column('next_step', sa.String(length=500), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('stage_entered_at', UtcDateTime(), nullable=False),
    sa.Column('close_reason_id', sa.String(length=36), nullable=False),
    sa.Column('close_note', sa.Text(), nullable=False),
    sa.Column('lost_to_competitor_id', sa.String(length=36), nullable=False),
    sa.Column('competitor_price_minor', sa.BigInteger(), nullable=True),
    sa.Column('competitor_currency', sa.String(length=3), nullable=False),
    sa.Column('closed_at', UtcDateTime(), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pipeline_id'], ['pipelines.id'], ),
    sa.ForeignKeyConstraint(['stage_id'], ['pipeline_stages.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.create_index('ix_opportunities_account', ['account_id'], unique=False)
        batch_op.create_index('ix_opportunities_closed_at', ['closed_at'], unique=False)
        batch_op.create_index('ix_opportunities_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_opportunities_owner', ['owner'], unique=False)
        batch_op.create_index('ix_opportunities_stage', ['stage_id'], unique=False)
        batch_op.create_index('ix_opportunities_status_close_date', ['status', 'expected_close_date'], unique=False)
        batch_op.create_index('ix_opportunities_team', ['team'], unique=False)
        batch_op.create_index('ix_opportunities_territory', ['territory'], unique=False)

    op.create_table('opportunity_contacts',
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opportunity_id', 'person_id')
    )
    with op.batch_alter_table('opportunity_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_contacts_person', ['person_id'], unique=False)

    op.create_table('opportunity_products',
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opportunity_id', 'position')
    )
    op.create_table('opportunity_stage_history',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('pipeline_id', sa.String(length=36), nullable=False),
    sa.Column('stage_id', sa.String(length=36), nullable=False),
    sa.Column('from_stage_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('entered_at', UtcDateTime(), nullable=False),
    sa.Column('left_at', UtcDateTime(), nullable=True),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('opportunity_stage_history', schema=None) as batch_op:
        batch_op.create_index('ix_stage_history_entered', ['entered_at'], unique=False)
        batch_op.create_index('ix_stage_history_opportunity_entered', ['opportunity_id', 'entered_at'], unique=False)
        batch_op.create_index('ix_stage_history_stage', ['stage_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('opportunity_stage_history', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_history_stage')
        batch_op.drop_index('ix_stage_history_opportunity_entered')
        batch_op.drop_index('ix_stage_history_entered')

    op.drop_table('opportunity_stage_history')
    op.drop_table('opportunity_products')
    with op.batch_alter_table('opportunity_contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_contacts_person')

    op.drop_table('opportunity_contacts')
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunities_territory')
        batch_op.drop_index('ix_opportunities_team')
        batch_op.drop_index('ix_opportunities_status_close_date')
        batch_op.drop_index('ix_opportunities_stage')
        batch_op.drop_index('ix_opportunities_owner')
        batch_op.drop_index('ix_opportunities_created_at_id')
        batch_op.drop_index('ix_opportunities_closed_at')
        batch_op.drop_index('ix_opportunities_account')

    op.drop_table('opportunities')
    with op.batch_alter_table('pipeline_stages', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_stages_pipeline_position')

    op.drop_table('pipeline_stages')
    op.drop_table('lead_conversions')
    op.drop_table('pipelines')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_position')

    op.drop_table('outbox')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_territory')
        batch_op.drop_index('ix_leads_team')
        batch_op.drop_index('ix_leads_status_last_activity')
        batch_op.drop_index('ix_leads_person_id')
        batch_op.drop_index('ix_leads_owner')
        batch_op.drop_index('ix_leads_created_at_id')

    op.drop_table('leads')
    op.drop_table('inbox')
    op.drop_table('close_reasons')
    op.drop_table('assignment_rules')
