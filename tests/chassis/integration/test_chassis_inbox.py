"""The inbox makes a redelivered event a no-op: the second claim fails and nothing of it is written."""
from __future__ import annotations

import threading

import sqlalchemy as sa
from chassis_support import person_created

CONSUMER = "notifications.on_person_created"


def _handle(store, event_id: str, effect_id: str, consumer: str = CONSUMER) -> bool:
    """What an idempotent handler does: claim, then act, all in one unit of work."""
    with store.uow() as uow:
        if not uow.claim_event(consumer, event_id):
            return False
        uow.add_effect(effect_id)
        uow.record(person_created(effect_id))
        uow.commit()
        return True


def test_second_claim_of_the_same_event_is_refused_and_writes_nothing(store):
    assert _handle(store, "evt-1", "first") is True
    assert _handle(store, "evt-1", "second") is False
    assert store.effect_ids() == ["first"]
    assert [row.aggregate_id for row in store.outbox_rows()] == ["first"]


def test_claims_are_per_consumer_and_per_event(store):
    assert _handle(store, "evt-1", "a") is True
    assert _handle(store, "evt-1", "b", consumer="gateway.on_person_created") is True
    assert _handle(store, "evt-2", "c") is True
    assert store.effect_ids() == ["a", "b", "c"]


def test_claim_of_a_rolled_back_unit_of_work_does_not_count(store):
    with store.uow() as uow:
        assert uow.claim_event(CONSUMER, "evt-1") is True
        uow.add_effect("lost")
    assert _handle(store, "evt-1", "kept") is True
    assert store.effect_ids() == ["kept"]


def test_same_event_claimed_twice_in_one_unit_of_work(store):
    with store.uow() as uow:
        assert uow.claim_event(CONSUMER, "evt-1") is True
        assert uow.claim_event(CONSUMER, "evt-1") is False


def test_concurrent_duplicate_writes_its_effects_once(store):
    """Two deliveries of one event racing: one wins, the other's effects are rolled back."""
    outcome: dict[str, object] = {}
    first = store.uow().__enter__()
    try:
        assert first.claim_event(CONSUMER, "evt-1") is True
        first.add_effect("first")

        def second() -> None:
            try:
                outcome["claimed"] = _handle(store, "evt-1", "second")
            except sa.exc.IntegrityError:
                outcome["claimed"] = "integrity error"

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.3)  # let it block on the first one's lock (PostgreSQL: the key; SQLite: the database)
        assert thread.is_alive()
        first.commit()
    finally:
        first.__exit__(None, None, None)
    thread.join(10)
    assert not thread.is_alive()
    assert outcome["claimed"] in (False, "integrity error")
    assert store.effect_ids() == ["first"]
    assert store.outbox_rows() == []
