"""The notifications unit of work: notifications, templates, suppressions, recipients and their events in one transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from crm_chassis.uow import SqlAlchemyUnitOfWork
from crm_notifications.adapters import messages, orm
from crm_notifications.adapters.repository import (
    BatchRepository,
    NotificationRepository,
    RecipientRepository,
    SuppressionRepository,
    TemplateRepository,
)


class NotificationsUnitOfWork(SqlAlchemyUnitOfWork):
    notifications: NotificationRepository
    templates: TemplateRepository
    suppressions: SuppressionRepository
    recipients: RecipientRepository
    batches: BatchRepository

    def __init__(self, sessions: sessionmaker[Session]):
        super().__init__(sessions, outbox_table=orm.outbox, inbox_table=orm.inbox, map_event=messages.outbound)

    def _open(self, session: Session) -> None:
        self.notifications = NotificationRepository(session, self.seen)
        self.templates = TemplateRepository(session)
        self.suppressions = SuppressionRepository(session)
        self.recipients = RecipientRepository(session)
        self.batches = BatchRepository(session)
