"""The event envelope: what travels beside a protobuf payload on the bus.

On the wire (nameko's format): exchange `<source>.events` (durable topic),
routing key = the message's short name (`PersonCreated`), body = the message
as proto3 JSON, content type application/json. AMQP headers: `id`, `type`
(the full protobuf name), `occurred_at` (RFC 3339 UTC), `source`,
`aggregate_id`, and W3C `traceparent` / `tracestate`.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message


def utcnow() -> datetime:
    return datetime.now(UTC)


def exchange_name(source_service: str) -> str:
    return f"{source_service}.events"


def to_json(message: Message) -> str:
    return json_format.MessageToJson(message, indent=None, preserving_proto_field_name=False)


@dataclass(frozen=True)
class OutboundEvent:
    """An event about to be written to the outbox."""

    aggregate_type: str
    aggregate_id: str
    message: Message
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = field(default_factory=utcnow)

    @property
    def event_type(self) -> str:
        return self.message.DESCRIPTOR.name

    @property
    def message_type(self) -> str:
        return self.message.DESCRIPTOR.full_name


class MalformedEvent(ValueError):
    """A delivered message that cannot be understood; retrying will not help."""


def _require_objects(value: Any, descriptor, path: str) -> None:
    """Refuses a non-object wherever a message belongs.

    Told to ignore unknown fields, protobuf's parser reads a string or a list
    given for a message as a sequence of unknown field names and yields an
    empty message instead of an error.
    """
    if not isinstance(value, dict):
        raise json_format.ParseError(f"{path} is {type(value).__name__}, expected a JSON object")
    fields = {f.json_name: f for f in descriptor.fields} | {f.name: f for f in descriptor.fields}
    for key, item in value.items():
        field = fields.get(key)
        message = field.message_type if field is not None else None
        if message is None or item is None or message.full_name.startswith("google.protobuf."):
            continue  # scalars are the parser's job; well-known types have JSON forms of their own
        if message.GetOptions().map_entry:
            inner = message.fields_by_name["value"].message_type
            if not isinstance(item, dict):
                raise json_format.ParseError(f"{path}.{key} is {type(item).__name__}, expected a JSON object")
            if inner is not None and not inner.full_name.startswith("google.protobuf."):
                for map_key, element in item.items():
                    _require_objects(element, inner, f"{path}.{key}[{map_key!r}]")
        elif field.is_repeated and isinstance(item, list):
            for index, element in enumerate(item):
                _require_objects(element, message, f"{path}.{key}[{index}]")
        else:
            _require_objects(item, message, f"{path}.{key}")


@dataclass(frozen=True)
class InboundEvent:
    """An event as a consumer receives it."""

    id: str
    type: str
    source: str
    occurred_at: datetime | None
    traceparent: str | None
    tracestate: str | None
    payload: Message

    @classmethod
    def decode(cls, body: Any, headers: dict[str, Any], message_cls: type[Message], source: str) -> "InboundEvent":
        event_id = headers.get("id")
        if not event_id:
            raise MalformedEvent("header 'id' is missing")
        if not isinstance(body, dict):
            raise MalformedEvent(f"body is {type(body).__name__}, expected a JSON object")
        try:
            _require_objects(body, message_cls.DESCRIPTOR, "body")
            payload = json_format.ParseDict(body, message_cls(), ignore_unknown_fields=True)
        except json_format.ParseError as exc:
            raise MalformedEvent(f"body is not a {message_cls.DESCRIPTOR.full_name}: {exc}") from exc
        occurred_at = None
        if headers.get("occurred_at"):
            try:
                occurred_at = datetime.fromisoformat(str(headers["occurred_at"]))
            except ValueError:
                raise MalformedEvent(f"header 'occurred_at' is not a timestamp: {headers['occurred_at']!r}") from None
        return cls(
            id=str(event_id),
            type=str(headers.get("type") or message_cls.DESCRIPTOR.full_name),
            source=str(headers.get("source") or source),
            occurred_at=occurred_at,
            traceparent=headers.get("traceparent"),
            tracestate=headers.get("tracestate"),
            payload=payload,
        )
