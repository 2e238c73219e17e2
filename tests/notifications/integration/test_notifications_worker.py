"""The worker as it runs in production: `crm-notifications worker` consuming contacts' events from RabbitMQ."""
from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa
from notifications_support import (
    WORKER_QUEUE,
    WorkerProcess,
    contacts_person,
    history_of,
    notification_rows,
    outbox_rows,
    publish_person_created,
    stays,
    wait_until,
)

from crm_chassis import worker as chassis_worker
from crm_notifications.adapters import orm
from crm_notifications.domain.model import QUEUED, SENDING, SENT, SKIPPED


@pytest.fixture
def start_worker(notifications_db, amqp_url, tmp_path):
    """Starts the worker process and waits until it consumes; SIGTERMs it afterwards."""
    started: list[WorkerProcess] = []

    def start(smtp_port: int) -> WorkerProcess:
        worker = WorkerProcess(database_url=notifications_db, amqp_url=amqp_url, smtp_port=smtp_port, folder=tmp_path).start()
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        code = worker.terminate()
        assert code == 0, f"the worker exited with {code}:\n{worker.log()}"


def row_of(engine: sa.Engine, person_id: str):
    rows = [r for r in notification_rows(engine) if r.person_id == person_id]
    assert len(rows) <= 1, f"{len(rows)} notifications for {person_id}"
    return rows[0] if rows else None


def parked(amqp_url: str) -> int:
    """Messages the worker's handler failed on: in its retry or dead-letter queues."""
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        names = [chassis_worker.retry_queue_name(WORKER_QUEUE, d) for d in chassis_worker.RETRY_DELAYS_MS]
        names.append(chassis_worker.dead_letter_queue_name(WORKER_QUEUE))
        return sum(connection.channel().queue_declare(name, passive=True).method.message_count for name in names)
    finally:
        connection.close()


def test_one_welcome_per_consenting_person_even_when_the_event_comes_twice_and_none_without_consent(start_worker, smtp_sink, engine, amqp_url):
    worker = start_worker(smtp_sink.port)
    person = contacts_person(person_id=str(uuid.uuid4()), given_name="Grace", family_name="Hopper", email="grace@example.org")

    event_id = publish_person_created(amqp_url, person)

    [message] = wait_until(smtp_sink.messages, timeout=15, message=f"the welcome email\n{worker.log()}")
    assert message["To"] == "grace@example.org"
    assert message["Subject"] == "Welcome, Grace Hopper"
    row = wait_until(lambda: (r := row_of(engine, person.id)) is not None and r.status == SENT and r, message="SENT")
    assert message["Message-ID"] == f"<{row.id}@crm.notifications>"
    assert row.attempts == 1
    assert history_of(engine, row.id) == [(QUEUED, ""), (SENDING, ""), (SENT, "")]
    assert [(e.event_type, e.aggregate_id) for e in outbox_rows(engine)] == [("NotificationSent", row.id)]

    # at-least-once delivery: the same event again, then another event about the same person,
    # then a person who has an address but has not consented to email
    publish_person_created(amqp_url, person, event_id=event_id)
    publish_person_created(amqp_url, person)
    refuser = contacts_person(person_id=str(uuid.uuid4()), email="refuser@example.org", consent=False)
    publish_person_created(amqp_url, refuser)

    skipped = wait_until(lambda: row_of(engine, refuser.id), timeout=15, message=f"the skipped notification\n{worker.log()}")
    assert (skipped.status, skipped.reason, skipped.attempts) == (SKIPPED, "the person has not consented to email", 0)
    # consumed in order, so the duplicates were handled before it; give a stray send time to show
    stays(lambda: len(smtp_sink.messages()) == 1, seconds=1.0, message="exactly one email")
    assert row_of(engine, person.id).status == SENT
    assert sorted((e.event_type, e.aggregate_id) for e in outbox_rows(engine)) == sorted(
        [("NotificationSent", row.id), ("NotificationSkipped", skipped.id)]
    )
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.inbox)).scalar_one() == 3  # the duplicate id is claimed once
    assert parked(amqp_url) == 0  # duplicates are acked as handled, not failed


def test_a_refused_welcome_is_retried_by_the_sweep_and_arrives_exactly_once(start_worker, scripted_smtp, engine, amqp_url):
    server = scripted_smtp(answers=["450 try later"])
    worker = start_worker(server.port)
    person = contacts_person(person_id=str(uuid.uuid4()))

    publish_person_created(amqp_url, person)

    [message] = wait_until(lambda: server.handler.accepted, timeout=15, message=f"the retried email\n{worker.log()}")
    assert server.handler.refused == ["450 try later"]
    row = wait_until(lambda: (r := row_of(engine, person.id)) is not None and r.status == SENT and r, message="SENT")
    assert message["Message-ID"] == f"<{row.id}@crm.notifications>"
    assert row.attempts == 2
    assert [s for s, _ in history_of(engine, row.id)] == [QUEUED, SENDING, QUEUED, SENDING, SENT]
    stays(lambda: len(server.handler.accepted) == 1, seconds=1.5, message="exactly one email")  # three sweeps later
    assert parked(amqp_url) == 0  # the retry is the sweep's, not a redelivered event's


def test_sigterm_stops_the_worker_promptly_with_exit_code_0(start_worker, smtp_sink, engine, amqp_url):
    worker = start_worker(smtp_sink.port)
    person = contacts_person(person_id=str(uuid.uuid4()))
    publish_person_created(amqp_url, person)
    wait_until(smtp_sink.messages, timeout=15, message=f"the welcome email\n{worker.log()}")

    began = time.monotonic()
    code = worker.terminate(timeout=10)

    assert code == 0, worker.log()
    assert time.monotonic() - began < 10
