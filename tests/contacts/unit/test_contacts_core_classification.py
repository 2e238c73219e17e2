"""Tags, lifecycle and origin: what persons and accounts accept, and every problem reported at once."""
from __future__ import annotations

import pytest

from crm_chassis.errors import InvalidArgument, Violations
from crm_contacts.domain.classification import Classification, Origin, validate_classification


def check(tags=(), lifecycle="", origin=None, prefix=""):
    problems = Violations()
    result = validate_classification(tags, lifecycle, origin, problems, prefix)
    try:
        problems.raise_if_any()
    except InvalidArgument as exc:
        return result, [v.field for v in exc.violations]
    return result, []


def test_valid_classification_is_trimmed_and_kept_in_order():
    result, problems = check([" VIP ", "hotels", "Ski"], "customer", ("fair", " Bucharest Expo ", "c-42"))
    assert problems == []
    assert result == Classification(("VIP", "hotels", "Ski"), "customer", Origin("fair", "Bucharest Expo", "c-42"))


def test_nothing_set_is_an_empty_classification():
    assert check() == (Classification(), [])


def test_tags_unique_ignoring_case_non_empty_and_short():
    result, problems = check(["VIP", "vip", "  ", "x" * 101, "ok"])
    assert result.tags == ("VIP", "ok")
    assert problems == ["tags[1]", "tags[2]", "tags[3]"]


def test_at_most_fifty_tags():
    assert check([f"t{i}" for i in range(50)])[1] == []
    assert check([f"t{i}" for i in range(51)])[1] == ["tags"]


@pytest.mark.parametrize("lifecycle", ["lead", None, "Customer"])
def test_unknown_lifecycles(lifecycle):
    assert check(lifecycle=lifecycle)[1] == ["lifecycle"]


def test_origin_problems_all_at_once_with_prefix():
    _, problems = check(["a", "A"], "bad", (None, "d" * 201, "c" * 101), prefix="account.")
    assert problems == ["account.tags[1]", "account.lifecycle", "account.origin.kind", "account.origin.detail", "account.origin.campaign_id"]


def test_origin_detail_needs_a_kind():
    assert check(origin=("", "met at the fair", ""))[1] == ["origin.kind"]
    assert check(origin=("", "", ""))[1] == []
    assert check(origin=("telepathy", "", ""))[1] == ["origin.kind"]
