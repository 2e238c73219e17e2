"""Opaque page tokens for keyset pagination, and page-size rules shared by every List call."""
from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from crm_chassis.errors import FieldViolation, InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

T = TypeVar("T")


def page_size(requested: int, field: str = "page_size") -> int:
    if requested < 0:
        raise InvalidArgument([FieldViolation(field, "must not be negative")])
    if requested > MAX_PAGE_SIZE:
        raise InvalidArgument([FieldViolation(field, f"must be at most {MAX_PAGE_SIZE}")])
    return requested or DEFAULT_PAGE_SIZE


def encode(position: list[Any]) -> str:
    """Makes a token from the sort key of the last row returned."""
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(token: str, length: int, field: str = "page_token") -> list[Any] | None:
    """The sort key inside a token, or None for the first page."""
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument([FieldViolation(field, "is not a token returned by this method")]) from None
    if not isinstance(position, list) or len(position) != length:
        raise InvalidArgument([FieldViolation(field, "is not a token returned by this method")])
    return position


def decode_time_key(token: str, field: str = "page_token") -> tuple[datetime, str] | None:
    """The (timestamp, id) position in a token made by `page` with `time_key`."""
    raw = decode(token, 2, field)
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw[0]), str(raw[1])
    except (TypeError, ValueError):
        raise InvalidArgument([FieldViolation(field, "is not a token returned by this method")]) from None


def time_key(at: datetime, id_: str) -> list[Any]:
    return [at.isoformat(), id_]


def page(items: Sequence[T], size: int, key: Callable[[T], list[Any]]) -> tuple[list[T], str]:
    """Cuts one page from `size + 1` fetched items; the token points after the last one kept."""
    if len(items) > size:
        return list(items[:size]), encode(key(items[size - 1]))
    return list(items), ""
