"""Benchmark: commit-to-consumer latency and throughput of the outbox pipeline beside raw pika.

    .venv/bin/python bench/event_latency.py [--events 2000] [--rate 0] [--committers 1] [--backlog]

Outbox pipeline: contacts' `create_person` commits a person and its PersonCreated
outbox row on PostgreSQL; a `Relay` thread in this process publishes it with
publisher confirms; a nameko worker using `crm_chassis.worker.event_handler`
(bench/event_consumer.py, eventlet-patched, a process of its own) receives it.
Baseline: this process publishes the same body with pika, persistent and
confirmed, to a durable queue that a raw pika consumer process drains.
See bench/README.md for what is compared and why.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import benchlib

HERE = Path(__file__).resolve().parent
WARMUP_EVENTS = 20
NAMEKO_QUEUE = "evt-contacts-PersonCreated--bench_consumer.on_person_created"  # nameko's SERVICE_POOL name
RAW_EXCHANGE, RAW_ROUTING_KEY, RAW_QUEUE = "bench-raw.events", "PersonCreated", "bench-raw-PersonCreated"


@dataclass
class Result:
    pipeline: str
    sent: dict[str, float]  # key -> when the event became owed to consumers (commit / publish call)
    received: dict[str, float]  # key -> when consumer code first saw it

    def latencies(self) -> list[float]:
        return sorted(self.received[k] - t for k, t in self.sent.items() if k in self.received)

    @property
    def missing(self) -> int:
        return sum(1 for k in self.sent if k not in self.received)

    def sent_per_second(self) -> float:
        times = self.sent.values()
        span = max(times) - min(times)
        return (len(self.sent) - 1) / span if span > 0 else float("nan")

    def delivered_per_second(self) -> float:
        arrived = [self.received[k] for k in self.sent if k in self.received]
        if not arrived:
            return float("nan")
        return len(arrived) / (max(arrived) - min(self.sent.values()))


# -- the consumer processes -------------------------------------------------


class Consumer:
    """bench/event_consumer.py in a process of its own, appending receipts to a file."""

    def __init__(self, workdir: Path, mode: str, *args: str):
        self.out = workdir / f"{mode}-receipts.txt"
        self.out.touch()
        self.log = workdir / f"{mode}-consumer.log"
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "event_consumer.py"), mode, *args[:1], str(self.out), *args[1:]],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        self._receipts = self.out.open()
        self._pending = ""
        self.received: dict[str, float] = {}

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text().splitlines()[-30:])

    def wait_until_consuming(self, amqp_url: str, queue: str, timeout: float = 60) -> None:
        """Blocks until `queue` has a consumer: an event published before its binding exists would be dropped."""
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        deadline = time.monotonic() + timeout
        try:
            while True:
                if self.process.poll() is not None:
                    raise SystemExit(f"the consumer exited with {self.process.returncode}:\n{self.log_tail()}")
                channel = connection.channel()
                try:
                    if channel.queue_declare(queue, passive=True).method.consumer_count:
                        channel.close()
                        return
                    channel.close()
                except pika.exceptions.ChannelClosedByBroker:
                    pass  # not declared yet
                if time.monotonic() > deadline:
                    raise SystemExit(f"no consumer on {queue} after {timeout:g} s:\n{self.log_tail()}")
                time.sleep(0.1)
        finally:
            connection.close()

    def collect(self, keys, timeout: float) -> dict[str, float]:
        """Reads receipts until every key has arrived or `timeout` passes; the first receipt of a key counts."""
        wanted = set(keys)
        deadline = time.monotonic() + timeout
        while True:
            self._pending += self._receipts.read()
            *lines, self._pending = self._pending.split("\n")
            for line in lines:
                key, _event_id, at = line.split()
                self.received.setdefault(key, float(at))
            if wanted <= self.received.keys() or time.monotonic() > deadline:
                return {k: self.received[k] for k in wanted if k in self.received}
            if self.process.poll() is not None:
                raise SystemExit(f"the consumer exited with {self.process.returncode}:\n{self.log_tail()}")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._receipts.close()
        self._log_file.close()


# -- sending ------------------------------------------------------------------


def send(count: int, rate: float, threads: int, send_one: Callable[[int], tuple[str, float]]) -> dict[str, float]:
    """Calls send_one(i) for i < count from `threads` threads, paced to `rate`/s overall (0: as fast as possible)."""
    sent: dict[str, float] = {}
    failures: list[BaseException] = []
    start = time.monotonic()

    def loop(first: int) -> None:
        try:
            for i in range(first, count, threads):
                if rate > 0:
                    delay = start + i / rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                key, at = send_one(i)
                sent[key] = at
        except BaseException as exc:
            failures.append(exc)

    workers = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failures:
        raise RuntimeError("sending failed") from failures[0]
    return sent


def delivery_timeout(count: int) -> float:
    return 60 + count / 100


# -- the outbox pipeline ----------------------------------------------------------


def run_outbox(database_url: str, amqp_url: str, workdir: Path, args) -> Result:
    from sqlalchemy import event as sa_event
    from sqlalchemy.orm import Session

    from crm_chassis import migrations, telemetry
    from crm_chassis.access import Viewer
    from crm_chassis.outbox import wake_relay_for_shutdown
    from crm_contacts.bootstrap import bootstrap
    from crm_contacts.config import ContactsSettings
    from crm_contacts.domain import commands
    from crm_contacts.entrypoints.cli import SPEC
    from crm_contacts.service_layer import handlers

    migrations.upgrade(SPEC.migrations, database_url)
    # As `crm-contacts serve`: an SDK tracer provider, so the relay's and the SQL spans are recorded.
    telemetry.setup_tracing("contacts", "grpc")
    app = bootstrap(ContactsSettings(database_url=database_url, amqp_url=amqp_url))
    viewer = Viewer("bench-user", team="bench", territory="RO")

    # The commit instant itself, not the handler's return: the relay may run before the committing thread resumes.
    committed = threading.local()

    def stamp(_session) -> None:
        committed.at = time.monotonic()

    sa_event.listen(Session, "after_commit", stamp)

    def commit_one(i: int) -> tuple[str, float]:
        person = handlers.create_person(commands.CreatePerson(**benchlib.person_fields(i)), app.uow(), viewer, None)
        return person.id, committed.at

    consumer = Consumer(workdir, "nameko", amqp_url)
    relay_thread, relay_stop = app.relay().start()
    try:
        consumer.wait_until_consuming(amqp_url, NAMEKO_QUEUE)
        warm = send(WARMUP_EVENTS, 0, 1, lambda i: commit_one(-1 - i))
        if len(consumer.collect(warm, delivery_timeout(WARMUP_EVENTS))) < len(warm):
            raise SystemExit(f"warm-up events did not arrive:\n{consumer.log_tail()}")
        if args.backlog:
            # The relay's own throughput: everything is committed while it is stopped, then it drains the backlog.
            relay_stop.set()
            wake_relay_for_shutdown()
            relay_thread.join(15)
            committed_at = send(args.events, args.rate, args.committers, commit_one)
            relay_thread, relay_stop = app.relay().start()
            started = time.monotonic()
            sent = dict.fromkeys(committed_at, started)
        else:
            sent = send(args.events, args.rate, args.committers, commit_one)
        received = consumer.collect(sent, delivery_timeout(args.events))
    finally:
        relay_stop.set()
        wake_relay_for_shutdown()
        relay_thread.join(15)
        consumer.stop()
        sa_event.remove(Session, "after_commit", stamp)
        app.engine.dispose()
    return Result("outbox + nameko", sent, received)


# -- the baseline ---------------------------------------------------------------


def sample_message() -> tuple[bytes, dict]:
    """The body and headers the relay would send for a benchmark person, so both pipelines move the same bytes."""
    from crm_chassis.access import Viewer
    from crm_chassis.envelope import to_json
    from crm_contacts.adapters import messages
    from crm_contacts.domain import events
    from crm_contacts.domain.model import Person

    person = Person.create(**benchlib.person_fields(0), owner=Viewer("bench-user", team="bench", territory="RO"))
    outbound = messages.outbound(events.PersonCreated(person))
    headers = {
        "id": outbound.id,
        "type": outbound.message_type,
        "occurred_at": outbound.occurred_at.isoformat(),
        "source": "contacts",
        "aggregate_id": outbound.aggregate_id,
        "traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01",
    }
    return to_json(outbound.message).encode("utf-8"), headers


def run_raw(amqp_url: str, workdir: Path, args) -> Result:
    import pika

    from crm_chassis.settings import CommonSettings

    body, headers = sample_message()
    prefetch = str(CommonSettings().worker_concurrency)  # nameko's prefetch is its max_workers
    consumer = Consumer(workdir, "raw", amqp_url, RAW_EXCHANGE, RAW_ROUTING_KEY, RAW_QUEUE, prefetch)
    connection = None
    try:
        consumer.wait_until_consuming(amqp_url, RAW_QUEUE)
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        channel = connection.channel()
        channel.exchange_declare(RAW_EXCHANGE, exchange_type="topic", durable=True)
        channel.confirm_delivery()  # as the relay: basic_publish returns once the broker has confirmed

        def publish_one(_i: int) -> tuple[str, float]:
            key = str(uuid.uuid4())
            at = time.monotonic()
            channel.basic_publish(
                RAW_EXCHANGE,
                RAW_ROUTING_KEY,
                body,
                pika.BasicProperties(
                    content_type="application/json",
                    content_encoding="utf-8",
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=key,
                    type=headers["type"],
                    timestamp=int(time.time()),
                    app_id="contacts",
                    headers={**headers, "id": key},
                ),
            )
            return key, at

        warm = send(WARMUP_EVENTS, 0, 1, publish_one)
        if len(consumer.collect(warm, delivery_timeout(WARMUP_EVENTS))) < len(warm):
            raise SystemExit(f"warm-up messages did not arrive:\n{consumer.log_tail()}")
        # One publisher, as there is one relay per service; pika's BlockingConnection is not shared between threads.
        sent = send(args.events, args.rate, 1, publish_one)
        received = consumer.collect(sent, delivery_timeout(args.events))
    finally:
        if connection is not None and connection.is_open:
            connection.close()
        consumer.stop()
    return Result("raw pika", sent, received)


# -- report ---------------------------------------------------------------------


def report(results: list[Result], args, load_before: float) -> str:
    rows = []
    for r in results:
        lat = r.latencies()
        rows.append([
            r.pipeline, len(r.sent), f"{r.sent_per_second():,.0f}", f"{r.delivered_per_second():,.0f}",
            f"{benchlib.percentile(lat, 50) * 1000:.2f}", f"{benchlib.percentile(lat, 90) * 1000:.2f}",
            f"{benchlib.percentile(lat, 99) * 1000:.2f}", f"{(lat[-1] if lat else float('nan')) * 1000:.2f}", r.missing,
        ])
    outbox, raw = results
    lo, lr = outbox.latencies(), raw.latencies()
    ratios = [[
        "outbox / raw",
        benchlib.ratio(outbox.sent_per_second(), raw.sent_per_second()),
        benchlib.ratio(outbox.delivered_per_second(), raw.delivered_per_second()),
        benchlib.ratio(benchlib.percentile(lo, 50), benchlib.percentile(lr, 50)),
        benchlib.ratio(benchlib.percentile(lo, 90), benchlib.percentile(lr, 90)),
        benchlib.ratio(benchlib.percentile(lo, 99), benchlib.percentile(lr, 99)),
    ]]
    rate = f"{args.rate:g}/s offered" if args.rate > 0 else "unpaced"
    backlog = "; outbox: a backlog committed first, timed from the relay's start" if args.backlog else ""
    return "\n".join([
        f"{args.events:,} events, {rate}, {args.committers} committing thread(s) for the outbox "
        f"(after {WARMUP_EVENTS} warm-up events each){backlog}",
        benchlib.machine_line(load_before),
        "",
        benchlib.table(["pipeline", "events", "sent/s", "delivered/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "missing"], rows),
        "",
        benchlib.table(["", "sent/s", "delivered/s", "p50", "p90", "p99"], ratios),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000, help="measured events per pipeline (default 2000)")
    parser.add_argument("--rate", type=float, default=0, help="events offered per second; 0 sends as fast as possible (default 0)")
    parser.add_argument("--committers", type=int, default=1, help="threads committing to the outbox (default 1)")
    parser.add_argument(
        "--backlog", action="store_true", help="commit every event before the relay starts, to time the relay alone"
    )
    args = parser.parse_args(argv)
    benchlib.exit_on_sigterm()
    benchlib.quiet_repeated_instrumentation()
    load_before = benchlib.load_average()

    with (
        benchlib.postgres_database() as database_url,
        benchlib.rabbitmq_vhost() as amqp_url,
        tempfile.TemporaryDirectory(prefix="crm-bench-") as workdir,
    ):
        print("outbox pipeline ...", file=sys.stderr)
        outbox = run_outbox(database_url, amqp_url, Path(workdir), args)
        print("raw pika ...", file=sys.stderr)
        raw = run_raw(amqp_url, Path(workdir), args)
    print(report([outbox, raw], args, load_before))
    return 0


if __name__ == "__main__":
    sys.exit(main())
