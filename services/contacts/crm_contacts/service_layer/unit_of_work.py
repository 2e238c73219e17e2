"""The contacts unit of work: persons and history in one transaction with their events."""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from crm_chassis.uow import SqlAlchemyUnitOfWork
from crm_contacts.adapters import messages, orm
from crm_contacts.adapters.repository import HistoryRepository, PersonRepository


class ContactsUnitOfWork(SqlAlchemyUnitOfWork):
    persons: PersonRepository
    history: HistoryRepository

    def __init__(self, sessions: sessionmaker[Session]):
        super().__init__(sessions, outbox_table=orm.outbox, inbox_table=orm.inbox, map_event=messages.outbound)

    def _open(self, session: Session) -> None:
        self.persons = PersonRepository(session, self.seen)
        self.history = HistoryRepository(session)
        # one line per area's repositories, e.g. self.accounts = AccountRepository(session, self.seen)
