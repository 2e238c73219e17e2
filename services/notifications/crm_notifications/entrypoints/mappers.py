"""Incoming events and requests in the notifications service's own terms."""
from __future__ import annotations

from crm.contacts.v1 import contacts_pb2 as contacts_pb
from crm_chassis.access import Audience
from crm_notifications.domain.welcome import NewPerson

CHANNEL_WORDS = {contacts_pb.CHANNEL_EMAIL: "email", contacts_pb.CHANNEL_SMS: "sms", contacts_pb.CHANNEL_PHONE: "phone", contacts_pb.CHANNEL_LETTER: "letter", contacts_pb.CHANNEL_FAX: "fax"}
PURPOSE_WORDS = {contacts_pb.PURPOSE_MARKETING: "marketing", contacts_pb.PURPOSE_SERVICE: "service"}


def new_person(person: contacts_pb.Person) -> NewPerson:
    return NewPerson(
        person_id=person.id,
        display_name=" ".join(part for part in (person.given_name, person.family_name) if part),
        emails=[e.address for e in person.emails if e.address],
        granted={
            (CHANNEL_WORDS[c.channel], PURPOSE_WORDS[c.purpose])
            for c in person.consents
            if c.granted and c.channel in CHANNEL_WORDS and c.purpose in PURPOSE_WORDS
        },
        audience=Audience(person.owner, person.team, person.territory),
    )
