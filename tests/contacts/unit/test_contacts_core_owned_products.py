"""Owned products: one owner, validated fields, changes recorded only when real."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from crm_chassis.errors import InvalidArgument
from crm_contacts.domain import events
from crm_contacts.domain.owned_products import OwnedProduct


def add(**overrides) -> OwnedProduct:
    fields = dict(person_id="p-1", account_id="", product_id="sku-1", name="Boiler", quantity=2, purchased_on="2024-05-01")
    return OwnedProduct.add(**(fields | overrides))


def test_a_valid_product_is_active_and_recorded():
    o = add(source=" sales:order:42 ")
    assert (o.quantity, o.purchased_on, o.active, o.source) == (2, date(2024, 5, 1), True, "sales:order:42")
    assert o.events == [events.OwnedProductAdded(o)]
    assert add(quantity=0, source="").quantity == 1 and add(source="").source == "manual"


def test_every_problem_at_once():
    future = (date.today() + timedelta(days=2)).isoformat()
    with pytest.raises(InvalidArgument) as caught:
        add(person_id="p-1", account_id="a-1", product_id="", name=" ", quantity=-1, purchased_on=future)
    assert Counter(v.field for v in caught.value.violations) == Counter(
        {"person_id": 1, "account_id": 1, "product_id": 1, "name": 1, "quantity": 1, "purchased_on": 1}
    )
    with pytest.raises(InvalidArgument) as caught:
        add(person_id="", account_id="", purchased_on="01/05/2024")
    assert Counter(v.field for v in caught.value.violations) == Counter({"person_id": 1, "account_id": 1, "purchased_on": 1})


def test_update_changes_masked_fields_only_and_records_real_changes():
    o = add()
    o.events.clear()
    assert o.update({"active": False, "quantity": 5, "name": "x"}, ["active"]) == ["active"]
    assert (o.active, o.quantity, o.name) == (False, 2, "Boiler")
    assert o.events == [events.OwnedProductChanged(o, ("active",))]
    assert o.update({"active": False}, ["active"]) == [] and len(o.events) == 1


def test_update_refuses_unknown_paths_and_bad_values():
    with pytest.raises(InvalidArgument) as caught:
        add().update({"quantity": 0, "product_id": "x"}, ["quantity", "product_id"])
    assert Counter(v.field for v in caught.value.violations) == Counter({"quantity": 1, "update_mask": 1})
