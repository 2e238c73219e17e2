"""Traces, metrics and logs for one process.

Spans go to an OTLP/HTTP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set
(HTTP, not gRPC, because worker processes are eventlet-patched and cannot
host grpcio). Logs are JSON lines on stderr carrying the trace and span ids.
Prometheus metrics are served on a port of their own when one is given.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Mapping

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pythonjsonlogger.json import JsonFormatter

_provider: TracerProvider | None = None


class _TraceIds(logging.Filter):
    """Adds the current trace and span ids to every record."""

    def __init__(self, service: str, process: str):
        super().__init__()
        self.service = service
        self.process = process

    def filter(self, record: logging.LogRecord) -> bool:
        span_context = trace.get_current_span().get_span_context()
        record.service = self.service
        record.process = self.process
        record.trace_id = format(span_context.trace_id, "032x") if span_context.is_valid else None
        record.span_id = format(span_context.span_id, "016x") if span_context.is_valid else None
        return True


def setup_logging(service: str, process: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(process)s %(trace_id)s %(span_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )
    )
    handler.addFilter(_TraceIds(service, process))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("pika", "kombu", "amqp", "nameko", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def setup_tracing(service: str, process: str) -> TracerProvider:
    """Installs the global tracer provider once per process."""
    global _provider
    if _provider is not None:
        return _provider
    resource = Resource.create({"service.name": service, "service.namespace": "crm", "crm.process": process})
    provider = TracerProvider(resource=resource)
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _provider = provider
    return provider


def start_metrics_server(port: int) -> None:
    if port > 0:
        from prometheus_client import start_http_server

        start_http_server(port)


def setup(service: str, process: str, *, log_level: str = "INFO", metrics_port: int = 0) -> None:
    setup_logging(service, process, log_level)
    setup_tracing(service, process)
    start_metrics_server(metrics_port)


def shutdown() -> None:
    """Flushes spans still buffered; called on the way out."""
    if _provider is not None:
        _provider.shutdown()


@contextlib.contextmanager
def consumer_span(name: str, headers: Mapping[str, str | None], attributes: Mapping[str, str]) -> Iterator[trace.Span]:
    """A CONSUMER span continuing the trace whose context arrived in message headers."""
    carrier = {k: v for k, v in headers.items() if k in ("traceparent", "tracestate") and v}
    parent = propagate.extract(carrier)
    tracer = trace.get_tracer("crm_chassis.worker")
    with tracer.start_as_current_span(name, context=parent, kind=trace.SpanKind.CONSUMER, attributes=dict(attributes)) as span:
        yield span
