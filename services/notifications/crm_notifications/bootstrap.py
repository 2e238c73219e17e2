"""Builds the notifications service's object graph once per process."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from crm_chassis import db
from crm_chassis.outbox import Relay
from crm_notifications.adapters import orm
from crm_notifications.adapters.smtp import SmtpMailer
from crm_notifications.config import NotificationsSettings
from crm_notifications.domain.model import RetryPolicy
from crm_notifications.service_layer.unit_of_work import NotificationsUnitOfWork

SERVICE = "notifications"


@dataclass
class Notifications:
    settings: NotificationsSettings
    engine: sa.Engine
    uow: Callable[[], NotificationsUnitOfWork]
    mailer: SmtpMailer
    retry_policy: RetryPolicy
    sending_lease: timedelta

    def relay(self) -> Relay:
        return Relay.for_service(self.engine, orm.outbox, SERVICE, self.settings)


def bootstrap(settings: NotificationsSettings) -> Notifications:
    engine = db.create_engine(settings.database_url)
    sessions = db.session_factory(engine)
    return Notifications(
        settings=settings,
        engine=engine,
        uow=lambda: NotificationsUnitOfWork(sessions),
        mailer=SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            tls=settings.smtp_tls,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout=settings.smtp_timeout_seconds,
        ),
        retry_policy=RetryPolicy(max_attempts=settings.max_attempts, base=timedelta(seconds=settings.retry_base_seconds)),
        sending_lease=timedelta(seconds=settings.sending_lease_seconds),
    )
