"""A small nameko service on the chassis, run by test_chassis_worker.py as a process of its own.

eventlet must patch the standard library before anything else is imported, which a
pytest process cannot allow, hence the separate process. Environment:
CHASSIS_AMQP_URL, CHASSIS_SOURCE (the publishing service), CHASSIS_RECORD (a JSON-lines
file the handler appends to), CHASSIS_FIXED (a file whose presence heals "until-fixed").
The person's given name picks the handler's behaviour: ok, flaky, broken, until-fixed, slow.
"""
import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import os  # noqa: E402

from opentelemetry import trace  # noqa: E402

from crm.contacts.v1 import events_pb2  # noqa: E402
from crm_chassis import telemetry, worker  # noqa: E402

# Small delays so that retries take milliseconds; must be set before the handler is declared.
worker.RETRY_DELAYS_MS = (50, 100)

SOURCE = os.environ["CHASSIS_SOURCE"]


class Recorder:
    def __init__(self, path: str, fixed_path: str):
        self.path = path
        self.fixed_path = fixed_path
        self.tries: dict[str, int] = {}

    def record(self, **fields) -> None:
        with open(self.path, "a") as f:
            f.write(json.dumps(fields) + "\n")


class Probe:
    name = "chassis_probe"

    recorder = worker.Injected()

    @worker.event_handler(SOURCE, "PersonCreated", events_pb2.PersonCreated)
    def on_person_created(self, event):
        recorder = self.recorder
        behaviour = event.payload.person.given_name
        tries = recorder.tries[event.id] = recorder.tries.get(event.id, 0) + 1
        span = trace.get_current_span().get_span_context()
        facts = {
            "event_id": event.id,
            "type": event.type,
            "source": event.source,
            "occurred_at": event.occurred_at.isoformat() if event.occurred_at else None,
            "payload_type": type(event.payload).__name__,
            "person_id": event.payload.person.id,
            "behaviour": behaviour,
            "try": tries,
            "trace_id": format(span.trace_id, "032x"),
            "traceparent": event.traceparent,
        }
        recorder.record(stage="start", **facts)
        if behaviour == "flaky" and tries <= 2:
            raise RuntimeError(f"flaky failure {tries}")
        if behaviour == "broken":
            raise RuntimeError("always broken")
        if behaviour == "until-fixed" and not os.path.exists(recorder.fixed_path):
            raise RuntimeError("not fixed yet")
        if behaviour == "slow":
            eventlet.sleep(1.0)
        recorder.record(stage="done", **facts)


if __name__ == "__main__":
    telemetry.setup("chassis_probe", "worker", log_level="INFO")
    recorder = Recorder(os.environ["CHASSIS_RECORD"], os.environ["CHASSIS_FIXED"])
    worker.run(Probe, worker.nameko_config(os.environ["CHASSIS_AMQP_URL"], 4, recorder))
