"""The life of a notification: sending, sent, retried with backoff, failed, interrupted."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm_chassis.access import Audience
from crm_notifications.domain import events
from crm_notifications.domain.model import FAILED, QUEUED, SENDING, SENT, Notification, RetryPolicy

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def queued() -> Notification:
    return Notification.queue(
        idempotency_key="welcome:p-1",
        person_id="p-1",
        channel="email",
        recipient="ada@example.org",
        template="welcome",
        subject="Welcome, Ada",
        body="Dear Ada",
        audience=Audience("alice"),
    )


def moves(n: Notification) -> list[tuple[str, str]]:
    return [(c.status, c.reason) for c in n.history]


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 960), (7, 1920), (8, 3600), (20, 3600)],
)
def test_the_retry_delay_doubles_from_the_base_up_to_the_cap(attempts, seconds):
    assert RetryPolicy().delay(attempts) == timedelta(seconds=seconds)


def test_the_retry_policy_honours_its_own_base_and_cap():
    policy = RetryPolicy(base=timedelta(seconds=2), cap=timedelta(seconds=10))

    assert [policy.delay(a).total_seconds() for a in range(1, 6)] == [2, 4, 8, 10, 10]


def test_due_only_while_queued_and_once_its_time_has_come():
    n = queued()
    assert n.is_due(n.created_at)
    n.next_attempt_at = T0
    assert not n.is_due(T0 - timedelta(microseconds=1))
    assert n.is_due(T0)
    n.start_sending(T0)
    assert not n.is_due(T0 + timedelta(days=1))


def test_start_sending_counts_the_attempt():
    n = queued()

    n.start_sending(T0)
    assert (n.status, n.attempts) == (SENDING, 1)
    n.mark_failed("450 try later", T0, transient=True, policy=RetryPolicy())
    n.start_sending(T0 + timedelta(minutes=1))
    assert (n.status, n.attempts) == (SENDING, 2)


def test_mark_sent_records_the_time_and_a_notification_sent_event():
    n = queued()
    n.start_sending(T0)

    n.mark_sent(T0 + timedelta(seconds=1))

    assert n.status == SENT
    assert n.sent_at == T0 + timedelta(seconds=1)
    assert n.next_attempt_at is None
    assert n.reason == ""
    assert [type(e) for e in n.events] == [events.NotificationSent]
    assert n.events[0].notification is n
    assert moves(n) == [(QUEUED, ""), (SENDING, ""), (SENT, "")]
    assert n.history[-1].changed_at == T0 + timedelta(seconds=1)


@pytest.mark.parametrize(("attempt", "seconds"), [(1, 30), (2, 60), (3, 120), (4, 240)])
def test_a_transient_failure_queues_it_again_after_the_policys_delay(attempt, seconds):
    n = queued()
    policy = RetryPolicy()
    for _ in range(attempt - 1):
        n.start_sending(T0)
        n.mark_failed("450 try later", T0, transient=True, policy=policy)
    n.start_sending(T0)

    n.mark_failed("450 try later", T0, transient=True, policy=policy)

    assert n.attempts == attempt
    assert n.status == QUEUED
    assert n.reason == "retrying: 450 try later"
    assert n.next_attempt_at == T0 + timedelta(seconds=seconds)
    assert not n.is_due(T0 + timedelta(seconds=seconds) - timedelta(microseconds=1))
    assert n.is_due(T0 + timedelta(seconds=seconds))
    assert n.events == []


def test_the_backoff_is_capped():
    n = queued()
    policy = RetryPolicy(max_attempts=50, base=timedelta(seconds=30), cap=timedelta(minutes=5))
    for _ in range(10):
        n.start_sending(T0)
        n.mark_failed("451 busy", T0, transient=True, policy=policy)

    assert n.status == QUEUED
    assert n.next_attempt_at == T0 + timedelta(minutes=5)


def test_a_permanent_failure_fails_it_at_once():
    n = queued()
    n.start_sending(T0)

    n.mark_failed("550 no such user", T0, transient=False, policy=RetryPolicy())

    assert n.status == FAILED
    assert n.reason == "550 no such user"
    assert n.next_attempt_at is None
    assert n.sent_at is None
    assert [type(e) for e in n.events] == [events.NotificationFailed]
    assert n.events[0].notification is n
    assert moves(n) == [(QUEUED, ""), (SENDING, ""), (FAILED, "550 no such user")]


def test_transient_failures_give_up_when_the_attempts_are_exhausted():
    n = queued()
    policy = RetryPolicy(max_attempts=3)
    for _ in range(2):
        n.start_sending(T0)
        n.mark_failed("450 try later", T0, transient=True, policy=policy)
        assert n.status == QUEUED
    n.start_sending(T0)

    n.mark_failed("450 try later", T0, transient=True, policy=policy)

    assert n.attempts == 3
    assert n.status == FAILED
    assert n.reason == "gave up after 3 attempts: 450 try later"
    assert n.next_attempt_at is None
    assert [type(e) for e in n.events] == [events.NotificationFailed]
    assert moves(n) == [
        (QUEUED, ""),
        (SENDING, ""),
        (QUEUED, "retrying: 450 try later"),
        (SENDING, ""),
        (QUEUED, "retrying: 450 try later"),
        (SENDING, ""),
        (FAILED, "gave up after 3 attempts: 450 try later"),
    ]


def test_an_interrupted_send_is_queued_again_and_due_at_once():
    n = queued()
    n.start_sending(T0)

    n.release_interrupted(T0 + timedelta(minutes=10))

    assert n.status == QUEUED
    assert n.reason == "sending was interrupted"
    assert n.attempts == 1  # the interrupted try still counts
    assert n.is_due(T0 + timedelta(minutes=10))
    assert n.events == []
    assert moves(n) == [(QUEUED, ""), (SENDING, ""), (QUEUED, "sending was interrupted")]
    assert [c.changed_at for c in n.history[1:]] == [T0, T0 + timedelta(minutes=10)]
