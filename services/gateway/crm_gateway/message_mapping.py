"""JSON documents ↔ protobuf messages under the same field names, for every downstream service.

Enums are lower-case words without their prefix, timestamps UTC datetimes; nested messages (money, lines, stages)
map recursively when the document's field is itself a document (or a list of them).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from google.protobuf import message_factory
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from pydantic import BaseModel

from crm_gateway import mappers

M = TypeVar("M", bound=BaseModel)
_TIMESTAMP = "google.protobuf.Timestamp"


def _enum_prefix(field: FieldDescriptor) -> str:
    # Every enum of the contract starts with <PREFIX>_UNSPECIFIED = 0.
    return field.enum_type.values_by_number[0].name.removesuffix("_UNSPECIFIED")


def _word(field: FieldDescriptor, value: int) -> str:
    named = field.enum_type.values_by_number.get(value)
    if named is None:  # a value added to the contract after this gateway was built
        return "unspecified"
    return named.name.removeprefix(f"{_enum_prefix(field)}_").lower()


def enum_value(message_type, field: str, word: str | None) -> int:
    descriptor = message_type.DESCRIPTOR.fields_by_name[field]
    return descriptor.enum_type.values_by_name[f"{_enum_prefix(descriptor)}_{word.upper()}"].number if word else 0


def _document_type(annotation) -> type[BaseModel] | None:
    """The document class a field holds (`Money | None`, `list[QuoteLine]` → Money, QuoteLine); None for scalars."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = _document_type(arg)
            if found is not None:
                return found
    return None


def from_proto(model: type[M], message: Message, **given: Any) -> M:
    """`model` filled from the fields of `message` with the same names; `given` supplies the others."""
    values = dict(given)
    fields = message.DESCRIPTOR.fields_by_name
    for name, info in model.model_fields.items():
        if name in values or name not in fields:
            continue
        field = fields[name]
        nested = _document_type(info.annotation) if field.message_type is not None else None
        if field.enum_type is not None and not field.is_repeated:
            values[name] = _word(field, getattr(message, name))
        elif field.enum_type is not None:
            values[name] = [_word(field, v) for v in getattr(message, name)]
        elif field.message_type is not None and field.message_type.full_name == _TIMESTAMP:
            values[name] = mappers.time_of(message, name)
        elif nested is not None and field.is_repeated:
            values[name] = [from_proto(nested, item) for item in getattr(message, name)]
        elif nested is not None:
            values[name] = from_proto(nested, getattr(message, name)) if message.HasField(name) else None
        elif field.is_repeated:
            values[name] = list(getattr(message, name))
        elif field.has_presence and field.message_type is None and not message.HasField(name):
            values[name] = None  # an `optional` scalar that is not set
        else:
            values[name] = getattr(message, name)
    return model(**values)


def to_proto(message_type: type[Message], values: Mapping[str, Any]) -> Message:
    """A `message_type` from REST values under the same names: enum words become numbers, None is left unset,
    documents become the field's message."""
    fields = message_type.DESCRIPTOR.fields_by_name
    converted = {}
    for name, value in values.items():
        if value is None:
            continue
        field = fields[name]
        if field.enum_type is not None and not field.is_repeated:
            value = enum_value(message_type, name, value)
        elif field.enum_type is not None:
            value = [enum_value(message_type, name, v) for v in value]
        elif field.message_type is not None and field.message_type.full_name == _TIMESTAMP and isinstance(value, datetime):
            value = mappers.timestamp(value)
        elif field.message_type is not None and not field.message_type.GetOptions().map_entry:
            nested = message_factory.GetMessageClass(field.message_type)
            if field.is_repeated:
                value = [to_proto(nested, values_of(v)) if isinstance(v, BaseModel) else v for v in value]
            elif isinstance(value, BaseModel):
                value = to_proto(nested, values_of(value))
        converted[name] = value
    return message_type(**converted)


def values_of(body: BaseModel, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The scalar fields of a body (the nested ones are converted by the caller)."""
    # getattr with a default: a patch made into a whole record by model_construct lacks the keys it did not send.
    return {name: getattr(body, name, None) for name in (names or type(body).model_fields)}


def present_values(body: BaseModel) -> dict[str, Any]:
    return {key: getattr(body, key) for key in body.model_fields_set if getattr(body, key) is not None}
