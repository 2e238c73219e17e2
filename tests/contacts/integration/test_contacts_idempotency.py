"""Request ids make CreatePerson, CreateAccount and LinkPersonToAccount safe to retry: the same caller sending the
same request id to the same method gets what the first call made, and nothing is written twice."""
from __future__ import annotations

import grpc
from contacts_support import counts

from crm.contacts.v1 import accounts_pb2 as apb
from crm.contacts.v1 import contacts_pb2 as pb
from tests.grpc_testing import TIMEOUT, bad_fields, failure


def ana(**overrides) -> pb.Person:
    fields = dict(given_name="Ana", family_name="Pop", emails=[pb.EmailAddress(address="ana@example.com")])
    return pb.Person(**(fields | overrides))


def test_a_retried_create_person_answers_the_first_person_even_though_it_now_looks_like_a_duplicate(app, stub, as_user):
    alice = as_user()
    request = pb.CreatePersonRequest(person=ana(), request_id="lead:1:person")
    first = stub.CreatePerson(request, metadata=alice, timeout=TIMEOUT)
    before = counts(app.engine)
    again = stub.CreatePerson(request, metadata=alice, timeout=TIMEOUT)
    assert again.id == first.id and again.family_name == "Pop"
    assert counts(app.engine) == before  # no person, history line, event or key written by the retry
    assert before["persons"] == 1 and before["idempotency_keys"] == 1
    # Without the request id the same person is a likely duplicate of the first.
    error = failure(stub.CreatePerson, pb.CreatePersonRequest(person=ana()), alice)
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS


def test_request_ids_belong_to_their_caller_and_method(app, stub, as_user):
    alice, bob = as_user(), as_user("bob", team="south", territory="de")
    person = stub.CreatePerson(pb.CreatePersonRequest(person=ana(), request_id="r-1"), metadata=alice, timeout=TIMEOUT)
    other = stub.CreatePerson(pb.CreatePersonRequest(person=ana(given_name="Bo", family_name="Berg", emails=[]), request_id="r-1"),
                              metadata=bob, timeout=TIMEOUT)
    account = stub.CreateAccount(apb.CreateAccountRequest(account=apb.Account(name="Acme"), request_id="r-1"), metadata=alice, timeout=TIMEOUT)
    assert len({person.id, other.id, account.id}) == 3
    assert (counts(app.engine)["persons"], counts(app.engine)["accounts"]) == (2, 1)


def test_a_retried_create_account_answers_the_first_account(app, stub, as_user):
    alice = as_user()
    request = apb.CreateAccountRequest(account=apb.Account(name="Acme", industry="FMCG"), request_id="lead:1:account")
    first = stub.CreateAccount(request, metadata=alice, timeout=TIMEOUT)
    before = counts(app.engine)
    assert stub.CreateAccount(request, metadata=alice, timeout=TIMEOUT).id == first.id
    assert counts(app.engine) == before and before["accounts"] == 1


def test_a_retried_link_answers_the_first_link_instead_of_already_exists(app, stub, as_user):
    alice = as_user()
    person = stub.CreatePerson(pb.CreatePersonRequest(person=ana()), metadata=alice, timeout=TIMEOUT)
    account = stub.CreateAccount(apb.CreateAccountRequest(account=apb.Account(name="Acme")), metadata=alice, timeout=TIMEOUT)
    link = apb.PersonAccountLink(person_id=person.id, account_id=account.id, position="CTO")
    request = apb.LinkPersonToAccountRequest(link=link, request_id=f"lead:1:link:{account.id}")
    first = stub.LinkPersonToAccount(request, metadata=alice, timeout=TIMEOUT)
    before = counts(app.engine)
    again = stub.LinkPersonToAccount(request, metadata=alice, timeout=TIMEOUT)
    assert (again.id, again.position) == (first.id, "CTO") and counts(app.engine) == before
    error = failure(stub.LinkPersonToAccount, apb.LinkPersonToAccountRequest(link=link), alice)
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS


def test_a_refused_create_leaves_its_request_id_free_for_the_corrected_retry(app, stub, as_user):
    alice = as_user()
    bad = pb.CreatePersonRequest(person=ana(emails=[pb.EmailAddress(address="not an address")]), request_id="r-1")
    assert failure(stub.CreatePerson, bad, alice).code() == grpc.StatusCode.INVALID_ARGUMENT
    assert counts(app.engine)["idempotency_keys"] == 0
    made = stub.CreatePerson(pb.CreatePersonRequest(person=ana(), request_id="r-1"), metadata=alice, timeout=TIMEOUT)
    assert stub.GetPerson(pb.GetPersonRequest(id=made.id), metadata=alice, timeout=TIMEOUT).emails[0].address == "ana@example.com"


def test_a_request_id_over_100_characters_is_reported_with_the_other_bad_fields(stub, as_user):
    alice, long_id = as_user(), "x" * 101
    error = failure(stub.CreatePerson, pb.CreatePersonRequest(person=ana(emails=[pb.EmailAddress(address="nope")]), request_id=long_id), alice)
    assert set(bad_fields(error)) == {"request_id", "person.emails[0].address"}
    error = failure(stub.CreateAccount, apb.CreateAccountRequest(account=apb.Account(name=""), request_id=long_id), alice)
    assert {"request_id", "account.name"} <= set(bad_fields(error))
    error = failure(stub.LinkPersonToAccount, apb.LinkPersonToAccountRequest(link=apb.PersonAccountLink(), request_id=long_id), alice)
    assert set(bad_fields(error)) == {"request_id", "link.person_id", "link.account_id"}


def test_a_retry_after_the_person_was_erased_answers_the_erased_person(app, stub, as_user):
    alice = as_user()
    request = pb.CreatePersonRequest(person=ana(), request_id="r-1")
    first = stub.CreatePerson(request, metadata=alice, timeout=TIMEOUT)
    stub.ErasePerson(pb.ErasePersonRequest(id=first.id), metadata=alice, timeout=TIMEOUT)
    again = stub.CreatePerson(request, metadata=alice, timeout=TIMEOUT)  # the erased person, as GetPerson shows it
    assert again.id == first.id and again.erased and counts(app.engine)["persons"] == 1
