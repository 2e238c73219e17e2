"""CustomFieldValue and CustomField messages ↔ domain values and definitions, both ways."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from crm.contacts.v1 import custom_fields_pb2 as pb
from crm_chassis.errors import Violations
from crm_contacts.adapters import custom_field_messages as messages
from crm_contacts.domain import custom_fields as cf


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("free text", pb.CustomFieldValue(text="free text")),
        (cf.Choice("gold"), pb.CustomFieldValue(choice="gold")),
        (Decimal("12.50"), pb.CustomFieldValue(number="12.5")),
        (cf.Money(1250, "EUR"), pb.CustomFieldValue(money=pb.Money(amount_minor=1250, currency="EUR"))),
        (date(2024, 1, 31), pb.CustomFieldValue(date="2024-01-31")),
        (False, pb.CustomFieldValue(bool_value=False)),
        (("a", "b"), pb.CustomFieldValue(choices=pb.ChoiceList(choices=["a", "b"]))),
    ],
)
def test_values_map_to_their_member_and_back(value, message):
    assert messages.value(value) == message
    assert messages.value_from_proto(message) == value


def test_unparsable_numbers_and_dates_stay_text_for_the_domain_to_report_and_no_member_is_none():
    assert messages.value_from_proto(pb.CustomFieldValue(number="1e5")) == "1e5"
    assert messages.value_from_proto(pb.CustomFieldValue(number="0")) == Decimal(0)
    assert messages.value_from_proto(pb.CustomFieldValue(date="31.01.2024")) == "31.01.2024"
    assert messages.value_from_proto(pb.CustomFieldValue()) is None
    assert messages.values_from_proto({"a": pb.CustomFieldValue(text="x")}) == {"a": "x"}


def test_definitions_round_trip_through_their_message():
    problems = Violations()
    draft = cf.DefinitionDraft(label="Score", required=True, validation={"min": "0", "max": "10.5", "decimal_places": 0})
    score = cf.define("account", "score", "number", draft, problems)
    assert not problems
    message = messages.definition(score)
    assert (message.entity, message.type, message.validation.decimal_places) == (pb.CUSTOM_FIELD_ENTITY_ACCOUNT, pb.CUSTOM_FIELD_TYPE_NUMBER, 0)
    assert message.validation.HasField("decimal_places") and not message.HasField("retire_time")
    again = cf.define(
        messages.ENTITY_WORDS[message.entity], message.key, messages.TYPE_WORDS[message.type],
        cf.DefinitionDraft(label=message.label, required=message.required, validation=messages.validation_from_proto(message.validation)),
        problems,
    )
    assert not problems and again.validation == score.validation
    unset = messages.validation_from_proto(pb.CustomFieldValidation())
    assert unset["decimal_places"] is None
