"""The consuming side of bench/event_latency.py, one process per pipeline: records when each event reached consumer code.

    python bench/event_consumer.py nameko AMQP_URL OUT_FILE
    python bench/event_consumer.py raw AMQP_URL OUT_FILE EXCHANGE ROUTING_KEY QUEUE PREFETCH

Appends one line per delivery, `<key> <event id> <time.monotonic()>`; CLOCK_MONOTONIC
is system-wide on Linux, so the publishing process can subtract its own readings.
"""
from __future__ import annotations

import sys


def nameko_main(amqp_url: str, out_path: str) -> None:
    """A nameko service whose only handler is a chassis `event_handler`, run by `crm_chassis.worker.run`."""
    # As `crm-<service> worker` does: patch before anything opens a socket or starts a thread.
    import eventlet

    eventlet.monkey_patch()
    import time

    from crm.contacts.v1 import events_pb2
    from crm_chassis import telemetry
    from crm_chassis.settings import CommonSettings
    from crm_chassis.worker import event_handler, nameko_config, run

    telemetry.setup_logging("bench", "worker", "WARNING")
    telemetry.setup_tracing("bench", "worker")
    out = open(out_path, "a", buffering=1)  # open for the life of the process

    class BenchConsumer:
        name = "bench_consumer"

        @event_handler("contacts", "PersonCreated", events_pb2.PersonCreated)
        def on_person_created(self, event) -> None:
            out.write(f"{event.payload.person.id} {event.id} {time.monotonic()!r}\n")

    run(BenchConsumer, nameko_config(amqp_url, CommonSettings().worker_concurrency, None))


def raw_main(amqp_url: str, out_path: str, exchange: str, routing_key: str, queue: str, prefetch: str) -> None:
    """pika alone: a durable queue bound to a durable topic exchange, manual acks, the same prefetch as nameko."""
    import signal
    import time

    import pika

    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    channel.queue_declare(queue, durable=True)
    channel.queue_bind(queue, exchange, routing_key=routing_key)
    channel.basic_qos(prefetch_count=int(prefetch))
    out = open(out_path, "a", buffering=1)  # open for the life of the process

    def on_message(ch, method, properties, body) -> None:
        out.write(f"{properties.message_id} {properties.message_id} {time.monotonic()!r}\n")
        ch.basic_ack(method.delivery_tag)

    def stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    channel.basic_consume(queue, on_message)
    try:
        channel.start_consuming()
    finally:
        try:
            connection.close()
        except Exception:  # interrupted mid-frame; the broker requeues whatever was unacked
            pass


if __name__ == "__main__":
    modes = {"nameko": nameko_main, "raw": raw_main}
    if len(sys.argv) < 2 or sys.argv[1] not in modes:
        sys.exit(__doc__)
    modes[sys.argv[1]](*sys.argv[2:])
