"""A `crm-notifications worker` killed with SIGKILL in the middle of a batch, then restarted.

Strictly exactly-once delivery over SMTP is impossible. The SMTP server takes
responsibility for a message when it answers 250 to the end of DATA; the
worker records `sent` in its database after it reads that answer. The two are
different systems with no transaction spanning both, so there is always a
moment when the server has the message and our database does not know it: a
worker dying there (SIGKILL, power loss, a lost connection before the 250 is
read) cannot be told from one dying just before the server accepted. Recording
`sent` before sending would instead lose such a message for good. So we choose
at-least-once with a bound and a handle for deduplication:

* a notification is claimed (`sending`, committed) before the SMTP server is
  called and its outcome is committed after, so a kill loses nothing: what is
  left in `sending` is queued again once its lease runs out;
* only a notification that was in `sending` when the worker died can arrive
  twice, and the resend carries the same Message-ID (`<notification-id@...>`),
  so receivers and mail stores that deduplicate on Message-ID see one message;
* the database still says `sent` exactly once per notification, with one
  NotificationSent event.

The sink below holds its 250 once a third of the batch has arrived, so the kill
lands deterministically in that window: the held messages are counted as
accepted but their senders never learn it, and they must come again, with the
same Message-ID.
"""
from __future__ import annotations

import asyncio
import re
import threading
import time
import uuid
from collections import Counter, defaultdict

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from notifications_support import WorkerProcess, wait_until

from crm_chassis.access import Viewer
from crm_notifications.adapters import orm
from crm_notifications.adapters.smtp import SmtpChannel, message_id
from crm_notifications.domain import commands
from crm_notifications.domain.channels import OutgoingMessage
from crm_notifications.domain.model import QUEUED, SENDING, SENT
from crm_notifications.service_layer import handlers
from tests.conftest import free_port

RECIPIENTS = 400
LEASE_SECONDS = 2
_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]*>)", re.M | re.I)


class CountingHandler:
    """Counts accepted messages by Message-ID and by recipient; from `hold_after` on, accepts but withholds the 250."""

    def __init__(self, hold_after: int):
        self.hold_after = hold_after
        self.holding = True
        self.received = 0
        self.held = 0
        self.by_id: Counter[str] = Counter()
        self.ids_by_rcpt: dict[str, set[str]] = defaultdict(set)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        found = _MESSAGE_ID.search(content[: content.find(b"\r\n\r\n")])
        mid = found.group(1).decode() if found else ""
        with self._lock:
            self.received += 1
            self.by_id[mid] += 1
            for rcpt in envelope.rcpt_tos:
                self.ids_by_rcpt[rcpt.lower()].add(mid)
            hold = self.holding and self.received > self.hold_after
            self.held += hold
        while hold and self.holding:  # the message is ours now; the sender just does not hear it yet
            await asyncio.sleep(0.01)
        return "250 Message accepted for delivery"

    def release(self) -> None:
        self.holding = False


@pytest.fixture
def counting_smtp():
    handler = CountingHandler(hold_after=RECIPIENTS // 3)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    handler.release()
    controller.stop()


def recipient(i: int) -> str:
    return f"reader{i:04d}@crash.example"


def rows_by_status(engine: sa.Engine) -> dict[str, set[str]]:
    n = orm.notifications
    found: dict[str, set[str]] = defaultdict(set)
    with engine.connect() as conn:
        for notification_id, status in conn.execute(sa.select(n.c.id, n.c.status)):
            found[status].add(notification_id)
    return found


def histories(engine: sa.Engine) -> dict[str, list[tuple[str, str]]]:
    c = orm.status_changes
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with engine.connect() as conn:
        for row in conn.execute(sa.select(c.c.notification_id, c.c.status, c.c.reason).order_by(c.c.notification_id, c.c.position)):
            found[row.notification_id].append((row.status, row.reason))
    return found


def wait_for_backends_to_end(engine: sa.Engine, application_name: str) -> None:
    """PostgreSQL may still execute a COMMIT the killed worker sent just before dying; wait until its backends are gone."""
    if engine.dialect.name != "postgresql":
        return  # SQLite: a transaction of a dead process is never committed
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")

    def gone() -> bool:
        with engine.connect() as conn:
            return conn.execute(query, {"name": application_name}).scalar_one() == 0

    wait_until(gone, timeout=10, message="the killed worker's database sessions to end")


def test_a_worker_killed_mid_batch_and_restarted_sends_everyone_the_message_and_resends_only_what_was_in_flight(
    notifications_db, make_app, engine, amqp_url, counting_smtp, tmp_path
):
    sink: CountingHandler = counting_smtp.handler
    app = make_app(counting_smtp.port)
    handlers.create_template(
        commands.CreateTemplate("crash-notice", "en", "email", "Service notice for {{ name }}", "Dear {{ name }},\n\nyour plan changes on Monday.\n"),
        app.uow(),
    )
    batch = f"crash-{uuid.uuid4().hex[:8]}"
    accepted, _, _ = handlers.send_batch(
        commands.SendBatch(
            batch_id=batch, channel="email", purpose="service", template="crash-notice", language="en",
            recipients=[commands.BatchRecipient(address=recipient(i), variables={"name": f"Reader {i}"}) for i in range(RECIPIENTS)],
        ),
        app.uow(), Viewer("service:test"), app.rules,
    )
    assert accepted == RECIPIENTS
    # a name on the worker's database sessions, so we can tell when PostgreSQL has let go of them
    worker_db = notifications_db + ("?application_name=crash-worker" if notifications_db.startswith("postgresql") else "")
    settings = {"CRM_NOTIFICATIONS_SENDING_LEASE_SECONDS": str(LEASE_SECONDS), "CRM_NOTIFICATIONS_SEND_CONCURRENCY": "8"}
    worker = WorkerProcess(database_url=worker_db, amqp_url=amqp_url, smtp_port=counting_smtp.port, folder=tmp_path, **settings).start()

    wait_until(lambda: sink.held or worker.process.poll() is not None, timeout=30, message=f"a third of the batch at the sink\n{worker.log()}")
    assert worker.process.poll() is None, worker.log()
    time.sleep(0.3)  # let the other senders run into the held answers too
    worker.process.kill()
    worker.process.wait()
    received_at_kill = sink.received
    wait_for_backends_to_end(engine, "crash-worker")
    at_kill = rows_by_status(engine)
    in_flight = at_kill[SENDING]
    sink.release()  # the held sessions now answer a closed connection

    assert RECIPIENTS // 3 < received_at_kill < RECIPIENTS, "the kill was meant to land mid-batch"
    assert in_flight, "the held messages were in `sending` when the worker died"

    restarted = WorkerProcess(database_url=notifications_db, amqp_url=amqp_url, smtp_port=counting_smtp.port, folder=tmp_path, **settings).start()
    try:
        wait_until(
            lambda: rows_by_status(engine).keys() == {SENT} or restarted.process.poll() is not None,
            timeout=45, interval=0.2, message=f"every notification sent after the restart\n{restarted.log()}",
        )
        assert restarted.process.poll() is None, restarted.log()
    finally:
        code = restarted.terminate()
    assert code == 0, restarted.log()

    # the sink: everyone has the message, under one Message-ID each; only what was in flight came twice
    expected_ids = {message_id(n) for n in rows_by_status(engine)[SENT]}
    assert set(sink.by_id) == expected_ids
    assert len(sink.by_id) == RECIPIENTS
    assert {r: len(ids) for r, ids in sink.ids_by_rcpt.items()} == {recipient(i): 1 for i in range(RECIPIENTS)}
    duplicates = sink.received - len(sink.by_id)
    resent = {mid for mid, count in sink.by_id.items() if count > 1}
    assert sink.held <= duplicates <= len(in_flight), (sink.held, duplicates, len(in_flight))
    assert resent <= {message_id(n) for n in in_flight}
    assert max(sink.by_id.values()) == 2

    # the database: sent exactly once each, one event each; only what was in flight was requeued
    history = histories(engine)
    assert len(history) == RECIPIENTS
    assert all([s for s, _ in h].count(SENT) == 1 and h[-1][0] == SENT for h in history.values())
    interrupted = {n for n, h in history.items() if (QUEUED, "sending was interrupted") in h}
    assert interrupted == in_flight
    assert all(h == [(QUEUED, ""), (SENDING, ""), (SENT, "")] for n, h in history.items() if n not in in_flight)
    with engine.connect() as conn:
        events = Counter(
            conn.execute(sa.select(orm.outbox.c.aggregate_id).where(orm.outbox.c.event_type == "NotificationSent")).scalars()
        )
    assert set(events) == set(history) and set(events.values()) == {1}


def test_an_smtp_server_restarted_between_messages_gets_the_next_one_at_once_on_a_new_connection_and_once():
    """The channel keeps connections open between messages; one the server dropped fails before DATA, so it is safe to retry at once."""

    class Sessions(CountingHandler):
        def __init__(self):
            super().__init__(hold_after=10**9)
            self.sessions = 0

        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            self.sessions += 1
            session.host_name = hostname
            return responses

    port = free_port()
    channel = SmtpChannel(host="127.0.0.1", port=port, sender="CRM <crm@localhost>", timeout=5)
    first = Controller(Sessions(), hostname="127.0.0.1", port=port)
    first.start()
    try:
        for i in range(3):
            channel.send(OutgoingMessage(f"n-{i}", "email", f"a{i}@example.org", "Notice", "Hello.\n"))
    finally:
        first.stop()  # drops the connection the channel keeps
    assert (first.handler.sessions, first.handler.received) == (1, 3)

    second = Controller(Sessions(), hostname="127.0.0.1", port=port)
    second.start()
    try:
        receipt = channel.send(OutgoingMessage("n-3", "email", "a3@example.org", "Notice", "Hello.\n"))
    finally:
        second.stop()
    assert receipt.provider_id == message_id("n-3")
    assert (second.handler.sessions, dict(second.handler.by_id)) == (1, {message_id("n-3"): 1})
