"""Domain objects as protobuf messages: for gRPC answers and for events alike."""
from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import events_pb2
from crm_chassis.envelope import OutboundEvent
from crm_contacts.domain import events
from crm_contacts.domain.model import Consent, HistoryEntry, Person, PostalAddress

EMAIL_KIND = {"work": pb.EMAIL_KIND_WORK, "personal": pb.EMAIL_KIND_PERSONAL, "other": pb.EMAIL_KIND_OTHER}
PHONE_KIND = {"work": pb.PHONE_KIND_WORK, "mobile": pb.PHONE_KIND_MOBILE, "home": pb.PHONE_KIND_HOME, "fax": pb.PHONE_KIND_FAX, "other": pb.PHONE_KIND_OTHER}
CHANNEL = {"email": pb.CHANNEL_EMAIL, "sms": pb.CHANNEL_SMS, "phone": pb.CHANNEL_PHONE, "letter": pb.CHANNEL_LETTER, "fax": pb.CHANNEL_FAX}
PURPOSE = {"marketing": pb.PURPOSE_MARKETING, "service": pb.PURPOSE_SERVICE}
ADDRESS_KIND = {
    "home": pb.ADDRESS_KIND_HOME, "work": pb.ADDRESS_KIND_WORK, "billing": pb.ADDRESS_KIND_BILLING,
    "shipping": pb.ADDRESS_KIND_SHIPPING, "other": pb.ADDRESS_KIND_OTHER,
}


def timestamp(value: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def consent(c: Consent) -> pb.Consent:
    return pb.Consent(channel=CHANNEL[c.channel], purpose=PURPOSE[c.purpose], granted=c.granted, source=c.source, record_time=timestamp(c.recorded_at))


def postal_address(a: PostalAddress) -> pb.PostalAddress:
    return pb.PostalAddress(
        kind=ADDRESS_KIND[a.kind], lines=list(a.lines), postal_code=a.postal_code, city=a.city, region=a.region, country=a.country
    )


def person(p: Person) -> pb.Person:
    return pb.Person(
        id=p.id,
        given_name=p.given_name,
        family_name=p.family_name,
        emails=[pb.EmailAddress(address=e.address, kind=EMAIL_KIND[e.kind]) for e in p.emails],
        phones=[pb.PhoneNumber(number=n.number, kind=PHONE_KIND[n.kind]) for n in p.phones],
        consents=[consent(c) for c in p.consents],
        owner=p.owner,
        team=p.team,
        territory=p.territory,
        create_time=timestamp(p.created_at),
        update_time=timestamp(p.updated_at),
        salutation=p.salutation,
        preferred_language=p.preferred_language,
        time_zone=p.time_zone,
        addresses=[postal_address(a) for a in p.addresses],
    )


def history_entry(e: HistoryEntry) -> pb.HistoryEntry:
    return pb.HistoryEntry(id=e.id, person_id=e.person_id, kind=e.kind, summary=e.summary, source=e.source, occur_time=timestamp(e.occurred_at))


def outbound(event) -> OutboundEvent:
    """The outbox mapper: each domain event as the protobuf message other services consume."""
    if isinstance(event, events.PersonCreated):
        return OutboundEvent("person", event.person.id, events_pb2.PersonCreated(person=person(event.person)), occurred_at=event.person.created_at)
    if isinstance(event, events.ConsentChanged):
        # Occurred when the file changed (now, at commit); when the person answered is the consent's record_time.
        return OutboundEvent("person", event.person_id, events_pb2.ConsentChanged(person_id=event.person_id, consent=consent(event.consent)))
    # one branch per area's events, in the areas' order: core, accounts, custom fields, search, duplicates, import
    raise TypeError(f"no message for domain event {type(event).__name__}")
