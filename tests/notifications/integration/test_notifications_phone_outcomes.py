"""What the call-center reports on a phone task: applied once, published as PhoneTaskCompleted, call-backs scheduled."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from google.protobuf import json_format
from notifications_support import add_template, contacts_person, deliver, load, notification_rows, outbox_rows, person_created, send, take

from crm.notifications.v1 import events_pb2
from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from crm_notifications.adapters.phone_tasks import QUEUE as PHONE_TASKS
from crm_notifications.adapters.phone_tasks import PhoneTaskChannel
from crm_notifications.domain import commands
from crm_notifications.domain.channels import OutgoingMessage, Receipt
from crm_notifications.domain.model import DELIVERED, QUEUED, SENT, utcnow
from crm_notifications.service_layer import handlers


class CallCenterQueue:
    """Stands in for the phone channel where the queue itself is not the point (test_notifications_channels.py covers it)."""

    name = "phone"

    def __init__(self) -> None:
        self.tasks: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> Receipt:
        self.tasks.append(message)
        return Receipt(provider_id=message.notification_id)


@pytest.fixture
def app(make_app):
    app = make_app()
    app.channels["phone"] = CallCenterQueue()
    person_created(app, contacts_person(person_id="p-1", given_name="Ioana", consent=None, mobile="+40721234567"))
    add_template(app, "renewal", "Call {{ person.given_name }} about the renewal.", channel="phone", subject="Renewal")
    return app


@pytest.fixture
def task(app):
    """A phone task handed to the call-center."""
    n = send(app, channel="phone", template="renewal", person_id="p-1", campaign_id="renewals")
    assert deliver(app, n.id) == SENT
    return n


def report(app, task_id: str, outcome: str | None, call_back_at=None, note: str = "", agent: str = ""):
    return handlers.report_phone_outcome(commands.ReportPhoneOutcome(task_id, outcome, call_back_at, note, agent), app.uow())


def test_reached_marks_the_task_delivered_and_publishes_phone_task_completed_once(app, task, engine):
    done = report(app, task.id, "reached", note="happy to renew", agent="maria")
    again = report(app, task.id, "reached", note="reported twice", agent="maria")

    assert (done.status, done.phone_outcome, done.reason) == (DELIVERED, "reached", "reached: happy to renew (maria)")
    assert (again.status, again.reason) == (DELIVERED, "reached: happy to renew (maria)")  # the repeat changed nothing
    assert [(c.status, c.reason) for c in load(app, task.id).history][-1] == (DELIVERED, "reached: happy to renew (maria)")
    assert len(load(app, task.id).history) == 4
    [_, completed] = outbox_rows(engine, task.id)
    assert (completed.event_type, completed.message_type) == ("PhoneTaskCompleted", "crm.notifications.v1.PhoneTaskCompleted")
    message = json_format.Parse(completed.payload, events_pb2.PhoneTaskCompleted())
    assert (message.outcome, message.notification.id, message.notification.status) == (pb.PHONE_OUTCOME_REACHED, task.id, pb.STATUS_DELIVERED)


def test_a_call_back_schedules_a_follow_up_task_for_that_time_which_is_then_handed_over(app, task, engine, amqp_url):
    app.channels["phone"] = PhoneTaskChannel(amqp_url)  # the real queue, this time (make_app closes it)
    at = utcnow() + timedelta(days=1)

    report(app, task.id, "call_back", at, note="after lunch")
    report(app, task.id, "call_back", at, note="after lunch")  # repeated: still one follow-up

    assert (load(app, task.id).status, load(app, task.id).call_back_at) == (DELIVERED, at)
    [follow_up] = [r for r in notification_rows(engine, person_id="p-1", channel="phone") if r.id != task.id]
    assert (follow_up.status, follow_up.template, follow_up.campaign_id, follow_up.purpose) == (QUEUED, "renewal", "renewals", "service")
    assert follow_up.next_attempt_at.replace(tzinfo=None) == at.replace(tzinfo=None)
    assert follow_up.idempotency_key == f"call-back:{task.id}:{at.isoformat()}"
    assert deliver(app, follow_up.id) is None  # not before the time asked for

    assert deliver(app, follow_up.id, clock=lambda: at) == SENT
    _, body = take(amqp_url, PHONE_TASKS)
    assert (json.loads(body)["taskId"], json.loads(body)["script"]) == (follow_up.id, "Call Ioana about the renewal.")
    # another call-back time is another follow-up
    report(app, task.id, "call_back", at + timedelta(hours=2))
    assert len([r for r in notification_rows(engine, person_id="p-1", channel="phone")]) == 3


def test_no_answer_keeps_the_task_open_for_a_later_outcome(app, task):
    assert report(app, task.id, "no_answer").status == SENT
    assert report(app, task.id, "interested", agent="maria").status == DELIVERED


def test_a_report_missing_what_it_needs_names_every_field(app, task):
    with pytest.raises(InvalidArgument) as raised:
        report(app, "", None, note="x" * 2001)
    assert [v.field for v in raised.value.violations] == ["task_id", "outcome", "note"]

    with pytest.raises(InvalidArgument) as raised:
        report(app, task.id, "call_back")
    assert [v.field for v in raised.value.violations] == ["call_back_time"]
    assert load(app, task.id).phone_outcome == ""


def test_an_unknown_task_is_not_found_and_one_not_yet_handed_over_cannot_have_an_outcome(app):
    email = send(app, template="welcome", address="ada@example.org")
    queued = send(app, channel="phone", template="renewal", person_id="p-1")

    for task_id in ("no-such-task", email.id):
        with pytest.raises(NotFound):
            report(app, task_id, "reached")
    with pytest.raises(FailedPrecondition, match="the task is queued"):
        report(app, queued.id, "reached")
