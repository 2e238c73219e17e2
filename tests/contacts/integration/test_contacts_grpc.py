"""crm.contacts.v1.ContactsService through the real chassis gRPC server: tokens, roles, rich errors, health, reflection."""
from __future__ import annotations

import uuid

import grpc
import sqlalchemy as sa
from google.protobuf import json_format
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import events_pb2
from crm_contacts.adapters import orm
from tests.grpc_testing import TIMEOUT, bad_fields, failure

SERVICE = "crm.contacts.v1.ContactsService"


def jane() -> pb.Person:
    return pb.Person(
        given_name="Jane",
        family_name="Doe",
        emails=[pb.EmailAddress(address="Jane.Doe@EXAMPLE.com")],
        phones=[pb.PhoneNumber(number="+40 721 234 567", kind=pb.PHONE_KIND_MOBILE)],
        consents=[pb.Consent(channel=pb.CHANNEL_EMAIL, purpose=pb.PURPOSE_MARKETING, granted=True, source="web form")],
    )


def test_create_get_list_and_history(stub, as_user):
    alice = as_user()
    created = stub.CreatePerson(pb.CreatePersonRequest(person=jane()), metadata=alice, timeout=TIMEOUT)
    uuid.UUID(created.id)
    assert (created.owner, created.team, created.territory) == ("alice", "north", "ro")
    assert created.emails[0] == pb.EmailAddress(address="Jane.Doe@example.com", kind=pb.EMAIL_KIND_WORK)
    assert created.phones[0] == pb.PhoneNumber(number="+40721234567", kind=pb.PHONE_KIND_MOBILE)
    assert created.consents[0].record_time == created.create_time
    assert created.create_time.seconds > 0 and created.update_time == created.create_time

    assert stub.GetPerson(pb.GetPersonRequest(id=created.id), metadata=alice, timeout=TIMEOUT) == created

    second = stub.CreatePerson(pb.CreatePersonRequest(person=pb.Person(family_name="Popescu")), metadata=alice, timeout=TIMEOUT)
    page = stub.ListPersons(pb.ListPersonsRequest(page_size=1), metadata=alice, timeout=TIMEOUT)
    assert list(page.persons) == [created] and page.next_page_token
    rest = stub.ListPersons(pb.ListPersonsRequest(page_size=1, page_token=page.next_page_token), metadata=alice, timeout=TIMEOUT)
    assert (list(rest.persons), rest.next_page_token) == ([second], "")

    dossier = stub.ListPersonHistory(pb.ListPersonHistoryRequest(person_id=created.id), metadata=alice, timeout=TIMEOUT)
    [entry] = dossier.entries
    assert (entry.person_id, entry.kind, entry.source, entry.summary, dossier.next_page_token) == (
        created.id, "PersonCreated", "contacts", "Jane Doe added by alice", ""
    )
    assert entry.occur_time == created.create_time


def test_tokens_and_roles_are_enforced(stub, as_user, jwt_keys):
    request = pb.CreatePersonRequest(person=jane())
    for metadata in (None, [("authorization", "Bearer not-a-jwt")], [("authorization", "Basic dXNlcjpwdw==")]):
        assert failure(stub.CreatePerson, request, metadata).code() == grpc.StatusCode.UNAUTHENTICATED
    assert failure(stub.ListPersons, pb.ListPersonsRequest()).code() == grpc.StatusCode.UNAUTHENTICATED

    viewer = as_user("vera", roles=("viewer",), team="west", territory="ro")
    denied = failure(stub.CreatePerson, request, viewer)
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    nobody = as_user("nora", roles=())
    assert failure(stub.ListPersons, pb.ListPersonsRequest(), nobody).code() == grpc.StatusCode.PERMISSION_DENIED

    created = stub.CreatePerson(request, metadata=as_user(), timeout=TIMEOUT)
    assert stub.GetPerson(pb.GetPersonRequest(id=created.id), metadata=viewer, timeout=TIMEOUT).id == created.id
    assert [p.id for p in stub.ListPersons(pb.ListPersonsRequest(), metadata=viewer, timeout=TIMEOUT).persons] == [created.id]
    # Nothing was created by the refused calls.
    admin = as_user("root", roles=("admin",), team="", territory="")
    assert len(stub.ListPersons(pb.ListPersonsRequest(), metadata=admin, timeout=TIMEOUT).persons) == 1


def test_every_bad_field_comes_back_in_a_bad_request(stub, as_user):
    alice = as_user()
    bad = pb.Person(emails=[pb.EmailAddress(address="not-an-email")], phones=[pb.PhoneNumber(number="call me")])
    fields = bad_fields(failure(stub.CreatePerson, pb.CreatePersonRequest(person=bad), alice))
    assert list(fields) == [
        "person.given_name",
        "person.family_name",
        "person.emails[0].address",
        "person.phones[0].number",
    ]
    assert all(fields.values())
    assert list(stub.ListPersons(pb.ListPersonsRequest(), metadata=alice, timeout=TIMEOUT).persons) == []

    unknown = pb.Person(given_name="Jane", consents=[pb.Consent(channel=99, purpose=pb.PURPOSE_SERVICE, source="web")])
    assert list(bad_fields(failure(stub.CreatePerson, pb.CreatePersonRequest(person=unknown), alice))) == ["person.consents[0].channel"]

    assert list(bad_fields(failure(stub.ListPersons, pb.ListPersonsRequest(page_token="garbage!"), alice))) == ["page_token"]


def test_unknown_and_invisible_persons_are_not_found(stub, as_user):
    alice, bob = as_user(), as_user("bob", team="south", territory="de")
    created = stub.CreatePerson(pb.CreatePersonRequest(person=jane()), metadata=alice, timeout=TIMEOUT)
    for person_id, metadata in ((str(uuid.uuid4()), alice), ("", alice), (created.id, bob)):
        error = failure(stub.GetPerson, pb.GetPersonRequest(id=person_id), metadata)
        assert error.code() == grpc.StatusCode.NOT_FOUND
        error = failure(stub.ListPersonHistory, pb.ListPersonHistoryRequest(person_id=person_id), metadata)
        assert error.code() == grpc.StatusCode.NOT_FOUND
    assert list(stub.ListPersons(pb.ListPersonsRequest(), metadata=bob, timeout=TIMEOUT).persons) == []


def test_health_and_reflection_need_no_token(channel):
    health = health_pb2_grpc.HealthStub(channel)
    for service in (SERVICE, ""):
        response = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT)
        assert response.status == health_pb2.HealthCheckResponse.SERVING

    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    [answer] = list(reflection.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=TIMEOUT))
    names = {s.name for s in answer.list_services_response.service}
    assert SERVICE in names and "grpc.health.v1.Health" in names


def test_profile_fields_and_addresses_round_trip(stub, as_user):
    alice = as_user()
    person = jane()
    person.salutation = "Dear Ms Doe"
    person.preferred_language = "en-gb"
    person.time_zone = "Europe/Bucharest"
    person.addresses.add(kind=pb.ADDRESS_KIND_HOME, lines=["Strada Lipscani 12", "", "Ap. 3"], postal_code="030031", city="Bucharest", country="ro")
    person.addresses.add(kind=pb.ADDRESS_KIND_BILLING, city="Cluj-Napoca", region="Cluj", country="RO")

    created = stub.CreatePerson(pb.CreatePersonRequest(person=person), metadata=alice, timeout=TIMEOUT)

    assert (created.salutation, created.preferred_language, created.time_zone) == ("Dear Ms Doe", "en-GB", "Europe/Bucharest")
    assert list(created.addresses) == [
        pb.PostalAddress(kind=pb.ADDRESS_KIND_HOME, lines=["Strada Lipscani 12", "Ap. 3"], postal_code="030031", city="Bucharest", country="RO"),
        pb.PostalAddress(kind=pb.ADDRESS_KIND_BILLING, city="Cluj-Napoca", region="Cluj", country="RO"),
    ]
    assert stub.GetPerson(pb.GetPersonRequest(id=created.id), metadata=alice, timeout=TIMEOUT) == created


def test_bad_profile_fields_are_all_in_the_bad_request(stub, as_user):
    bad = pb.Person(
        given_name="Jane",
        preferred_language="en_GB",
        time_zone="Europe/Atlantis",
        addresses=[pb.PostalAddress(kind=9, city="Bucharest", country="RO"), pb.PostalAddress(kind=pb.ADDRESS_KIND_WORK, lines=["1 Main St"], country="UK")],
    )
    assert list(bad_fields(failure(stub.CreatePerson, pb.CreatePersonRequest(person=bad), as_user()))) == [
        "person.preferred_language", "person.time_zone", "person.addresses[0].kind", "person.addresses[1].country"
    ]


def consent_request(person_id, granted=False, source="unsubscribe link", channel=pb.CHANNEL_EMAIL, purpose=pb.PURPOSE_MARKETING):
    return pb.SetPersonConsentRequest(person_id=person_id, consent=pb.Consent(channel=channel, purpose=purpose, granted=granted, source=source))


def test_set_person_consent_answers_the_person_and_writes_one_consent_changed_row(app, stub, as_user):
    alice = as_user()
    created = stub.CreatePerson(pb.CreatePersonRequest(person=jane()), metadata=alice, timeout=TIMEOUT)
    marketer = as_user("mara", roles=("marketing",), team="north", territory="")

    changed = stub.SetPersonConsent(consent_request(created.id), metadata=marketer, timeout=TIMEOUT)

    [consent] = changed.consents
    assert (consent.channel, consent.purpose, consent.granted, consent.source) == (pb.CHANNEL_EMAIL, pb.PURPOSE_MARKETING, False, "unsubscribe link")
    assert changed.update_time.ToDatetime() > created.update_time.ToDatetime()
    assert stub.GetPerson(pb.GetPersonRequest(id=created.id), metadata=alice, timeout=TIMEOUT) == changed
    # The same answer again: the same person, nothing new published.
    assert stub.SetPersonConsent(consent_request(created.id, source="phone"), metadata=alice, timeout=TIMEOUT) == changed
    with app.engine.connect() as conn:
        rows = conn.execute(sa.select(orm.outbox).order_by(orm.outbox.c.position)).all()
    assert [r.message_type for r in rows] == ["crm.contacts.v1.PersonCreated", "crm.contacts.v1.ConsentChanged"]
    event = json_format.Parse(rows[1].payload, events_pb2.ConsentChanged())
    assert event == events_pb2.ConsentChanged(person_id=created.id, consent=consent)
    entries = stub.ListPersonHistory(pb.ListPersonHistoryRequest(person_id=created.id), metadata=alice, timeout=TIMEOUT).entries
    assert [e.summary for e in entries] == ["Email marketing consent withdrawn via unsubscribe link", "Jane Doe added by alice"]


def test_set_person_consent_refuses_strangers_viewers_and_bad_consents(stub, as_user):
    alice = as_user()
    created = stub.CreatePerson(pb.CreatePersonRequest(person=jane()), metadata=alice, timeout=TIMEOUT)

    for person_id, metadata in ((created.id, as_user("bob", team="south", territory="de")), (str(uuid.uuid4()), alice)):
        assert failure(stub.SetPersonConsent, consent_request(person_id), metadata).code() == grpc.StatusCode.NOT_FOUND
    viewer = as_user("vera", roles=("viewer",), team="north", territory="ro")
    denied = failure(stub.SetPersonConsent, consent_request(created.id), viewer)
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "SetPersonConsent" in denied.details()

    error = failure(stub.SetPersonConsent, consent_request(created.id, channel=42, purpose=pb.PURPOSE_UNSPECIFIED, source="s" * 201), alice)
    assert list(bad_fields(error)) == ["consent.channel", "consent.purpose", "consent.source"]
    assert stub.GetPerson(pb.GetPersonRequest(id=created.id), metadata=alice, timeout=TIMEOUT) == created
