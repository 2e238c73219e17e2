"""Builds the sales service's object graph once per process."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from crm_chassis import db
from crm_chassis.outbox import Relay
from crm_sales.adapters import orm
from crm_sales.config import SalesSettings
from crm_sales.service_layer.unit_of_work import SalesUnitOfWork

SERVICE = "sales"


@dataclass
class Sales:
    settings: SalesSettings
    engine: sa.Engine
    uow: Callable[[], SalesUnitOfWork]
    # Talks to contacts for ConvertLead (adapters.contacts_client.ContactsClient or a fake in tests).
    contacts: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    def relay(self) -> Relay:
        return Relay.for_service(self.engine, orm.outbox, SERVICE, self.settings)


def bootstrap(settings: SalesSettings, *, contacts: Any = None) -> Sales:
    engine = db.create_engine(settings.database_url)
    sessions = db.session_factory(engine)
    if contacts is None:
        from crm_sales.adapters.contacts_client import ContactsClient

        contacts = ContactsClient(settings.contacts_target, settings.contacts_deadline_seconds)
    return Sales(settings=settings, engine=engine, uow=lambda: SalesUnitOfWork(sessions), contacts=contacts)
