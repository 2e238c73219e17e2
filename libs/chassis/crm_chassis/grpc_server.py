"""gRPC server bootstrap: health, reflection, tracing, auth, error mapping, metrics, SIGTERM.

Every method of every registered service must have an access rule (the roles
that may call it); a method without one makes the server refuse to start,
so a new RPC cannot be shipped open by accident.

A method whose rule is `PUBLIC` is open on purpose: it authenticates its caller by
other means (e.g. the HMAC-signed token of an unsubscribe link) and is served
without a bearer token. A token that is sent is still verified: a valid one
becomes the current principal, an invalid one is refused (UNAUTHENTICATED), as
everywhere else. Without one, `auth.current_principal()` raises Unauthenticated.
Errors are mapped and calls counted as for every other method.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent import futures
from dataclasses import dataclass

import grpc
import sqlalchemy as sa
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status
from opentelemetry.instrumentation.grpc import server_interceptor
from prometheus_client import Counter, Histogram

from crm_chassis import auth, db, errors

log = logging.getLogger(__name__)

HANDLED = Counter("crm_grpc_server_handled_total", "RPCs completed", ["method", "code"])
LATENCY = Histogram(
    "crm_grpc_server_handling_seconds",
    "RPC latency",
    ["method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

# The access rule of a method that needs no token (see the module docstring). The marker
# cannot be combined with roles, so a token claiming it as a role gains nothing elsewhere.
PUBLIC: frozenset[str] = frozenset({"*public*"})

# Public services need no token: probes and tooling must work before login.
PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.v1alpha.ServerReflection/", "/grpc.reflection.v1.ServerReflection/")

_CODES = {
    errors.InvalidArgument: (grpc.StatusCode.INVALID_ARGUMENT, code_pb2.INVALID_ARGUMENT),
    errors.NotFound: (grpc.StatusCode.NOT_FOUND, code_pb2.NOT_FOUND),
    errors.AlreadyExists: (grpc.StatusCode.ALREADY_EXISTS, code_pb2.ALREADY_EXISTS),
    errors.FailedPrecondition: (grpc.StatusCode.FAILED_PRECONDITION, code_pb2.FAILED_PRECONDITION),
    errors.Unauthenticated: (grpc.StatusCode.UNAUTHENTICATED, code_pb2.UNAUTHENTICATED),
    errors.PermissionDenied: (grpc.StatusCode.PERMISSION_DENIED, code_pb2.PERMISSION_DENIED),
    errors.Aborted: (grpc.StatusCode.ABORTED, code_pb2.ABORTED),
    errors.Unavailable: (grpc.StatusCode.UNAVAILABLE, code_pb2.UNAVAILABLE),
}


def to_status(exc: errors.ServiceError) -> grpc.Status:
    """The rich status for a service error; BadRequest details list every bad field."""
    _, code = next(v for k, v in _CODES.items() if isinstance(exc, k))
    details = []
    if isinstance(exc, errors.InvalidArgument):
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                for v in exc.violations
            ]
        )
        packed = any_pb2.Any()
        packed.Pack(bad_request)
        details.append(packed)
    if exc.reason:
        packed = any_pb2.Any()
        packed.Pack(error_details_pb2.ErrorInfo(reason=exc.reason, domain=errors.ERROR_DOMAIN))
        details.append(packed)
    for detail in exc.details:
        packed = any_pb2.Any()
        packed.Pack(detail)
        details.append(packed)
    return rpc_status.to_status(status_pb2.Status(code=code, message=exc.message, details=details))


@dataclass(frozen=True)
class Registration:
    """A servicer, the generated function that adds it, and who may call each method."""

    add_to_server: Callable[[object, grpc.Server], None]
    servicer: object
    service_full_name: str
    roles: Mapping[str, Iterable[str]]


class _ServiceInterceptor(grpc.ServerInterceptor):
    """Authenticates, authorises, maps errors and counts every unary call."""

    def __init__(self, verifier: auth.TokenVerifier, policy: Mapping[str, frozenset[str]]):
        self._verifier = verifier
        self._policy = policy

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(PUBLIC_PREFIXES) or handler.unary_unary is None:
            return handler
        behavior = handler.unary_unary
        allowed = self._policy.get(method)

        def guarded(request, context):
            started = time.perf_counter()
            status: grpc.Status | None = None
            principal_token = None
            try:
                header = dict(context.invocation_metadata()).get("authorization")
                if allowed == PUBLIC:
                    principal = self._verifier.verify_authorization(header) if header else None
                else:
                    principal = self._verifier.verify_authorization(header)
                    if allowed is None:
                        raise errors.PermissionDenied(f"{method} has no access rule")
                    auth.require_any_role(principal, allowed, method.rsplit("/", 1)[-1])
                # Set even when anonymous, so that nothing of an earlier call can be taken for the caller.
                principal_token = auth.set_current_principal(principal)
                return behavior(request, context)
            except errors.ServiceError as exc:
                status = to_status(exc)
            except sa.exc.DBAPIError as exc:
                if exc.connection_invalidated:
                    log.warning("database connection lost in %s: %s", method, exc.orig)
                    status = to_status(errors.Unavailable("the database connection was lost; retry the call"))
                elif not db.is_concurrency_conflict(exc):
                    log.exception("unexpected database error in %s", method)
                    status = rpc_status.to_status(status_pb2.Status(code=code_pb2.INTERNAL, message="internal error"))
                else:
                    log.warning("concurrent change in %s: %s", method, exc.orig)
                    status = to_status(errors.Aborted("the change collided with a concurrent one and was rolled back; retry it"))
            except Exception:
                if context.code() not in (None, grpc.StatusCode.OK):
                    raise  # the servicer called context.abort() with a status of its own
                log.exception("unexpected error in %s", method)
                status = rpc_status.to_status(status_pb2.Status(code=code_pb2.INTERNAL, message="internal error"))
            finally:
                if principal_token is not None:
                    auth.reset_current_principal(principal_token)
                code = status.code if status is not None else (context.code() or grpc.StatusCode.OK)
                HANDLED.labels(method, code.name).inc()
                LATENCY.labels(method).observe(time.perf_counter() - started)
            context.abort_with_status(status)

        return grpc.unary_unary_rpc_method_handler(
            guarded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def _policy(registrations: Iterable[Registration]) -> dict[str, frozenset[str]]:
    from google.protobuf import descriptor_pool

    policy: dict[str, frozenset[str]] = {}
    for reg in registrations:
        service = descriptor_pool.Default().FindServiceByName(reg.service_full_name)
        missing = [m.name for m in service.methods if m.name not in reg.roles]
        if missing:
            raise RuntimeError(f"{reg.service_full_name}: no access rule for {', '.join(missing)}")
        streaming = [m.name for m in service.methods if m.client_streaming or m.server_streaming]
        if streaming:
            # The interceptor authenticates unary calls only; refuse to serve a stream unguarded.
            raise RuntimeError(f"{reg.service_full_name}: streaming methods are not supported yet: {', '.join(streaming)}")
        for m in service.methods:
            roles = frozenset(reg.roles[m.name])
            if roles & PUBLIC and roles != PUBLIC:
                raise RuntimeError(f"{reg.service_full_name}: {m.name} combines PUBLIC with roles; a method is either open or not")
            policy[f"/{reg.service_full_name}/{m.name}"] = roles
    return policy


class GrpcServer:
    """A started grpcio server with health and reflection; `stop()` drains it."""

    def __init__(
        self,
        registrations: list[Registration],
        *,
        verifier: auth.TokenVerifier,
        port: int,
        host: str = "[::]",
        max_workers: int = 16,
    ):
        self._server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="grpc"),
            interceptors=[server_interceptor(), _ServiceInterceptor(verifier, _policy(registrations))],
            options=[("grpc.so_reuseport", 0)],
        )
        self.health = health.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self._server)
        names = [health.SERVICE_NAME, reflection.SERVICE_NAME]
        for reg in registrations:
            reg.add_to_server(reg.servicer, self._server)
            names.append(reg.service_full_name)
        reflection.enable_server_reflection(names, self._server)
        self._service_names = [reg.service_full_name for reg in registrations]
        self.port = self._server.add_insecure_port(f"{host}:{port}")
        if self.port == 0:
            raise RuntimeError(f"cannot listen on {host}:{port}")

    def start(self) -> "GrpcServer":
        self._server.start()
        for name in ["", *self._service_names]:
            self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        return self

    def stop(self, grace: float) -> None:
        """Reports NOT_SERVING, refuses new calls and lets in-flight ones finish within `grace`."""
        self.health.enter_graceful_shutdown()
        self._server.stop(grace).wait()

    def wait(self) -> None:
        self._server.wait_for_termination()


def run_until_signalled(server: GrpcServer, *, grace: float, on_stop: Iterable[Callable[[], None]] = ()) -> None:
    """Blocks until SIGTERM or SIGINT, then drains the server and runs the `on_stop` hooks."""
    stopping = threading.Event()

    def _signal(signum, _frame):
        log.info("received %s, draining", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, _signal)
    signal.signal(signal.SIGINT, _signal)
    stopping.wait()
    server.stop(grace)
    for hook in on_stop:
        hook()
    log.info("stopped")
