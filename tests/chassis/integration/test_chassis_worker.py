"""nameko workers on the chassis, as real processes on a real broker: delivery, tracing, retries, dead letters, shutdown.

crm_chassis.worker is not imported here: it belongs in an eventlet-patched process (chassis_worker_app.py).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pika
import pytest
from chassis_support import Broker, Store, service_name, wait_until
from opentelemetry import trace

from crm.contacts.v1 import contacts_pb2, events_pb2
from crm_chassis.envelope import OutboundEvent
from crm_chassis.outbox import Relay

APP = Path(__file__).with_name("chassis_worker_app.py")


def _event(behaviour: str, person_id: str = "p-1") -> OutboundEvent:
    """An event whose given name tells the probe handler how to behave."""
    person = contacts_pb2.Person(id=person_id, given_name=behaviour, family_name="Curie")
    return OutboundEvent("person", person_id, events_pb2.PersonCreated(person=person))


class WorkerProcess:
    def __init__(self, amqp_url: str, tmp_path: Path):
        self.amqp_url = amqp_url
        self.source = service_name()
        self.queue = f"evt-{self.source}-PersonCreated--chassis_probe.on_person_created"
        self.dead = f"{self.queue}.dead"
        self.record_path = tmp_path / "record.jsonl"
        self.fixed_path = tmp_path / "fixed"
        self.log_path = tmp_path / "worker.log"
        self.broker = Broker(amqp_url)
        self.store = Store.create(f"sqlite:///{tmp_path / 'publisher.db'}")
        self.relay = Relay(self.store.engine, self.store.outbox, source_service=self.source, amqp_url=amqp_url)
        env = {
            **os.environ,
            "CHASSIS_AMQP_URL": amqp_url,
            "CHASSIS_SOURCE": self.source,
            "CHASSIS_RECORD": str(self.record_path),
            "CHASSIS_FIXED": str(self.fixed_path),
        }
        env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
        env.pop("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", None)
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen([sys.executable, str(APP)], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self._consuming, timeout=30, interval=0.1, message="the worker to consume")

    def _consuming(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log_path.read_text()}")
        return self.broker.consumers(self.queue) >= 1

    def publish(self, *events) -> None:
        """Through the outbox and the relay, as a service would."""
        self.store.commit_events(*events)
        assert self.relay.publish_pending() == len(events)

    def records(self, stage: str | None = None, event_id: str | None = None) -> list[dict]:
        if not self.record_path.exists():
            return []
        rows = [json.loads(line) for line in self.record_path.read_text().splitlines()]
        return [r for r in rows if (stage is None or r["stage"] == stage) and (event_id is None or r["event_id"] == event_id)]

    def dead_letters(self) -> list[tuple]:
        """The messages in `<queue>.dead`, left there."""
        connection = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
        try:
            channel = connection.channel()
            got = []
            while True:
                method, properties, body = channel.basic_get(self.dead, auto_ack=False)
                if method is None:
                    return got
                got.append((properties, body))
        finally:
            connection.close()  # unacked: back to the queue

    def crm(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "crm_chassis.cli", *args, "--amqp-url", self.amqp_url],
            capture_output=True, text=True, timeout=30,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.broker.close()
        self.relay.close()
        self.store.engine.dispose()


@pytest.fixture
def worker(amqp_url, tmp_path, tracing):
    process = WorkerProcess(amqp_url, tmp_path)
    yield process
    process.stop()


def test_event_from_the_relay_reaches_the_handler_decoded_and_in_the_same_trace(worker):
    event = _event("ok", "p-1")
    with trace.get_tracer("test").start_as_current_span("CreatePerson") as span:
        worker.publish(event)

    [done] = wait_until(lambda: worker.records("done", event.id), message="the handler to finish")
    assert done["type"] == "crm.contacts.v1.PersonCreated"
    assert done["payload_type"] == "PersonCreated"
    assert done["person_id"] == "p-1"
    assert done["source"] == worker.source
    assert datetime.fromisoformat(done["occurred_at"]) == event.occurred_at
    assert done["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert done["try"] == 1
    wait_until(lambda: worker.broker.depth(worker.queue) == 0, message="the message to be acked")
    assert worker.dead_letters() == []


def test_failing_handler_is_retried_then_dead_lettered_and_replayed(worker):
    flaky = _event("flaky")
    worker.publish(flaky)
    [done] = wait_until(lambda: worker.records("done", flaky.id), message="the flaky handler to succeed")
    assert done["try"] == 3
    assert [r["try"] for r in worker.records("start", flaky.id)] == [1, 2, 3]
    for delay in (50, 100):
        assert worker.broker.queue_exists(f"{worker.queue}.retry.{delay}")

    broken = _event("broken")
    worker.publish(broken)
    [(properties, body)] = wait_until(worker.dead_letters, message="the broken event in the dead-letter queue")
    assert len(worker.records("start", broken.id)) == 3  # the first try and one per retry delay
    assert worker.records("done", broken.id) == []
    assert properties.headers["id"] == broken.id
    assert properties.headers["x-crm-error"] == "RuntimeError: always broken"
    assert properties.headers["x-crm-attempt"] == 3
    assert properties.headers["x-crm-original-queue"] == worker.queue
    assert json.loads(body)["person"]["givenName"] == "broken"

    [listed] = [json.loads(line) for line in worker.crm("dlq", "list", "--queue", worker.queue).splitlines()]
    assert (listed["id"], listed["error"]) == (broken.id, "RuntimeError: always broken")
    assert len(worker.dead_letters()) == 1  # listing leaves the message where it is

    # An operator fixes the cause and replays: the handler gets a fresh set of tries and succeeds.
    healed = _event("until-fixed")
    worker.publish(healed)
    wait_until(lambda: len(worker.dead_letters()) == 2, message="the second dead letter")
    worker.fixed_path.touch()
    assert "replayed 1 message(s)" in worker.crm("dlq", "replay", "--queue", worker.queue, "--limit", "1")
    # The oldest dead letter (the broken one) went back first: it fails its three tries again.
    wait_until(lambda: len(worker.records("start", broken.id)) == 6, message="the replayed broken event to be retried")
    assert "replayed 2 message(s)" in worker.crm("dlq", "replay", "--queue", worker.queue)
    [done] = wait_until(lambda: worker.records("done", healed.id), message="the replayed event to be handled")
    assert done["try"] == 4
    wait_until(lambda: len(worker.dead_letters()) == 1, message="the broken event back in the dead-letter queue")
    assert worker.dead_letters()[0][0].headers["id"] == broken.id


MALFORMED = [
    # (what is wrong, body, headers, content type)
    ("not an object", b"[1, 2]", {"id": "m-array"}, "application/json"),
    ("no id", b'{"person": {"id": "p-1"}}', {}, "application/json"),
    ("wrong field type", b'{"person": {"givenName": 5}}', {"id": "m-shape"}, "application/json"),
    ("string for a message", b'{"person": "p-1"}', {"id": "m-string"}, "application/json"),
    ("not JSON", b"{not json", {"id": "m-garbage"}, "application/json"),
    ("content type not accepted", b"<person/>", {"id": "m-xml"}, "application/xml"),
]


def test_malformed_messages_go_straight_to_the_dead_letter_queue(worker):
    for count, (what, body, headers, content_type) in enumerate(MALFORMED, start=1):
        worker.broker.publish(f"{worker.source}.events", "PersonCreated", body, headers=headers, content_type=content_type)

        def arrived(expected: int = count) -> list | None:
            letters = worker.dead_letters()
            return letters if len(letters) == expected else None

        dead = wait_until(arrived, message=f"the {what} message in the dead-letter queue")
        properties, dead_body = dead[-1]
        assert dead_body == body, what
        assert properties.content_type == content_type, what
        assert properties.headers["x-crm-error"], what
        assert "x-crm-attempt" not in properties.headers, what  # not retried: retrying cannot help
    assert worker.records() == []

    # The worker is still consuming and handles the next good event.
    good = _event("ok")
    worker.publish(good)
    wait_until(lambda: worker.records("done", good.id), message="the next event to be handled")
    assert worker.process.poll() is None


def test_sigterm_lets_the_running_handler_finish(worker):
    slow, later = _event("slow", "p-slow"), _event("ok", "p-later")
    worker.publish(slow)
    wait_until(lambda: worker.records("start", slow.id), message="the slow handler to start")
    worker.process.send_signal(signal.SIGTERM)
    worker.publish(later)
    assert worker.process.wait(15) == 0

    assert len(worker.records("done", slow.id)) == 1
    # Nothing is lost: the later event was either handled before the consumer stopped or waits in the queue.
    handled_later = len(worker.records("done", later.id))
    assert handled_later + worker.broker.depth(worker.queue) == 1
    assert worker.dead_letters() == []
