"""The transactional outbox and the relay that publishes it to RabbitMQ.

A state change and the events it causes commit together in the service's own
database; the relay then publishes them in commit order with publisher
confirms and marks them published. A broker outage delays events but never
loses them and never fails the command that caused them. Publishing is
at-least-once: consumers deduplicate through their inbox.
"""
from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import Status, StatusCode
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.amqp import BatchPublisher, PublishFailed
from crm_chassis.db import UtcDateTime
from crm_chassis.envelope import OutboundEvent, exchange_name, to_json, utcnow

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

PENDING = "pending"
PUBLISHED = "published"

PUBLISHED_TOTAL = Counter("crm_outbox_published_total", "Events the relay published", ["exchange"])
PUBLISH_ERRORS = Counter("crm_outbox_publish_errors_total", "Failed attempts to reach or publish to the broker", ["exchange"])
PENDING_GAUGE = Gauge("crm_outbox_pending", "Events written but not yet published", ["exchange"])
LAG = Histogram(
    "crm_outbox_lag_seconds",
    "Time from the business commit to the broker's confirm",
    ["exchange"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)

# What the relay reads of a row: not its bookkeeping (state, attempts, last_error, published_at).
_PUBLISHED_COLUMNS = (
    "position", "event_id", "event_type", "message_type", "aggregate_id", "payload", "traceparent", "tracestate", "occurred_at",
)

# Wakes the relay of this process as soon as a local transaction wrote events;
# rows written by the service's other process are found by polling.
_written = threading.Event()


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "outbox",
        metadata,
        sa.Column("position", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("message_type", sa.String(300), nullable=False),
        sa.Column("aggregate_type", sa.String(100), nullable=False),
        sa.Column("aggregate_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("traceparent", sa.String(100)),
        sa.Column("tracestate", sa.String(500)),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False, default=PENDING),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("last_error", sa.Text),
        sa.Column("published_at", UtcDateTime()),
        sa.Index("ix_outbox_state_position", "state", "position"),
    )


def write(session: Session, table: sa.Table, events: Iterable[OutboundEvent]) -> int:
    """Adds events to the caller's transaction, remembering the current trace."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    rows = [
        {
            "event_id": e.id,
            "event_type": e.event_type,
            "message_type": e.message_type,
            "aggregate_type": e.aggregate_type,
            "aggregate_id": e.aggregate_id,
            "payload": to_json(e.message),
            "traceparent": carrier.get("traceparent"),
            "tracestate": carrier.get("tracestate"),
            # SQLite keeps the wall time and drops the offset, so store UTC everywhere.
            "occurred_at": e.occurred_at,
            "state": PENDING,
            "attempts": 0,
        }
        for e in events
    ]
    if rows:
        session.execute(sa.insert(table), rows)
    return len(rows)


def notify_written() -> None:
    _written.set()


class BrokerUnavailable(Exception):
    pass


class Relay:
    """Publishes pending outbox rows of one service, oldest first.

    Only one relay per database publishes at a time (a PostgreSQL advisory
    lock elects it), and it stops at the first failure, so events of one
    aggregate reach the broker in the order they were committed.
    """

    def __init__(
        self,
        engine: sa.Engine,
        table: sa.Table,
        *,
        source_service: str,
        amqp_url: str,
        batch_size: int = 200,
        poll_interval: float = 0.5,
        retention: timedelta = timedelta(days=7),
        max_backoff: float = 30.0,
        confirm_timeout: float = 30.0,
    ):
        self.engine = engine
        self.table = table
        self.exchange = exchange_name(source_service)
        self.source_service = source_service
        self.amqp_url = amqp_url
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.retention = retention
        self.max_backoff = max_backoff
        self.confirm_timeout = confirm_timeout
        self._amqp = BatchPublisher(
            amqp_url, lambda channel: channel.exchange_declare(self.exchange, "topic", durable=True, auto_delete=False)
        )
        self._lock_connection = None
        self._last_cleanup = float("-inf")  # housekeeping runs on the first pass

    @classmethod
    def for_service(cls, engine: sa.Engine, table: sa.Table, source_service: str, settings) -> "Relay":
        """A relay configured from a service's CommonSettings."""
        return cls(
            engine,
            table,
            source_service=source_service,
            amqp_url=settings.amqp_url,
            poll_interval=settings.relay_poll_interval,
            retention=timedelta(hours=settings.outbox_retention_hours),
        )

    # -- one pass, usable synchronously (tests, benchmarks) ---------------

    def publish_pending(self) -> int:
        """Publishes up to one batch; returns how many the broker confirmed.

        The whole batch is sent before its confirms are awaited (one round trip per batch, not per event).
        Exactly the rows the broker acked are marked published; on a nack, a return, a timeout or a lost
        connection the others stay pending, the first of them records the error, and BrokerUnavailable is
        raised: the next pass starts again from that row, in commit order.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(*(self.table.c[name] for name in _PUBLISHED_COLUMNS))
                .where(self.table.c.state == PENDING)
                .order_by(self.table.c.position)
                .limit(self.batch_size)
            ).all()
        if not rows:
            return 0
        sent: list[tuple[object, int, trace.Span]] = []  # row, delivery tag, its publish span
        failure: Exception | None = None
        try:
            self._amqp.connect()
            for row in rows:
                span = self._start_span(row)
                try:
                    tag = self._publish(row, span)
                except BaseException as exc:
                    _end_span(span, exc)
                    raise
                sent.append((row, tag, span))
            self._amqp.wait_for_confirms(self.confirm_timeout)
        except Exception as exc:
            failure = exc
        confirmed: list[int] = []
        now = utcnow()
        lag = LAG.labels(self.exchange)
        for row, tag, span in sent:
            if self._amqp.confirmed(tag):
                confirmed.append(row.position)
                lag.observe(max(0.0, (now - row.occurred_at).total_seconds()))
                _end_span(span)
            else:
                _end_span(span, failure or PublishFailed("unconfirmed"))
        if failure is not None:
            PUBLISH_ERRORS.labels(self.exchange).inc()
            self._amqp.close()
            done = set(confirmed)
            first_unconfirmed = next((row for row in rows if row.position not in done), None)
            if first_unconfirmed is not None:
                self._record_failure(first_unconfirmed.position, failure)
        self._mark_published(confirmed, now)
        if failure is not None:
            raise BrokerUnavailable(f"{type(failure).__name__}: {failure}") from failure
        return len(confirmed)

    def _start_span(self, row) -> trace.Span:
        # The span lasts from the publish to the batch's confirm; consumers continue the trace from it.
        parent = propagate.extract({"traceparent": row.traceparent or "", "tracestate": row.tracestate or ""})
        return tracer.start_span(
            f"{self.exchange} publish",
            context=parent,
            kind=trace.SpanKind.PRODUCER,
            attributes={
                "messaging.system": "rabbitmq",
                "messaging.operation.type": "publish",
                "messaging.destination.name": self.exchange,
                "messaging.rabbitmq.destination.routing_key": row.event_type,
                "messaging.message.id": row.event_id,
            },
        )

    def _publish(self, row, span: trace.Span) -> int:
        # SQLite hands the UTC time back without its zone.
        occurred = row.occurred_at
        headers = {
            "id": row.event_id,
            "type": row.message_type,
            "occurred_at": occurred.isoformat(),
            "source": self.source_service,
            "aggregate_id": row.aggregate_id,
        }
        propagate.inject(headers, context=trace.set_span_in_context(span))
        return self._amqp.publish(
            self.exchange,
            row.event_type,
            row.payload.encode("utf-8"),
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,  # persistent
            message_id=row.event_id,
            type=row.message_type,
            timestamp=int(occurred.timestamp()),
            app_id=self.source_service,
            application_headers=headers,
        )

    def _mark_published(self, positions: list[int], at) -> None:
        if not positions:
            return
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(self.table)
                .where(self.table.c.position.in_(positions))
                .values(state=PUBLISHED, published_at=at, attempts=self.table.c.attempts + 1, last_error=None)
            )
        PUBLISHED_TOTAL.labels(self.exchange).inc(len(positions))

    def _record_failure(self, position: int, exc: Exception) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    sa.update(self.table)
                    .where(self.table.c.position == position)
                    .values(attempts=self.table.c.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000])
                )
        except sa.exc.SQLAlchemyError:
            log.exception("could not record the outbox failure")

    def close(self) -> None:
        """Drops the broker connection; the next publish opens a fresh one."""
        self._amqp.close()

    # -- housekeeping ------------------------------------------------------

    def pending_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(self.table).where(self.table.c.state == PENDING)
            ).scalar_one()

    def delete_published_before(self, cutoff) -> int:
        with self.engine.begin() as conn:
            return conn.execute(
                sa.delete(self.table).where(self.table.c.state == PUBLISHED, self.table.c.published_at < cutoff)
            ).rowcount

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now - self._last_cleanup < 60:
            return
        self._last_cleanup = now
        PENDING_GAUGE.labels(self.exchange).set(self.pending_count())
        self.delete_published_before(utcnow() - self.retention)

    # -- leadership --------------------------------------------------------

    def _acquire_leadership(self) -> bool:
        if not db.is_postgresql(self.engine):
            return True
        if self._lock_connection is None:
            self._lock_connection = self.engine.connect()
        key = zlib.crc32(f"crm-outbox-relay:{self.exchange}".encode())
        got = self._lock_connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar_one()
        self._lock_connection.commit()
        return bool(got)

    def _release_leadership(self) -> None:
        connection, self._lock_connection = self._lock_connection, None
        if connection is None:
            return
        # The lock lives as long as the database session, and closing a pooled
        # connection only parks it, still locked, in the pool: unlock explicitly.
        try:
            connection.execute(sa.text("SELECT pg_advisory_unlock_all()"))
            connection.commit()
        except sa.exc.SQLAlchemyError:
            connection.invalidate()  # broken: the server frees the lock when it notices
        connection.close()

    # -- the loop ----------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Publishes until `stop` is set, backing off while the broker or database is away."""
        backoff = 0.5
        leader = False
        # The relay's own work must not be counted as part of whichever request woke it.
        token = otel_context.attach(otel_context.Context())
        try:
            while not stop.is_set():
                try:
                    if not leader:
                        leader = self._acquire_leadership()
                        if not leader:
                            stop.wait(self.poll_interval * 10)
                            continue
                        log.info("outbox relay publishing to %s", self.exchange)
                    _written.clear()  # before reading: a commit landing during the pass wakes the next wait
                    published = self.publish_pending()
                    self._housekeeping()
                    backoff = 0.5
                    if published < self.batch_size:
                        _written.wait(self.poll_interval)
                except BrokerUnavailable as exc:
                    log.warning("broker unavailable, retrying in %.1fs: %s", backoff, exc)
                    stop.wait(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
                except sa.exc.SQLAlchemyError as exc:
                    log.warning("outbox unreadable, retrying in %.1fs: %s", backoff, exc)
                    self._release_leadership()
                    leader = False
                    stop.wait(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
        finally:
            self._amqp.close()
            self._release_leadership()
            otel_context.detach(token)

    def start(self) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        thread = threading.Thread(target=self.run, args=(stop,), name=f"relay-{self.exchange}", daemon=True)
        thread.start()
        return thread, stop


def _end_span(span: trace.Span, error: BaseException | None = None) -> None:
    if error is not None:
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
    span.end()


def wake_relay_for_shutdown() -> None:
    """Lets a waiting relay notice its stop flag without waiting out the poll interval."""
    _written.set()
