"""Core RPCs through the real gRPC server: personal details, UpdatePerson, ErasePerson, owned products."""
from __future__ import annotations

import grpc
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from crm.contacts.v1 import contacts_pb2 as pb
from tests.grpc_testing import TIMEOUT, bad_fields, failure


def ana() -> pb.Person:
    return pb.Person(
        given_name="Ana", family_name="Pop", birth_date="1985-04-12", name_day="07-26",
        anniversaries=[pb.Anniversary(label="wedding", date="2010-09-04")], tags=["VIP", "hotels"],
        lifecycle=pb.LIFECYCLE_CUSTOMER, origin=pb.Origin(kind=pb.ORIGIN_KIND_FAIR, detail="Expo", campaign_id="c-1"),
    )


def mask(*paths):
    return field_mask_pb2.FieldMask(paths=list(paths))


def test_create_and_update_with_field_mask_and_etag(stub, as_user):
    alice = as_user()
    created = stub.CreatePerson(pb.CreatePersonRequest(person=ana()), metadata=alice, timeout=TIMEOUT)
    assert (created.birth_date, created.name_day, list(created.tags), created.lifecycle) == ("1985-04-12", "07-26", ["VIP", "hotels"], pb.LIFECYCLE_CUSTOMER)
    assert created.origin == pb.Origin(kind=pb.ORIGIN_KIND_FAIR, detail="Expo", campaign_id="c-1")
    assert created.etag and not created.erased and created.merged_into == ""

    change = pb.Person(id=created.id, etag=created.etag, family_name="Popescu", given_name="ignored", lifecycle=pb.LIFECYCLE_FORMER)
    updated = stub.UpdatePerson(pb.UpdatePersonRequest(person=change, update_mask=mask("family_name", "lifecycle")), metadata=alice, timeout=TIMEOUT)
    assert (updated.given_name, updated.family_name, updated.lifecycle) == ("Ana", "Popescu", pb.LIFECYCLE_FORMER)
    assert updated.etag != created.etag
    assert stub.GetPerson(pb.GetPersonRequest(id=created.id), metadata=alice, timeout=TIMEOUT) == updated

    stale = failure(stub.UpdatePerson, pb.UpdatePersonRequest(person=change, update_mask=mask("family_name")), alice)
    assert stale.code() == grpc.StatusCode.FAILED_PRECONDITION
    [detail] = rpc_status.from_call(stale).details
    reason = error_details_pb2.ErrorInfo()
    assert detail.Unpack(reason) and reason.reason == "STALE_VERSION"  # callers act on it without parsing the message
    history = stub.ListPersonHistory(pb.ListPersonHistoryRequest(person_id=created.id), metadata=alice, timeout=TIMEOUT)
    assert history.entries[0].summary == "Changed: family name, lifecycle"


def test_update_reports_every_bad_field_under_its_request_path(stub, as_user):
    alice = as_user()
    created = stub.CreatePerson(pb.CreatePersonRequest(person=ana()), metadata=alice, timeout=TIMEOUT)
    change = pb.Person(id=created.id, birth_date="12/04/1985", tags=["a", "A"], origin=pb.Origin(kind=42), lifecycle=7)
    error = failure(stub.UpdatePerson, pb.UpdatePersonRequest(person=change, update_mask=mask("birth_date", "tags", "origin", "lifecycle", "owner")), alice)
    assert list(bad_fields(error)) == ["update_mask", "person.birth_date", "person.tags[1]", "person.lifecycle", "person.origin.kind"]
    assert list(bad_fields(failure(stub.UpdatePerson, pb.UpdatePersonRequest(person=pb.Person(id=created.id)), alice))) == ["update_mask"]
    bob = as_user("bob", team="south", territory="de")
    missing = failure(stub.UpdatePerson, pb.UpdatePersonRequest(person=pb.Person(id=created.id, family_name="X"), update_mask=mask("family_name")), bob)
    assert missing.code() == grpc.StatusCode.NOT_FOUND


def test_erase_person(stub, as_user):
    alice = as_user()
    created = stub.CreatePerson(pb.CreatePersonRequest(person=ana()), metadata=alice, timeout=TIMEOUT)
    viewer = as_user("vera", roles=("viewer",))
    assert failure(stub.ErasePerson, pb.ErasePersonRequest(id=created.id), viewer).code() == grpc.StatusCode.PERMISSION_DENIED
    stranger = as_user("bob", team="south", territory="de")
    assert failure(stub.ErasePerson, pb.ErasePersonRequest(id=created.id), stranger).code() == grpc.StatusCode.NOT_FOUND

    erased = stub.ErasePerson(pb.ErasePersonRequest(id=created.id, reason="GDPR request"), metadata=alice, timeout=TIMEOUT)
    assert erased.erased and erased.erase_time.seconds > 0
    assert (erased.given_name, erased.family_name, erased.birth_date, list(erased.tags), erased.id) == ("", "", "", [], created.id)
    assert stub.GetPerson(pb.GetPersonRequest(id=created.id), metadata=alice, timeout=TIMEOUT) == erased
    assert list(stub.ListPersons(pb.ListPersonsRequest(), metadata=alice, timeout=TIMEOUT).persons) == []
    update = pb.UpdatePersonRequest(person=pb.Person(id=created.id, family_name="Back"), update_mask=mask("family_name"))
    assert failure(stub.UpdatePerson, update, alice).code() == grpc.StatusCode.FAILED_PRECONDITION


def test_owned_products(stub, as_user):
    alice = as_user()
    person = stub.CreatePerson(pb.CreatePersonRequest(person=ana()), metadata=alice, timeout=TIMEOUT)
    product = pb.OwnedProduct(person_id=person.id, product_id="sku-9", name="Heat pump", quantity=1, purchased_on="2025-03-01", source="sales:order:7")
    added = stub.AddOwnedProduct(pb.AddOwnedProductRequest(owned_product=product), metadata=alice, timeout=TIMEOUT)
    assert added.id and added.active and added.source == "sales:order:7" and added.create_time.seconds > 0

    ended = stub.UpdateOwnedProduct(
        pb.UpdateOwnedProductRequest(owned_product=pb.OwnedProduct(id=added.id, active=False), update_mask=mask("active")), metadata=alice, timeout=TIMEOUT
    )
    assert not ended.active and ended.quantity == 1
    listed = stub.ListOwnedProducts(pb.ListOwnedProductsRequest(person_id=person.id), metadata=alice, timeout=TIMEOUT)
    assert list(listed.owned_products) == [ended]
    assert list(stub.ListOwnedProducts(pb.ListOwnedProductsRequest(person_id=person.id, active_only=True), metadata=alice, timeout=TIMEOUT).owned_products) == []

    bad = pb.OwnedProduct(person_id=person.id, account_id="a-1", name="", quantity=-2)
    assert list(bad_fields(failure(stub.AddOwnedProduct, pb.AddOwnedProductRequest(owned_product=bad), alice))) == [
        "owned_product.person_id", "owned_product.account_id", "owned_product.product_id", "owned_product.name", "owned_product.quantity"
    ]
    stranger = as_user("bob", team="south", territory="de")
    assert failure(stub.ListOwnedProducts, pb.ListOwnedProductsRequest(person_id=person.id), stranger).code() == grpc.StatusCode.NOT_FOUND
