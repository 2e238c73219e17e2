"""Domain objects as protobuf messages: for gRPC answers and for events alike."""
from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import events_pb2
from crm_chassis.envelope import OutboundEvent
from crm_contacts.adapters import account_messages, custom_field_messages
from crm_contacts.domain import events
from crm_contacts.domain.classification import Origin
from crm_contacts.domain.model import Consent, HistoryEntry, Person, PostalAddress
from crm_contacts.domain.owned_products import OwnedProduct

EMAIL_KIND = {"work": pb.EMAIL_KIND_WORK, "personal": pb.EMAIL_KIND_PERSONAL, "other": pb.EMAIL_KIND_OTHER}
PHONE_KIND = {"work": pb.PHONE_KIND_WORK, "mobile": pb.PHONE_KIND_MOBILE, "home": pb.PHONE_KIND_HOME, "fax": pb.PHONE_KIND_FAX, "other": pb.PHONE_KIND_OTHER}
CHANNEL = {"email": pb.CHANNEL_EMAIL, "sms": pb.CHANNEL_SMS, "phone": pb.CHANNEL_PHONE, "letter": pb.CHANNEL_LETTER, "fax": pb.CHANNEL_FAX}
PURPOSE = {"marketing": pb.PURPOSE_MARKETING, "service": pb.PURPOSE_SERVICE}
ADDRESS_KIND = {
    "home": pb.ADDRESS_KIND_HOME, "work": pb.ADDRESS_KIND_WORK, "billing": pb.ADDRESS_KIND_BILLING,
    "shipping": pb.ADDRESS_KIND_SHIPPING, "other": pb.ADDRESS_KIND_OTHER,
}

LIFECYCLE = {"prospect": pb.LIFECYCLE_PROSPECT, "customer": pb.LIFECYCLE_CUSTOMER, "former": pb.LIFECYCLE_FORMER}
ORIGIN_KIND = {
    "advert": pb.ORIGIN_KIND_ADVERT, "partner": pb.ORIGIN_KIND_PARTNER, "website": pb.ORIGIN_KIND_WEBSITE,
    "fair": pb.ORIGIN_KIND_FAIR, "campaign": pb.ORIGIN_KIND_CAMPAIGN, "referral": pb.ORIGIN_KIND_REFERRAL,
    "event": pb.ORIGIN_KIND_EVENT, "import": pb.ORIGIN_KIND_IMPORT, "other": pb.ORIGIN_KIND_OTHER,
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


def lifecycle(word: str) -> int:
    """"" (not set) is LIFECYCLE_UNSPECIFIED; shared with accounts."""
    return LIFECYCLE.get(word, pb.LIFECYCLE_UNSPECIFIED)


def origin(o: Origin) -> pb.Origin:
    """Shared with accounts."""
    return pb.Origin(kind=ORIGIN_KIND.get(o.kind, pb.ORIGIN_KIND_UNSPECIFIED), detail=o.detail, campaign_id=o.campaign_id)


def person(p: Person) -> pb.Person:
    message = pb.Person(
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
        birth_date=p.birth_date.isoformat() if p.birth_date else "",
        name_day=p.name_day,
        anniversaries=[pb.Anniversary(label=a.label, date=a.date.isoformat()) for a in p.anniversaries],
        tags=list(p.tags),
        lifecycle=lifecycle(p.lifecycle),
        origin=origin(p.origin),
        erased=p.erased,
        merged_into=p.merged_into,
        etag=p.etag,
    )
    if p.erased_at is not None:
        message.erase_time.CopyFrom(timestamp(p.erased_at))
    for key, value in p.custom_fields.items():  # custom fields
        message.custom_fields[key].CopyFrom(custom_field_messages.value(value))
    return message


def owned_product(o: OwnedProduct) -> pb.OwnedProduct:
    return pb.OwnedProduct(
        id=o.id, person_id=o.person_id, account_id=o.account_id, product_id=o.product_id, name=o.name, quantity=o.quantity,
        purchased_on=o.purchased_on.isoformat() if o.purchased_on else "", active=o.active, source=o.source,
        create_time=timestamp(o.created_at), update_time=timestamp(o.updated_at),
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
    # --- core ---
    if isinstance(event, events.PersonUpdated):
        message = events_pb2.PersonUpdated(person=person(event.person), changed_fields=list(event.changed_fields))
        return OutboundEvent("person", event.person.id, message, occurred_at=event.person.updated_at)
    if isinstance(event, events.PersonErased):
        message = events_pb2.PersonErased(person_id=event.person_id, erase_time=timestamp(event.erased_at))
        return OutboundEvent("person", event.person_id, message, occurred_at=event.erased_at)
    if isinstance(event, events.OwnedProductAdded):
        message = events_pb2.OwnedProductAdded(owned_product=owned_product(event.product))
        return OutboundEvent("owned_product", event.product.id, message, occurred_at=event.product.created_at)
    if isinstance(event, events.OwnedProductChanged):
        message = events_pb2.OwnedProductChanged(owned_product=owned_product(event.product), changed_fields=list(event.changed_fields))
        return OutboundEvent("owned_product", event.product.id, message, occurred_at=event.product.updated_at)
    # --- end core ---
    # --- accounts ---
    if isinstance(event, account_messages.EVENTS):
        return account_messages.outbound(event)
    # --- end accounts ---
    # --- custom fields ---
    if isinstance(event, events.CustomFieldDefined):
        message = events_pb2.CustomFieldDefined(custom_field=custom_field_messages.definition(event.definition))
        return OutboundEvent("custom_field", event.definition.id, message, occurred_at=event.definition.created_at)
    if isinstance(event, events.CustomFieldChanged):
        message = events_pb2.CustomFieldChanged(custom_field=custom_field_messages.definition(event.definition), changed_fields=list(event.changed_fields))
        return OutboundEvent("custom_field", event.definition.id, message, occurred_at=event.definition.updated_at)
    if isinstance(event, events.CustomFieldDeleted):
        message = events_pb2.CustomFieldDeleted(custom_field=custom_field_messages.definition(event.definition), purged=event.purged)
        return OutboundEvent("custom_field", event.definition.id, message, occurred_at=event.definition.updated_at)
    # --- end custom fields ---
    # --- duplicates ---
    if isinstance(event, events.PersonsMerged):
        message = events_pb2.PersonsMerged(
            merge_id=event.merge_id, survivor_id=event.survivor.id, merged_ids=list(event.merged_ids), survivor=person(event.survivor),
            changed_fields=list(event.changed_fields), merged_by=event.merged_by,
        )
        return OutboundEvent("person", event.survivor.id, message, occurred_at=event.survivor.updated_at)
    if isinstance(event, events.PersonMergeUndone):
        message = events_pb2.PersonMergeUndone(
            merge_id=event.merge_id, survivor_id=event.survivor_id, restored_ids=list(event.restored_ids), persons=[person(p) for p in event.persons],
        )
        return OutboundEvent("person", event.survivor_id, message)
    if isinstance(event, events.AccountsMerged):
        message = events_pb2.AccountsMerged(
            merge_id=event.merge_id, survivor_id=event.survivor.id, merged_ids=list(event.merged_ids), survivor=account_messages.account(event.survivor),
            changed_fields=list(event.changed_fields), merged_by=event.merged_by,
        )
        return OutboundEvent("account", event.survivor.id, message, occurred_at=event.survivor.updated_at)
    if isinstance(event, events.AccountMergeUndone):
        message = events_pb2.AccountMergeUndone(
            merge_id=event.merge_id, survivor_id=event.survivor_id, restored_ids=list(event.restored_ids), accounts=[account_messages.account(a) for a in event.accounts],
        )
        return OutboundEvent("account", event.survivor_id, message)
    # --- end duplicates ---
    # --- import and export ---
    if isinstance(event, events.ImportCompleted):
        j = event.job
        message = events_pb2.ImportCompleted(
            job_id=j.id, status=j.status, dry_run=j.dry_run, owner=j.owner, rows_total=j.rows_total, rows_accepted=j.rows_accepted,
            rows_rejected=j.rows_rejected, rows_duplicate=j.rows_duplicate, finish_time=timestamp(j.finished_at or j.updated_at),
        )
        return OutboundEvent("import", j.id, message, occurred_at=j.finished_at or j.updated_at)
    # --- end import and export ---
    # one branch per area's events, in the areas' order: core, accounts, custom fields, search, duplicates, import
    raise TypeError(f"no message for domain event {type(event).__name__}")
