"""Custom field definitions and values as protobuf messages, both ways; persons and accounts share it."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from google.protobuf.timestamp_pb2 import Timestamp

from crm.contacts.v1 import custom_fields_pb2 as pb
from crm_contacts.domain import custom_fields as cf

ENTITY = {"person": pb.CUSTOM_FIELD_ENTITY_PERSON, "account": pb.CUSTOM_FIELD_ENTITY_ACCOUNT}
TYPE = {
    "text": pb.CUSTOM_FIELD_TYPE_TEXT, "number": pb.CUSTOM_FIELD_TYPE_NUMBER, "money": pb.CUSTOM_FIELD_TYPE_MONEY,
    "date": pb.CUSTOM_FIELD_TYPE_DATE, "bool": pb.CUSTOM_FIELD_TYPE_BOOL, "choice": pb.CUSTOM_FIELD_TYPE_CHOICE,
    "multi_choice": pb.CUSTOM_FIELD_TYPE_MULTI_CHOICE,
}
ENTITY_WORDS = {number: word for word, number in ENTITY.items()}
TYPE_WORDS = {number: word for word, number in TYPE.items()}


def _timestamp(value) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def money(value: cf.Money) -> pb.Money:
    return pb.Money(amount_minor=value.amount_minor, currency=value.currency)


def money_from_proto(message: pb.Money) -> cf.Money:
    """As given: the currency is validated where it is used (cf.validate_currency)."""
    return cf.Money(message.amount_minor, message.currency)


def value(v: cf.Value) -> pb.CustomFieldValue:
    """A stored, typed value as its oneof member (Choice before str: a choice key is a str too)."""
    if isinstance(v, bool):
        return pb.CustomFieldValue(bool_value=v)
    if isinstance(v, cf.Money):
        return pb.CustomFieldValue(money=money(v))
    if isinstance(v, Decimal):
        return pb.CustomFieldValue(number=cf.format_decimal(v))
    if isinstance(v, date):
        return pb.CustomFieldValue(date=v.isoformat())
    if isinstance(v, tuple | list):
        return pb.CustomFieldValue(choices=pb.ChoiceList(choices=list(v)))
    if isinstance(v, cf.Choice):
        return pb.CustomFieldValue(choice=v)
    return pb.CustomFieldValue(text=v)


def values(vs: Mapping[str, cf.Value]) -> dict[str, pb.CustomFieldValue]:
    """For `Person(custom_fields=...)` / `Account(custom_fields=...)`."""
    return {key: value(v) for key, v in vs.items()}


def value_from_proto(message: pb.CustomFieldValue) -> object:
    """The raw value cf.validate_values checks: numbers and dates typed when they parse (so that a number
    given for a text field is reported as such), kept as text otherwise (so that the domain reports them)."""
    member = message.WhichOneof("value")
    if member is None:
        return None
    if member == "number":
        number = cf.parse_decimal(message.number.strip())
        return message.number if number is None else number
    if member == "date":
        day = cf.parse_date(message.date.strip())
        return message.date if day is None else day
    if member == "money":
        return money_from_proto(message.money)
    if member == "choices":
        return tuple(message.choices.choices)
    return getattr(message, member)  # text, choice, bool_value


def values_from_proto(messages: Mapping[str, pb.CustomFieldValue]) -> dict[str, object]:
    return {key: value_from_proto(m) for key, m in messages.items()}


def validation(v: cf.Validation) -> pb.CustomFieldValidation:
    message = pb.CustomFieldValidation(
        max_length=v.max_length or 0,
        pattern=v.pattern,
        min="" if v.min is None else cf.format_decimal(v.min),
        max="" if v.max is None else cf.format_decimal(v.max),
        currency=v.currency,
        min_date=v.min_date.isoformat() if v.min_date else "",
        max_date=v.max_date.isoformat() if v.max_date else "",
    )
    if v.decimal_places is not None:
        message.decimal_places = v.decimal_places
    return message


def validation_from_proto(message: pb.CustomFieldValidation) -> dict[str, object]:
    """The raw rules cf.define / cf.amend check."""
    return {
        "max_length": message.max_length,
        "pattern": message.pattern,
        "min": message.min,
        "max": message.max,
        "decimal_places": message.decimal_places if message.HasField("decimal_places") else None,
        "currency": message.currency,
        "min_date": message.min_date,
        "max_date": message.max_date,
    }


def definition(d: cf.FieldDefinition) -> pb.CustomField:
    return pb.CustomField(
        id=d.id,
        entity=ENTITY.get(d.entity, pb.CUSTOM_FIELD_ENTITY_UNSPECIFIED),
        key=d.key,
        label=d.label,
        type=TYPE.get(d.type, pb.CUSTOM_FIELD_TYPE_UNSPECIFIED),
        required=d.required,
        options=[pb.CustomFieldOption(key=o.key, label=o.label) for o in d.options],
        validation=validation(d.validation),
        create_time=_timestamp(d.created_at),
        update_time=_timestamp(d.updated_at),
        retire_time=_timestamp(d.retired_at),
    )
