"""Builds the contacts service's object graph once per process."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from crm_chassis import db
from crm_chassis.outbox import Relay
from crm_contacts.adapters import orm
from crm_contacts.config import ContactsSettings
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

SERVICE = "contacts"


@dataclass
class Contacts:
    settings: ContactsSettings
    engine: sa.Engine
    uow: Callable[[], ContactsUnitOfWork]

    def relay(self) -> Relay:
        return Relay.for_service(self.engine, orm.outbox, SERVICE, self.settings)


def bootstrap(settings: ContactsSettings) -> Contacts:
    engine = db.create_engine(settings.database_url)
    sessions = db.session_factory(engine)
    return Contacts(settings=settings, engine=engine, uow=lambda: ContactsUnitOfWork(sessions, duplicate_threshold=settings.duplicate_threshold))
