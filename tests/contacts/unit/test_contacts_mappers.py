"""Requests to commands, persons to messages and back, and the outbox mapping of PersonCreated."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import events_pb2
from crm_chassis.access import Viewer
from crm_chassis.errors import FieldViolation, InvalidArgument
from crm_contacts.adapters import messages
from crm_contacts.domain import commands
from crm_contacts.domain.model import Person
from crm_contacts.entrypoints import mappers

ALICE = Viewer("alice", team="north", territory="ro")


def stamp(value: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def person_from(cmd: commands.CreatePerson) -> Person:
    return Person.create(
        given_name=cmd.given_name,
        family_name=cmd.family_name,
        emails=cmd.emails,
        phones=cmd.phones,
        consents=cmd.consents,
        owner=ALICE,
        team=cmd.team,
        territory=cmd.territory,
        salutation=cmd.salutation,
        preferred_language=cmd.preferred_language,
        time_zone=cmd.time_zone,
        addresses=cmd.addresses,
    )


def test_create_request_becomes_a_command_with_unset_kinds_meaning_work():
    recorded = datetime(2024, 3, 1, 9, 30, 15, 250000, tzinfo=UTC)
    request = pb.CreatePersonRequest(
        person=pb.Person(
            given_name="Jane",
            family_name="Doe",
            emails=[pb.EmailAddress(address="jane@example.com"), pb.EmailAddress(address="j@home.example", kind=pb.EMAIL_KIND_PERSONAL)],
            phones=[pb.PhoneNumber(number="+40721234567"), pb.PhoneNumber(number="+40721234568", kind=pb.PHONE_KIND_FAX)],
            consents=[
                pb.Consent(channel=pb.CHANNEL_SMS, purpose=pb.PURPOSE_SERVICE, granted=True, source="call", record_time=stamp(recorded)),
                pb.Consent(channel=pb.CHANNEL_LETTER, purpose=pb.PURPOSE_MARKETING, granted=False, source="paper"),
            ],
            team="south",
            territory="de",
            id="ignored",
            owner="ignored",
        )
    )
    assert mappers.create_person(request) == commands.CreatePerson(
        given_name="Jane",
        family_name="Doe",
        emails=[("jane@example.com", "work"), ("j@home.example", "personal")],
        phones=[("+40721234567", "work"), ("+40721234568", "fax")],
        consents=[("sms", "service", True, "call", recorded), ("letter", "marketing", False, "paper", None)],
        team="south",
        territory="de",
    )


def test_unset_and_unknown_enum_numbers_are_reported_by_path():
    request = pb.CreatePersonRequest(
        person=pb.Person(
            given_name="Jane",
            emails=[pb.EmailAddress(address="jane@example.com", kind=42)],
            phones=[pb.PhoneNumber(number="+40721234567", kind=77)],
            consents=[
                pb.Consent(channel=99, purpose=pb.PURPOSE_MARKETING, source="web"),
                pb.Consent(channel=pb.CHANNEL_EMAIL, purpose=7, source="web"),
                pb.Consent(purpose=pb.PURPOSE_SERVICE, source="web"),
                pb.Consent(channel=pb.CHANNEL_FAX, source="web"),
            ],
        )
    )
    cmd = mappers.create_person(request)
    assert cmd.emails == [("jane@example.com", None)]
    assert cmd.consents[0][0] is None
    with pytest.raises(InvalidArgument) as caught:
        person_from(cmd)
    under = mappers.under("person", caught.value)
    assert sorted(v.field for v in under.violations) == sorted(
        [
            "person.emails[0].kind",
            "person.phones[0].kind",
            "person.consents[0].channel",
            "person.consents[1].purpose",
            "person.consents[2].channel",
            "person.consents[3].purpose",
        ]
    )


def test_under_prefixes_every_path_and_keeps_descriptions():
    error = InvalidArgument([FieldViolation("given_name", "needed"), FieldViolation("emails[2].address", "bad")])
    assert mappers.under("person", error).violations == (
        FieldViolation("person.given_name", "needed"),
        FieldViolation("person.emails[2].address", "bad"),
    )


def test_person_message_round_trips_enums_and_timestamps():
    in_bucharest = timezone(timedelta(hours=3))
    original = commands.CreatePerson(
        given_name="Jane",
        family_name="Doe",
        emails=[("jane@example.com", "work"), ("j@home.example", "personal"), ("j@other.example", "other")],
        phones=[("+40721234561", "work"), ("+40721234562", "mobile"), ("+40211234563", "home"), ("+40211234564", "fax"), ("+40721234565", "other")],
        consents=[
            ("email", "marketing", True, "web", datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)),
            ("sms", "service", False, "call", datetime(2024, 1, 2, 9, 0, tzinfo=in_bucharest)),
            ("phone", "marketing", True, "call", None),
            ("letter", "service", True, "paper", None),
            ("fax", "marketing", False, "paper", None),
        ],
        team="south",
        territory="de",
    )
    person = person_from(original)
    message = messages.person(person)

    assert [e.kind for e in message.emails] == [pb.EMAIL_KIND_WORK, pb.EMAIL_KIND_PERSONAL, pb.EMAIL_KIND_OTHER]
    assert [p.kind for p in message.phones] == [pb.PHONE_KIND_WORK, pb.PHONE_KIND_MOBILE, pb.PHONE_KIND_HOME, pb.PHONE_KIND_FAX, pb.PHONE_KIND_OTHER]
    assert [c.channel for c in message.consents] == [pb.CHANNEL_EMAIL, pb.CHANNEL_SMS, pb.CHANNEL_PHONE, pb.CHANNEL_LETTER, pb.CHANNEL_FAX]
    assert [c.purpose for c in message.consents] == [pb.PURPOSE_MARKETING, pb.PURPOSE_SERVICE, pb.PURPOSE_MARKETING, pb.PURPOSE_SERVICE, pb.PURPOSE_MARKETING]
    assert (message.id, message.owner, message.team, message.territory) == (person.id, "alice", "south", "de")
    assert message.create_time.ToDatetime(tzinfo=UTC) == person.created_at
    assert message.update_time.ToDatetime(tzinfo=UTC) == person.updated_at
    # 09:00 in UTC+3 is 06:00 UTC: the instant survives, not the wall time.
    assert message.consents[1].record_time.ToDatetime(tzinfo=UTC) == datetime(2024, 1, 2, 6, 0, tzinfo=UTC)

    back = mappers.create_person(pb.CreatePersonRequest(person=message))
    assert back.emails == original.emails
    assert back.phones == original.phones
    assert back.consents == [(ch, pu, g, s, t or person.created_at) for ch, pu, g, s, t in original.consents]
    assert person_from(back).consents == person.consents


def test_history_entry_message():
    from crm_contacts.domain.model import HistoryEntry

    at = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    entry = HistoryEntry("h-1", "p-1", "NotificationSent", "Email 'Hi' sent to a@b.example", "notifications", at)
    message = messages.history_entry(entry)
    assert (message.id, message.person_id, message.kind, message.summary, message.source) == (
        "h-1", "p-1", "NotificationSent", "Email 'Hi' sent to a@b.example", "notifications"
    )
    assert message.occur_time.ToDatetime(tzinfo=UTC) == at


def test_person_created_goes_to_the_outbox_as_a_protobuf_event():
    person = person_from(commands.CreatePerson(given_name="Jane", family_name="Doe", emails=[("jane@example.com", "work")]))
    [created] = person.events
    outbound = messages.outbound(created)
    assert outbound.event_type == "PersonCreated"
    assert outbound.message_type == "crm.contacts.v1.PersonCreated"
    assert (outbound.aggregate_type, outbound.aggregate_id) == ("person", person.id)
    assert outbound.occurred_at == person.created_at
    assert isinstance(outbound.message, events_pb2.PersonCreated)
    assert outbound.message.person == messages.person(person)
    assert messages.outbound(created).id != outbound.id  # each mapping is a new event id


def test_an_unknown_domain_event_has_no_message():
    with pytest.raises(TypeError):
        messages.outbound(object())


def test_profile_fields_and_addresses_become_a_command():
    request = pb.CreatePersonRequest(
        person=pb.Person(
            given_name="Jane",
            salutation="Dear Ms Doe",
            preferred_language="ro-RO",
            time_zone="Europe/Bucharest",
            addresses=[
                pb.PostalAddress(kind=pb.ADDRESS_KIND_HOME, lines=["Strada Lipscani 12", "Ap. 3"], postal_code="030031", city="Bucharest", country="RO"),
                pb.PostalAddress(kind=pb.ADDRESS_KIND_SHIPPING, city="Cluj-Napoca", region="Cluj", country="ro"),
            ],
        )
    )
    cmd = mappers.create_person(request)
    assert (cmd.salutation, cmd.preferred_language, cmd.time_zone) == ("Dear Ms Doe", "ro-RO", "Europe/Bucharest")
    assert cmd.addresses == [
        ("home", ["Strada Lipscani 12", "Ap. 3"], "030031", "Bucharest", "", "RO"),
        ("shipping", [], "", "Cluj-Napoca", "Cluj", "ro"),
    ]


def test_unset_and_unknown_address_kinds_are_reported_by_path():
    request = pb.CreatePersonRequest(
        person=pb.Person(
            given_name="Jane",
            addresses=[pb.PostalAddress(city="Bucharest", country="RO"), pb.PostalAddress(kind=42, city="Bucharest", country="RO")],
        )
    )
    cmd = mappers.create_person(request)
    assert [a[0] for a in cmd.addresses] == [None, None]
    with pytest.raises(InvalidArgument) as caught:
        person_from(cmd)
    assert [v.field for v in mappers.under("person", caught.value).violations] == ["person.addresses[0].kind", "person.addresses[1].kind"]


def test_person_message_carries_profile_and_every_address_kind():
    kinds = ["home", "work", "billing", "shipping", "other"]
    person = person_from(
        commands.CreatePerson(
            given_name="Jane",
            family_name="Doe",
            salutation="Dear Jane",
            preferred_language="en-gb",
            time_zone="Europe/London",
            addresses=[(k, [f"{i} High Street"], "SW1A 1AA", "London", "", "gb") for i, k in enumerate(kinds)],
        )
    )
    message = messages.person(person)
    assert (message.salutation, message.preferred_language, message.time_zone) == ("Dear Jane", "en-GB", "Europe/London")
    assert [a.kind for a in message.addresses] == [
        pb.ADDRESS_KIND_HOME, pb.ADDRESS_KIND_WORK, pb.ADDRESS_KIND_BILLING, pb.ADDRESS_KIND_SHIPPING, pb.ADDRESS_KIND_OTHER
    ]
    assert message.addresses[2] == pb.PostalAddress(kind=pb.ADDRESS_KIND_BILLING, lines=["2 High Street"], postal_code="SW1A 1AA", city="London", country="GB")
    back = mappers.create_person(pb.CreatePersonRequest(person=message))
    assert person_from(back).addresses == person.addresses
    [created] = person.events
    assert messages.outbound(created).message.person.addresses == message.addresses


def test_set_person_consent_request_becomes_a_command():
    at = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    request = pb.SetPersonConsentRequest(
        person_id="p-1",
        consent=pb.Consent(channel=pb.CHANNEL_EMAIL, purpose=pb.PURPOSE_MARKETING, granted=True, source="web form", record_time=stamp(at)),
    )
    assert mappers.set_person_consent(request) == commands.SetPersonConsent("p-1", "email", "marketing", True, "web form", at)
    unknown = mappers.set_person_consent(pb.SetPersonConsentRequest(person_id="p-1", consent=pb.Consent(channel=99)))
    assert unknown == commands.SetPersonConsent("p-1", None, None, False, "", None)


def test_consent_changed_goes_to_the_outbox_as_a_protobuf_event():
    person = person_from(commands.CreatePerson(given_name="Jane", family_name="Doe"))
    person.events.clear()
    at = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    person.set_consent("sms", "service", False, "call", at)
    [changed] = person.events
    before = datetime.now(UTC)
    outbound = messages.outbound(changed)
    assert (outbound.event_type, outbound.message_type) == ("ConsentChanged", "crm.contacts.v1.ConsentChanged")
    assert (outbound.aggregate_type, outbound.aggregate_id) == ("person", person.id)
    assert outbound.occurred_at >= before  # when the file changed; when the person answered travels in the consent
    assert outbound.message == events_pb2.ConsentChanged(
        person_id=person.id,
        consent=pb.Consent(channel=pb.CHANNEL_SMS, purpose=pb.PURPOSE_SERVICE, granted=False, source="call", record_time=stamp(at)),
    )
