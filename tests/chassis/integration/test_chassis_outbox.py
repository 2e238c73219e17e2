"""Outbox and relay on the real databases and broker: what is committed is published, in order, once."""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from chassis_support import Store, TcpProxy, bodies, person_created, service_name, wait_until
from google.protobuf import json_format
from opentelemetry import trace

from crm_chassis import outbox
from crm_chassis.outbox import PENDING, PUBLISHED, BrokerUnavailable, Relay


def _relay(store: Store, amqp_url: str, service: str, **kwargs) -> Relay:
    return Relay(store.engine, store.outbox, source_service=service, amqp_url=amqp_url, **kwargs)


def test_committed_event_is_published_as_proto3_json_with_the_envelope(store, broker, shared_amqp_url, tracing):
    service = service_name()
    queue = broker.bind(service)
    event = person_created("p-1", 7, family_name="Hopper")
    with trace.get_tracer("test").start_as_current_span("CreatePerson") as span:
        store.commit_events(event)
    trace_id = format(span.get_span_context().trace_id, "032x")
    relay = _relay(store, shared_amqp_url, service)

    assert relay.pending_count() == 1
    assert relay.publish_pending() == 1

    [(method, properties, body)] = broker.get(queue, 1)
    assert json.loads(body) == json_format.MessageToDict(event.message)
    assert method.exchange == f"{service}.events"
    assert method.routing_key == "PersonCreated"
    assert properties.delivery_mode == 2
    assert properties.content_type == "application/json"
    assert properties.message_id == event.id
    headers = properties.headers
    assert headers["id"] == event.id
    assert headers["type"] == "crm.contacts.v1.PersonCreated"
    assert headers["source"] == service
    assert headers["aggregate_id"] == "p-1"
    assert datetime.fromisoformat(headers["occurred_at"]) == event.occurred_at
    assert headers["traceparent"].split("-")[1] == trace_id

    [row] = store.outbox_rows()
    assert (row.state, row.attempts, row.last_error) == (PUBLISHED, 1, None)
    assert row.published_at is not None
    assert relay.publish_pending() == 0
    assert broker.drain(queue) == []


def test_occurred_at_header_is_the_same_instant_in_utc(store, broker, shared_amqp_url):
    """SQLite keeps no time zone: the header must still say UTC, and the right instant."""
    service = service_name()
    queue = broker.bind(service)
    at = datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=timezone(timedelta(hours=2)))
    event = person_created("p-1")
    event = type(event)(event.aggregate_type, event.aggregate_id, event.message, occurred_at=at)
    store.commit_events(event)
    _relay(store, shared_amqp_url, service).publish_pending()

    [(_, properties, _)] = broker.get(queue, 1)
    occurred = datetime.fromisoformat(properties.headers["occurred_at"])
    assert occurred.utcoffset() == timedelta(0)
    assert occurred == at
    assert properties.timestamp == int(at.timestamp())


def test_order_of_one_aggregate_is_kept_across_500_events(store, broker, shared_amqp_url):
    service = service_name()
    queue = broker.bind(service)
    for start in range(0, 500, 10):
        # Another aggregate's events are interleaved in the same transactions.
        store.commit_events(*[person_created("p-1", seq) for seq in range(start, start + 10)], person_created("p-2", start))
    relay = _relay(store, shared_amqp_url, service)

    published = 0
    while (count := relay.publish_pending()) > 0:
        assert count <= relay.batch_size
        published += count
    assert published == 550

    messages = bodies(broker.get(queue, 550))
    assert [int(m["person"]["givenName"]) for m in messages if m["person"]["id"] == "p-1"] == list(range(500))
    assert [int(m["person"]["givenName"]) for m in messages if m["person"]["id"] == "p-2"] == list(range(0, 500, 10))
    assert {row.state for row in store.outbox_rows()} == {PUBLISHED}
    assert broker.drain(queue) == []


def test_events_of_aggregates_seen_by_the_unit_of_work_are_written_in_order(store):
    class Aggregate:
        def __init__(self, *events):
            self.events = list(events)

    first, second = Aggregate(person_created("a", 1), person_created("a", 2)), Aggregate(person_created("b", 1))
    with store.uow() as uow:
        uow.seen.extend([first, second])
        uow.record(person_created("c", 1))
        uow.commit()
    assert [(row.aggregate_id, json.loads(row.payload)["person"]["givenName"]) for row in store.outbox_rows()] == [
        ("a", "1"), ("a", "2"), ("b", "1"), ("c", "1"),
    ]
    assert first.events == [] and second.events == []


def test_unit_of_work_that_does_not_commit_writes_nothing(store, shared_amqp_url):
    with store.uow() as uow:
        uow.add_effect("e-1")
        uow.record(person_created("p-1"))
    with store.uow() as uow:
        uow.add_effect("e-2")
        uow.record(person_created("p-2"))
        uow.rollback()
        uow.commit()  # the rolled-back event is gone from the transaction and from the list
    assert store.outbox_rows() == []
    assert store.effect_ids() == []
    assert _relay(store, shared_amqp_url, service_name()).publish_pending() == 0


def test_failed_commit_writes_neither_the_change_nor_its_events(store):
    duplicate = person_created("p-1")
    store.commit_events(duplicate)
    with pytest.raises(sa.exc.IntegrityError):
        with store.uow() as uow:
            uow.add_effect("e-1")
            uow.record(person_created("p-2"), duplicate)
            uow.commit()
    assert [row.event_id for row in store.outbox_rows()] == [duplicate.id]
    assert store.effect_ids() == []


def test_broker_outage_delays_events_but_never_loses_or_duplicates_them(store, broker, shared_amqp_url):
    service = service_name()
    queue = broker.bind(service)
    proxy = TcpProxy()
    relay = _relay(store, proxy.url(shared_amqp_url), service)
    try:
        store.commit_events(person_created("p-1", 0))
        assert relay.publish_pending() == 1  # the relay now holds a connection through the proxy

        proxy.close()
        store.commit_events(person_created("p-1", 1), person_created("p-1", 2))  # the command still commits
        for attempt in (1, 2):
            with pytest.raises(BrokerUnavailable):
                relay.publish_pending()
            rows = store.outbox_rows()
            assert [row.state for row in rows] == [PUBLISHED, PENDING, PENDING]
            assert rows[1].attempts == attempt
            assert rows[1].last_error
            assert rows[2].attempts == 0
        assert relay.pending_count() == 2

        proxy.open()
        assert relay.publish_pending() == 2
    finally:
        proxy.close()
        relay.close()

    assert [m["person"]["givenName"] for m in bodies(broker.get(queue, 3))] == ["0", "1", "2"]
    assert broker.drain(queue) == []
    rows = store.outbox_rows()
    assert [row.state for row in rows] == [PUBLISHED] * 3
    assert [row.last_error for row in rows] == [None] * 3
    assert relay.publish_pending() == 0


def test_connection_lost_mid_batch_leaves_exactly_the_unconfirmed_rows_pending(store, broker, shared_amqp_url, monkeypatch):
    """Confirms are awaited per batch: those that came in before the loss count, the rest are published again."""
    service = service_name()
    queue = broker.bind(service)
    proxy = TcpProxy()
    relay = _relay(store, proxy.url(shared_amqp_url), service, batch_size=50)
    publish = relay._amqp.publish

    def publish_then_cut(*args, **kwargs):
        tag = publish(*args, **kwargs)
        if tag == 20:  # the first 20 confirmed, then the connection dies with 30 of the batch to go
            relay._amqp.wait_for_confirms(5)
            proxy.close()
        return tag

    try:
        store.commit_events(*[person_created("p-1", seq) for seq in range(50)])
        monkeypatch.setattr(relay._amqp, "publish", publish_then_cut)
        with pytest.raises(BrokerUnavailable):
            relay.publish_pending()
        rows = store.outbox_rows()
        assert [row.state for row in rows] == [PUBLISHED] * 20 + [PENDING] * 30
        assert (rows[20].attempts, bool(rows[20].last_error)) == (1, True)
        assert [row.attempts for row in rows[21:]] == [0] * 29
        assert [m["person"]["givenName"] for m in bodies(broker.get(queue, 20))] == [str(seq) for seq in range(20)]

        monkeypatch.undo()
        proxy.open()
        assert relay.publish_pending() == 30
    finally:
        proxy.close()
        relay.close()
    assert [m["person"]["givenName"] for m in bodies(broker.get(queue, 30))] == [str(seq) for seq in range(20, 50)]
    assert broker.drain(queue) == []
    assert {row.state for row in store.outbox_rows()} == {PUBLISHED}


@pytest.mark.parametrize("cut_after", [3_000, 20_000, 60_000])
def test_connection_cut_mid_stream_republishes_from_the_first_unconfirmed_row_in_order(
    store, broker, shared_amqp_url, cut_after
):
    """The connection dies somewhere inside the batch's bytes, acks in flight: nothing is lost, order holds.

    Rows marked published reached the broker; the rest are published again from the first of them, so a
    consumer sees commit order, with at most the unacknowledged tail of the broken batch twice.
    """
    service = service_name()
    queue = broker.bind(service)
    proxy = TcpProxy()
    relay = _relay(store, proxy.url(shared_amqp_url), service, batch_size=200)
    try:
        store.commit_events(person_created("warm", 0))
        assert relay.publish_pending() == 1
        broker.get(queue, 1)
        store.commit_events(*[person_created(f"p-{seq % 3}", seq) for seq in range(200)])
        proxy.cut_after(cut_after)
        with pytest.raises(BrokerUnavailable):
            relay.publish_pending()
        rows = store.outbox_rows()[1:]
        states = [row.state for row in rows]
        published = states.count(PUBLISHED)
        assert published < 200
        assert states == [PUBLISHED] * published + [PENDING] * (200 - published)  # one queue: acks come in order
        assert rows[published].attempts == 1 and rows[published].last_error

        before = [int(m["person"]["givenName"]) for m in bodies(broker.drain(queue))]
        assert before == list(range(len(before)))  # what the broker got is a prefix, in order
        assert len(before) >= published  # every row marked published did reach it

        proxy.open()
        while relay.publish_pending():
            pass
    finally:
        proxy.close()
        relay.close()
    after = [int(m["person"]["givenName"]) for m in bodies(broker.get(queue, 200 - published))]
    assert after == list(range(published, 200))  # republished from the first unconfirmed row, in order
    assert broker.drain(queue) == []
    assert {row.state for row in store.outbox_rows()} == {PUBLISHED}


def test_nacked_messages_stay_pending_and_are_published_again(store, broker, shared_amqp_url):
    """A queue at its length limit with reject-publish makes the broker nack what it cannot take."""
    service = service_name()
    exchange = f"{service}.events"
    broker.channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    queue = broker.channel.queue_declare(
        "", exclusive=True, arguments={"x-max-length": 5, "x-overflow": "reject-publish"}
    ).method.queue
    broker.channel.queue_bind(queue, exchange, routing_key="#")
    store.commit_events(*[person_created("p-1", seq) for seq in range(12)])
    relay = _relay(store, shared_amqp_url, service)
    try:
        got: list[str] = []
        for full in (5, 5, 2):
            if full < 5:
                assert relay.publish_pending() == full
            else:
                with pytest.raises(BrokerUnavailable, match="nack"):
                    relay.publish_pending()
            rows = store.outbox_rows()
            assert [row.state for row in rows] == [PUBLISHED] * (len(got) + full) + [PENDING] * (12 - len(got) - full)
            got += [m["person"]["givenName"] for m in bodies(broker.get(queue, full))]
    finally:
        relay.close()
    assert got == [str(seq) for seq in range(12)]
    assert broker.drain(queue) == []


def test_many_events_are_each_delivered_once_in_order(store, broker, shared_amqp_url):
    service = service_name()
    queue = broker.bind(service)
    relay = _relay(store, shared_amqp_url, service, poll_interval=0.05)
    thread, stop = relay.start()
    try:
        for start in range(0, 3000, 100):
            store.commit_events(*[person_created(f"p-{seq % 7}", seq) for seq in range(start, start + 100)])
        messages = bodies(broker.get(queue, 3000, timeout=60))
    finally:
        stop.set()
        outbox.wake_relay_for_shutdown()
        thread.join(5)
    assert not thread.is_alive()
    seqs = [int(m["person"]["givenName"]) for m in messages]
    assert sorted(seqs) == list(range(3000))  # each once
    for aggregate in range(7):
        mine = [seq for seq, m in zip(seqs, messages, strict=True) if m["person"]["id"] == f"p-{aggregate}"]
        assert mine == sorted(mine)
    time.sleep(0.2)
    assert broker.drain(queue) == []
    assert relay.pending_count() == 0


def test_relay_loop_wakes_on_commit_and_stops_when_told(store, broker, shared_amqp_url):
    service = service_name()
    queue = broker.bind(service)
    # The poll interval is far longer than the test: only the commit's wake-up can explain delivery.
    relay = _relay(store, shared_amqp_url, service, poll_interval=30)
    thread, stop = relay.start()
    try:
        for seq in range(15):
            started = time.monotonic()
            store.commit_events(person_created("p-1", seq))
            [message] = bodies(broker.get(queue, 1, timeout=3))
            assert message["person"]["givenName"] == str(seq)
            assert time.monotonic() - started < 3
    finally:
        stop.set()
        outbox.wake_relay_for_shutdown()
        thread.join(5)
    assert not thread.is_alive()
    assert relay.pending_count() == 0


def test_relay_loop_notices_stop_within_its_poll_interval(store, shared_amqp_url):
    relay = _relay(store, shared_amqp_url, service_name(), poll_interval=0.1)
    thread, stop = relay.start()
    time.sleep(0.2)
    stop.set()
    thread.join(2)
    assert not thread.is_alive()


def test_relay_loop_retries_after_an_outage(store, broker, shared_amqp_url):
    service = service_name()
    queue = broker.bind(service)
    proxy = TcpProxy()
    proxy.close()
    relay = _relay(store, proxy.url(shared_amqp_url), service, poll_interval=0.05, max_backoff=0.2)
    thread, stop = relay.start()
    try:
        store.commit_events(person_created("p-1", 0), person_created("p-1", 1))
        wait_until(lambda: store.outbox_rows()[0].attempts >= 2, message="two failed attempts")
        proxy.open()
        assert [m["person"]["givenName"] for m in bodies(broker.get(queue, 2))] == ["0", "1"]
    finally:
        stop.set()
        outbox.wake_relay_for_shutdown()
        thread.join(5)
        proxy.close()
    assert not thread.is_alive()
    assert broker.drain(queue) == []


def test_retention_deletes_only_old_published_rows(store, shared_amqp_url):
    service = service_name()
    store.commit_events(person_created("old"), person_created("recent"))
    relay = _relay(store, shared_amqp_url, service, retention=timedelta(hours=1))
    assert relay.publish_pending() == 2
    store.commit_events(person_created("pending"))
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(store.outbox)
            .where(store.outbox.c.aggregate_id == "old")
            .values(published_at=datetime.now(UTC) - timedelta(hours=2))
        )
    relay._last_cleanup = float("-inf")
    relay._housekeeping()
    assert [(row.aggregate_id, row.state) for row in store.outbox_rows()] == [("recent", PUBLISHED), ("pending", PENDING)]
    assert relay.delete_published_before(datetime.now(UTC) + timedelta(minutes=1)) == 1
    assert relay.pending_count() == 1


# -- leadership: PostgreSQL only (SQLite has one writer per file anyway) ------


@pytest.fixture
def pg_stores(postgres_database_url):
    """Two processes' worth of engines on one PostgreSQL database."""
    first = Store.create(postgres_database_url)
    second = Store.create(postgres_database_url)
    yield first, second
    first.engine.dispose()
    second.engine.dispose()


def test_only_one_relay_per_database_leads(pg_stores, shared_amqp_url):
    first, second = pg_stores
    service = service_name()
    leader, follower = _relay(first, shared_amqp_url, service), _relay(second, shared_amqp_url, service)
    other_service = _relay(second, shared_amqp_url, service_name())
    try:
        assert leader._acquire_leadership() is True
        assert follower._acquire_leadership() is False
        assert leader._acquire_leadership() is True  # re-entrant for the holder
        assert other_service._acquire_leadership() is True  # one leader per exchange, not per database

        leader._release_leadership()
        assert follower._acquire_leadership() is True  # released for real, though its engine lives on
        assert leader._acquire_leadership() is False
    finally:
        for relay in (leader, follower, other_service):
            relay._release_leadership()


def test_two_running_relays_publish_each_event_once_and_hand_over(pg_stores, broker, shared_amqp_url):
    service = service_name()
    queue = broker.bind(service)
    relays = [_relay(store, shared_amqp_url, service, poll_interval=0.05) for store in pg_stores]
    running = {i: relay.start() for i, relay in enumerate(relays)}

    def stop(i: int) -> None:
        thread, event = running.pop(i)
        event.set()
        outbox.wake_relay_for_shutdown()
        thread.join(5)
        assert not thread.is_alive()

    try:
        seq = 0
        # Both run, then only the second, then only the first again: whichever led at first,
        # leadership has changed hands at least once.
        for phase in range(3):
            if phase == 1:
                stop(0)
            if phase == 2:
                running[0] = relays[0].start()
                stop(1)
            pg_stores[phase % 2].commit_events(*[person_created("p-1", seq + i) for i in range(5)])
            got = [m["person"]["givenName"] for m in bodies(broker.get(queue, 5, timeout=8))]
            assert got == [str(seq + i) for i in range(5)]
            seq += 5
        time.sleep(0.3)  # two leaders would have published a second copy by now
        assert broker.drain(queue) == []
    finally:
        for i in list(running):
            stop(i)
