"""Search and saved searches through the real chassis gRPC server: roles, rows, counts, positioned errors, privacy."""
from __future__ import annotations

import grpc
from google.protobuf import field_mask_pb2

from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import search_pb2 as spb
from tests.grpc_testing import TIMEOUT, bad_fields, failure


def create(stub, metadata, given, family, city=""):
    addresses = [pb.PostalAddress(kind=pb.ADDRESS_KIND_HOME, city=city, country="RO")] if city else []
    return stub.CreatePerson(pb.CreatePersonRequest(person=pb.Person(given_name=given, family_name=family, addresses=addresses)),
                             metadata=metadata, timeout=TIMEOUT)


def test_search_persons_returns_rows_pages_and_counts_of_visible_persons(stub, as_user):
    alice, bob = as_user(), as_user("bob", team="south", territory="de")
    ion = create(stub, alice, "Ion", "Popescu", "Cluj")
    ana = create(stub, alice, "Ana", "Popescu", "Cluj")
    create(stub, bob, "Petru", "Popescu", "Cluj")

    request = spb.SearchPersonsRequest(query='family_name = "Popescu" and city = "cluj"', columns=["given_name", "city", "created_time"],
                                       order_by="given_name desc", page_size=1, include_count=True)
    first = stub.SearchPersons(request, metadata=alice, timeout=TIMEOUT)
    assert [r.id for r in first.rows] == [ion.id] and first.HasField("total_count") and first.total_count == 2
    assert dict(first.rows[0].values) == {"given_name": "Ion", "city": "Cluj", "created_time": first.rows[0].values["created_time"]}
    assert list(first.columns) == ["given_name", "city", "created_time"]
    request.page_token = first.next_page_token
    second = stub.SearchPersons(request, metadata=alice, timeout=TIMEOUT)
    assert [r.id for r in second.rows] == [ana.id] and second.next_page_token == ""

    viewer = stub.SearchPersons(spb.SearchPersonsRequest(query='name ~ "pop"'), metadata=as_user("vera", roles=("viewer",)), timeout=TIMEOUT)
    assert {r.id for r in viewer.rows} == {ion.id, ana.id}  # same team as Alice
    assert not viewer.HasField("total_count")

    error = failure(stub.SearchPersons, spb.SearchPersonsRequest(query="x"), as_user(roles=("callcenter",)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_bad_query_is_invalid_argument_naming_the_column(stub, as_user):
    error = failure(stub.SearchPersons, spb.SearchPersonsRequest(query='family_name = "Popescu" and citty = "Cluj"', order_by="city"), as_user())
    assert list(bad_fields(error).items()) == [
        ("query", "column 29: unknown field 'citty'; did you mean 'city'?"),
        ("order_by", "column 1: cannot sort by city"),
    ]
    error = failure(stub.SearchPersons, spb.SearchPersonsRequest(query='family_name = "x'), as_user())
    assert list(bad_fields(error).items()) == [("query", "column 15: string is not closed")]


def test_saved_searches_over_grpc_are_private_unless_shared(stub, as_user):
    alice, dave, bob = as_user(), as_user("dave", team="north", territory="hu"), as_user("bob", team="south", territory="de")
    ion = create(stub, alice, "Ion", "Popescu", "Cluj")

    error = failure(stub.CreateSavedSearch, spb.CreateSavedSearchRequest(saved_search=spb.SavedSearch(name="", query="x =")), alice)
    assert list(bad_fields(error)) == ["saved_search.entity", "saved_search.name"]
    error = failure(stub.CreateSavedSearch, spb.CreateSavedSearchRequest(
        saved_search=spb.SavedSearch(entity=spb.SEARCH_ENTITY_PERSON, name="x", query="citty = 1")), alice)
    assert list(bad_fields(error).items()) == [("saved_search.query", "column 1: unknown field 'citty'; did you mean 'city'?")]

    saved = stub.CreateSavedSearch(spb.CreateSavedSearchRequest(saved_search=spb.SavedSearch(
        entity=spb.SEARCH_ENTITY_PERSON, name="Cluj", query='city = "Cluj"', columns=["family_name"])), metadata=alice, timeout=TIMEOUT)
    assert (saved.owner, saved.team, saved.shared, saved.create_time == saved.update_time) == ("alice", "north", False, True)
    assert stub.GetSavedSearch(spb.GetSavedSearchRequest(id=saved.id), metadata=alice, timeout=TIMEOUT) == saved
    assert failure(stub.GetSavedSearch, spb.GetSavedSearchRequest(id=saved.id), dave).code() == grpc.StatusCode.NOT_FOUND

    run = stub.SearchPersons(spb.SearchPersonsRequest(saved_search_id=saved.id), metadata=alice, timeout=TIMEOUT)
    assert [(r.id, dict(r.values)) for r in run.rows] == [(ion.id, {"family_name": "Popescu"})]

    mask = field_mask_pb2.FieldMask(paths=["shared"])
    shared = stub.UpdateSavedSearch(spb.UpdateSavedSearchRequest(saved_search=spb.SavedSearch(id=saved.id, shared=True), update_mask=mask),
                                    metadata=alice, timeout=TIMEOUT)
    assert shared.shared and shared.name == "Cluj" and shared.query == 'city = "Cluj"'
    listed = stub.ListSavedSearches(spb.ListSavedSearchesRequest(entity=spb.SEARCH_ENTITY_PERSON), metadata=dave, timeout=TIMEOUT)
    assert [s.id for s in listed.saved_searches] == [saved.id]
    assert stub.ListSavedSearches(spb.ListSavedSearchesRequest(), metadata=bob, timeout=TIMEOUT).saved_searches == []
    error = failure(stub.UpdateSavedSearch, spb.UpdateSavedSearchRequest(saved_search=spb.SavedSearch(id=saved.id, name="mine"), update_mask=mask), dave)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = failure(stub.UpdateSavedSearch, spb.UpdateSavedSearchRequest(
        saved_search=spb.SavedSearch(id=saved.id), update_mask=field_mask_pb2.FieldMask(paths=["owner"])), alice)
    assert list(bad_fields(error)) == ["update_mask"]
    assert failure(stub.DeleteSavedSearch, spb.DeleteSavedSearchRequest(id=saved.id), bob).code() == grpc.StatusCode.NOT_FOUND

    stub.DeleteSavedSearch(spb.DeleteSavedSearchRequest(id=saved.id), metadata=alice, timeout=TIMEOUT)
    assert failure(stub.GetSavedSearch, spb.GetSavedSearchRequest(id=saved.id), alice).code() == grpc.StatusCode.NOT_FOUND


def test_search_accounts_over_grpc(app, stub, as_user):
    from contacts_support import ALICE

    from crm_contacts.domain.accounts import CreateAccount
    from crm_contacts.service_layer import accounts

    acme = accounts.create_account(CreateAccount({"name": "Acme Foods", "industry": "FMCG", "employees": 12}), app.uow(), ALICE)
    response = stub.SearchAccounts(spb.SearchAccountsRequest(query='name ~ "acm" and employees between 10 and 20', columns=["name", "employees"],
                                                             include_count=True), metadata=as_user(), timeout=TIMEOUT)
    assert [(r.id, dict(r.values)) for r in response.rows] == [(acme.id, {"name": "Acme Foods", "employees": "12"})]
    assert response.total_count == 1
    hidden = stub.SearchAccounts(spb.SearchAccountsRequest(), metadata=as_user("bob", team="south", territory="de"), timeout=TIMEOUT)
    assert list(hidden.rows) == [] and list(hidden.columns) == ["name", "industry", "city"]
