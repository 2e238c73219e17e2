"""channels, templates, suppressions, recipients, batches

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 02:10:28.894527

"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# The welcome email of the foundation becomes the first template; editors add versions with CreateTemplate.
WELCOME_SUBJECT = "{% if person.display_name %}{{ greeting }}, {{ person.display_name }}{% else %}{{ greeting }}{% endif %}"
WELCOME = {
    "en": ("Welcome", "{{ person.salutation }},\n\nthank you for your interest. You are now in our customer file, and we will\nwrite to you at this address about the things you agreed to.\n\nKind regards,\nCustomer care\n"),
    "ro": ("Bun venit", "{{ person.salutation }},\n\nvă mulțumim pentru interes. Acum sunteți în evidența noastră de clienți și vă vom\nscrie la această adresă doar despre ceea ce ați acceptat.\n\nCu stimă,\nRelații cu clienții\n"),
}


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('batches',
    sa.Column('batch_id', sa.String(length=100), nullable=False),
    sa.Column('settings', sa.Text(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('batch_id')
    )
    op.create_table('recipients',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.create_table('suppressions',
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('reason', sa.String(length=50), nullable=False),
    sa.Column('marketing_only', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'address')
    )
    op.create_table('templates',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', 'language', 'version')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=20), server_default='service', nullable=False))
        batch_op.add_column(sa.Column('language', sa.String(length=35), server_default='', nullable=False))
        batch_op.add_column(sa.Column('template_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('variables', sa.Text(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('campaign_id', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('batch_id', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('provider_id', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('segments', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('phone_outcome', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('call_back_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_notifications_batch', ['batch_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_campaign', ['campaign_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_provider', ['channel', 'provider_id'], unique=False)

    templates = sa.table(
        "templates", sa.column("name"), sa.column("language"), sa.column("version"), sa.column("channel"),
        sa.column("subject"), sa.column("text_body"), sa.column("html_body"), sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(templates, [
        {"name": "welcome", "language": language, "version": 1, "channel": "email",
         "subject": WELCOME_SUBJECT.replace("{{ greeting }}", greeting), "text_body": body, "html_body": "", "created_at": now}
        for language, (greeting, body) in WELCOME.items()
    ])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_provider')
        batch_op.drop_index('ix_notifications_campaign')
        batch_op.drop_index('ix_notifications_batch')
        batch_op.drop_column('call_back_at')
        batch_op.drop_column('phone_outcome')
        batch_op.drop_column('segments')
        batch_op.drop_column('provider_id')
        batch_op.drop_column('batch_id')
        batch_op.drop_column('campaign_id')
        batch_op.drop_column('variables')
        batch_op.drop_column('template_version')
        batch_op.drop_column('language')
        batch_op.drop_column('purpose')

    op.drop_table('templates')
    op.drop_table('suppressions')
    op.drop_table('recipients')
    op.drop_table('batches')
