"""forecast: stage conversion counts per closing day and month, kept by the repository, backfilled from the history;
covering stage history indexes for the KPIs over a period

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 05:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same count as crm_sales.adapters.sales_analytics.stage_conversions_from_history, frozen here as this
# revision's SQL: every closed opportunity, once per stage it was ever in (open), under its closing day and month,
# per owner, team and territory, and summed over them (grains day_all, month_all, owner, team and territory '').
BACKFILL = """
INSERT INTO stage_conversions (grain, period, pipeline_id, stage_id, outcome, owner, team, territory, opportunities)
SELECT '{grain}', {period}, o.pipeline_id, v.stage_id, o.status, {who}, count(*)
FROM (SELECT DISTINCT opportunity_id, stage_id FROM opportunity_stage_history WHERE status = 'open') AS v
JOIN opportunities AS o ON o.id = v.opportunity_id
WHERE o.status IN ('won', 'lost') AND o.closed_at IS NOT NULL
GROUP BY {period}, o.pipeline_id, v.stage_id, o.status{group_who}
"""
PERIODS = {
    "postgresql": {"day": "CAST(timezone('UTC', o.closed_at) AS date)",
                   "month": "CAST(date_trunc('month', timezone('UTC', o.closed_at)) AS date)"},
    "sqlite": {"day": "date(o.closed_at)", "month": "date(o.closed_at, 'start of month')"},
}


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('stage_conversions',
    sa.Column('grain', sa.String(length=10), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('pipeline_id', sa.String(length=36), nullable=False),
    sa.Column('stage_id', sa.String(length=36), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('team', sa.String(length=200), nullable=False),
    sa.Column('territory', sa.String(length=200), nullable=False),
    sa.Column('opportunities', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('grain', 'period', 'pipeline_id', 'stage_id', 'outcome', 'owner', 'team', 'territory')
    )
    dialect = op.get_bind().dialect.name
    for grain in ("day", "month"):
        period = PERIODS[dialect][grain]
        op.execute(BACKFILL.format(grain=grain, period=period, who="o.owner, o.team, o.territory", group_who=", o.owner, o.team, o.territory"))
        op.execute(BACKFILL.format(grain=f"{grain}_all", period=period, who="'', '', ''", group_who=""))
    with op.batch_alter_table('opportunity_stage_history', schema=None) as batch_op:
        batch_op.create_index('ix_stage_history_entered_moves', ['entered_at', 'kind', 'from_stage_id', 'pipeline_id', 'opportunity_id'],
                              unique=False)
        batch_op.create_index('ix_stage_history_left_stays', ['left_at', 'status', 'stage_id', 'entered_at', 'pipeline_id', 'opportunity_id'],
                              unique=False)
        batch_op.drop_index('ix_stage_history_entered')  # the first column of ix_stage_history_entered_moves


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('opportunity_stage_history', schema=None) as batch_op:
        batch_op.create_index('ix_stage_history_entered', ['entered_at'], unique=False)
        batch_op.drop_index('ix_stage_history_left_stays')
        batch_op.drop_index('ix_stage_history_entered_moves')
    op.drop_table('stage_conversions')
