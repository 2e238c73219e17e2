"""Idempotent commands: a retried request id answers what the first call made, and makes nothing new."""
from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa
from chassis_support import person_created

from crm_chassis import db
from crm_chassis.errors import Aborted, Violations
from crm_chassis.idempotency import check_request_id, idempotency_table
from crm_chassis.inbox import inbox_table
from crm_chassis.outbox import outbox_table
from crm_chassis.uow import SqlAlchemyUnitOfWork


class Things:
    """A service with one table, `things`, whose create takes a request id."""

    def __init__(self, url: str):
        metadata = sa.MetaData()
        self.outbox, self.inbox = outbox_table(metadata), inbox_table(metadata)
        self.keys = idempotency_table(metadata)
        self.things = sa.Table("things", metadata, sa.Column("id", sa.String(64), primary_key=True))
        self.engine = db.create_engine(url)
        metadata.create_all(self.engine)
        self.sessions = db.session_factory(self.engine)

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(
            self.sessions, outbox_table=self.outbox, inbox_table=self.inbox, map_event=lambda e: e, idempotency_table=self.keys
        )

    def create(self, caller: str, request_id: str, method: str = "CreateThing") -> str:
        """What a command handler does: the earlier answer if there is one, otherwise create and remember."""
        with self.uow() as uow:
            done = uow.handled_request(caller, method, request_id)
            if done is not None:
                return done
            thing_id = uuid.uuid4().hex
            uow.session.execute(sa.insert(self.things).values(id=thing_id))
            uow.remember_request(caller, method, request_id, thing_id)
            uow.record(person_created(thing_id))
            uow.commit()
            return thing_id

    def count(self, table: sa.Table | None = None) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(self.things if table is None else table)).scalar_one()


@pytest.fixture
def things(database_url):
    store = Things(database_url)
    yield store
    store.engine.dispose()


def test_a_retry_answers_the_first_resource_and_creates_nothing(things):
    first = things.create("alice", "req-1")
    assert things.create("alice", "req-1") == first
    assert things.count() == 1 and things.count(things.outbox) == 1


def test_request_ids_are_per_caller_and_per_method(things):
    first = things.create("alice", "req-1")
    assert things.create("bob", "req-1") != first
    assert things.create("alice", "req-1", method="CreateOther") != first
    assert things.create("alice", "req-2") != first
    assert things.count() == 4


def test_without_a_request_id_every_call_creates(things):
    assert things.create("alice", "") != things.create("alice", "")
    assert things.count() == 2 and things.count(things.keys) == 0


def test_a_rolled_back_create_leaves_the_request_id_free(things):
    with things.uow() as uow:
        uow.session.execute(sa.insert(things.things).values(id="lost"))
        uow.remember_request("alice", "CreateThing", "req-1", "lost")
    made = things.create("alice", "req-1")
    assert made != "lost" and things.count() == 1


def test_concurrent_retries_create_once(things):
    """The second request waits for the first one's commit, then answers its resource (or ABORTED, to retry)."""
    outcome: dict[str, object] = {}
    first = things.uow().__enter__()
    try:
        assert first.handled_request("alice", "CreateThing", "req-1") is None
        first.session.execute(sa.insert(things.things).values(id="first"))
        first.remember_request("alice", "CreateThing", "req-1", "first")

        def second() -> None:
            try:
                outcome["made"] = things.create("alice", "req-1")
            except Aborted:
                outcome["made"] = "aborted"

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.3)  # blocked on the first one's lock (PostgreSQL: the key; SQLite: the database)
        assert thread.is_alive()
        first.commit()
    finally:
        first.__exit__(None, None, None)
    thread.join(10)
    assert not thread.is_alive()
    assert outcome["made"] in ("first", "aborted")
    assert things.create("alice", "req-1") == "first"
    assert things.count() == 1


def test_a_unit_of_work_without_the_table_refuses_to_use_request_ids(things):
    uow = SqlAlchemyUnitOfWork(things.sessions, outbox_table=things.outbox, inbox_table=things.inbox, map_event=lambda e: e)
    with uow, pytest.raises(RuntimeError, match="idempotency_table"):
        uow.handled_request("alice", "CreateThing", "req-1")


def test_request_ids_longer_than_100_characters_are_invalid():
    problems = Violations()
    check_request_id("x" * 100, problems)
    assert not problems
    check_request_id("x" * 101, problems, field="request_id")
    with pytest.raises(Exception) as caught:
        problems.raise_if_any()
    assert [v.field for v in caught.value.violations] == ["request_id"]
