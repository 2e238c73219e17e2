"""Helpers for the notifications integration tests: scripted SMTP servers, contacts events, the worker process."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pika
import pika.exceptions
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from google.protobuf import json_format
from google.protobuf.message import Message

from crm.contacts.v1 import contacts_pb2, events_pb2
from crm.notifications.v1 import events_pb2 as notification_events
from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis.access import Viewer
from crm_notifications.adapters import orm
from crm_notifications.domain import commands
from crm_notifications.domain.model import Notification
from crm_notifications.domain.recipients import ConsentRecord
from crm_notifications.domain.templates import Template
from crm_notifications.entrypoints import mappers
from crm_notifications.service_layer import handlers
from crm_notifications.service_layer.handlers import Round

MIGRATIONS = Path(orm.__file__).resolve().parent.parent / "migrations"
CONSOLE_SCRIPT = Path(sys.executable).with_name("crm-notifications")  # the console script of this virtualenv
ADMIN = Viewer("root", is_admin=True)
PROVIDER_KEY = "test-key"  # the fake SMS and fax provider's API key


def handler_queue(source: str, event_type: str, method: str) -> str:
    """The queue nameko declares for `@event_handler(source, event_type)` on NotificationsWorker.`method`."""
    return f"evt-{source}-{event_type}--notifications.{method}"


PERSON_CREATED_QUEUE = handler_queue("contacts", "PersonCreated", "on_person_created")
CONSENT_CHANGED_QUEUE = handler_queue("contacts", "ConsentChanged", "on_consent_changed")


def wait_until(predicate: Callable[[], object], timeout: float = 10.0, interval: float = 0.02, message: str | Callable[[], str] = "condition"):
    """Polls `predicate` until it returns something truthy, which is returned.

    `message` may be a callable, called only on timeout (e.g. to show a worker's log as it is then).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message() if callable(message) else message}")
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
    the first try only); `always` refuses every transaction while it is set;
    `answers_for[address]` are consumed by transactions to that address only,
    so tests sharing one server do not take each other's refusals.
    `stage` says where the refusal comes: at RCPT TO or after DATA.
    """

    def __init__(self, answers: list[str] | None = None, always: str | None = None, stage: str = "rcpt"):
        self.answers = list(answers or [])
        self.answers_for: dict[str, list[str]] = {}
        self.always = always
        self.stage = stage
        self.accepted: list[EmailMessage] = []
        self.refused: list[str] = []
        self.commands: list[str] = []
        self.over_tls: list[bool] = []  # per accepted message: did the session use TLS
        self._lock = threading.Lock()

    def _refusal(self, recipients: list[str]) -> str | None:
        with self._lock:
            scripted = next((self.answers_for[r] for r in recipients if self.answers_for.get(r)), None)
            if self.always:
                answer = self.always
            elif scripted:
                answer = scripted.pop(0)
            elif self.answers:
                answer = self.answers.pop(0)
            else:
                return None
            self.refused.append(answer)
            return answer

    def to(self, address: str) -> list[EmailMessage]:
        """What was accepted for `address`."""
        with self._lock:
            return [m for m in self.accepted if m["X-Rcpt-To"] == address]

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.commands.append("EHLO")
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.commands.append("RCPT")
        if self.stage == "rcpt" and (answer := self._refusal([address])):
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.commands.append("DATA")
        if self.stage == "data" and (answer := self._refusal(envelope.rcpt_tos)):
            return answer
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        message["X-Rcpt-To"] = ",".join(envelope.rcpt_tos)
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


def notification_rows(engine: sa.Engine, **where) -> list:
    """Rows of `notifications`, oldest first, e.g. `notification_rows(engine, person_id="p-1")`."""
    n = orm.notifications
    query = sa.select(n).order_by(n.c.created_at, n.c.id)
    for column, value in where.items():
        query = query.where(n.c[column] == value)
    with engine.connect() as conn:
        return conn.execute(query).all()


def history_of(engine: sa.Engine, notification_id: str) -> list[tuple[str, str]]:
    changes = orm.status_changes
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(changes.c.status, changes.c.reason).where(changes.c.notification_id == notification_id).order_by(changes.c.position)
        ).all()
    return [tuple(r) for r in rows]


def outbox_rows(engine: sa.Engine, *aggregate_ids: str) -> list:
    """Outbox rows in the order written; only those of `aggregate_ids` when given."""
    query = sa.select(orm.outbox).order_by(orm.outbox.c.position)
    if aggregate_ids:
        query = query.where(orm.outbox.c.aggregate_id.in_(aggregate_ids))
    with engine.connect() as conn:
        return conn.execute(query).all()


# -- contacts' persons and events ------------------------------------------------


def contacts_person(
    *,
    email: str | None = "ada@example.org",
    consent: bool | None = True,
    person_id: str | None = None,
    mobile: str | None = None,
    landline: str | None = None,
    fax: str | None = None,
    postal: tuple[list[str], str, str, str] | None = None,  # (lines, postal code, city, country)
    consents: list[tuple[int, int, bool, datetime | None]] = (),  # (channel, purpose, granted, record time)
    **fields,
) -> contacts_pb2.Person:
    """A person as contacts publishes it.

    `consent` is the service-email consent (None: no record); `consents` adds
    more records, with their record time.
    """
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
    for number, kind in ((landline, contacts_pb2.PHONE_KIND_WORK), (mobile, contacts_pb2.PHONE_KIND_MOBILE), (fax, contacts_pb2.PHONE_KIND_FAX)):
        if number:
            person.phones.add(number=number, kind=kind)
    if postal:
        lines, code, city, country = postal
        person.addresses.add(lines=lines, postal_code=code, city=city, country=country)
    if consent is not None:
        person.consents.add(channel=contacts_pb2.CHANNEL_EMAIL, purpose=contacts_pb2.PURPOSE_SERVICE, granted=consent, source="web form")
    for channel, purpose, granted, recorded in consents:
        added = person.consents.add(channel=channel, purpose=purpose, granted=granted, source="web form")
        added.record_time.FromDatetime(recorded or datetime.now(UTC))
    return person


def consent_changed(person_id: str, channel: int, purpose: int, granted: bool, recorded: datetime) -> events_pb2.ConsentChanged:
    event = events_pb2.ConsentChanged(person_id=person_id, consent=contacts_pb2.Consent(channel=channel, purpose=purpose, granted=granted))
    event.consent.record_time.FromDatetime(recorded)
    return event


def notification_requested(**request) -> notification_events.NotificationRequested:
    return notification_events.NotificationRequested(request=pb.SendNotificationRequest(**request))


def publish_event(amqp_url: str, source: str, message: Message, event_id: str | None = None, aggregate_id: str = "") -> str:
    """Publishes `message` exactly as `source`'s outbox relay does (nameko's wire format), on `<source>.events`."""
    event_id = event_id or str(uuid.uuid4())
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.exchange_declare(f"{source}.events", exchange_type="topic", durable=True)
        channel.confirm_delivery()
        channel.basic_publish(
            f"{source}.events",
            message.DESCRIPTOR.name,
            json_format.MessageToJson(message).encode(),
            pika.BasicProperties(
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=pika.DeliveryMode.Persistent,
                headers={
                    "id": event_id,
                    "type": message.DESCRIPTOR.full_name,
                    "occurred_at": datetime.now(UTC).isoformat(),
                    "source": source,
                    "aggregate_id": aggregate_id,
                },
            ),
            mandatory=True,  # unroutable (no queue bound yet) would be an error, not a silent drop
        )
    finally:
        connection.close()
    return event_id


def publish_person_created(amqp_url: str, person: contacts_pb2.Person, event_id: str | None = None) -> str:
    return publish_event(amqp_url, "contacts", events_pb2.PersonCreated(person=person), event_id, person.id)


def publish_to_queue(amqp_url: str, queue: str, body: bytes | str | dict, content_type: str = "application/json") -> None:
    """What the call-center does: a persistent message to `queue` through the default exchange, confirmed."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body.encode() if isinstance(body, str) else body
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        message_id = str(uuid.uuid4())
        channel.basic_publish(
            "", queue, raw,
            pika.BasicProperties(content_type=content_type, delivery_mode=pika.DeliveryMode.Persistent, message_id=message_id,
                                 type="crm.notifications.v1.PhoneTaskOutcome", headers={"id": message_id}),
            mandatory=True,
        )
    finally:
        connection.close()


def queue_depth(amqp_url: str, queue: str) -> int | None:
    """Messages ready in `queue`, or None when it does not exist."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count  # a fresh channel: a miss closes it
    except pika.exceptions.ChannelClosedByBroker:
        return None
    finally:
        connection.close()


def queue_consumers(amqp_url: str, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.consumer_count
    except pika.exceptions.ChannelClosedByBroker:
        return 0
    finally:
        connection.close()


def take(amqp_url: str, queue: str, timeout: float = 10.0) -> tuple[pika.BasicProperties, bytes]:
    """The next message of `queue` (properties, body), acked; fails after `timeout` seconds."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()

        def get():
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            return (properties, body) if method is not None else None

        return wait_until(get, timeout=timeout, interval=0.05, message=f"a message in {queue}")
    finally:
        connection.close()


# -- the use cases, as the entrypoints call them ------------------------------------------------


def add_template(app, name: str, text_body: str, *, language: str = "en", channel: str = "email", subject: str = "", html_body: str = "") -> Template:
    subject = subject or (f"About {name}" if channel == "email" else "")
    return handlers.create_template(commands.CreateTemplate(name, language, channel, subject, text_body, html_body), app.uow())


def send(
    app, key: str | None = None, *, channel: str = "email", purpose: str = "service", template: str = "note", person_id: str = "",
    address: str = "", viewer: Viewer = ADMIN, **fields,
) -> Notification:
    cmd = commands.SendNotification(
        idempotency_key=key or f"k-{uuid.uuid4().hex[:10]}", channel=channel, purpose=purpose, template=template, person_id=person_id,
        address=address, **fields,
    )
    return handlers.send_notification(cmd, app.uow(), viewer, app.rules)


def person_created(app, person: contacts_pb2.Person, event_id: str | None = None) -> str | None:
    """PersonCreated as the worker hands it over: the replica is updated and the welcome recorded."""
    return handlers.person_created(mappers.recipient(person), app.uow(), consumer="notifications.on_person_created", event_id=event_id or str(uuid.uuid4()))


def change_consent(app, person_id: str, channel: str, purpose: str, granted: bool, recorded: datetime, event_id: str | None = None) -> bool:
    return handlers.consent_changed(
        person_id, channel, purpose, ConsentRecord(granted, recorded), app.uow(), consumer="notifications.on_consent_changed",
        event_id=event_id or str(uuid.uuid4()),
    )


def deliver(app, notification_id: str, **kwargs) -> str | None:
    return handlers.deliver(notification_id, app.uow, app.channels, app.rules, **kwargs)


def deliver_due(app, **kwargs) -> Round:
    return handlers.deliver_due(app.uow, app.channels, app.rules, **kwargs)


def load(app, notification_id: str) -> Notification:
    return handlers.get_notification(notification_id, app.uow(), ADMIN)


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
            # tests run at any hour: no quiet hours unless a test asks for them
            **{f"CRM_NOTIFICATIONS_QUIET_HOURS_{c}": "" for c in ("EMAIL", "SMS", "PHONE", "FAX", "LETTER")},
            **extra_env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([str(CONSOLE_SCRIPT), "worker"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def wait_ready(self, queues: tuple[str, ...] = (PERSON_CREATED_QUEUE,), timeout: float = 30.0) -> None:
        """Until every queue in `queues` has a consumer (nameko starts its consumers together, but not atomically)."""

        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log()}")
            return all(queue_consumers(self.amqp_url, queue) > 0 for queue in queues)

        wait_until(ready, timeout=timeout, interval=0.1, message=f"consumers on {', '.join(queues)}")

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
