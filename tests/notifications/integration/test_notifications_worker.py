"""The worker as it runs in production: `crm-notifications worker` consuming contacts' events, other services'
NotificationRequested and the call-center's outcomes from RabbitMQ, and sweeping what is due.

One worker per backend serves the whole module (starting one takes seconds); every test works on people,
addresses and keys of its own, so they do not see each other's messages.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pika
import pytest
import sqlalchemy as sa
from notifications_support import (
    CONSENT_CHANGED_QUEUE,
    MIGRATIONS,
    PERSON_CREATED_QUEUE,
    ScriptedHandler,
    ScriptedSmtp,
    WorkerProcess,
    add_template,
    consent_changed,
    contacts_person,
    handler_queue,
    history_of,
    notification_requested,
    notification_rows,
    outbox_rows,
    publish_event,
    publish_person_created,
    publish_to_queue,
    queue_depth,
    send,
    stays,
    take,
    wait_until,
)

from crm.contacts.v1 import contacts_pb2 as contacts_pb
from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis import migrations
from crm_chassis import worker as chassis_worker
from crm_notifications.adapters import orm
from crm_notifications.adapters.phone_tasks import OUTCOME_QUEUE
from crm_notifications.adapters.phone_tasks import QUEUE as PHONE_TASKS
from crm_notifications.bootstrap import Notifications, bootstrap
from crm_notifications.config import NotificationsSettings
from crm_notifications.domain.model import DELIVERED, QUEUED, SENDING, SENT, SKIPPED
from tests.conftest import AMQP_URL, POSTGRES_URL, _rabbitmqctl, free_port

DEAD_OUTCOMES = f"{OUTCOME_QUEUE}.dead"
SOURCES = ("sales", "helpdesk")
READY = (
    PERSON_CREATED_QUEUE,
    CONSENT_CHANGED_QUEUE,
    OUTCOME_QUEUE,
    *(handler_queue(source, "NotificationRequested", f"on_{source}_notification_requested") for source in SOURCES),
)


@dataclass
class Stack:
    """What one backend's worker runs against, shared by the module's tests."""

    database_url: str
    amqp_url: str
    folder: Path
    smtp: ScriptedSmtp
    engine: sa.Engine
    app: Notifications  # the test process's own view of the same database, for setting things up
    workers: list[WorkerProcess] = field(default_factory=list)

    def worker(self) -> WorkerProcess:
        """The running worker, started (again) when there is none, e.g. after the SIGTERM test."""
        if not self.workers or not self.workers[-1].running:
            worker = WorkerProcess(
                database_url=self.database_url, amqp_url=self.amqp_url, smtp_port=self.smtp.port, folder=self.folder,
                CRM_NOTIFICATIONS_PHONE_TASK_QUEUE=PHONE_TASKS,
                CRM_NOTIFICATIONS_REQUEST_SOURCES=",".join(SOURCES),
                CRM_NOTIFICATIONS_UNSUBSCRIBE_SECRET_FILE=str(self.folder / "unsubscribe.secret"),
            ).start()
            self.workers.append(worker)
            worker.wait_ready(READY)
        return self.workers[-1]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request, tmp_path_factory):
    vhost = f"crm-test-{uuid.uuid4().hex[:10]}"
    if not _rabbitmqctl("add_vhost", vhost):
        pytest.skip("rabbitmqctl is needed for a virtual host of the module's own")
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    amqp_url = AMQP_URL.rstrip("/") + "/" + vhost
    folder = tmp_path_factory.mktemp(f"worker-{request.param}")
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    database = f"crm_test_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        database_url = f"sqlite:///{folder / 'notifications.db'}"
    else:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
        database_url = sa.make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)
    migrations.upgrade(MIGRATIONS, database_url)
    (folder / "unsubscribe.secret").write_bytes(b"worker-test-secret")
    smtp = ScriptedSmtp(ScriptedHandler(), port=free_port()).start()
    app = bootstrap(NotificationsSettings(database_url=database_url, smtp_port=smtp.port, amqp_url=amqp_url))
    add_template(app, "plain", "About {{ topic }}.", subject="About {{ topic }}")
    add_template(app, "offer", "Spring offer for {{ person.given_name }}.", subject="Spring offer")
    add_template(app, "call", "Call {{ person.given_name }} about {{ topic }}.", channel="phone", subject="Call")
    stack = Stack(database_url, amqp_url, folder, smtp, sa.create_engine(database_url), app)
    yield stack
    problems = []
    for worker in stack.workers:
        if worker.running:
            try:
                code = worker.terminate()
            except AssertionError as exc:  # it hung, and was killed
                problems.append(str(exc))
                continue
            if code != 0:
                problems.append(f"the worker exited with {code}:\n{worker.log()}")
    smtp.stop()
    stack.engine.dispose()
    app.engine.dispose()
    _rabbitmqctl("delete_vhost", vhost)
    if request.param == "postgresql":
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.dispose()
    assert not problems, "\n".join(problems)


@pytest.fixture
def worker(stack) -> WorkerProcess:
    return stack.worker()


def unique_email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}@example.org"


def row_of(engine: sa.Engine, **where):
    rows = notification_rows(engine, **where)
    assert len(rows) <= 1, f"{len(rows)} notifications for {where}"
    return rows[0] if rows else None


def status_of(engine: sa.Engine, status: str, **where):
    """Waits for the one notification matching `where` to reach `status`; returns its row."""
    return lambda: (r := row_of(engine, **where)) is not None and r.status == status and r


def parked(amqp_url: str, queue: str) -> int:
    """Messages a handler failed on: in the queue's retry and dead-letter queues."""
    names = [chassis_worker.retry_queue_name(queue, d) for d in chassis_worker.RETRY_DELAYS_MS] + [chassis_worker.dead_letter_queue_name(queue)]
    return sum(queue_depth(amqp_url, name) or 0 for name in names)


# -- contacts' events ------------------------------------------------------------------------------------------


def test_one_welcome_per_consenting_person_even_when_the_event_comes_twice_and_none_without_consent(stack, worker):
    engine, smtp = stack.engine, stack.smtp.handler
    address = unique_email("grace")
    person = contacts_person(given_name="Grace", family_name="Hopper", email=address)

    event_id = publish_person_created(stack.amqp_url, person)

    [message] = wait_until(lambda: smtp.to(address), timeout=15, message=lambda: f"the welcome email\n{worker.log()}")
    assert message["Subject"] == "Welcome, Grace Hopper"
    row = wait_until(status_of(engine, SENT, person_id=person.id), message="SENT")
    assert message["Message-ID"] == f"<{row.id}@crm.notifications>"
    assert row.attempts == 1
    assert history_of(engine, row.id) == [(QUEUED, ""), (SENDING, ""), (SENT, "")]
    assert [e.event_type for e in outbox_rows(engine, row.id)] == ["NotificationSent"]

    # at-least-once delivery: the same event again, then another event about the same person,
    # then a person who has an address but has not consented to email
    publish_person_created(stack.amqp_url, person, event_id=event_id)
    second_id = publish_person_created(stack.amqp_url, person)
    refuser = contacts_person(email=unique_email("refuser"), consent=False)
    refuser_id = publish_person_created(stack.amqp_url, refuser)

    skipped = wait_until(lambda: row_of(engine, person_id=refuser.id), timeout=15, message=lambda: f"the skipped notification\n{worker.log()}")
    assert (skipped.status, skipped.reason, skipped.attempts) == (SKIPPED, "the person has not consented to email", 0)
    # consumed in order, so the duplicates were handled before it; give a stray send time to show
    stays(lambda: len(smtp.to(address)) == 1, seconds=1.0, message="exactly one email")
    assert row_of(engine, person_id=person.id).status == SENT
    assert [e.event_type for e in outbox_rows(engine, skipped.id)] == ["NotificationSkipped"]
    with engine.connect() as conn:
        claimed = conn.execute(sa.select(orm.inbox.c.event_id).where(orm.inbox.c.event_id.in_([event_id, second_id, refuser_id]))).scalars().all()
    assert sorted(claimed) == sorted([event_id, second_id, refuser_id])  # the duplicate id is claimed once
    assert parked(stack.amqp_url, PERSON_CREATED_QUEUE) == 0  # duplicates are acked as handled, not failed


def test_a_refused_welcome_is_retried_by_the_sweep_and_arrives_exactly_once(stack, worker):
    engine, smtp = stack.engine, stack.smtp.handler
    address = unique_email("retried")
    smtp.answers_for[address] = ["450 try later"]
    person = contacts_person(email=address)

    publish_person_created(stack.amqp_url, person)

    [message] = wait_until(lambda: smtp.to(address), timeout=15, message=lambda: f"the retried email\n{worker.log()}")
    assert smtp.answers_for[address] == []  # the refusal was used up
    row = wait_until(status_of(engine, SENT, person_id=person.id), message="SENT")
    assert message["Message-ID"] == f"<{row.id}@crm.notifications>"
    assert [s for s, _ in history_of(engine, row.id)] == [QUEUED, SENDING, QUEUED, SENDING, SENT], (history_of(engine, row.id), smtp.refused, smtp.commands[-12:], worker.log())
    assert row.attempts == 2
    stays(lambda: len(smtp.to(address)) == 1, seconds=1.5, message="exactly one email")  # three sweeps later
    assert parked(stack.amqp_url, PERSON_CREATED_QUEUE) == 0  # the retry is the sweep's, not a redelivered event's


def test_consent_withdrawn_between_the_request_and_the_send_stops_the_message(stack, worker):
    engine, smtp = stack.engine, stack.smtp.handler
    address, granted = unique_email("withdrawn"), datetime.now(UTC)
    person = contacts_person(email=address, consent=None, consents=[(contacts_pb.CHANNEL_EMAIL, contacts_pb.PURPOSE_MARKETING, True, granted)])
    publish_person_created(stack.amqp_url, person)
    wait_until(lambda: smtp.to(address), timeout=15, message=lambda: f"the welcome\n{worker.log()}")  # marketing consent earns a welcome
    at = datetime.now(UTC) + timedelta(seconds=2)  # time enough for the withdrawal to arrive first
    request = notification_requested(
        recipient=pb.Recipient(person_id=person.id), channel=pb.CHANNEL_EMAIL, template="offer", purpose=pb.PURPOSE_MARKETING,
        idempotency_key=f"offer-{person.id}",
    )
    request.request.send_time.FromDatetime(at)
    publish_event(stack.amqp_url, "sales", request)

    withdrawal = consent_changed(person.id, contacts_pb.CHANNEL_EMAIL, contacts_pb.PURPOSE_MARKETING, False, granted + timedelta(seconds=1))
    publish_event(stack.amqp_url, "contacts", withdrawal, aggregate_id=person.id)

    row = wait_until(status_of(engine, SKIPPED, idempotency_key=f"offer-{person.id}"), timeout=15, message=lambda: f"the skipped offer\n{worker.log()}")
    assert row.reason == "marketing by email was refused"
    assert [m["Subject"] for m in smtp.to(address)] == [f"Welcome, {person.given_name} {person.family_name}"]


# -- requests from other services --------------------------------------------------------------------------------


def test_a_notification_requested_by_another_service_is_created_and_sent_once(stack, worker):
    engine, smtp = stack.engine, stack.smtp.handler
    sent_to = {}
    for source in SOURCES:
        address, key = unique_email(source), f"{source}-{uuid.uuid4().hex[:8]}"
        event = notification_requested(
            recipient=pb.Recipient(address=address), channel=pb.CHANNEL_EMAIL, template="plain", variables={"topic": f"a {source} matter"},
            purpose=pb.PURPOSE_SERVICE, idempotency_key=key,
        )
        event_id = publish_event(stack.amqp_url, source, event)
        publish_event(stack.amqp_url, source, event, event_id=event_id)  # redelivered
        publish_event(stack.amqp_url, source, event)  # asked again: the same idempotency key
        sent_to[source] = (address, key)

    for source, (address, key) in sent_to.items():
        [message] = wait_until(lambda address=address: smtp.to(address), timeout=15, message=lambda source=source: f"the {source} email\n{worker.log()}")
        assert message["Subject"] == f"About a {source} matter"
        row = wait_until(status_of(engine, SENT, idempotency_key=key), message="SENT")
        assert (row.owner, row.recipient) == (f"service:{source}", address)
    stays(lambda: all(len(smtp.to(address)) == 1 for address, _ in sent_to.values()), seconds=1.0, message="one email each")
    for source in SOURCES:
        assert parked(stack.amqp_url, handler_queue(source, "NotificationRequested", f"on_{source}_notification_requested")) == 0


# -- the call-center's outcomes ----------------------------------------------------------------------------------


def handed_over_task(stack, worker) -> str:
    """A phone task the worker's sweep handed to the call-center, taken from the queue as the call-center would."""
    person = contacts_person(given_name="Ioana", email=None, consent=None, mobile="+40721234567")
    publish_person_created(stack.amqp_url, person)
    wait_until(lambda: row_of(stack.engine, person_id=person.id), timeout=15, message=lambda: f"the person's (skipped) welcome\n{worker.log()}")
    n = send(stack.app, channel="phone", template="call", person_id=person.id, variables={"topic": "the renewal"})
    wait_until(status_of(stack.engine, SENT, id=n.id), timeout=15, message=lambda: f"the task handed over\n{worker.log()}")
    _, body = take(stack.amqp_url, PHONE_TASKS)
    task = json.loads(body)
    assert (task["taskId"], task["script"]) == (n.id, "Call Ioana about the renewal.")
    return n.id


def test_outcomes_published_to_the_queue_are_applied_once(stack, worker):
    task_id = handed_over_task(stack, worker)
    report = {"taskId": task_id, "outcome": "PHONE_OUTCOME_REACHED", "note": "renews", "agent": "maria", "reportTime": "2026-03-02T10:02:41Z"}

    publish_to_queue(stack.amqp_url, OUTCOME_QUEUE, report)
    publish_to_queue(stack.amqp_url, OUTCOME_QUEUE, report)  # published again after a missing confirm

    row = wait_until(status_of(stack.engine, DELIVERED, id=task_id), timeout=15, message=lambda: f"the outcome applied\n{worker.log()}")
    assert (row.phone_outcome, row.reason) == ("reached", "reached: renews (maria)")
    wait_until(lambda: queue_depth(stack.amqp_url, OUTCOME_QUEUE) == 0, message="both reports consumed")
    stays(lambda: [e.event_type for e in outbox_rows(stack.engine, task_id)] == ["NotificationSent", "PhoneTaskCompleted"], seconds=0.5)
    assert queue_depth(stack.amqp_url, DEAD_OUTCOMES) == 0

    call_back = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    publish_to_queue(stack.amqp_url, OUTCOME_QUEUE, {"task_id": task_id, "outcome": "PHONE_OUTCOME_CALL_BACK", "call_back_time": call_back.isoformat()})
    follow_up = wait_until(lambda: row_of(stack.engine, idempotency_key=f"call-back:{task_id}:{call_back.isoformat()}"), timeout=15, message="the follow-up")
    assert (follow_up.status, follow_up.channel, follow_up.next_attempt_at.replace(tzinfo=None)) == (QUEUED, "phone", call_back.replace(tzinfo=None))


def dead_outcomes(amqp_url: str) -> list[bytes]:
    """Takes everything parked in the outcomes' dead-letter queue, checking it was rejected there."""
    bodies = []
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as connection:
        channel = connection.channel()
        while (got := channel.basic_get(DEAD_OUTCOMES, auto_ack=True))[0] is not None:
            assert got[1].headers["x-death"][0]["reason"] == "rejected"
            bodies.append(got[2])
    return bodies


def test_outcomes_that_cannot_be_applied_are_parked_in_the_dead_letter_queue(stack, worker):
    task_id = handed_over_task(stack, worker)
    dead_outcomes(stack.amqp_url)
    unappliable = [
        {"taskId": "no-such-task", "outcome": "PHONE_OUTCOME_REACHED"},
        {"taskId": task_id, "outcome": "PHONE_OUTCOME_CALL_BACK"},  # no callBackTime
        {"taskId": task_id, "outcome": "PHONE_OUTCOME_SHRUG"},
        {"outcome": "PHONE_OUTCOME_REACHED"},
        [task_id, "PHONE_OUTCOME_REACHED"],
        "a JSON string",
    ]

    for body in unappliable:
        publish_to_queue(stack.amqp_url, OUTCOME_QUEUE, json.dumps(body))

    wait_until(lambda: queue_depth(stack.amqp_url, DEAD_OUTCOMES) == len(unappliable), timeout=15, message=lambda: f"all in {DEAD_OUTCOMES}\n{worker.log()}")
    assert sorted(dead_outcomes(stack.amqp_url)) == sorted(json.dumps(body).encode() for body in unappliable)  # handled concurrently
    assert row_of(stack.engine, id=task_id).status == SENT  # none of them changed the task
    # the worker survived them all and still applies a good report
    publish_to_queue(stack.amqp_url, OUTCOME_QUEUE, {"taskId": task_id, "outcome": "PHONE_OUTCOME_NO_ANSWER"})
    wait_until(lambda: row_of(stack.engine, id=task_id).phone_outcome == "no_answer", timeout=15, message=lambda: f"the good report\n{worker.log()}")


def test_an_outcome_that_is_not_json_is_parked_in_the_dead_letter_queue_too(stack, worker):
    task_id = handed_over_task(stack, worker)
    dead_outcomes(stack.amqp_url)

    publish_to_queue(stack.amqp_url, OUTCOME_QUEUE, b"this is not json")
    publish_to_queue(stack.amqp_url, OUTCOME_QUEUE, {"taskId": task_id, "outcome": "PHONE_OUTCOME_NO_ANSWER"})

    wait_until(lambda: row_of(stack.engine, id=task_id).phone_outcome == "no_answer", timeout=15, message=lambda: f"the good report\n{worker.log()}")
    assert dead_outcomes(stack.amqp_url) == [b"this is not json"]


# -- shutting down (last: the next test, if any, gets a fresh worker) ---------------------------------------------


def test_sigterm_stops_the_worker_promptly_with_exit_code_0(stack, worker):
    address = unique_email("last")
    publish_person_created(stack.amqp_url, contacts_person(email=address))
    wait_until(lambda: stack.smtp.handler.to(address), timeout=15, message=lambda: f"the welcome email\n{worker.log()}")

    began = time.monotonic()
    code = worker.terminate(timeout=10)

    assert code == 0, worker.log()
    assert time.monotonic() - began < 10
