"""The one JSON error shape of the REST API, and the handlers that turn every failure into it."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from crm_gateway.schemas import ErrorDetail, ErrorResponse, FieldViolation

log = logging.getLogger(__name__)

_CODES_BY_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "FAILED_PRECONDITION",
    422: "INVALID_ARGUMENT",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
# Where request parameters live; REST field paths start below them.
_LOCATIONS = {"body", "query", "path", "header", "cookie"}
UNAUTHENTICATED_HEADERS = {"WWW-Authenticate": "Bearer"}


class ApiError(Exception):
    """A failure with the HTTP status and error body it is answered with."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        violations: Iterable[FieldViolation] = (),
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, object] | None = None,
        reason: str = "",
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.violations = list(violations)
        self.headers = dict(headers or {})
        # Members of the error body beside `error`, e.g. the `duplicates` of a conflict.
        self.extra = dict(extra or {})
        # The downstream service's machine-readable cause (google.rpc.ErrorInfo.reason), e.g. STALE_VERSION.
        self.reason = reason

    @classmethod
    def unauthenticated(cls, message: str) -> "ApiError":
        return cls(401, "UNAUTHENTICATED", message, headers=UNAUTHENTICATED_HEADERS)

    def response(self, **extra) -> JSONResponse:
        body = ErrorResponse(error=ErrorDetail(code=self.code, message=self.message, field_violations=self.violations))
        return JSONResponse({**body.model_dump(), **self.extra, **extra}, status_code=self.status, headers=self.headers or None)


def field_path(loc: Sequence[str | int]) -> str:
    """`("body", "emails", 0, "kind")` → `emails[0].kind`."""
    parts = list(loc)
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _violation(error: Mapping) -> FieldViolation:
    if error.get("type") == "json_invalid":
        detail = (error.get("ctx") or {}).get("error")
        return FieldViolation(field="body", description=f"is not valid JSON ({detail})" if detail else "is not valid JSON")
    return FieldViolation(field=field_path(error.get("loc", ())), description=str(error.get("msg", "is invalid")))


async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
    return exc.response()


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    violations = [_violation(e) for e in exc.errors()]
    summary = "; ".join(f"{v.field}: {v.description}" for v in violations)
    return ApiError(422, "INVALID_ARGUMENT", f"invalid request: {summary}", violations).response()


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = _CODES_BY_STATUS.get(exc.status_code) or HTTPStatus(exc.status_code).name
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return ApiError(exc.status_code, code, str(exc.detail), headers=headers).response()


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=exc)
    return ApiError(500, "INTERNAL", "internal error").response()


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
