"""nameko worker helpers: traced, retried and dead-lettered event handlers, and the runner.

Import this only in an eventlet-patched process (see `run`).

Failure policy of `event_handler`: a handler that raises InvalidArgument (the
event itself is wrong) is dead-lettered at once; any other failure is retried after
1 s, 5 s, 30 s, 2 min and 10 min by parking the message in a delay queue
(`<queue>.retry.<ms>`, whose TTL dead-letters it back to `<queue>`); after
the last try, or at once for a message that cannot be decoded, it goes to
`<queue>.dead` with the error in its headers, where `crm dlq` lists and
replays it. Nothing is acked before it is either handled or parked.
"""
from __future__ import annotations

import logging
import signal
import traceback
from functools import partial, wraps

from amqp.exceptions import PreconditionFailed
from google.protobuf.message import Message
from kombu import Connection, Producer, Queue
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import DependencyProvider
from nameko.messaging import Consumer, QueueConsumer
from prometheus_client import Counter

from crm_chassis import telemetry
from crm_chassis.envelope import InboundEvent, MalformedEvent, exchange_name
from crm_chassis.errors import InvalidArgument

log = logging.getLogger(__name__)

RETRY_DELAYS_MS = (1_000, 5_000, 30_000, 120_000, 600_000)
ATTEMPT_HEADER = "x-crm-attempt"

HANDLED = Counter("crm_events_handled_total", "Events handled by this worker", ["event_type", "outcome"])


def retry_queue_name(queue: str, delay_ms: int) -> str:
    return f"{queue}.retry.{delay_ms}"


def dead_letter_queue_name(queue: str) -> str:
    return f"{queue}.dead"


class _DeadLetteringQueueConsumer(QueueConsumer):
    """nameko's queue consumer, except that a body which cannot be decoded goes to its handler.

    kombu's default logs such a message and acks it: it would be lost instead of dead-lettered.
    """

    def get_consumers(self, consumer_cls, channel):
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = partial(self._on_undecodable, provider)
        return consumers

    def _on_undecodable(self, provider, message, exc):
        self.container.spawn_managed_thread(partial(provider.handle_undecodable, message, exc))


class RetryingEventHandler(EventHandler):
    """nameko's EventHandler, decoding the envelope and parking failures instead of losing them."""

    queue_consumer = _DeadLetteringQueueConsumer()

    def __init__(self, source_service, event_type, message_cls: type[Message], **kwargs):
        self.message_cls = message_cls
        super().__init__(source_service, event_type, **kwargs)

    def setup(self):
        super().setup()
        self._amqp_uri = self.container.config[AMQP_URI_CONFIG_KEY]
        name = self.queue.name
        self._side_queues = [
            Queue(
                retry_queue_name(name, delay),
                durable=True,
                queue_arguments={
                    "x-message-ttl": delay,
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": name,
                },
            )
            for delay in RETRY_DELAYS_MS
        ] + [Queue(dead_letter_queue_name(name), durable=True)]
        with Connection(self._amqp_uri) as conn:
            for queue in self._side_queues:
                queue(conn.default_channel).declare()

    def handle_message(self, body, message):
        headers = dict(message.headers or {})
        try:
            event = InboundEvent.decode(body, headers, self.message_cls, self.source_service)
        except MalformedEvent as exc:
            log.error("dead-lettering a malformed %s event: %s", self.event_type, exc)
            self._park(message, dead_letter_queue_name(self.queue.name), reason=str(exc))
            HANDLED.labels(self.event_type, "malformed").inc()
            return
        context_data = self.unpack_message_headers(message)
        try:
            self.container.spawn_worker(
                self, (event,), {}, context_data=context_data, handle_result=partial(self.handle_result, message)
            )
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def handle_undecodable(self, message, exc) -> None:
        log.error("dead-lettering a %s event whose body cannot be decoded: %s", self.event_type, exc)
        self._park(message, dead_letter_queue_name(self.queue.name), reason=f"body cannot be decoded: {exc}")
        HANDLED.labels(self.event_type, "malformed").inc()

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            HANDLED.labels(self.event_type, "ok").inc()
            self.queue_consumer.ack_message(message)
            return
        attempt = int((message.headers or {}).get(ATTEMPT_HEADER, 0)) + 1
        reason = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        if isinstance(exc_info[1], InvalidArgument):
            # The event itself is wrong: trying it again later cannot help.
            log.error("%s event is invalid, dead-lettering: %s", self.event_type, reason)
            target = dead_letter_queue_name(self.queue.name)
            HANDLED.labels(self.event_type, "invalid").inc()
        elif attempt <= len(RETRY_DELAYS_MS):
            delay = RETRY_DELAYS_MS[attempt - 1]
            log.warning("%s handler failed (try %d), retrying in %d ms: %s", self.event_type, attempt, delay, reason)
            target = retry_queue_name(self.queue.name, delay)
            HANDLED.labels(self.event_type, "retried").inc()
        else:
            log.error("%s handler failed %d times, dead-lettering: %s", self.event_type, attempt, reason)
            target = dead_letter_queue_name(self.queue.name)
            HANDLED.labels(self.event_type, "dead").inc()
        self._park(message, target, reason=reason, attempt=attempt)

    def _park(self, message, queue_name: str, *, reason: str, attempt: int | None = None) -> None:
        """Publishes a copy to `queue_name` (confirmed), then acks the original."""
        headers = dict(message.headers or {})
        headers["x-crm-error"] = reason[:4000]
        headers["x-crm-original-queue"] = self.queue.name
        if attempt is not None:
            headers[ATTEMPT_HEADER] = attempt
        with Connection(self._amqp_uri, transport_options={"confirm_publish": True}) as conn:
            Producer(conn.default_channel).publish(
                message.body,
                exchange="",
                routing_key=queue_name,
                headers=headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=2,
                serializer=None,
            )
        self.queue_consumer.ack_message(message)


def event_handler(source_service: str, event_type: str, message_cls: type[Message], **kwargs):
    """Declares a handler of `source_service`'s `event_type`; it receives an InboundEvent.

    The handler runs inside a CONSUMER span that continues the publisher's
    trace from the message's `traceparent` header.
    """

    def decorate(fn):
        @wraps(fn)
        def traced(self, event: InboundEvent):
            attributes = {
                "messaging.system": "rabbitmq",
                "messaging.operation.type": "process",
                "messaging.destination.name": exchange_name(source_service),
                "messaging.message.id": event.id,
            }
            headers = {"traceparent": event.traceparent, "tracestate": event.tracestate}
            with telemetry.consumer_span(f"{event_type} process", headers, attributes):
                return fn(self, event)

        return RetryingEventHandler.decorator(source_service, event_type, message_cls, **kwargs)(traced)

    return decorate


class DeadLetteringConsumer(Consumer):
    """nameko's `consume` of a plain queue that dead-letters into `<queue>.dead`.

    For queues other systems publish to (e.g. call-center outcomes): the queue
    is declared with a dead-letter exchange, and a message whose handler raises
    is rejected, so the broker parks it in `<queue>.dead` instead of it being
    acked and lost. `crm dlq` lists and replays it like any other.
    """

    queue_consumer = _DeadLetteringQueueConsumer()

    def __init__(self, queue_name: str, **kwargs):
        self.queue_name = queue_name
        queue = Queue(
            queue_name,
            durable=True,
            auto_delete=False,
            queue_arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": dead_letter_queue_name(queue_name)},
        )
        super().__init__(queue, **kwargs)

    def setup(self):
        with Connection(self.container.config[AMQP_URI_CONFIG_KEY]) as conn:
            Queue(dead_letter_queue_name(self.queue_name), durable=True, auto_delete=False)(conn.default_channel).declare()
            try:
                self.queue(conn.default_channel).declare()
            except PreconditionFailed as exc:
                # nameko would retry this forever; an operator needs to know at once.
                raise RuntimeError(
                    f"queue {self.queue_name} exists with other arguments than this version declares ({exc.reply_text}); "
                    f"move its messages and delete it (rabbitmqctl delete_queue {self.queue_name}), then start again"
                ) from None
        super().setup()

    def handle_undecodable(self, message, exc) -> None:
        log.error("dead-lettering a message of %s whose body cannot be decoded: %s", self.queue_name, exc)
        message.reject(requeue=False)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
        else:
            log.error("dead-lettering a message of %s: %s", self.queue_name, exc_info[1])
            message.reject(requeue=False)


consume_or_dead_letter = DeadLetteringConsumer.decorator


class Injected(DependencyProvider):
    """Hands the worker the object built by the service's bootstrap (config key `crm`)."""

    def get_dependency(self, worker_ctx):
        return self.container.config["crm"]


def nameko_config(amqp_url: str, concurrency: int, dependencies: object) -> dict:
    return {
        AMQP_URI_CONFIG_KEY: amqp_url,
        "max_workers": concurrency,
        "parent_calls_tracked": 10,
        "serializer": "json",
        "crm": dependencies,
    }


def run(service_cls, config: dict) -> None:
    """Runs one nameko service until SIGTERM or SIGINT, letting running handlers finish."""
    import eventlet
    from nameko.runners import ServiceRunner

    runner = ServiceRunner(config)
    runner.add_service(service_cls)

    def _stop(signum, _frame):
        log.info("received %s, finishing running handlers", signal.Signals(signum).name)
        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runner.start()
    log.info("worker %s consuming", service_cls.name)
    runner.wait()
    telemetry.shutdown()
