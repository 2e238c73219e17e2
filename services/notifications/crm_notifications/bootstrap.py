"""Builds the notifications service's object graph once per process."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from crm_chassis import db
from crm_chassis.outbox import Relay
from crm_notifications.adapters import orm
from crm_notifications.adapters.fax import HttpFaxChannel
from crm_notifications.adapters.letters import PdfLetterChannel
from crm_notifications.adapters.pdf import LetterRenderer
from crm_notifications.adapters.phone_tasks import PhoneTaskChannel
from crm_notifications.adapters.sms import HttpSmsChannel
from crm_notifications.adapters.smtp import SmtpChannel
from crm_notifications.config import NotificationsSettings
from crm_notifications.domain.channels import Channel
from crm_notifications.domain.model import RetryPolicy
from crm_notifications.service_layer.handlers import Rules
from crm_notifications.service_layer.throttle import Throttle
from crm_notifications.service_layer.unit_of_work import NotificationsUnitOfWork

SERVICE = "notifications"
log = logging.getLogger(__name__)


@dataclass
class Notifications:
    settings: NotificationsSettings
    engine: sa.Engine
    uow: Callable[[], NotificationsUnitOfWork]
    channels: dict[str, Channel]
    rules: Rules
    throttle: Throttle

    def relay(self) -> Relay:
        return Relay.for_service(self.engine, orm.outbox, SERVICE, self.settings)

    @property
    def send_concurrency(self) -> int:
        # SQLite's lock waits block the whole eventlet hub: one send at a time there.
        return 1 if self.engine.dialect.name == "sqlite" else max(1, self.settings.send_concurrency)


def channels(settings: NotificationsSettings) -> dict[str, Channel]:
    """Every channel whose settings are complete; SMS and fax need a provider URL."""
    renderer = LetterRenderer([line.strip() for line in settings.letter_sender.split(";") if line.strip()])
    built: list[Channel] = [
        SmtpChannel(
            host=settings.smtp_host, port=settings.smtp_port, sender=settings.mail_from, tls=settings.smtp_tls,
            username=settings.smtp_username, password=settings.smtp_password, timeout=settings.smtp_timeout_seconds,
        ),
        PdfLetterChannel(settings.letter_spool_dir, renderer),
        PhoneTaskChannel(settings.amqp_url, settings.phone_task_queue),
    ]
    if settings.sms_url:
        built.append(HttpSmsChannel(settings.sms_url, settings.sms_api_key, settings.sms_sender))
    if settings.fax_url:
        built.append(HttpFaxChannel(settings.fax_url, settings.fax_api_key, settings.fax_sender, renderer))
    return {channel.name: channel for channel in built}


def _unsubscribe_secret(settings: NotificationsSettings) -> bytes:
    try:
        return settings.unsubscribe_secret_file.read_bytes().strip()
    except OSError:
        log.warning("no unsubscribe secret at %s: marketing messages carry no unsubscribe link", settings.unsubscribe_secret_file)
        return b""


def bootstrap(settings: NotificationsSettings) -> Notifications:
    # Every send in flight holds a connection for its claim or its outcome.
    engine = db.create_engine(settings.database_url, pool_size=max(10, settings.send_concurrency + 2))
    sessions = db.session_factory(engine)
    secret = _unsubscribe_secret(settings)
    return Notifications(
        settings=settings,
        engine=engine,
        uow=lambda: NotificationsUnitOfWork(sessions),
        channels=channels(settings),
        rules=Rules(
            retry=RetryPolicy(max_attempts=settings.max_attempts, base=timedelta(seconds=settings.retry_base_seconds)),
            quiet_hours=settings.quiet_hours(),
            default_time_zone=settings.default_time_zone,
            default_language=settings.default_language,
            unsubscribe_url=settings.unsubscribe_url if secret else "",
            unsubscribe_secret=secret,
            lease=timedelta(seconds=settings.sending_lease_seconds),
        ),
        throttle=Throttle(Throttle.parse(settings.rate_limits)),
    )
