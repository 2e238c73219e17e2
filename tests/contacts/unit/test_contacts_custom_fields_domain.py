"""Custom field definitions and the typed validation of their values: plain Python, no database."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from crm_chassis.errors import FailedPrecondition, InvalidArgument, Violations
from crm_contacts.domain import custom_fields as cf
from crm_contacts.domain.custom_fields import Choice, DefinitionDraft, Money


def field(type_: str, key: str = "f", *, required: bool = False, options=(), entity: str = "person", **rules) -> cf.FieldDefinition:
    problems = Violations()
    definition = cf.define(entity, key, type_, DefinitionDraft(label=key.title(), required=required, options=options, validation=rules), problems)
    problems.raise_if_any()
    return definition


def problems_of(definitions, raw, **kwargs) -> tuple[dict, dict[str, str]]:
    problems = Violations()
    values = cf.validate_values(definitions, raw, problems, **kwargs)
    return values, {v.field: v.description for v in problems._items}


REGIME = field("choice", "vat_regime", options=[("normal", "Normal"), ("exempt", "Exempt")])
SECTORS = field("multi_choice", "sectors", options=[("hotels", "Hotels"), ("fmcg", "FMCG"), ("it", "IT")])


def test_define_reports_every_bad_part_at_once():
    problems = Violations()
    draft = DefinitionDraft(label=" ", options=[("ok", "A")], validation={"max_length": 5})
    cf.define("company", "1Bad-Key", "color", draft, problems)
    fields = {v.field for v in problems._items}
    assert {"entity", "key", "type", "label", "options"} <= fields


@pytest.mark.parametrize(
    ("type_", "options", "rules", "path"),
    [
        ("text", (), {"min": "1"}, "validation.min"),
        ("text", (), {"pattern": "(unclosed"}, "validation.pattern"),
        ("text", (), {"max_length": 501}, "validation.max_length"),
        ("number", (), {"min": "10", "max": "1"}, "validation.max"),
        ("number", (), {"min": "ten"}, "validation.min"),
        ("number", (), {"decimal_places": 11}, "validation.decimal_places"),
        ("money", (), {"currency": "EURO"}, "validation.currency"),
        ("date", (), {"min_date": "2024-02-30"}, "validation.min_date"),
        ("date", (), {"min_date": "2024-03-01", "max_date": "2024-01-01"}, "validation.max_date"),
        ("choice", (), {}, "options"),
        ("choice", (("a", "A"), ("a", "B")), {}, "options[1].key"),
        ("choice", (("A b", "A"),), {}, "options[0].key"),
        ("multi_choice", (("a", ""),), {}, "options[0].label"),
        ("bool", (("a", "A"),), {}, "options"),
    ],
)
def test_bad_definitions(type_, options, rules, path):
    problems = Violations()
    cf.define("person", "f", type_, DefinitionDraft(label="F", options=options, validation=rules), problems)
    assert path in {v.field for v in problems._items}


def test_values_of_every_type_typed_or_as_text():
    definitions = [
        field("text", "nickname", max_length=10),
        field("number", "score", decimal_places=2, min="0", max="100"),
        field("money", "budget"),
        field("date", "since", min_date="2000-01-01"),
        field("bool", "vip"),
        REGIME,
        SECTORS,
    ]
    typed = {
        "nickname": " Jo ", "score": Decimal("12.50"), "budget": Money(1250, "eur"), "since": date(2020, 5, 1), "vip": True,
        "vat_regime": "normal", "sectors": ("it", "hotels"),
    }
    values, problems = problems_of(definitions, typed)
    assert problems == {}
    assert values == {
        "nickname": "Jo", "score": Decimal("12.5"), "budget": Money(1250, "EUR"), "since": date(2020, 5, 1), "vip": True,
        "vat_regime": "normal", "sectors": ("it", "hotels"),
    }
    assert isinstance(values["vat_regime"], Choice) and not isinstance(values["nickname"], Choice)
    as_text = {
        "nickname": "Jo", "score": "12.5", "budget": "EUR 12.50", "since": "2020-05-01", "vip": "yes", "vat_regime": "Normal",
        "sectors": "IT; hotels",
    }
    assert problems_of(definitions, as_text) == (values, {})


def test_every_bad_value_is_reported_at_its_key():
    definitions = [
        field("text", "code", pattern=r"[A-Z]{3}", required=True),
        field("number", "score", decimal_places=1, max="10"),
        field("money", "budget", currency="RON"),
        field("date", "since", max_date="2024-12-31"),
        field("bool", "vip"),
        REGIME,
        SECTORS,
        field("text", "notes", required=True),
    ]
    raw = {
        "code": "abcd", "score": "1.25", "budget": Money(100, "EUR"), "since": "2025-01-01", "vip": "perhaps",
        "vat_regime": "other", "sectors": ("it", "it", "cars"), "colour": "red",
    }
    _, problems = problems_of(definitions, raw)
    assert set(problems) == {
        "custom_fields.code", "custom_fields.score", "custom_fields.budget.currency", "custom_fields.since", "custom_fields.vip",
        "custom_fields.vat_regime", "custom_fields.sectors[1]", "custom_fields.sectors[2]", "custom_fields.colour",
        "custom_fields.notes",
    }
    assert problems["custom_fields.colour"] == "no custom field colour is defined for persons"
    assert problems["custom_fields.notes"] == "Notes is required"
    assert problems["custom_fields.budget.currency"] == "must be RON"


@pytest.mark.parametrize(
    ("definition", "given", "message"),
    [
        (field("text", max_length=3), "abcd", "must be at most 3 characters"),
        (field("text"), Decimal(3), "f is a text field: expected a text, got a number"),
        (field("number"), "1e5", "'1e5' is not a decimal number (e.g. 12.5 or -3)"),
        (field("number"), "NaN", "'NaN' is not a decimal number (e.g. 12.5 or -3)"),
        (field("number"), True, "f is a number field: expected a decimal number as a string, got a yes/no value"),
        (field("number"), "1" * 29, "must have at most 28 digits before the decimal point"),
        (field("number"), "0.00000000001", "must have at most 10 digits after the decimal point"),
        (field("number", min="-5"), "-5.01", "must be at least -5"),
        (field("money"), "12.50", "'12.50' is not an amount of money (e.g. 12.50 EUR)"),
        (field("money"), "12.505 EUR", "'12.505 EUR' is not an amount of money (e.g. 12.50 EUR)"),
        (field("money"), "12 XYZ", "'12 XYZ' is not an amount of money (e.g. 12.50 EUR)"),
        (field("date"), "2024-02-30", "'2024-02-30' is not a date (YYYY-MM-DD)"),
        (field("date"), "31.01.2024", "'31.01.2024' is not a date (YYYY-MM-DD)"),
        (field("date", min_date="2024-01-01"), date(2023, 12, 31), "must be on or after 2024-01-01"),
        (field("bool"), "maybe", "'maybe' is not yes or no (true/false, yes/no, 1/0)"),
        (REGIME, ("normal",), "vat_regime is a choice field: expected one option key, got a list of choices"),
    ],
)
def test_one_bad_value(definition, given, message):
    _, problems = problems_of([definition], {definition.key: given})
    assert list(problems.values()) == [message]


def test_money_minor_units_follow_the_currency():
    budget = field("money", "budget")
    assert cf.parse_text_value(budget, "1000 JPY") == Money(1000, "JPY")
    assert cf.parse_text_value(budget, "KWD 1.234") == Money(1234, "KWD")
    assert cf.parse_text_value(field("money", currency="RON"), "12.5") == Money(1250, "RON")
    assert cf.format_text_value(budget, Money(1234, "KWD")) == "1.234 KWD"
    assert Money(1250, "EUR").amount == Decimal("12.50")
    _, problems = problems_of([budget], {"budget": Money(2**63, "EUR")})
    assert problems == {"custom_fields.budget.amount_minor": "is out of range"}


def test_empty_values_mean_no_value_and_required_is_skipped_when_partial():
    required = field("text", "code", required=True)
    assert problems_of([required, SECTORS], {"sectors": (), "code": "X"}) == ({"code": "X"}, {})
    assert problems_of([required], {"code": "  "})[1] == {"custom_fields.code": "Code is required"}
    assert problems_of([required], {}, partial=True) == ({}, {})


def test_retired_fields_are_unknown_and_paths_follow_the_caller():
    retired = cf.retire(field("text", "old"))
    _, problems = problems_of([retired], {"old": "x"}, path="account.custom_fields", entity="account")
    assert problems == {"account.custom_fields.old": "no custom field old is defined for accounts"}


@pytest.mark.parametrize(
    ("definition", "value", "text"),
    [
        (field("text"), "Ana; Pop", "Ana; Pop"),
        (field("number"), Decimal("100"), "100"),
        (field("number"), Decimal("-0.5"), "-0.5"),
        (field("money"), Money(1250, "EUR"), "12.50 EUR"),
        (field("date"), date(2024, 1, 31), "2024-01-31"),
        (field("bool"), False, "no"),
        (REGIME, Choice("exempt"), "exempt"),
        (SECTORS, ("fmcg", "it"), "fmcg;it"),
    ],
)
def test_text_form_round_trips(definition, value, text):
    assert cf.format_text_value(definition, value) == text
    assert cf.parse_text_value(definition, text) == value


def test_parse_text_value_raises_or_reports():
    with pytest.raises(InvalidArgument) as caught:
        cf.parse_text_value(field("number", "score"), "abc")
    assert caught.value.violations[0].field == "custom_fields.score"
    problems = Violations()
    assert cf.parse_text_value(field("bool"), "?", problems, "rows[3].vip") is None
    assert problems._items[0].field == "rows[3].vip"
    assert cf.parse_text_value(field("bool"), "") is None


def test_amend_changes_masked_parts_only_and_says_what_changed():
    score = field("number", "score", min="0", max="10", decimal_places=1)
    problems = Violations()
    draft = DefinitionDraft(label="Score (0-100)", required=True, validation={"max": "100"})
    after, changed = cf.amend(score, draft, ["label", "validation.max"], problems)
    assert not problems
    assert changed == ["label", "validation"]
    assert (after.label, after.required, after.validation.min, after.validation.max, after.validation.decimal_places) == (
        "Score (0-100)", False, Decimal(0), Decimal(100), 1,
    )
    assert cf.amend(after, draft, ["label"], problems) == (after, [])


def test_amend_refuses_immutable_and_unknown_paths_and_retired_fields():
    problems = Violations()
    cf.amend(REGIME, DefinitionDraft(label="X"), ["key", "type", "colour", "options"], problems)
    assert [v.field for v in problems._items] == ["update_mask.key", "update_mask.type", "update_mask", "options"]
    with pytest.raises(FailedPrecondition):
        cf.amend(cf.retire(REGIME), DefinitionDraft(label="X"), ["label"], Violations())


def test_removed_options():
    after, _ = cf.amend(SECTORS, DefinitionDraft(options=[("it", "IT"), ("cars", "Cars")]), ["options"], Violations())
    assert cf.removed_options(SECTORS, after) == ("hotels", "fmcg")


def test_changed_keys():
    assert cf.changed_keys({"a": 1, "b": 2}, {"b": 3, "c": 4}) == ["a", "b", "c"]
