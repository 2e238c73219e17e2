"""Custom fields through the real gRPC server: admin-only writes, field paths of errors, values on persons."""
from __future__ import annotations

import grpc
from google.protobuf.field_mask_pb2 import FieldMask

from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import custom_fields_pb2 as cf
from tests.grpc_testing import TIMEOUT, bad_fields, failure

REGIME = cf.CustomField(
    entity=cf.CUSTOM_FIELD_ENTITY_PERSON, key="vat_regime", label="VAT regime", type=cf.CUSTOM_FIELD_TYPE_CHOICE,
    options=[cf.CustomFieldOption(key="normal", label="Normal"), cf.CustomFieldOption(key="exempt", label="Exempt")],
)
BUDGET = cf.CustomField(
    entity=cf.CUSTOM_FIELD_ENTITY_PERSON, key="budget", label="Budget", type=cf.CUSTOM_FIELD_TYPE_MONEY,
    validation=cf.CustomFieldValidation(currency="RON"),
)
SCORE = cf.CustomField(
    entity=cf.CUSTOM_FIELD_ENTITY_PERSON, key="score", label="Score", type=cf.CUSTOM_FIELD_TYPE_NUMBER,
    validation=cf.CustomFieldValidation(min="0", max="10", decimal_places=1),
)


def test_only_admins_define_fields_and_readers_list_them(stub, as_user):
    admin, sales, viewer = as_user("root", ("admin",)), as_user(), as_user("vic", ("viewer",))
    assert failure(stub.CreateCustomField, cf.CreateCustomFieldRequest(custom_field=REGIME), sales).code() == grpc.StatusCode.PERMISSION_DENIED
    created = stub.CreateCustomField(cf.CreateCustomFieldRequest(custom_field=SCORE), metadata=admin, timeout=TIMEOUT)
    assert (created.key, created.validation.min, created.validation.max, created.validation.decimal_places) == ("score", "0", "10", 1)
    assert created.HasField("create_time") and not created.HasField("retire_time")
    listed = stub.ListCustomFields(cf.ListCustomFieldsRequest(entity=cf.CUSTOM_FIELD_ENTITY_PERSON), metadata=viewer, timeout=TIMEOUT)
    assert list(listed.custom_fields) == [created]
    assert stub.GetCustomField(cf.GetCustomFieldRequest(id=created.id), metadata=viewer, timeout=TIMEOUT) == created
    for method, request in (
        (stub.UpdateCustomField, cf.UpdateCustomFieldRequest(custom_field=created, update_mask=FieldMask(paths=["label"]))),
        (stub.DeleteCustomField, cf.DeleteCustomFieldRequest(id=created.id)),
    ):
        assert failure(method, request, sales).code() == grpc.StatusCode.PERMISSION_DENIED
    assert failure(stub.GetCustomField, cf.GetCustomFieldRequest(id="nope"), viewer).code() == grpc.StatusCode.NOT_FOUND


def test_bad_definitions_name_every_field_under_the_request(stub, as_user):
    admin = as_user("root", ("admin",))
    bad = cf.CustomField(
        key="Bad", type=cf.CUSTOM_FIELD_TYPE_TEXT, options=[cf.CustomFieldOption(key="a", label="A")],
        validation=cf.CustomFieldValidation(pattern="(", min="1"),
    )
    assert set(bad_fields(failure(stub.CreateCustomField, cf.CreateCustomFieldRequest(custom_field=bad), admin))) == {
        "custom_field.entity", "custom_field.key", "custom_field.label", "custom_field.options", "custom_field.validation.pattern",
        "custom_field.validation.min",
    }
    stub.CreateCustomField(cf.CreateCustomFieldRequest(custom_field=REGIME), metadata=admin, timeout=TIMEOUT)
    assert failure(stub.CreateCustomField, cf.CreateCustomFieldRequest(custom_field=REGIME), admin).code() == grpc.StatusCode.ALREADY_EXISTS


def test_persons_carry_typed_values_and_bad_ones_are_reported_under_person(stub, as_user):
    admin, alice = as_user("root", ("admin",)), as_user()
    for field in (REGIME, BUDGET, SCORE):
        stub.CreateCustomField(cf.CreateCustomFieldRequest(custom_field=field), metadata=admin, timeout=TIMEOUT)
    values = {
        "vat_regime": cf.CustomFieldValue(choice="exempt"),
        "budget": cf.CustomFieldValue(money=cf.Money(amount_minor=150000, currency="RON")),
        "score": cf.CustomFieldValue(number="7.50"),
    }
    created = stub.CreatePerson(pb.CreatePersonRequest(person=pb.Person(family_name="Pop", custom_fields=values)), metadata=alice, timeout=TIMEOUT)
    assert created.custom_fields["score"] == cf.CustomFieldValue(number="7.5")
    assert created.custom_fields["vat_regime"] == values["vat_regime"] and created.custom_fields["budget"] == values["budget"]
    assert stub.GetPerson(pb.GetPersonRequest(id=created.id), metadata=alice, timeout=TIMEOUT).custom_fields == created.custom_fields

    wrong = {
        "vat_regime": cf.CustomFieldValue(text="exempt"),  # right key, but given as free text: still accepted as the option
        "budget": cf.CustomFieldValue(money=cf.Money(amount_minor=1, currency="EUR")),
        "score": cf.CustomFieldValue(number="eleven"),
        "colour": cf.CustomFieldValue(text="red"),
    }
    error = failure(stub.CreatePerson, pb.CreatePersonRequest(person=pb.Person(family_name="Ion", custom_fields=wrong)), alice)
    assert bad_fields(error) == {
        "person.custom_fields.budget.currency": "must be RON",
        "person.custom_fields.score": "'eleven' is not a decimal number (e.g. 12.5 or -3)",
        "person.custom_fields.colour": "no custom field colour is defined for persons",
    }
    typed_wrong = {"score": cf.CustomFieldValue(date="2024-01-01")}
    error = failure(stub.CreatePerson, pb.CreatePersonRequest(person=pb.Person(family_name="Ion", custom_fields=typed_wrong)), alice)
    assert bad_fields(error) == {"person.custom_fields.score": "score is a number field: expected a decimal number as a string, got a date"}


def test_update_options_and_delete_over_grpc(stub, as_user):
    admin, alice = as_user("root", ("admin",)), as_user()
    regime = stub.CreateCustomField(cf.CreateCustomFieldRequest(custom_field=REGIME), metadata=admin, timeout=TIMEOUT)
    stub.CreatePerson(
        pb.CreatePersonRequest(person=pb.Person(family_name="Pop", custom_fields={"vat_regime": cf.CustomFieldValue(choice="normal")})),
        metadata=alice, timeout=TIMEOUT,
    )
    only_exempt = cf.CustomField(id=regime.id, options=[cf.CustomFieldOption(key="exempt", label="Exempt")])
    request = cf.UpdateCustomFieldRequest(custom_field=only_exempt, update_mask=FieldMask(paths=["options"]))
    assert failure(stub.UpdateCustomField, request, admin).code() == grpc.StatusCode.FAILED_PRECONDITION
    request = cf.UpdateCustomFieldRequest(custom_field=cf.CustomField(id=regime.id, label=""), update_mask=FieldMask(paths=["label", "key"]))
    assert set(bad_fields(failure(stub.UpdateCustomField, request, admin))) == {"custom_field.label", "update_mask.key"}
    request = cf.UpdateCustomFieldRequest(custom_field=cf.CustomField(id=regime.id, label="Regime", required=True), update_mask=FieldMask(paths=["label", "required"]))
    updated = stub.UpdateCustomField(request, metadata=admin, timeout=TIMEOUT)
    assert (updated.label, updated.required, updated.key) == ("Regime", True, "vat_regime")

    retired = stub.DeleteCustomField(cf.DeleteCustomFieldRequest(id=regime.id), metadata=admin, timeout=TIMEOUT)
    assert retired.HasField("retire_time")
    [person] = stub.ListPersons(pb.ListPersonsRequest(), metadata=alice, timeout=TIMEOUT).persons
    assert dict(person.custom_fields) == {}
    everything = stub.ListCustomFields(cf.ListCustomFieldsRequest(include_retired=True), metadata=alice, timeout=TIMEOUT)
    assert [f.key for f in everything.custom_fields] == ["vat_regime"]
    stub.DeleteCustomField(cf.DeleteCustomFieldRequest(id=regime.id, purge=True), metadata=admin, timeout=TIMEOUT)
    assert failure(stub.GetCustomField, cf.GetCustomFieldRequest(id=regime.id), alice).code() == grpc.StatusCode.NOT_FOUND


def test_accounts_carry_values_over_grpc(stub, as_user):
    from crm.contacts.v1 import accounts_pb2 as apb

    admin, alice = as_user("root", ("admin",)), as_user()
    tier = cf.CustomField(
        entity=cf.CUSTOM_FIELD_ENTITY_ACCOUNT, key="tier", label="Tier", type=cf.CUSTOM_FIELD_TYPE_MULTI_CHOICE,
        options=[cf.CustomFieldOption(key="gold", label="Gold"), cf.CustomFieldOption(key="partner", label="Partner")],
    )
    stub.CreateCustomField(cf.CreateCustomFieldRequest(custom_field=tier), metadata=admin, timeout=TIMEOUT)
    values = {"tier": cf.CustomFieldValue(choices=cf.ChoiceList(choices=["partner", "gold"]))}
    created = stub.CreateAccount(apb.CreateAccountRequest(account=apb.Account(name="Acme", custom_fields=values)), metadata=alice, timeout=TIMEOUT)
    assert dict(created.custom_fields) == values
    assert stub.GetAccount(apb.GetAccountRequest(id=created.id), metadata=alice, timeout=TIMEOUT).custom_fields == created.custom_fields
    bad = {"tier": cf.CustomFieldValue(choices=cf.ChoiceList(choices=["gold", "platinum"]))}
    error = failure(stub.CreateAccount, apb.CreateAccountRequest(account=apb.Account(name="Beta", custom_fields=bad)), alice)
    assert bad_fields(error) == {"account.custom_fields.tier[1]": "'platinum' is not an option of tier (gold, partner)"}
