"""commerce: products, price lists, quotes and their versions, orders, competitors

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:20:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm_chassis.db import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('competitors',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('weaknesses', sa.Text(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('price_lists',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_price_lists_currency_valid_from', 'price_lists', ['currency', 'valid_from'], unique=False)
    op.create_table('products',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tax_rate_bp', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sku')
    )
    op.create_index('ix_products_created_at_id', 'products', ['created_at', 'id'], unique=False)
    op.create_table('competitor_products',
    sa.Column('competitor_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['competitors.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('competitor_id', 'position')
    )
    op.create_table('price_list_entries',
    sa.Column('price_list_id', sa.String(length=36), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.PrimaryKeyConstraint('price_list_id', 'product_id')
    )
    op.create_table('competitor_prices',
    sa.Column('competitor_id', sa.String(length=36), nullable=False),
    sa.Column('product_position', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['competitor_id', 'product_position'], ['competitor_products.competitor_id', 'competitor_products.position'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('competitor_id', 'product_position', 'position')
    )
    op.create_table('opportunity_competitors',
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('competitor_id', sa.String(length=36), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('weaknesses', sa.Text(), nullable=False),
    sa.Column('threat', sa.String(length=10), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['competitors.id'], ),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opportunity_id', 'competitor_id')
    )
    op.create_index('ix_opportunity_competitors_competitor', 'opportunity_competitors', ['competitor_id'], unique=False)
    op.create_table('quotes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('price_list_id', sa.String(length=36), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_quotes_created_at_id', 'quotes', ['created_at', 'id'], unique=False)
    op.create_index('ix_quotes_opportunity', 'quotes', ['opportunity_id', 'created_at', 'id'], unique=False)
    op.create_table('orders',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('quote_id', sa.String(length=36), nullable=False),
    sa.Column('quote_version', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('price_list_id', sa.String(length=36), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('purchase_order_number', sa.String(length=100), nullable=False),
    sa.Column('list_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_minor', sa.BigInteger(), nullable=False),
    sa.Column('net_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_minor', sa.BigInteger(), nullable=False),
    sa.Column('gross_minor', sa.BigInteger(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('team', sa.String(length=200), nullable=False),
    sa.Column('territory', sa.String(length=200), nullable=False),
    sa.Column('placed_by', sa.String(length=200), nullable=False),
    sa.Column('placed_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quote_id')
    )
    op.create_index('ix_orders_account', 'orders', ['account_id'], unique=False)
    op.create_index('ix_orders_opportunity', 'orders', ['opportunity_id'], unique=False)
    op.create_index('ix_orders_owner', 'orders', ['owner'], unique=False)
    op.create_index('ix_orders_placed_at_id', 'orders', ['placed_at', 'id'], unique=False)
    op.create_index('ix_orders_team', 'orders', ['team'], unique=False)
    op.create_index('ix_orders_territory', 'orders', ['territory'], unique=False)
    op.create_table('quote_versions',
    sa.Column('quote_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('approval', sa.String(length=15), nullable=False),
    sa.Column('discount_bp', sa.Integer(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.String(length=200), nullable=False),
    sa.Column('approval_comment', sa.Text(), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('list_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_minor', sa.BigInteger(), nullable=False),
    sa.Column('net_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_minor', sa.BigInteger(), nullable=False),
    sa.Column('gross_minor', sa.BigInteger(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('quote_id', 'version')
    )
    op.create_table('order_lines',
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_bp', sa.Integer(), nullable=False),
    sa.Column('discount_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_rate_bp', sa.Integer(), nullable=False),
    sa.Column('list_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_total_minor', sa.BigInteger(), nullable=False),
    sa.Column('net_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_minor', sa.BigInteger(), nullable=False),
    sa.Column('gross_minor', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', 'position')
    )
    op.create_table('quote_lines',
    sa.Column('quote_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_bp', sa.Integer(), nullable=False),
    sa.Column('discount_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_rate_bp', sa.Integer(), nullable=False),
    sa.Column('list_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_total_minor', sa.BigInteger(), nullable=False),
    sa.Column('net_minor', sa.BigInteger(), nullable=False),
    sa.Column('tax_minor', sa.BigInteger(), nullable=False),
    sa.Column('gross_minor', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['quote_id', 'version'], ['quote_versions.quote_id', 'quote_versions.version'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('quote_id', 'version', 'position')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('quote_lines')
    op.drop_table('order_lines')
    op.drop_table('quote_versions')
    op.drop_index('ix_orders_territory', table_name='orders')
    op.drop_index('ix_orders_team', table_name='orders')
    op.drop_index('ix_orders_placed_at_id', table_name='orders')
    op.drop_index('ix_orders_owner', table_name='orders')
    op.drop_index('ix_orders_opportunity', table_name='orders')
    op.drop_index('ix_orders_account', table_name='orders')
    op.drop_table('orders')
    op.drop_index('ix_quotes_opportunity', table_name='quotes')
    op.drop_index('ix_quotes_created_at_id', table_name='quotes')
    op.drop_table('quotes')
    op.drop_index('ix_opportunity_competitors_competitor', table_name='opportunity_competitors')
    op.drop_table('opportunity_competitors')
    op.drop_table('competitor_prices')
    op.drop_table('price_list_entries')
    op.drop_table('competitor_products')
    op.drop_index('ix_products_created_at_id', table_name='products')
    op.drop_table('products')
    op.drop_index('ix_price_lists_currency_valid_from', table_name='price_lists')
    op.drop_table('price_lists')
    op.drop_table('competitors')
