"""The account and relation RPCs through the real chassis gRPC server: roles, field paths of errors, NOT_FOUND for
what the caller may not see, FieldMask updates and the events' protobuf shape."""
from __future__ import annotations

import grpc
import sqlalchemy as sa
from google.protobuf import field_mask_pb2, json_format

from crm.contacts.v1 import accounts_pb2 as apb
from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import custom_fields_pb2 as cfpb
from crm.contacts.v1 import events_pb2
from crm_chassis.access import Viewer
from crm_contacts.adapters import orm
from crm_contacts.domain.model import Person
from tests.grpc_testing import TIMEOUT, bad_fields, failure


def acme(**overrides) -> apb.Account:
    fields = dict(
        name="Acme", legal_name="Acme S.R.L.", industry="FMCG", employees=40,
        annual_turnover=cfpb.Money(amount_minor=500_000_00, currency="RON"),
        registration_ids=[apb.RegistrationId(kind=apb.REGISTRATION_KIND_VAT, value="RO18547290")],
        websites=[apb.Website(url="acme.example.com")],
        emails=[pb.EmailAddress(address="office@acme.example.com")],
        phones=[pb.PhoneNumber(number="+40213123456")],
        addresses=[pb.PostalAddress(kind=pb.ADDRESS_KIND_BILLING, lines=["Str. Lipscani 1"], city="București", country="RO")],
        tags=["VIP"], lifecycle=pb.LIFECYCLE_CUSTOMER, origin=pb.Origin(kind=pb.ORIGIN_KIND_FAIR, detail="Indagra"),
    )
    return apb.Account(**(fields | overrides))


def a_person(app, owner="alice", team="north", territory="ro", given="Ana") -> str:
    p = Person.create(given_name=given, family_name="Pop", emails=[], phones=[], consents=[], owner=Viewer(owner, team, territory))
    with app.uow() as uow:
        uow.persons.add(p)
        uow.commit()
    return p.id


def test_create_get_update_and_list_accounts(stub, as_user, app):
    alice = as_user()
    created = stub.CreateAccount(apb.CreateAccountRequest(account=acme()), metadata=alice, timeout=TIMEOUT)
    assert (created.owner, created.team, created.territory, created.etag) == ("alice", "north", "ro", '"1"')
    assert created.websites[0] == apb.Website(url="https://acme.example.com", kind=apb.WEBSITE_KIND_MAIN)
    assert created.employees == 40 and created.HasField("employees")
    assert created.annual_turnover.amount_minor == 500_000_00 and created.annual_turnover.currency == "RON"
    assert stub.GetAccount(apb.GetAccountRequest(id=created.id), metadata=alice, timeout=TIMEOUT) == created

    unknown = stub.CreateAccount(apb.CreateAccountRequest(account=apb.Account(name="Small")), metadata=alice, timeout=TIMEOUT)
    assert not unknown.HasField("employees") and not unknown.HasField("annual_turnover")

    change = apb.Account(id=created.id, etag=created.etag, name="Acme Group", industry="ignored: not in the mask")
    changed = stub.UpdateAccount(
        apb.UpdateAccountRequest(account=change, update_mask=field_mask_pb2.FieldMask(paths=["name", "employees"])), metadata=alice, timeout=TIMEOUT
    )
    assert (changed.name, changed.industry, changed.HasField("employees"), changed.etag) == ("Acme Group", "FMCG", False, '"2"')
    stale = failure(stub.UpdateAccount, apb.UpdateAccountRequest(account=change, update_mask=field_mask_pb2.FieldMask(paths=["name"])), alice)
    assert stale.code() == grpc.StatusCode.FAILED_PRECONDITION

    page = stub.ListAccounts(apb.ListAccountsRequest(page_size=1), metadata=alice, timeout=TIMEOUT)
    assert [a.id for a in page.accounts] == [created.id] and page.next_page_token

    with app.engine.connect() as conn:
        rows = conn.execute(sa.select(orm.outbox).where(orm.outbox.c.aggregate_type == "account").order_by(orm.outbox.c.position)).all()
    assert [r.event_type for r in rows] == ["AccountCreated", "AccountCreated", "AccountUpdated"]
    body = rows[-1].payload if isinstance(rows[-1].payload, str) else bytes(rows[-1].payload).decode()
    event = json_format.Parse(body, events_pb2.AccountUpdated())
    assert list(event.changed_fields) == ["name", "employees"] and event.account.name == "Acme Group"


def test_every_bad_field_comes_back_with_its_request_path(stub, as_user):
    account = acme(
        name="", employees=-1, registration_ids=[apb.RegistrationId(kind=apb.REGISTRATION_KIND_VAT, value="RO18547291"), apb.RegistrationId(value="x")],
        websites=[apb.Website(url="ftp://acme")], emails=[pb.EmailAddress(address="nope")], parent_kind=apb.PARENT_KIND_BRANCH,
        lifecycle=42,
    )
    error = failure(stub.CreateAccount, apb.CreateAccountRequest(account=account), as_user())
    assert list(bad_fields(error)) == [
        "account.parent_kind", "account.employees", "account.registration_ids[0].value", "account.registration_ids[1].kind",
        "account.emails[0].address", "account.websites[0].url", "account.lifecycle", "account.name",
    ]
    created = stub.CreateAccount(apb.CreateAccountRequest(account=acme()), metadata=as_user(), timeout=TIMEOUT)
    error = failure(
        stub.UpdateAccount,
        apb.UpdateAccountRequest(account=apb.Account(id=created.id, name=""), update_mask=field_mask_pb2.FieldMask(paths=["name", "owner"])),
        as_user(),
    )
    assert list(bad_fields(error)) == ["update_mask", "account.name"]


def test_roles_and_record_level_access(stub, as_user, app):
    alice, bob = as_user(), as_user("bob", team="south", territory="de")
    viewer = as_user("vera", roles=("viewer",))
    assert failure(stub.CreateAccount, apb.CreateAccountRequest(account=acme()), viewer).code() == grpc.StatusCode.PERMISSION_DENIED
    created = stub.CreateAccount(apb.CreateAccountRequest(account=acme()), metadata=alice, timeout=TIMEOUT)
    assert stub.GetAccount(apb.GetAccountRequest(id=created.id), metadata=viewer, timeout=TIMEOUT).id == created.id
    hidden = [
        (stub.GetAccount, apb.GetAccountRequest(id=created.id)),
        (stub.UpdateAccount, apb.UpdateAccountRequest(account=apb.Account(id=created.id, name="x"), update_mask=field_mask_pb2.FieldMask(paths=["name"]))),
        (stub.ListAccountHistory, apb.ListAccountHistoryRequest(account_id=created.id)),
        (stub.ListAccountChildren, apb.ListAccountChildrenRequest(account_id=created.id)),
        (stub.ListAccountPersons, apb.ListAccountPersonsRequest(account_id=created.id)),
        (stub.ListAccountRelations, apb.ListAccountRelationsRequest(account_id=created.id)),
    ]
    for method, request in hidden:
        assert failure(method, request, bob).code() == grpc.StatusCode.NOT_FOUND, method
    assert list(stub.ListAccounts(apb.ListAccountsRequest(), metadata=bob, timeout=TIMEOUT).accounts) == []


def test_links_and_relations_through_grpc(stub, as_user, app):
    alice = as_user()
    account = stub.CreateAccount(apb.CreateAccountRequest(account=acme()), metadata=alice, timeout=TIMEOUT)
    supplier = stub.CreateAccount(apb.CreateAccountRequest(account=apb.Account(name="Supplier")), metadata=alice, timeout=TIMEOUT)
    ana, ion = a_person(app), a_person(app, given="Ion")

    link = stub.LinkPersonToAccount(
        apb.LinkPersonToAccountRequest(link=apb.PersonAccountLink(person_id=ana, account_id=account.id, position="CFO", role="accountant",
                                                                  start_date="2024-01-01")),
        metadata=alice, timeout=TIMEOUT,
    )
    assert (link.position, link.role, link.start_date, link.end_date) == ("CFO", "accountant", "2024-01-01", "")
    bad = failure(stub.LinkPersonToAccount, apb.LinkPersonToAccountRequest(link=apb.PersonAccountLink(
        person_id=ana, account_id=account.id, role="boss", start_date="2024-13-01")), alice)
    assert list(bad_fields(bad)) == ["link.role", "link.start_date"]
    ended = stub.UpdatePersonAccountLink(
        apb.UpdatePersonAccountLinkRequest(link=apb.PersonAccountLink(id=link.id, end_date="2025-01-31"), update_mask=field_mask_pb2.FieldMask(paths=["end_date"])),
        metadata=alice, timeout=TIMEOUT,
    )
    assert ended.end_date == "2025-01-31" and ended.position == "CFO"
    assert list(stub.ListAccountPersons(apb.ListAccountPersonsRequest(account_id=account.id), metadata=alice, timeout=TIMEOUT).links) == []
    every = stub.ListPersonAccounts(apb.ListPersonAccountsRequest(person_id=ana, include_ended=True), metadata=alice, timeout=TIMEOUT)
    assert [x.id for x in every.links] == [link.id]
    stub.UnlinkPersonFromAccount(apb.UnlinkPersonFromAccountRequest(link_id=link.id), metadata=alice, timeout=TIMEOUT)
    assert failure(stub.UnlinkPersonFromAccount, apb.UnlinkPersonFromAccountRequest(link_id=link.id), alice).code() == grpc.StatusCode.NOT_FOUND

    relation = stub.RelatePersons(
        apb.RelatePersonsRequest(relation=apb.PersonRelation(person_id=ana, related_person_id=ion, label="parent")), metadata=alice, timeout=TIMEOUT
    )
    from_ion = stub.ListPersonRelations(apb.ListPersonRelationsRequest(person_id=ion), metadata=alice, timeout=TIMEOUT)
    assert [(r.id, r.person_id, r.related_person_id, r.label) for r in from_ion.relations] == [(relation.id, ion, ana, "child")]
    again = failure(stub.RelatePersons, apb.RelatePersonsRequest(relation=apb.PersonRelation(person_id=ion, related_person_id=ana, label="child")), alice)
    assert again.code() == grpc.StatusCode.ALREADY_EXISTS
    bad = failure(stub.RelatePersons, apb.RelatePersonsRequest(relation=apb.PersonRelation(person_id=ana, related_person_id=ana, label="boss")), alice)
    assert list(bad_fields(bad)) == ["relation.related_person_id", "relation.label"]
    stub.DeletePersonRelation(apb.DeletePersonRelationRequest(relation_id=relation.id), metadata=alice, timeout=TIMEOUT)

    stub.RelateAccounts(
        apb.RelateAccountsRequest(relation=apb.AccountRelation(account_id=account.id, related_account_id=supplier.id, label="supplier")),
        metadata=alice, timeout=TIMEOUT,
    )
    seen = stub.ListAccountRelations(apb.ListAccountRelationsRequest(account_id=supplier.id), metadata=alice, timeout=TIMEOUT)
    assert [(r.related_account_id, r.label) for r in seen.relations] == [(account.id, "customer")]

    history = stub.ListAccountHistory(apb.ListAccountHistoryRequest(account_id=account.id, page_size=2), metadata=alice, timeout=TIMEOUT)
    assert len(history.entries) == 2 and history.next_page_token and history.entries[0].account_id == account.id
