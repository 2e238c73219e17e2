"""The search language in plain Python: tokens, the tree, positioned errors, field checks, sort orders, name words."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from crm_contacts.domain import query as q
from crm_contacts.domain.query import BOOL, DATE, MULTI_TEXT, NAME, NUMBER, TEXT, TIME, FieldSpec

FIELDS = {
    "name": FieldSpec(NAME),
    "given_name": FieldSpec(TEXT, sortable=True),
    "family_name": FieldSpec(TEXT, sortable=True),
    "city": FieldSpec(MULTI_TEXT, multi=True),
    "email": FieldSpec(MULTI_TEXT, multi=True),
    "tags": FieldSpec(MULTI_TEXT, multi=True),
    "birth_date": FieldSpec(DATE, sortable=True),
    "created": FieldSpec(TIME, sortable=True),
    "employees": FieldSpec(NUMBER, sortable=True),
    "active": FieldSpec(BOOL),
    "cf.vat_regime": FieldSpec(TEXT),
    "account.city": FieldSpec(MULTI_TEXT, multi=True),
}
ALIASES = {"created_time": "created"}


def checked(text: str):
    return q.check(q.parse(text), FIELDS, ALIASES)


def error_of(text: str) -> str:
    with pytest.raises((q.QueryError, q.QueryErrors)) as caught:
        checked(text)
    return str(caught.value)


def test_the_examples_of_the_issue_parse_into_the_expected_tree():
    tree = checked('family_name = "Popescu" and city in ("Bucharest", "Cluj") and created within 30 days')
    assert isinstance(tree, q.And) and len(tree.items) == 3
    family, city, created = tree.items
    assert (family.field, family.op, family.values[0].value) == ("family_name", "=", "Popescu")
    assert (city.op, [v.value for v in city.values]) == ("in", ["Bucharest", "Cluj"])
    assert (created.op, created.values[0].value, created.values[1].value) == ("within", Decimal(30), "days")

    between = checked("birth_date between 1980-01-01 and 1990-12-31")
    assert [v.value for v in between.values] == [date(1980, 1, 1), date(1990, 12, 31)]
    assert checked('cf.vat_regime = "normal"').field == "cf.vat_regime"
    assert checked('account.city = "Bucharest"').field == "account.city"
    assert checked("exists(email)").op == "exists"
    assert checked('name ~ "pop"').op == "~"
    assert checked('given_name ^= "Ion"').op == "^="


def test_precedence_not_binds_tighter_than_and_which_binds_tighter_than_or():
    tree = checked('not given_name = "a" and family_name = "b" or tags = "VIP"')
    assert isinstance(tree, q.Or)
    left, right = tree.items
    assert isinstance(left, q.And) and isinstance(left.items[0], q.Not)
    assert right.field == "tags"
    grouped = checked('not (given_name = "a" or family_name = "b")')
    assert isinstance(grouped, q.Not) and isinstance(grouped.item, q.Or)
    negated_list = checked('city not in ("Iasi")')
    assert isinstance(negated_list, q.Not) and negated_list.item.op == "in"


def test_keywords_are_case_insensitive_and_strings_take_escapes():
    tree = checked("given_name = 'O\\'Neil' AND family_name = \"say \\\"hi\\\"\"")
    assert [c.values[0].value for c in tree.items] == ["O'Neil", 'say "hi"']


def test_aliases_are_resolved_and_values_take_the_fields_kind():
    created = checked('created_time >= "2024-01-31"')
    assert created.field == "created" and created.values[0].value == date(2024, 1, 31)
    assert checked("family_name = 42").values[0].value == "42"  # a number written for a text field is its text
    assert checked('employees > "10"').values[0].value == Decimal(10)
    assert checked("active = true").values[0].value is True
    assert checked("") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('citty = "Cluj"', "column 1: unknown field 'citty'; did you mean 'city'?"),
        ('family_name = "Popescu" and citty = "Cluj"', "column 29: unknown field 'citty'; did you mean 'city'?"),
        ('family_name = "a" and', "column 22: expected a field name, found the end of the query"),
        ("family_name = Popescu", "column 15: expected a value, found 'Popescu' (put text in double quotes)"),
        ('(family_name = "a"', "column 19: expected ')', found the end of the query"),
        ('family_name = "a" given_name = "b"', "column 19: unexpected 'given_name' (use 'and' or 'or' between conditions)"),
        ('family_name = "abc', "column 15: string is not closed"),
        ("family_name ! 2", "column 13: unexpected character '!'"),
        ("created within 3 fortnights", "column 18: expected days, weeks, months or years, found 'fortnights'"),
        ("birth_date between 1980-01-01 1990-01-01", "column 31: expected 'and' in 'between ... and ...'"),
        ("birth_date = 2024-02-30", "column 14: '2024-02-30' is not a date"),
        ('birth_date = "soon"', 'column 14: birth_date expects a date (YYYY-MM-DD), not "soon"'),
        ('created > "yesterday"', 'column 11: created expects a date (YYYY-MM-DD), not "yesterday"'),
        ('family_name == "x"', "column 14: expected a value, found '='"),
        ('employees < "many"', 'column 13: employees expects a number, not "many"'),
        ("name > 3", "column 6: '>' cannot be used with name (a name)"),
        ("created ~ 2024-01-01", "column 9: '~' cannot be used with created (a time)"),
        ('family_name < "b"', "column 13: '<' cannot be used with family_name (text)"),
        ('cf.nope = "x"', "column 1: no custom field 'nope' is defined"),
        ('exists(email', "column 13: expected ')', found the end of the query"),
        ("family_name in ()", "column 17: expected a value, found ')'"),
    ],
)
def test_errors_name_the_column_and_the_problem(text, message):
    assert message in error_of(text)


def test_every_field_problem_is_reported_at_once():
    with pytest.raises(q.QueryErrors) as caught:
        checked('citty = "a" and birth_date = "x" and name > 1')
    assert [e.column for e in caught.value.errors] == [1, 30, 43]


def test_limits_keep_queries_small():
    with pytest.raises(q.QueryError, match="nests deeper"):
        q.parse("(" * 60 + 'a = "b"' + ")" * 60)
    with pytest.raises(q.QueryError, match="longer than"):
        q.parse("a = " + '"' + "x" * 5000 + '"')


def test_order_by_parses_directions_and_reports_columns():
    assert q.parse_order_by("family_name desc, created_time", FIELDS, ALIASES) == (
        q.SortKey("family_name", True), q.SortKey("created", False),
    )
    assert q.parse_order_by("  ", FIELDS) == ()
    with pytest.raises(q.QueryErrors) as caught:
        q.parse_order_by("family_name sideways, citty, city, given_name, given_name desc", FIELDS)
    assert [str(e) for e in caught.value.errors] == [
        "column 1: expected 'field', 'field asc' or 'field desc', found 'family_name sideways'",
        "column 23: unknown field 'citty'; did you mean 'city'?",
        "column 30: cannot sort by city",
        "column 48: given_name is named twice",
    ]


def test_columns_are_checked_by_position():
    assert q.check_columns(["given_name", "created_time", "citty"], FIELDS, ALIASES) == {2: "unknown field 'citty'; did you mean 'city'?"}


def test_name_words_are_folded_without_diacritics():
    assert q.name_tokens("Ștefan-Ion", "ȚĂRANU", "Ţăranu") == ["stefan", "ion", "taranu"]
    assert q.fold("Łukasz Müller Straße") == "lukasz muller strasse"


def test_within_counts_calendar_months_back():
    assert q.within_start(date(2024, 3, 31), 1, "months") == date(2024, 2, 29)
    assert q.within_start(date(2024, 3, 31), 30, "days") == date(2024, 3, 1)
    assert q.within_start(date(2024, 2, 29), 1, "years") == date(2023, 2, 28)
    assert q.within_start(date(2024, 1, 15), 2, "weeks") == date(2024, 1, 1)
