"""The `phone` channel: one `PhoneTask` per call, published to the call-center's RabbitMQ queue.

The wire contract the call-center software implements is docs/call-center.md; change both together.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pika
import pika.exceptions
from google.protobuf import json_format
from opentelemetry import propagate, trace

from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis.amqp import ConfirmedChannel
from crm_notifications.domain.channels import OutgoingMessage, Receipt, SendError

tracer = trace.get_tracer(__name__)

QUEUE = "crm.phone-tasks"
OUTCOME_QUEUE = "crm.phone-task-outcomes"
TASK_TYPE = pb.PhoneTask.DESCRIPTOR.full_name  # crm.notifications.v1.PhoneTask
OUTCOME_TYPE = pb.PhoneTaskOutcome.DESCRIPTOR.full_name  # crm.notifications.v1.PhoneTaskOutcome
SOURCE = "notifications"

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_PURPOSES = {"marketing": pb.PURPOSE_MARKETING, "service": pb.PURPOSE_SERVICE}


def dead_letter_queue(queue: str) -> str:
    return f"{queue}.dead"


def declare_queues(channel, queue: str = QUEUE) -> None:
    """Declares `queue` durable, dead-lettering into the durable `<queue>.dead`, which it declares first.

    `channel` is a pika channel or a py-amqp one (kombu's `connection.default_channel`): every argument is
    spelled out because their defaults differ (py-amqp's auto_delete is True). Every declarer of these
    queues must use the same arguments, or the broker closes its channel with PRECONDITION_FAILED.
    """
    channel.queue_declare(queue=dead_letter_queue(queue), durable=True, exclusive=False, auto_delete=False, arguments={})
    channel.queue_declare(
        queue=queue,
        durable=True,
        exclusive=False,
        auto_delete=False,
        arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": dead_letter_queue(queue)},
    )


def phone_task(message: OutgoingMessage, now: datetime) -> pb.PhoneTask:
    task = pb.PhoneTask(
        task_id=message.notification_id,
        person_id=message.person_id,
        phone=message.recipient.strip(),
        name=message.recipient_name,
        subject=message.subject,
        script=message.text,
        purpose=_PURPOSES.get(message.purpose, pb.PURPOSE_UNSPECIFIED),
        campaign_id=message.campaign_id,
        attempt=message.attempt,
    )
    task.create_time.FromDatetime(now)
    return task


def task_json(task: pb.PhoneTask) -> str:
    # Every field printed, empty ones too: the call center sees one fixed shape, not proto3's omissions.
    return json_format.MessageToJson(task, indent=None, ensure_ascii=False, always_print_fields_with_no_presence=True)


class PhoneTaskChannel:
    """Publishes with publisher confirms on one lazily (re)opened connection, one send at a time."""

    name = "phone"

    def __init__(
        self,
        amqp_url: str,
        queue: str = QUEUE,
        *,
        connect_timeout: float = 5.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.amqp_url = amqp_url
        self.queue = queue
        self.connect_timeout = connect_timeout
        self.clock = clock
        self._amqp = ConfirmedChannel(amqp_url, lambda channel: declare_queues(channel, queue), timeout=connect_timeout)
        self._lock = threading.Lock()  # green under eventlet: one BlockingConnection must not be shared mid-call

    def send(self, message: OutgoingMessage) -> Receipt:
        phone = message.recipient.strip()
        if not _E164.fullmatch(phone):
            raise SendError(f"not an E.164 phone number: {phone!r}", transient=False)
        now = self.clock().astimezone(UTC)
        task = phone_task(message, now)
        with tracer.start_as_current_span(
            f"{self.queue} publish",
            kind=trace.SpanKind.PRODUCER,
            attributes={
                "messaging.system": "rabbitmq",
                "messaging.operation.type": "publish",
                "messaging.destination.name": self.queue,
                "messaging.message.id": task.task_id,
            },
        ) as span:
            headers = {"id": task.task_id, "type": TASK_TYPE, "occurred_at": now.isoformat(), "source": SOURCE}
            propagate.inject(headers)  # traceparent / tracestate of this span: the call center continues it
            properties = pika.BasicProperties(
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=pika.DeliveryMode.Persistent,
                message_id=task.task_id,
                type=TASK_TYPE,
                timestamp=int(now.timestamp()),
                app_id=SOURCE,
                headers=headers,
            )
            try:
                self._publish(task_json(task).encode("utf-8"), properties)
            except SendError as exc:
                span.set_status(trace.Status(trace.StatusCode.ERROR, exc.reason))
                raise
        return Receipt(provider_id=task.task_id, segments=1)

    def close(self) -> None:
        with self._lock:
            self._amqp.close()

    def _publish(self, body: bytes, properties: pika.BasicProperties) -> None:
        with self._lock:
            reused = self._amqp.is_open
            try:
                self._publish_once(body, properties)
            except _Broken as broken:
                if not reused:
                    raise SendError(broken.reason, transient=True) from broken.__cause__
                # An idle connection the broker dropped (heartbeats are not answered between sends): one
                # fresh try. If the first publish did reach the queue, the task arrives twice, which the
                # contract allows (the call center deduplicates on task_id).
                try:
                    self._publish_once(body, properties)
                except _Broken as again:
                    raise SendError(again.reason, transient=True) from again.__cause__

    def _publish_once(self, body: bytes, properties: pika.BasicProperties) -> None:
        try:
            channel = self._amqp.get()
            channel.basic_publish(exchange="", routing_key=self.queue, body=body, properties=properties, mandatory=True)
        except pika.exceptions.NackError as exc:
            # The broker refused it (a full disk or memory alarm, a length limit): nothing to reconnect for.
            raise SendError(f"RabbitMQ refused the phone task: {exc}", transient=True) from exc
        except (pika.exceptions.AMQPError, OSError) as exc:
            # UnroutableError lands here too: someone deleted the queue; reconnecting declares it again.
            self._amqp.close()
            raise _Broken(f"cannot publish to RabbitMQ queue {self.queue}: {type(exc).__name__}: {exc}") from exc


class _Broken(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
