"""Phone tasks on a real RabbitMQ: the message the call center gets, dead-lettering, failures, and the example consumer."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime

import pika
import pika.exceptions
import pytest
from google.protobuf import json_format
from kombu import Connection
from opentelemetry import trace

from crm.notifications.v1 import notifications_pb2 as pb
from crm_notifications.adapters.phone_tasks import OUTCOME_QUEUE, QUEUE, PhoneTaskChannel, declare_queues
from crm_notifications.domain.channels import OutgoingMessage, SendError
from tests.conftest import ROOT, free_port

NOW = datetime(2026, 3, 2, 9, 15, 0, 123456, tzinfo=UTC)
DEAD = "crm.phone-tasks.dead"


def task_message(notification_id: str = "n-1", **fields) -> OutgoingMessage:
    values = {
        "channel": "phone",
        "recipient": "+40721234567",
        "recipient_name": "Ioana Ștefănescu",
        "subject": "Reînnoirea contractului",
        "text": "Bună ziua, doamna Ștefănescu.\nVă sunăm despre contract.",
        "person_id": "p-7",
        "purpose": "marketing",
        "campaign_id": "spring-2026",
    } | fields
    return OutgoingMessage(notification_id=notification_id, **values)




@pytest.fixture
def phone(amqp_url):
    channel = PhoneTaskChannel(amqp_url, clock=lambda: NOW)
    yield channel
    channel.close()


@pytest.fixture
def broker(amqp_url):
    """A plain pika channel on the test's virtual host, as the call center would have."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    yield connection.channel()
    connection.close()


def take(channel, queue: str, timeout: float = 5.0):
    """The next message of `queue` (method, properties, body), acked; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is not None:
            return method, properties, body
        time.sleep(0.05)
    raise AssertionError(f"nothing arrived in {queue} within {timeout} s")


def depth(channel, queue: str) -> int:
    return channel.queue_declare(queue=queue, passive=True).method.message_count


def test_the_call_center_receives_exactly_the_phone_task_as_proto3_json(phone, broker, spans):
    receipt = phone.send(task_message("n-1"))

    _, properties, body = take(broker, QUEUE)
    assert json.loads(body) == {
        "taskId": "n-1",
        "personId": "p-7",
        "phone": "+40721234567",
        "name": "Ioana Ștefănescu",
        "subject": "Reînnoirea contractului",
        "script": "Bună ziua, doamna Ștefănescu.\nVă sunăm despre contract.",
        "purpose": "PURPOSE_MARKETING",
        "campaignId": "spring-2026",
        "attempt": 1,
        "createTime": "2026-03-02T09:15:00.123456Z",
    }
    task = json_format.Parse(body, pb.PhoneTask())  # strict: an unknown or mistyped field would raise
    assert task.create_time.ToDatetime(tzinfo=UTC) == NOW
    assert receipt.provider_id == "n-1"
    assert properties.message_id == "n-1"
    assert properties.content_type == "application/json"
    assert properties.delivery_mode == 2
    assert properties.type == "crm.notifications.v1.PhoneTask"
    headers = properties.headers
    assert headers["id"] == "n-1"
    assert headers["type"] == "crm.notifications.v1.PhoneTask"
    assert datetime.fromisoformat(headers["occurred_at"]) == NOW
    [publish] = [s for s in spans.get_finished_spans() if s.name == "crm.phone-tasks publish"]
    assert publish.kind == trace.SpanKind.PRODUCER
    context = publish.get_span_context()
    assert headers["traceparent"] == f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


def test_empty_fields_are_still_present_so_the_shape_never_changes(phone, broker):
    phone.send(task_message("n-2", recipient_name="", person_id="", campaign_id="", purpose="", attempt=3))

    _, _, body = take(broker, QUEUE)
    task = json.loads(body)
    assert (task["name"], task["personId"], task["campaignId"]) == ("", "", "")
    assert task["purpose"] == "PURPOSE_UNSPECIFIED"
    assert task["attempt"] == 3


def test_the_queues_are_durable_and_dead_letter_into_their_dead_queue(phone, broker, amqp_url):
    phone.send(task_message())
    arguments = {"x-dead-letter-exchange": "", "x-dead-letter-routing-key": DEAD}

    # An equivalent declaration passes; RabbitMQ refuses any that differs from what the queue has.
    broker.queue_declare(QUEUE, durable=True, arguments=arguments)
    broker.queue_declare(DEAD, durable=True)
    with kombu_channel(amqp_url) as channel:  # the core's workers declare through kombu / py-amqp
        declare_queues(channel, QUEUE)
        declare_queues(channel, OUTCOME_QUEUE)
    for queue, durable, args in [(QUEUE, False, arguments), (QUEUE, True, {}), (DEAD, False, {})]:
        with pika.BlockingConnection(pika.URLParameters(amqp_url)) as connection:
            with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="PRECONDITION_FAILED"):
                connection.channel().queue_declare(queue, durable=durable, arguments=args)


class kombu_channel:
    def __init__(self, amqp_url: str):
        self.connection = Connection(amqp_url)

    def __enter__(self):
        return self.connection.default_channel

    def __exit__(self, *exc):
        self.connection.release()


def test_the_same_task_sent_twice_arrives_twice_with_the_same_message_id(phone, broker):
    phone.send(task_message("n-dup", attempt=1))
    phone.send(task_message("n-dup", attempt=2))

    first, second = take(broker, QUEUE), take(broker, QUEUE)
    assert first[1].message_id == second[1].message_id == "n-dup"
    assert [json.loads(m[2])["taskId"] for m in (first, second)] == ["n-dup", "n-dup"]
    assert sorted(json.loads(m[2])["attempt"] for m in (first, second)) == [1, 2]


def test_a_task_the_call_center_rejects_is_parked_in_the_dead_queue(phone, broker):
    phone.send(task_message("n-bad"))
    method, _, body = broker.basic_get(QUEUE, auto_ack=False)
    while method is None:
        time.sleep(0.05)
        method, _, body = broker.basic_get(QUEUE, auto_ack=False)

    broker.basic_reject(method.delivery_tag, requeue=False)

    _, properties, dead_body = take(broker, DEAD)
    assert dead_body == body
    assert properties.message_id == "n-bad"
    assert properties.headers["x-death"][0]["reason"] == "rejected"
    assert depth(broker, QUEUE) == 0


def test_an_unreachable_broker_is_a_transient_failure():
    channel = PhoneTaskChannel(f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F", connect_timeout=2)

    started = time.monotonic()
    with pytest.raises(SendError) as raised:
        channel.send(task_message())

    assert raised.value.transient is True
    assert "RabbitMQ" in raised.value.reason
    assert time.monotonic() - started < 10


def test_a_broken_connection_is_replaced_on_the_next_send(phone, amqp_url):
    phone.send(task_message("n-before"))
    vhost = pika.URLParameters(amqp_url).virtual_host
    closed = subprocess.run(["rabbitmqctl", "-q", "close_all_connections", "--vhost", vhost, "test"], capture_output=True, timeout=60)
    if closed.returncode != 0:
        pytest.skip(f"rabbitmqctl cannot close connections here: {closed.stderr.decode()}")

    phone.send(task_message("n-after"))

    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as connection:
        broker = connection.channel()
        ids = [take(broker, QUEUE)[1].message_id, take(broker, QUEUE)[1].message_id]
    assert ids == ["n-before", "n-after"]


def test_a_number_that_is_not_e164_fails_for_good(phone):
    with pytest.raises(SendError) as raised:
        phone.send(task_message(recipient="0721 234 567"))

    assert raised.value.transient is False


# -- the example consumer, the call center's reference implementation -------------------------------------


def run_example(amqp_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / "call_center_consumer.py"), "--amqp-url", amqp_url, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("outcome, expected", [("reached", pb.PHONE_OUTCOME_REACHED), ("call-back", pb.PHONE_OUTCOME_CALL_BACK)])
def test_the_example_consumer_acks_the_task_and_reports_a_valid_outcome(phone, broker, amqp_url, spans, outcome, expected):
    phone.send(task_message("n-call"))
    [publish] = [s for s in spans.get_finished_spans() if s.name == "crm.phone-tasks publish"]

    done = run_example(amqp_url, "--outcome", outcome, "--agent", "maria", "--max-tasks", "1")

    assert done.returncode == 0, done.stderr
    assert "+40721234567" in done.stdout
    assert depth(broker, QUEUE) == 0 and depth(broker, DEAD) == 0  # acked, not rejected
    _, properties, body = take(broker, OUTCOME_QUEUE)
    report = json_format.Parse(body, pb.PhoneTaskOutcome())  # strict: what the CRM's worker will parse
    assert report.task_id == "n-call"
    assert report.outcome == expected
    assert report.agent == "maria"
    assert report.HasField("report_time")
    assert report.HasField("call_back_time") == (expected == pb.PHONE_OUTCOME_CALL_BACK)
    if report.HasField("call_back_time"):
        assert report.call_back_time.ToDatetime(tzinfo=UTC) > datetime.now(UTC)
    assert properties.type == properties.headers["type"] == "crm.notifications.v1.PhoneTaskOutcome"
    assert properties.delivery_mode == 2 and properties.content_type == "application/json"
    assert properties.message_id == properties.headers["id"]
    _, trace_id, span_id, _ = properties.headers["traceparent"].split("-")
    assert trace_id == f"{publish.get_span_context().trace_id:032x}"  # the same trace, continued
    assert span_id != f"{publish.get_span_context().span_id:016x}"


def test_the_example_consumer_deduplicates_on_task_id_and_rejects_what_is_no_task(phone, broker, amqp_url):
    phone.send(task_message("n-a", attempt=1))
    phone.send(task_message("n-a", attempt=2))  # the duplicate the contract warns about
    broker.confirm_delivery()  # so it is queued before n-b: messages from two connections have no order
    broker.basic_publish("", QUEUE, b"this is not json", pika.BasicProperties(content_type="application/json"))
    phone.send(task_message("n-b"))

    done = run_example(amqp_url, "--outcome", "no-answer", "--max-tasks", "2")

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("calling ") == 2
    left = broker.basic_get(QUEUE, auto_ack=True)
    assert left == (None, None, None), (left, done.stdout, done.stderr)
    assert take(broker, DEAD)[2] == b"this is not json"
    reports = [json.loads(take(broker, OUTCOME_QUEUE)[2]) for _ in range(2)]
    assert sorted(r["taskId"] for r in reports) == ["n-a", "n-b"]
    assert depth(broker, OUTCOME_QUEUE) == 0  # one outcome per task, none for the duplicate
