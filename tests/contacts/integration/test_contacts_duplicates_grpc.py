"""Duplicates through the real chassis gRPC server: the ALREADY_EXISTS detail, find, scan and pairs, merge and undo."""
from __future__ import annotations

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf import json_format
from google.rpc import code_pb2, error_details_pb2
from grpc_status import rpc_status

from crm.contacts.v1 import accounts_pb2 as apb
from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import contacts_pb2_grpc, events_pb2
from crm.contacts.v1 import duplicates_pb2 as dpb
from crm_chassis.access import Viewer
from crm_chassis.grpc_server import GrpcServer
from crm_contacts.adapters import orm
from crm_contacts.domain.accounts import CreateAccount
from crm_contacts.entrypoints.grpc_servicer import registrations
from crm_contacts.service_layer import accounts, duplicates

TIMEOUT = 10
ALICE = Viewer("alice", team="north", territory="ro")


@pytest.fixture
def stub(app, jwt_keys):
    server = GrpcServer(registrations(app), verifier=jwt_keys.verifier, port=0).start()
    channel = grpc.insecure_channel(f"localhost:{server.port}")
    yield contacts_pb2_grpc.ContactsServiceStub(channel)
    channel.close()
    server.stop(0)


@pytest.fixture
def as_user(jwt_keys):
    def metadata(user="alice", roles=("sales",), team="north", territory="ro"):
        return [("authorization", f"Bearer {jwt_keys.token(user, roles, team=team, territory=territory)}")]

    return metadata


def person(**fields) -> pb.Person:
    values = dict(
        given_name="Ștefan", family_name="Popescu",
        emails=[pb.EmailAddress(address="Stefan.Popescu@gmail.com")],
        phones=[pb.PhoneNumber(number="+40 721 234 567", kind=pb.PHONE_KIND_MOBILE)],
    )
    return pb.Person(**(values | fields))


def failure(method, request, metadata) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        method(request, metadata=metadata, timeout=TIMEOUT)
    return caught.value


def test_create_answers_already_exists_with_the_candidates_unless_allowed(stub, as_user):
    alice = as_user()
    original = stub.CreatePerson(pb.CreatePersonRequest(person=person()), metadata=alice, timeout=TIMEOUT)
    typo = person(given_name="Stefan", family_name="Popsecu", emails=[pb.EmailAddress(address="s.t.e.f.a.n.popescu+x@googlemail.com")], phones=[])
    error = failure(stub.CreatePerson, pb.CreatePersonRequest(person=typo), alice)
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    status = rpc_status.from_call(error)
    assert status.code == code_pb2.ALREADY_EXISTS
    found = dpb.DuplicatesFound()
    assert status.details[0].Unpack(found)
    [candidate] = found.candidates
    assert candidate.person_id == original.id and candidate.display_name == "Ștefan Popescu"
    assert candidate.reasons[0] == "same email" and candidate.score >= 0.8

    created = stub.CreatePerson(pb.CreatePersonRequest(person=typo, allow_duplicates=True), metadata=alice, timeout=TIMEOUT)
    assert created.id != original.id


def test_find_person_duplicates_by_probe_and_id(stub, as_user):
    alice = as_user()
    original = stub.CreatePerson(pb.CreatePersonRequest(person=person()), metadata=alice, timeout=TIMEOUT)
    probe = dpb.PersonProbe(family_name="Ștefan", given_name="Popescu", phones=[pb.PhoneNumber(number="+40721234567")])
    answer = stub.FindPersonDuplicates(dpb.FindPersonDuplicatesRequest(person=probe), metadata=alice, timeout=TIMEOUT)
    [candidate] = answer.candidates
    assert candidate.person_id == original.id and "given and family name swapped" in candidate.reasons

    bad = dpb.PersonProbe(given_name="X", emails=[pb.EmailAddress(address="not an email")])
    error = failure(stub.FindPersonDuplicates, dpb.FindPersonDuplicatesRequest(person=bad), alice)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    bad_request = error_details_pb2.BadRequest()
    rpc_status.from_call(error).details[0].Unpack(bad_request)
    assert [v.field for v in bad_request.field_violations] == ["person.emails[0].address"]

    bob = as_user("bob", team="south", territory="de")
    error = failure(stub.FindPersonDuplicates, dpb.FindPersonDuplicatesRequest(person_id=original.id), bob)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert stub.FindPersonDuplicates(dpb.FindPersonDuplicatesRequest(person=probe), metadata=bob, timeout=TIMEOUT).candidates == []


def test_scan_pairs_dismiss(app, stub, as_user):
    alice, admin = as_user(), as_user("root", roles=("admin",))
    first = stub.CreatePerson(pb.CreatePersonRequest(person=person()), metadata=alice, timeout=TIMEOUT)
    second = stub.CreatePerson(pb.CreatePersonRequest(person=person(given_name="Stefan"), allow_duplicates=True), metadata=alice, timeout=TIMEOUT)
    error = failure(stub.StartDuplicateScan, dpb.StartDuplicateScanRequest(), alice)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    scan = stub.StartDuplicateScan(dpb.StartDuplicateScanRequest(min_score=0.7), metadata=admin, timeout=TIMEOUT)
    assert scan.status == dpb.DUPLICATE_SCAN_STATUS_PENDING
    duplicates.run_pending_scans(app.uow)  # what the worker's timer does
    done = stub.GetDuplicateScan(dpb.GetDuplicateScanRequest(id=scan.id), metadata=admin, timeout=TIMEOUT)
    assert (done.status, done.persons_scanned, done.pairs_found) == (dpb.DUPLICATE_SCAN_STATUS_DONE, 2, 1)
    assert done.finish_time.seconds > 0

    [pair] = stub.ListDuplicatePairs(dpb.ListDuplicatePairsRequest(), metadata=alice, timeout=TIMEOUT).pairs
    assert {pair.first.person_id, pair.second.person_id} == {first.id, second.id}
    assert pair.status == dpb.DUPLICATE_PAIR_STATUS_OPEN and "same email" in pair.reasons
    bob = as_user("bob", team="south", territory="de")
    assert stub.ListDuplicatePairs(dpb.ListDuplicatePairsRequest(), metadata=bob, timeout=TIMEOUT).pairs == []
    assert failure(stub.DismissDuplicatePair, dpb.DismissDuplicatePairRequest(id=pair.id), bob).code() == grpc.StatusCode.NOT_FOUND
    dismissed = stub.DismissDuplicatePair(dpb.DismissDuplicatePairRequest(id=pair.id), metadata=alice, timeout=TIMEOUT)
    assert dismissed.status == dpb.DUPLICATE_PAIR_STATUS_DISMISSED and dismissed.decided_by == "alice"
    assert stub.ListDuplicatePairs(dpb.ListDuplicatePairsRequest(), metadata=alice, timeout=TIMEOUT).pairs == []


def test_merge_and_undo_with_record_level_access_and_events(app, stub, as_user):
    alice, bob = as_user(), as_user("bob", team="south", territory="de")
    survivor = stub.CreatePerson(pb.CreatePersonRequest(person=person()), metadata=alice, timeout=TIMEOUT)
    other = stub.CreatePerson(
        pb.CreatePersonRequest(person=person(given_name="Stefan", salutation="Dear Mr Popescu", emails=[pb.EmailAddress(address="sp@work.ro")]),
                               allow_duplicates=True),
        metadata=alice, timeout=TIMEOUT,
    )
    bobs = stub.CreatePerson(pb.CreatePersonRequest(person=person(), allow_duplicates=True), metadata=bob, timeout=TIMEOUT)
    request = dpb.MergePersonsRequest(survivor_id=survivor.id, merged_ids=[bobs.id])
    assert failure(stub.MergePersons, request, alice).code() == grpc.StatusCode.NOT_FOUND
    bad = dpb.MergePersonsRequest(survivor_id=survivor.id, merged_ids=[other.id], field_choices={"given_name": "someone"})
    error = failure(stub.MergePersons, bad, alice)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "field_choices[given_name]" in error.details()

    merge = stub.MergePersons(
        dpb.MergePersonsRequest(survivor_id=survivor.id, merged_ids=[other.id], field_choices={"given_name": other.id}),
        metadata=alice, timeout=TIMEOUT,
    )
    assert (merge.survivor_id, list(merge.merged_ids), merge.merged_by, merge.undoable) == (survivor.id, [other.id], "alice", True)
    merged = stub.GetPerson(pb.GetPersonRequest(id=survivor.id), metadata=alice, timeout=TIMEOUT)
    assert merged.given_name == "Stefan" and merged.salutation == "Dear Mr Popescu"
    assert [e.address for e in merged.emails] == ["Stefan.Popescu@gmail.com", "sp@work.ro"]
    assert stub.GetPerson(pb.GetPersonRequest(id=other.id), metadata=alice, timeout=TIMEOUT).merged_into == survivor.id
    assert failure(stub.GetPersonMerge, dpb.GetPersonMergeRequest(id=merge.id), bob).code() == grpc.StatusCode.NOT_FOUND
    assert failure(stub.UndoMerge, dpb.UndoMergeRequest(merge_id=merge.id), bob).code() == grpc.StatusCode.NOT_FOUND

    undone = stub.UndoMerge(dpb.UndoMergeRequest(merge_id=merge.id), metadata=alice, timeout=TIMEOUT)
    assert undone.undone_by == "alice" and not undone.undoable and undone.undo_time.seconds > 0
    assert stub.GetPerson(pb.GetPersonRequest(id=survivor.id), metadata=alice, timeout=TIMEOUT).given_name == "Ștefan"
    assert failure(stub.UndoMerge, dpb.UndoMergeRequest(merge_id=merge.id), alice).code() == grpc.StatusCode.FAILED_PRECONDITION

    o = orm.outbox
    with app.engine.connect() as conn:
        rows = {r.event_type: r.payload for r in conn.execute(sa.select(o.c.event_type, o.c.payload).where(o.c.event_type.in_(["PersonsMerged", "PersonMergeUndone"])))}
    event = json_format.Parse(rows["PersonsMerged"], events_pb2.PersonsMerged())
    assert (event.merge_id, event.survivor_id, list(event.merged_ids)) == (merge.id, survivor.id, [other.id])
    assert event.survivor.given_name == "Stefan" and "given_name" in event.changed_fields
    undo_event = json_format.Parse(rows["PersonMergeUndone"], events_pb2.PersonMergeUndone())
    assert sorted(p.id for p in undo_event.persons) == sorted([survivor.id, other.id])


def test_find_account_duplicates(app, stub, as_user):
    alice = as_user()
    carpati = accounts.create_account(CreateAccount({"name": "Carpați Trans SRL", "phones": [("+40 21 222 3344", "work")]}), app.uow(), ALICE)
    probe = dpb.AccountProbe(name="SC Carpati Trans SA", phones=[pb.PhoneNumber(number="+40212223344")])
    [candidate] = stub.FindAccountDuplicates(dpb.FindAccountDuplicatesRequest(account=probe), metadata=alice, timeout=TIMEOUT).candidates
    assert (candidate.account_id, candidate.name) == (carpati.id, "Carpați Trans SRL")
    assert list(candidate.reasons) == ["same phone", "same name"] and candidate.score > 0.8
    bad = dpb.AccountProbe(phones=[pb.PhoneNumber(number="12")])
    error = failure(stub.FindAccountDuplicates, dpb.FindAccountDuplicatesRequest(account=bad), alice)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "account.phones[0].number" in error.details()
    bob = as_user("bob", team="south", territory="de")
    error = failure(stub.FindAccountDuplicates, dpb.FindAccountDuplicatesRequest(account_id=carpati.id), bob)
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_create_account_answers_already_exists_with_the_account_candidates_unless_allowed(stub, as_user):
    alice = as_user()
    site = [apb.Website(url="https://www.carpati-trans.ro")]
    original = stub.CreateAccount(apb.CreateAccountRequest(account=apb.Account(name="Carpați Trans SRL", websites=site)), metadata=alice, timeout=TIMEOUT)
    copy = apb.Account(name="Carpati Trans SA", emails=[pb.EmailAddress(address="office@carpati-trans.ro")],
                       websites=[apb.Website(url="http://carpati-trans.ro")])
    error = failure(stub.CreateAccount, apb.CreateAccountRequest(account=copy), alice)
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    found = dpb.DuplicatesFound()
    assert rpc_status.from_call(error).details[0].Unpack(found)
    [candidate] = found.account_candidates
    assert (candidate.account_id, candidate.name) == (original.id, "Carpați Trans SRL")
    assert list(candidate.reasons) == ["same website", "same name"] and not found.candidates
    created = stub.CreateAccount(apb.CreateAccountRequest(account=copy, allow_duplicates=True), metadata=alice, timeout=TIMEOUT)
    assert created.id != original.id
    probe = dpb.AccountProbe(emails=[pb.EmailAddress(address="OFFICE@carpati-trans.ro")])
    hits = stub.FindAccountDuplicates(dpb.FindAccountDuplicatesRequest(account=probe), metadata=alice, timeout=TIMEOUT).candidates
    assert [(c.account_id, c.reasons[0]) for c in hits] == [(created.id, "same email")]


def test_merge_accounts_and_undo_over_grpc_with_record_level_access(stub, as_user):
    alice, bob = as_user(), as_user("bob", team="south", territory="de")
    create = apb.CreateAccountRequest
    one = stub.CreateAccount(create(account=apb.Account(name="Carpați Trans SRL")), metadata=alice, timeout=TIMEOUT)
    two = stub.CreateAccount(create(account=apb.Account(name="Carpati Trans", industry="logistics")), metadata=alice, timeout=TIMEOUT)
    error = failure(stub.MergeAccounts, dpb.MergeAccountsRequest(survivor_id=one.id, merged_ids=[two.id]), bob)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    error = failure(stub.MergeAccounts, dpb.MergeAccountsRequest(survivor_id=one.id, merged_ids=[two.id], field_choices={"emails": one.id}), alice)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "field_choices[emails]" in error.details()
    merge = stub.MergeAccounts(dpb.MergeAccountsRequest(survivor_id=one.id, merged_ids=[two.id]), metadata=alice, timeout=TIMEOUT)
    assert (merge.survivor_id, list(merge.merged_ids), merge.merged_by, merge.undoable) == (one.id, [two.id], "alice", True)
    assert stub.GetAccount(apb.GetAccountRequest(id=one.id), metadata=alice, timeout=TIMEOUT).industry == "logistics"
    assert stub.GetAccount(apb.GetAccountRequest(id=two.id), metadata=alice, timeout=TIMEOUT).merged_into == one.id
    assert failure(stub.GetAccountMerge, dpb.GetAccountMergeRequest(id=merge.id), bob).code() == grpc.StatusCode.NOT_FOUND
    undone = stub.UndoAccountMerge(dpb.UndoAccountMergeRequest(merge_id=merge.id), metadata=alice, timeout=TIMEOUT)
    assert undone.undone_by == "alice" and undone.HasField("undo_time")
    assert stub.GetAccount(apb.GetAccountRequest(id=one.id), metadata=alice, timeout=TIMEOUT).industry == ""
    again = failure(stub.UndoAccountMerge, dpb.UndoAccountMergeRequest(merge_id=merge.id), alice)
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION
