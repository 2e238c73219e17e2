"""The contacts worker as a real process: notifications' events land in the dossier once, and SIGTERM stops it cleanly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import pika
import pytest
from contacts_support import ALICE, jane, migrate, wait_until
from google.protobuf import json_format

from crm.notifications.v1 import events_pb2 as notification_events
from crm.notifications.v1 import notifications_pb2 as npb
from crm_contacts.bootstrap import bootstrap
from crm_contacts.config import ContactsSettings
from crm_contacts.service_layer import handlers

EXCHANGE = "notifications.events"
HANDLERS = {"NotificationSent": "on_notification_sent", "NotificationSkipped": "on_notification_skipped", "NotificationFailed": "on_notification_failed"}
CRM_CONTACTS = Path(sys.executable).with_name("crm-contacts")


def queue_name(event_type: str) -> str:
    return f"evt-notifications-{event_type}--contacts.{HANDLERS[event_type]}"


class Bus:
    """A pika connection publishing like the outbox relay and looking at the worker's queues."""

    def __init__(self, amqp_url: str):
        self.url = amqp_url
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self.channel = self.connection.channel()

    def queue_exists(self, name: str) -> bool:
        # A failed passive declare closes the channel it was made on, so use a throwaway one.
        channel = self.connection.channel()
        try:
            channel.queue_declare(name, passive=True)
        except pika.exceptions.ChannelClosedByBroker:
            return False
        channel.close()
        return True

    def depths(self) -> dict[str, int]:
        """Ready plus unacknowledged messages per queue, as the broker counts them."""
        vhost = unquote(urlparse(self.url).path.lstrip("/")) or "/"
        out = subprocess.run(
            ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers", "name", "messages"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout
        return {queue: int(count) for queue, count in (line.split() for line in out.splitlines() if line.strip())}

    def publish(self, event_id: str, message, occurred_at: datetime) -> None:
        self.channel.basic_publish(
            exchange=EXCHANGE,
            routing_key=message.DESCRIPTOR.name,
            body=json_format.MessageToJson(message).encode(),
            properties=pika.BasicProperties(
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=pika.DeliveryMode.Persistent,
                headers={"id": event_id, "type": message.DESCRIPTOR.full_name, "occurred_at": occurred_at.isoformat()},
            ),
        )

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def bus(amqp_url):
    bus = Bus(amqp_url)
    yield bus
    bus.close()


@pytest.fixture
def start_worker(tmp_path):
    started: list[subprocess.Popen] = []

    def start(database_url: str, amqp_url: str) -> subprocess.Popen:
        env = os.environ | {
            "CRM_CONTACTS_DATABASE_URL": database_url,
            "CRM_AMQP_URL": amqp_url,
            "CRM_CONTACTS_WORKER_METRICS_PORT": "0",
            "CRM_VAR_DIR": str(tmp_path / "var"),
        }
        log = (tmp_path / "worker.log").open("w")
        process = subprocess.Popen([str(CRM_CONTACTS), "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = tmp_path / "worker.log"
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def notification(event_type: str, person_id: str, subject: str, reason: str = ""):
    n = npb.Notification(
        id=str(uuid.uuid4()), person_id=person_id, channel=npb.CHANNEL_EMAIL, recipient="jane@example.com",
        template="welcome", subject=subject, reason=reason,
    )
    return getattr(notification_events, event_type)(notification=n)


def test_worker_records_notification_events_once_and_stops_on_sigterm(database_url, amqp_url, bus, start_worker):
    migrate(database_url)
    app = bootstrap(ContactsSettings(database_url=database_url))
    try:
        person = handlers.create_person(jane(), app.uow(), ALICE, None)
        worker = start_worker(database_url, amqp_url)

        def log() -> str:
            return worker.log_path.read_text()

        def running() -> bool:
            assert worker.poll() is None, f"the worker exited with {worker.returncode}:\n{log()}"
            return all(bus.queue_exists(queue_name(t)) for t in HANDLERS)

        wait_until(running, timeout=30, message="the worker's queues")

        def dossier() -> list[tuple[str, str]]:
            entries, _ = handlers.list_history(person.id, app.uow(), ALICE, 0, "")
            return [(e.kind, e.summary) for e in entries if e.source == "notifications"]

        sent_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
        bus.publish("evt-sent", notification("NotificationSent", person.id, "Welcome"), sent_at)
        sent = ("NotificationSent", "Email 'Welcome' sent to jane@example.com")
        wait_until(lambda: dossier() == [sent], message=f"the NotificationSent entry; worker log:\n{log()}")
        [entry] = [e for e in handlers.list_history(person.id, app.uow(), ALICE, 0, "")[0] if e.kind == "NotificationSent"]
        assert entry.occurred_at == sent_at

        # The same event again (a redelivery), then others: all handled, the duplicate recorded nothing.
        bus.publish("evt-sent", notification("NotificationSent", person.id, "Welcome again"), sent_at)
        bus.publish("evt-skipped", notification("NotificationSkipped", person.id, "News", reason="no consent"), sent_at + timedelta(seconds=1))
        bus.publish("evt-failed", notification("NotificationFailed", person.id, "Invoice", reason="mailbox full"), sent_at + timedelta(seconds=2))
        bus.publish("evt-stranger", notification("NotificationSent", str(uuid.uuid4()), "Hello"), sent_at)
        expected = [
            ("NotificationFailed", "Email 'Invoice' could not be sent to jane@example.com: mailbox full"),
            ("NotificationSkipped", "Email 'News' not sent to jane@example.com: no consent"),
            sent,
        ]
        wait_until(lambda: dossier() == expected, message=f"the skipped and failed entries; worker log:\n{log()}")
        # Every delivery acknowledged, none parked for a retry or dead-lettered: the duplicate was handled as one.
        def drained() -> dict[str, int] | None:
            depths = bus.depths()
            return depths if depths and not any(depths.values()) else None

        depths = wait_until(drained, message="every delivery to be acknowledged")
        assert {queue_name(t) for t in HANDLERS} <= set(depths)
        assert dossier() == expected

        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the worker ignored SIGTERM:\n{log()}")
        assert code == 0, log()
        assert dossier() == expected
    finally:
        app.engine.dispose()
