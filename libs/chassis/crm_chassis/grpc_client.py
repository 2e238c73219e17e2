"""Calling another service: a traced channel and the caller's token passed on."""
from __future__ import annotations

import grpc
from opentelemetry.instrumentation.grpc import client_interceptor
from opentelemetry.instrumentation.grpc.grpcext import intercept_channel


def channel(address: str) -> grpc.Channel:
    """An insecure channel whose calls carry the current trace context."""
    return intercept_channel(grpc.insecure_channel(address), client_interceptor())


def call_metadata(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)
