"""The envelope: outbound naming, and inbound decoding that turns anything unusable into MalformedEvent."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from crm.contacts.v1 import contacts_pb2, events_pb2
from crm_chassis.envelope import InboundEvent, MalformedEvent, OutboundEvent, exchange_name, to_json

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _message() -> events_pb2.PersonCreated:
    person = contacts_pb2.Person(id="p-1", given_name="Ada", family_name="Lovelace", team="north")
    person.emails.add(address="ada@example.com", kind=contacts_pb2.EMAIL_KIND_WORK)
    person.create_time.FromDatetime(datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
    return events_pb2.PersonCreated(person=person)


def _headers(**overrides) -> dict:
    headers = {
        "id": "evt-1",
        "type": "crm.contacts.v1.PersonCreated",
        "occurred_at": "2024-05-01T10:00:00.123456+00:00",
        "source": "contacts",
        "traceparent": TRACEPARENT,
        "tracestate": "vendor=1",
    }
    headers.update(overrides)
    return {k: v for k, v in headers.items() if v is not None}


def _decode(body, headers=None) -> InboundEvent:
    return InboundEvent.decode(body, _headers() if headers is None else headers, events_pb2.PersonCreated, "contacts")


def test_outbound_event_names():
    event = OutboundEvent("person", "p-1", _message())
    assert event.event_type == "PersonCreated"
    assert event.message_type == "crm.contacts.v1.PersonCreated"
    assert uuid.UUID(event.id)
    assert event.id != OutboundEvent("person", "p-1", _message()).id
    assert event.occurred_at.utcoffset() == timedelta(0)
    assert exchange_name("contacts") == "contacts.events"


def test_json_is_one_line_of_proto3_json():
    text = to_json(_message())
    assert "\n" not in text
    body = json.loads(text)
    assert body["person"]["givenName"] == "Ada"
    assert body["person"]["emails"] == [{"address": "ada@example.com", "kind": "EMAIL_KIND_WORK"}]
    assert body["person"]["createTime"] == "2024-05-01T10:00:00Z"


def test_decode_round_trip():
    event = _decode(json.loads(to_json(_message())))
    assert event.id == "evt-1"
    assert event.type == "crm.contacts.v1.PersonCreated"
    assert event.source == "contacts"
    assert event.occurred_at == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert event.traceparent == TRACEPARENT
    assert event.tracestate == "vendor=1"
    assert event.payload == _message()


def test_decode_falls_back_to_the_subscription_for_type_and_source():
    event = _decode(json.loads(to_json(_message())), _headers(type=None, source=None, occurred_at=None, traceparent=None))
    assert (event.type, event.source, event.occurred_at, event.traceparent) == ("crm.contacts.v1.PersonCreated", "contacts", None, None)


def test_unknown_fields_are_ignored_for_forward_compatibility():
    body = json.loads(to_json(_message()))
    body["addedLater"] = {"x": 1}
    body["person"]["nickname"] = "Countess"
    assert _decode(body).payload == _message()


@pytest.mark.parametrize("event_id", [None, ""])
def test_missing_id_is_malformed(event_id):
    with pytest.raises(MalformedEvent, match="'id'"):
        _decode(json.loads(to_json(_message())), _headers(id=event_id))


@pytest.mark.parametrize("body", [None, [1, 2], "PersonCreated", 42, b"{}"])
def test_body_that_is_not_an_object_is_malformed(body):
    with pytest.raises(MalformedEvent, match="JSON object"):
        _decode(body)


@pytest.mark.parametrize(
    "body",
    [
        {"person": 5},
        {"person": "p-1"},
        {"person": ["id", "givenName"]},
        {"person": {"givenName": 5}},
        {"person": {"emails": "ada@example.com"}},
        {"person": {"emails": ["ada@example.com"]}},
        {"person": {"emails": [{"address": ["a"]}]}},
        {"person": {"createTime": "yesterday"}},
        {"person": {"consents": [{"granted": "perhaps"}]}},
    ],
)
def test_body_of_the_wrong_shape_is_malformed(body):
    with pytest.raises(MalformedEvent, match="crm.contacts.v1.PersonCreated"):
        _decode(body)


def test_bad_occurred_at_is_malformed():
    with pytest.raises(MalformedEvent, match="occurred_at"):
        _decode({}, _headers(occurred_at="last tuesday"))


def test_zulu_occurred_at_is_understood():
    assert _decode({}, _headers(occurred_at="2024-05-01T10:00:00Z")).occurred_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
