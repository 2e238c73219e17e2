"""The life of a notification: queued, deferred, sending, sent, delivered, retried with backoff, failed, skipped, interrupted."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm_chassis.access import Audience
from crm_notifications.domain import events
from crm_notifications.domain.model import DELIVERED, FAILED, QUEUED, SENDING, SENT, SKIPPED, Notification, RetryPolicy

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def queued(**fields) -> Notification:
    values = {
        "idempotency_key": "welcome:p-1",
        "person_id": "p-1",
        "channel": "email",
        "recipient": "ada@example.org",
        "template": "welcome",
        "subject": "Welcome, Ada",
        "body": "Dear Ada",
        "audience": Audience("alice"),
    } | fields
    return Notification.queue(**values)


def sent(**fields) -> Notification:
    n = queued(**fields)
    n.start_sending(T0)
    n.mark_sent(T0, provider_id="prov-1", segments=2)
    n.events.clear()
    return n


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


# -- queuing and waiting -------------------------------------------------------------------------------


def test_a_request_for_later_is_due_at_its_send_time_and_one_for_the_past_at_once():
    later = queued(send_at=datetime.now(UTC) + timedelta(hours=2))
    past = queued(send_at=datetime(2020, 1, 1, tzinfo=UTC))

    assert later.next_attempt_at > later.created_at + timedelta(minutes=119)
    assert not later.is_due(later.created_at)
    assert past.next_attempt_at == past.created_at


def test_queue_keeps_what_the_request_said():
    n = queued(purpose="marketing", language="ro-RO", variables={"order": "42"}, campaign_id="spring", batch_id="b-1")

    assert (n.status, n.reason, n.attempts) == (QUEUED, "", 0)
    assert (n.purpose, n.language, n.variables, n.campaign_id, n.batch_id) == ("marketing", "ro-RO", {"order": "42"}, "spring", "b-1")
    assert n.events == []  # accepting a request is no news


def test_defer_waits_without_counting_an_attempt_and_records_each_new_reason_once():
    n = queued()
    until = T0 + timedelta(hours=9)

    n.defer(until, "quiet hours", T0)
    n.defer(until + timedelta(hours=1), "quiet hours", T0 + timedelta(minutes=1))

    assert (n.status, n.reason, n.attempts) == (QUEUED, "quiet hours", 0)
    assert n.next_attempt_at == until + timedelta(hours=1)
    assert not n.is_due(until)
    assert moves(n) == [(QUEUED, ""), (QUEUED, "quiet hours")]  # waiting again for the same reason is no new step
    assert n.events == []


def test_skip_settles_it_with_the_reason_and_an_event():
    n = queued()

    n.skip("no marketing consent for email", T0)

    assert (n.status, n.reason, n.next_attempt_at, n.attempts) == (SKIPPED, "no marketing consent for email", None, 0)
    assert not n.is_due(T0 + timedelta(days=1))
    assert [type(e) for e in n.events] == [events.NotificationSkipped]


def test_a_skipped_notification_has_only_the_skip_in_its_history():
    n = Notification.skipped(
        idempotency_key="welcome:p-1", person_id="p-1", channel="email", recipient="", template="welcome", audience=Audience("alice"),
        reason="the person has no email address",
    )

    assert moves(n) == [(SKIPPED, "the person has no email address")]
    assert [type(e) for e in n.events] == [events.NotificationSkipped]


def test_fail_before_any_attempt_settles_it_with_an_event():
    n = queued()

    n.fail("template 'x' (en, v1): 'order' is undefined", T0)

    assert (n.status, n.attempts, n.next_attempt_at) == (FAILED, 0, None)
    assert n.reason == "template 'x' (en, v1): 'order' is undefined"
    assert [type(e) for e in n.events] == [events.NotificationFailed]


# -- sending details --------------------------------------------------------------------------------------


def test_start_sending_records_what_was_rendered_and_pins_the_template_version_and_its_language():
    n = queued(subject="", body="", recipient="", language="ro-RO")

    n.start_sending(T0, recipient="ada@example.org", subject="Bun venit", body="Bună ziua", template_version=3, language="ro")

    assert (n.recipient, n.subject, n.body) == ("ada@example.org", "Bun venit", "Bună ziua")
    # versions are numbered per name and language: a retry must find "ro" v3, not "ro-RO" v3
    assert (n.template_version, n.language) == (3, "ro")


def test_mark_sent_keeps_the_providers_id_and_segments():
    n = sent()

    assert (n.status, n.provider_id, n.segments) == (SENT, "prov-1", 2)


def test_the_providers_retry_after_wins_over_a_shorter_backoff():
    n = queued()
    n.start_sending(T0)

    n.mark_failed("HTTP 429", T0, transient=True, policy=RetryPolicy(), retry_after=600)

    assert n.status == QUEUED
    assert n.next_attempt_at == T0 + timedelta(seconds=600)


def test_a_shorter_retry_after_does_not_shorten_the_backoff():
    n = queued()
    n.start_sending(T0)

    n.mark_failed("HTTP 503", T0, transient=True, policy=RetryPolicy(), retry_after=1)

    assert n.next_attempt_at == T0 + timedelta(seconds=30)


# -- after sending ------------------------------------------------------------------------------------------


def test_an_operator_retry_queues_a_failed_notification_with_fresh_attempts():
    n = queued()
    n.start_sending(T0)
    n.mark_failed("550 no such user", T0, transient=False, policy=RetryPolicy())
    n.events.clear()

    n.retry(T0 + timedelta(hours=1))

    assert (n.status, n.attempts, n.reason) == (QUEUED, 0, "retried by an operator")
    assert n.is_due(T0 + timedelta(hours=1))
    assert n.events == []


@pytest.mark.parametrize("make", [queued, sent], ids=["queued", "sent"])
def test_only_a_failed_notification_can_be_retried(make):
    n = make()

    with pytest.raises(ValueError, match="only failed notifications"):
        n.retry(T0)


def test_a_delivery_receipt_moves_sent_to_delivered_once():
    n = sent()

    assert n.report_delivery(True, "", T0 + timedelta(minutes=1)) is True
    assert n.report_delivery(True, "", T0 + timedelta(minutes=2)) is False  # a repeated receipt

    assert (n.status, n.reason) == (DELIVERED, "")
    assert [type(e) for e in n.events] == [events.NotificationDelivered]
    assert moves(n)[-1] == (DELIVERED, "")
    assert len(n.history) == 4


def test_a_failed_delivery_receipt_fails_it_with_the_providers_reason():
    n = sent()

    assert n.report_delivery(False, "handset unreachable", T0) is True

    assert (n.status, n.reason) == (FAILED, "handset unreachable")
    assert [type(e) for e in n.events] == [events.NotificationFailed]


def test_a_receipt_for_what_is_not_sent_changes_nothing():
    n = queued()

    assert n.report_delivery(True, "", T0) is False
    assert n.status == QUEUED and n.events == []


def test_a_phone_outcome_settles_the_task_once_with_an_event():
    n = sent(channel="phone", recipient="+40721234567")

    assert n.record_phone_outcome("reached", None, "happy to renew (maria)", T0) is True
    assert n.record_phone_outcome("reached", None, "again", T0 + timedelta(minutes=1)) is False

    assert (n.status, n.phone_outcome, n.reason) == (DELIVERED, "reached", "reached: happy to renew (maria)")
    assert [type(e) for e in n.events] == [events.PhoneTaskCompleted]


def test_no_answer_leaves_the_task_sent_and_a_later_outcome_still_counts():
    n = sent(channel="phone", recipient="+40721234567")

    n.record_phone_outcome("no_answer", None, "", T0)
    assert (n.status, n.phone_outcome, n.reason) == (SENT, "no_answer", "no answer")
    n.record_phone_outcome("call_back", T0 + timedelta(days=1), "", T0 + timedelta(hours=1))

    assert (n.status, n.phone_outcome, n.call_back_at) == (DELIVERED, "call_back", T0 + timedelta(days=1))
    assert [type(e) for e in n.events] == [events.PhoneTaskCompleted, events.PhoneTaskCompleted]


def test_a_phone_outcome_needs_a_phone_task_that_was_handed_over():
    with pytest.raises(ValueError, match="only phone tasks"):
        sent().record_phone_outcome("reached", None, "", T0)
    with pytest.raises(ValueError, match="queued"):
        queued(channel="phone", recipient="+40721234567").record_phone_outcome("reached", None, "", T0)
