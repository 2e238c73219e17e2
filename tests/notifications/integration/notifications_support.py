"""Helpers for the notifications integration tests: scripted SMTP servers, contacts events, the worker process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pika
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from google.protobuf import json_format

from crm.contacts.v1 import contacts_pb2, events_pb2
from crm_notifications.adapters import orm

MIGRATIONS = Path(orm.__file__).resolve().parent.parent / "migrations"
WORKER_QUEUE = "evt-contacts-PersonCreated--notifications.on_person_created"
CONSOLE_SCRIPT = Path(sys.executable).with_name("crm-notifications")  # the console script of this virtualenv


def wait_until(predicate: Callable[[], object], timeout: float = 10.0, interval: float = 0.02, message: str = "condition"):
    """Polls `predicate` until it returns something truthy, which is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def stays(predicate: Callable[[], object], seconds: float, interval: float = 0.05, message: str = "condition") -> None:
    """Asserts `predicate` holds throughout `seconds` (for things that must NOT happen)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert predicate(), f"{message} stopped holding"
        time.sleep(interval)


# -- SMTP ------------------------------------------------------------------


class ScriptedHandler:
    """Answers each mail transaction from a script, then accepts; keeps what it accepted.

    `answers` are consumed one per transaction (e.g. ["450 try later"] refuses
    the first try only); `always` refuses every transaction while it is set.
    `stage` says where the refusal comes: at RCPT TO or after DATA.
    """

    def __init__(self, answers: list[str] | None = None, always: str | None = None, stage: str = "rcpt"):
        self.answers = list(answers or [])
        self.always = always
        self.stage = stage
        self.accepted: list[EmailMessage] = []
        self.refused: list[str] = []
        self.commands: list[str] = []
        self.over_tls: list[bool] = []  # per accepted message: did the session use TLS
        self._lock = threading.Lock()

    def _refusal(self) -> str | None:
        with self._lock:
            if self.always:
                answer = self.always
            elif self.answers:
                answer = self.answers.pop(0)
            else:
                return None
            self.refused.append(answer)
            return answer

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.commands.append("EHLO")
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.commands.append("RCPT")
        if self.stage == "rcpt" and (answer := self._refusal()):
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.commands.append("DATA")
        if self.stage == "data" and (answer := self._refusal()):
            return answer
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.accepted.append(message)
            self.over_tls.append(session.ssl is not None)
        return "250 Message accepted for delivery"


class ScriptedSmtp:
    """A real aiosmtpd server on a free port, answering from a ScriptedHandler."""

    def __init__(self, handler: ScriptedHandler, port: int):
        self.handler = handler
        self.controller = Controller(handler, hostname="127.0.0.1", port=port)

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> "ScriptedSmtp":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


# -- the database ------------------------------------------------------------


def notification_rows(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.select(orm.notifications).order_by(orm.notifications.c.created_at)).all()


def history_of(engine: sa.Engine, notification_id: str) -> list[tuple[str, str]]:
    changes = orm.status_changes
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(changes.c.status, changes.c.reason).where(changes.c.notification_id == notification_id).order_by(changes.c.position)
        ).all()
    return [tuple(r) for r in rows]


def outbox_rows(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.select(orm.outbox).order_by(orm.outbox.c.position)).all()


# -- contacts events ----------------------------------------------------------


def contacts_person(*, email: str | None = "ada@example.org", consent: bool = True, person_id: str | None = None, **fields) -> contacts_pb2.Person:
    """A person as contacts publishes it: optionally an address and a granted service-email consent."""
    person = contacts_pb2.Person(
        id=person_id or str(uuid.uuid4()),
        given_name=fields.pop("given_name", "Ada"),
        family_name=fields.pop("family_name", "Lovelace"),
        owner=fields.pop("owner", "alice"),
        team=fields.pop("team", "north-team"),
        territory=fields.pop("territory", "north"),
        **fields,
    )
    if email:
        person.emails.add(address=email, kind=contacts_pb2.EMAIL_KIND_WORK)
    person.consents.add(channel=contacts_pb2.CHANNEL_EMAIL, purpose=contacts_pb2.PURPOSE_SERVICE, granted=consent, source="web form")
    return person


def publish_person_created(amqp_url: str, person: contacts_pb2.Person, event_id: str | None = None) -> str:
    """Publishes PersonCreated exactly as the contacts outbox relay does (nameko's wire format)."""
    event_id = event_id or str(uuid.uuid4())
    message = events_pb2.PersonCreated(person=person)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.exchange_declare("contacts.events", exchange_type="topic", durable=True)
        channel.confirm_delivery()
        channel.basic_publish(
            "contacts.events",
            "PersonCreated",
            json_format.MessageToJson(message).encode(),
            pika.BasicProperties(
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=pika.DeliveryMode.Persistent,
                headers={
                    "id": event_id,
                    "type": message.DESCRIPTOR.full_name,
                    "occurred_at": "2026-01-01T12:00:00+00:00",
                    "source": "contacts",
                    "aggregate_id": person.id,
                },
            ),
            mandatory=True,  # unroutable (no queue bound yet) would be an error, not a silent drop
        )
    finally:
        connection.close()
    return event_id


def queue_exists(amqp_url: str, queue: str) -> bool:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        connection.channel().queue_declare(queue, passive=True)  # a fresh channel: a miss closes it
        return True
    except pika.exceptions.ChannelClosedByBroker:
        return False
    finally:
        connection.close()


def queue_consumers(amqp_url: str, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.consumer_count
    finally:
        connection.close()


# -- the worker process ---------------------------------------------------------


class WorkerProcess:
    """`crm-notifications worker` as a child process; its log is kept for failure messages."""

    def __init__(self, *, database_url: str, amqp_url: str, smtp_port: int, folder: Path, **extra_env: str):
        self.amqp_url = amqp_url
        self.log_path = folder / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = {
            **os.environ,
            "CRM_VAR_DIR": str(folder / "var"),
            "CRM_NOTIFICATIONS_DATABASE_URL": database_url,
            "CRM_AMQP_URL": amqp_url,
            "CRM_NOTIFICATIONS_SMTP_PORT": str(smtp_port),
            "CRM_NOTIFICATIONS_WORKER_METRICS_PORT": "0",
            "CRM_NOTIFICATIONS_DELIVERY_SWEEP_SECONDS": "0.5",
            "CRM_NOTIFICATIONS_RETRY_BASE_SECONDS": "0.5",
            "CRM_NOTIFICATIONS_SMTP_TIMEOUT_SECONDS": "5",
            **extra_env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen([str(CONSOLE_SCRIPT), "worker"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_ready(self, timeout: float = 20.0) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log()}")
            return queue_exists(self.amqp_url, WORKER_QUEUE) and queue_consumers(self.amqp_url, WORKER_QUEUE) > 0

        wait_until(ready, timeout=timeout, interval=0.1, message=f"queue {WORKER_QUEUE} with a consumer")

    def terminate(self, timeout: float = 15.0) -> int:
        """SIGTERM, then the exit code; a worker that hangs is killed and reported."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the worker did not exit within {timeout}s of SIGTERM:\n{self.log()}") from None
