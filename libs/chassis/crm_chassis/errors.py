"""Errors a service raises for its callers; entrypoints map them to gRPC status codes.

Plain Python so that domain code may raise them without importing gRPC.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldViolation:
    """One bad field: `field` is a path such as `person.emails[1].address`."""

    field: str
    description: str


class ServiceError(Exception):
    """Base of the errors that reach a caller with a meaningful status."""

    def __init__(self, message: str, details: tuple = (), *, reason: str = ""):
        super().__init__(message)
        self.message = message
        # A stable, machine-readable cause (google.rpc.ErrorInfo.reason), for callers that must act on it
        # without parsing the message, e.g. STALE_VERSION.
        self.reason = reason
        # Protobuf messages the gRPC status carries beside the message (google.rpc.Status details), e.g. the
        # candidates of an ALREADY_EXISTS; kept as opaque objects so that this module stays plain Python.
        self.details = tuple(details)


class InvalidArgument(ServiceError):
    """The request is malformed; carries every bad field at once."""

    def __init__(self, violations: list[FieldViolation] | tuple[FieldViolation, ...]):
        self.violations = tuple(violations)
        summary = "; ".join(f"{v.field}: {v.description}" for v in self.violations)
        super().__init__(f"invalid request: {summary}")


# The record changed since the caller read it (its etag or version is not the current one): read it again.
STALE_VERSION = "STALE_VERSION"
ERROR_DOMAIN = "crm"  # google.rpc.ErrorInfo.domain of every reason above


class NotFound(ServiceError):
    pass


class AlreadyExists(ServiceError):
    pass


class FailedPrecondition(ServiceError):
    pass


class Unauthenticated(ServiceError):
    pass


class PermissionDenied(ServiceError):
    pass


class Aborted(ServiceError):
    """A concurrent change got in the way (a deadlock, a serialization failure); the caller may simply retry."""


class Unavailable(ServiceError):
    """Something this service depends on (another service, a broker) cannot be reached now; retry later."""


class Violations:
    """Collects field violations so that validation reports all of them together."""

    def __init__(self) -> None:
        self._items: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self._items.append(FieldViolation(field, description))

    def extend(self, violations: "Violations | list[FieldViolation]") -> None:
        self._items.extend(violations if isinstance(violations, list) else violations._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def raise_if_any(self) -> None:
        if self._items:
            raise InvalidArgument(self._items)
