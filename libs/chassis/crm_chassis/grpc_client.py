"""Calling another service: a traced channel, a deadline, the caller's token passed on."""
from __future__ import annotations

import grpc
from opentelemetry.instrumentation.grpc import client_interceptor


def channel(address: str) -> grpc.Channel:
    return grpc.intercept_channel(grpc.insecure_channel(address), client_interceptor())


def call_metadata(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)
