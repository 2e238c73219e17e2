"""The sales unit of work: one transaction over the sales tables, with its events in the outbox."""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from crm_chassis.uow import SqlAlchemyUnitOfWork
from crm_sales.adapters import messages, orm
from crm_sales.adapters.commerce_repository import (
    CompetitorRepository,
    OpportunityCompetitorRepository,
    OrderRepository,
    PriceListRepository,
    ProductRepository,
    QuoteRepository,
)
from crm_sales.adapters.repository import LeadRepository, OpportunityRepository, PipelineRepository, SettingsRepository


class SalesUnitOfWork(SqlAlchemyUnitOfWork):
    pipelines: PipelineRepository
    settings: SettingsRepository
    leads: LeadRepository
    opportunities: OpportunityRepository
    products: ProductRepository
    price_lists: PriceListRepository
    quotes: QuoteRepository
    orders: OrderRepository
    competitors: CompetitorRepository
    opportunity_competitors: OpportunityCompetitorRepository

    def __init__(self, sessions: sessionmaker[Session]):
        super().__init__(sessions, outbox_table=orm.outbox, inbox_table=orm.inbox, map_event=messages.outbound)

    def _open(self, session: Session) -> None:
        # --- core ---
        self.pipelines = PipelineRepository(session)
        self.settings = SettingsRepository(session)
        self.leads = LeadRepository(session, self.seen)
        self.opportunities = OpportunityRepository(session, self.seen)
        # --- end core ---
        # --- commerce ---
        self.products = ProductRepository(session, self.seen)
        self.price_lists = PriceListRepository(session, self.seen)
        self.quotes = QuoteRepository(session, self.seen)
        self.orders = OrderRepository(session, self.seen)
        self.competitors = CompetitorRepository(session, self.seen)
        self.opportunity_competitors = OpportunityCompetitorRepository(session, self.seen)
        # --- end commerce ---
