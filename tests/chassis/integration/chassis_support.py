"""Helpers for the chassis integration tests: a throwaway store, a broker probe, a breakable TCP proxy."""
from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pika
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.contacts.v1 import contacts_pb2, events_pb2
from crm_chassis import db
from crm_chassis.envelope import OutboundEvent
from crm_chassis.inbox import inbox_table
from crm_chassis.outbox import outbox_table
from crm_chassis.uow import SqlAlchemyUnitOfWork

AMQP_PORT = 5672


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


def service_name() -> str:
    return f"svc{uuid.uuid4().hex[:8]}"


def person_created(aggregate_id: str = "p-1", seq: int = 0, **fields) -> OutboundEvent:
    person = contacts_pb2.Person(id=aggregate_id, given_name=str(seq), **fields)
    return OutboundEvent("person", aggregate_id, events_pb2.PersonCreated(person=person))


class ProbeUnitOfWork(SqlAlchemyUnitOfWork):
    """The chassis unit of work with one business table, `effects`."""

    def __init__(self, store: "Store"):
        super().__init__(store.sessions, outbox_table=store.outbox, inbox_table=store.inbox, map_event=lambda event: event)
        self._effects = store.effects

    def add_effect(self, effect_id: str, note: str = "") -> None:
        self.session.execute(sa.insert(self._effects).values(id=effect_id, note=note))


@dataclass
class Store:
    url: str
    engine: sa.Engine
    sessions: sessionmaker[Session]
    outbox: sa.Table
    inbox: sa.Table
    effects: sa.Table

    @classmethod
    def create(cls, url: str) -> "Store":
        metadata = sa.MetaData()
        outbox, inbox = outbox_table(metadata), inbox_table(metadata)
        effects = sa.Table("effects", metadata, sa.Column("id", sa.String(64), primary_key=True), sa.Column("note", sa.Text))
        engine = db.create_engine(url)
        metadata.create_all(engine)
        return cls(url, engine, db.session_factory(engine), outbox, inbox, effects)

    def uow(self) -> ProbeUnitOfWork:
        return ProbeUnitOfWork(self)

    def commit_events(self, *events: OutboundEvent) -> None:
        with self.uow() as uow:
            uow.record(*events)
            uow.commit()

    def outbox_rows(self) -> list:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(self.outbox).order_by(self.outbox.c.position)).all()

    def effect_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(self.effects.c.id).order_by(self.effects.c.id)).scalars().all()


class Broker:
    """A pika connection for declaring, binding and reading queues in a test."""

    def __init__(self, amqp_url: str):
        self.url = amqp_url
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self.channel = self.connection.channel()

    def bind(self, source_service: str, routing_key: str = "#") -> str:
        """A fresh queue receiving what is published to `<source_service>.events`."""
        exchange = f"{source_service}.events"
        self.channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        queue = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.queue_bind(queue, exchange, routing_key=routing_key)
        return queue

    def get(self, queue: str, count: int, timeout: float = 10.0) -> list[tuple]:
        """Exactly `count` messages (method, properties, body), acked; waits for them up to `timeout`."""
        got: list[tuple] = []
        deadline = time.monotonic() + timeout
        while len(got) < count:
            method, properties, body = self.channel.basic_get(queue, auto_ack=True)
            if method is None:
                if time.monotonic() > deadline:
                    raise AssertionError(f"got {len(got)} of {count} messages from {queue}")
                self.connection.sleep(0.02)
                continue
            got.append((method, properties, body))
        return got

    def depth(self, queue: str) -> int:
        return self.channel.queue_declare(queue, passive=True).method.message_count

    def consumers(self, queue: str) -> int:
        try:
            return self.channel.queue_declare(queue, passive=True).method.consumer_count
        except pika.exceptions.ChannelClosedByBroker:  # not declared yet
            self.channel = self.connection.channel()
            return 0

    def queue_exists(self, queue: str) -> bool:
        try:
            self.channel.queue_declare(queue, passive=True)
            return True
        except pika.exceptions.ChannelClosedByBroker:
            self.channel = self.connection.channel()
            return False

    def drain(self, queue: str) -> list[tuple]:
        """Every message in `queue` now, acked."""
        got = []
        while True:
            method, properties, body = self.channel.basic_get(queue, auto_ack=True)
            if method is None:
                return got
            got.append((method, properties, body))

    def publish(self, exchange: str, routing_key: str, body: bytes, headers: dict | None = None, content_type: str = "application/json") -> None:
        self.channel.basic_publish(
            exchange,
            routing_key,
            body,
            pika.BasicProperties(content_type=content_type, delivery_mode=2, headers=headers or {}),
        )

    def close(self) -> None:
        try:
            self.connection.close()
        except pika.exceptions.AMQPError:
            pass


def bodies(messages: list[tuple]) -> list[dict]:
    return [json.loads(body) for _, _, body in messages]


class TcpProxy:
    """Forwards a local port to RabbitMQ; `close()` cuts every connection and refuses new ones.

    `cut_after(n)` lets n more bytes through towards the broker, then closes: a connection lost mid-stream.
    """

    def __init__(self, target: tuple[str, int] = ("127.0.0.1", AMQP_PORT)):
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._budget: int | None = None  # bytes still forwarded towards the broker before the cut
        self.open()

    def cut_after(self, nbytes: int) -> None:
        with self._lock:
            self._budget = nbytes

    def url(self, amqp_url: str) -> str:
        """`amqp_url` (same credentials and virtual host) routed through this proxy."""
        parsed = amqp_url.split("@", 1)
        host_and_path = parsed[1].split("/", 1)
        return f"{parsed[0]}@127.0.0.1:{self.port}/{host_and_path[1] if len(host_and_path) > 1 else ''}"

    def open(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # The old listener stays in LISTEN until its accept thread's poll (50 ms) returns after close().
        deadline = time.monotonic() + 2
        while True:
            try:
                listener.bind(("127.0.0.1", self.port))
                break
            except OSError:
                if time.monotonic() > deadline:
                    listener.close()
                    raise
                time.sleep(0.01)
        listener.listen(16)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while listener is self._listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for src, dst, outbound in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(target=self._pump, args=(src, dst, outbound), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, outbound: bool) -> None:
        try:
            while data := src.recv(65536):
                if outbound:
                    with self._lock:
                        budget = self._budget
                        if budget is not None:
                            data, self._budget = data[:budget], budget - min(budget, len(data))
                    if data:
                        dst.sendall(data)
                    if budget is not None and self._budget == 0:
                        self._budget = None
                        self.close()
                        return
                    continue
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                self._shut(sock)

    def _shut(self, sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
        with self._lock:
            self._sockets.discard(sock)

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)
