"""The contacts unit of work: persons and history in one transaction with their events."""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from crm_chassis.uow import SqlAlchemyUnitOfWork
from crm_contacts.adapters import messages, orm
from crm_contacts.adapters.accounts_repository import AccountRepository, RelationRepository
from crm_contacts.adapters.custom_fields_repository import CustomFieldRepository, CustomValueRepository
from crm_contacts.adapters.duplicates_repository import AccountMatchKeyRepository, DuplicateRepository, MatchKeyRepository
from crm_contacts.adapters.repository import HistoryRepository, OutboxEraser, OwnedProductRepository, PersonRepository
from crm_contacts.adapters.sales_feed_repository import SalesFeedRepository
from crm_contacts.adapters.saved_searches_repository import SavedSearchRepository
from crm_contacts.adapters.search_sql import SearchRepository
from crm_contacts.adapters.transfer_repository import ImportJobRepository, ImportMappingRepository


class ContactsUnitOfWork(SqlAlchemyUnitOfWork):
    persons: PersonRepository
    match_keys: MatchKeyRepository  # duplicates
    duplicates: DuplicateRepository  # duplicates: scans, pairs, merges
    account_match_keys: AccountMatchKeyRepository  # duplicates
    duplicate_threshold: float  # duplicates: the online check's lowest score (settings)
    search: SearchRepository
    saved_searches: SavedSearchRepository
    history: HistoryRepository
    accounts: AccountRepository
    account_history: HistoryRepository
    relations: RelationRepository
    owned_products: OwnedProductRepository
    outbox_rows: OutboxEraser
    custom_fields: CustomFieldRepository
    custom_values: CustomValueRepository
    import_mappings: ImportMappingRepository
    imports: ImportJobRepository
    sales_feed: SalesFeedRepository  # sales events feed

    def __init__(self, sessions: sessionmaker[Session], duplicate_threshold: float = 0.8):
        super().__init__(
            sessions, outbox_table=orm.outbox, inbox_table=orm.inbox, map_event=messages.outbound,
            idempotency_table=orm.idempotency_keys,  # idempotency: request ids of creates
        )
        self.duplicate_threshold = duplicate_threshold

    def _open(self, session: Session) -> None:
        self.persons = PersonRepository(session, self.seen)
        self.history = HistoryRepository(session)
        self.owned_products = OwnedProductRepository(session, self.seen)
        self.outbox_rows = OutboxEraser(session)
        # one line per area's repositories, e.g. self.accounts = AccountRepository(session, self.seen)
        self.match_keys, self.duplicates = MatchKeyRepository(session), DuplicateRepository(session)
        self.account_match_keys = AccountMatchKeyRepository(session)
        self.accounts, self.relations = AccountRepository(session, self.seen), RelationRepository(session, self.seen)
        self.account_history = HistoryRepository(session, orm.account_history, "account_id")
        self.search, self.saved_searches = SearchRepository(session), SavedSearchRepository(session)
        self.import_mappings, self.imports = ImportMappingRepository(session), ImportJobRepository(session)
        self.sales_feed = SalesFeedRepository(session)  # sales events feed
        self.custom_fields = CustomFieldRepository(session)
        self.custom_values = CustomValueRepository(session)
