"""JSON log lines carry the trace; a consumer span continues the trace from message headers."""
from __future__ import annotations

import io
import json
import logging

import pytest
from opentelemetry import trace

from crm_chassis import telemetry


@pytest.fixture
def log_lines(tracing):
    """Installs the chassis logging, writing to a buffer, and puts the root logger back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    telemetry.setup_logging("contacts", "api", "DEBUG")
    buffer = io.StringIO()
    root.handlers[0].setStream(buffer)

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield lines
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def test_log_line_inside_a_span_carries_its_trace_and_span_ids(log_lines):
    log = logging.getLogger("crm_contacts.test")
    with trace.get_tracer("test").start_as_current_span("CreatePerson") as span:
        log.info("created %s", "p-1", extra={"person_id": "p-1"})
    log.warning("outside")
    inside, outside = log_lines()
    context = span.get_span_context()
    assert inside["trace_id"] == format(context.trace_id, "032x")
    assert inside["span_id"] == format(context.span_id, "016x")
    assert inside["message"] == "created p-1"
    assert inside["person_id"] == "p-1"
    assert (inside["level"], inside["logger"], inside["service"], inside["process"]) == ("INFO", "crm_contacts.test", "contacts", "api")
    assert outside["trace_id"] is None and outside["span_id"] is None
    assert outside["level"] == "WARNING"


def test_exceptions_are_logged_on_one_line(log_lines):
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        logging.getLogger("x").exception("failed")
    [line] = log_lines()
    assert "ValueError" in line["exc_info"]


def test_noisy_libraries_are_quietened(log_lines):
    logging.getLogger("pika").info("chatter")
    logging.getLogger("kombu").warning("worth seeing")
    assert [line["message"] for line in log_lines()] == ["worth seeing"]


def test_consumer_span_continues_the_publishers_trace(tracing):
    with trace.get_tracer("test").start_as_current_span("publish") as producer:
        carrier: dict[str, str] = {}
        from opentelemetry import propagate

        propagate.inject(carrier)
    with telemetry.consumer_span("PersonCreated process", {**carrier, "other": "x"}, {"messaging.system": "rabbitmq"}) as span:
        context = span.get_span_context()
        assert trace.get_current_span() is span
    assert context.trace_id == producer.get_span_context().trace_id
    assert span.parent.span_id == producer.get_span_context().span_id
    assert span.kind == trace.SpanKind.CONSUMER


def test_consumer_span_without_headers_starts_a_new_trace(tracing):
    with telemetry.consumer_span("PersonCreated process", {"traceparent": None, "tracestate": None}, {}) as span:
        assert span.get_span_context().is_valid
    assert span.parent is None
