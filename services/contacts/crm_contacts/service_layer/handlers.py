"""Use cases of the customer file: one function per command or query."""
from __future__ import annotations

from collections.abc import Callable

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.errors import NotFound, Violations
from crm_chassis.idempotency import check_request_id
from crm_contacts.domain import commands
from crm_contacts.domain.model import Consent, HistoryEntry, Person
from crm_contacts.domain.owned_products import OwnedProduct
from crm_contacts.service_layer import custom_fields as custom_field_use_cases
from crm_contacts.service_layer import duplicates
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

UowFactory = Callable[[], ContactsUnitOfWork]
SOURCE = "contacts"


def create_person(cmd: commands.CreatePerson, uow: ContactsUnitOfWork, viewer: Viewer, default_phone_region: str | None) -> Person:
    """A retry with the request id of an earlier create answers that person as it is now, and writes nothing."""
    with uow:
        earlier = uow.handled_request(viewer.subject, "CreatePerson", cmd.request_id)  # idempotency
        if earlier is not None:
            return _visible_person(uow, earlier, viewer)
        problems = Violations()
        check_request_id(cmd.request_id, problems)
        custom_values = _custom_values(uow, cmd.custom_fields, problems, partial=False)
        person = Person.create(
            given_name=cmd.given_name,
            family_name=cmd.family_name,
            emails=cmd.emails,
            phones=cmd.phones,
            consents=cmd.consents,
            owner=viewer,
            team=cmd.team,
            territory=cmd.territory,
            salutation=cmd.salutation,
            preferred_language=cmd.preferred_language,
            time_zone=cmd.time_zone,
            addresses=cmd.addresses,
            default_phone_region=default_phone_region,
            birth_date=cmd.birth_date,
            name_day=cmd.name_day,
            anniversaries=cmd.anniversaries,
            tags=cmd.tags,
            lifecycle=cmd.lifecycle,
            origin=cmd.origin,
            custom_fields=custom_values,
            problems=problems,
        )
        duplicates.check_person(uow, person, cmd.allow_duplicates, viewer=viewer)  # duplicates: likely duplicates → ALREADY_EXISTS
        uow.remember_request(viewer.subject, "CreatePerson", cmd.request_id, person.id)  # idempotency
        uow.persons.add(person)
        _store_custom_values(uow, person)
        uow.history.add(HistoryEntry.new(person.id, "PersonCreated", f"{person.display_name} added by {viewer.subject}", SOURCE, person.created_at))
        uow.commit()
    return person


def update_person(cmd: commands.UpdatePerson, uow: ContactsUnitOfWork, viewer: Viewer, default_phone_region: str | None) -> Person:
    """Changes the masked fields; writes and publishes nothing when no value really changed."""
    with uow:
        person = _visible_person(uow, cmd.person_id, viewer, for_update=True)
        problems = Violations()
        raw = cmd.person.field_values()
        mask = list(cmd.update_mask)
        if "custom_fields" in mask:  # the whole map
            raw["custom_fields"] = _custom_values(uow, cmd.person.custom_fields, problems, partial=False)
        elif keys := [p.split(".", 1)[1] for p in mask if p.startswith("custom_fields.")]:  # some keys
            raw["custom_fields"] = _some_custom_values(uow, person, keys, cmd.person.custom_fields, problems)
            mask.append("custom_fields")
        mask = [p for p in mask if not p.startswith("custom_fields.")]
        changed = person.update(raw, mask, etag=cmd.etag, default_phone_region=default_phone_region, problems=problems)
        if not changed:
            return person
        duplicates.check_person(uow, person, cmd.allow_duplicates, viewer=viewer, changed=changed)  # duplicates: → ALREADY_EXISTS
        uow.persons.save(person)
        if "custom_fields" in changed:
            _store_custom_values(uow, person)
        words = ", ".join(name.replace("_", " ") for name in changed)
        uow.history.add(HistoryEntry.new(person.id, "PersonUpdated", f"Changed: {words}", SOURCE, person.updated_at))
        uow.commit()
    return person


def _custom_values(uow: ContactsUnitOfWork, raw: dict, problems: Violations, *, partial: bool) -> dict:
    """Seam for the custom fields area: validate `raw` against the active person definitions."""
    return custom_field_use_cases.validate(uow, "person", raw, problems, partial=partial)


def _some_custom_values(uow: ContactsUnitOfWork, person: Person, keys: list[str], raw: dict, problems: Violations) -> dict:
    """Mask paths `custom_fields.<key>`: those keys get the request's values (absent from the map = removed); the
    person's other values stay as they are, unchecked (a definition made stricter since does not block them)."""
    given = _custom_values(uow, {k: raw.get(k) for k in keys}, problems, partial=True)
    required = {d.key: d.label for d in uow.custom_fields.definitions("person") if d.required}
    for key in keys:
        if key in required and key not in given:
            problems.add(f"custom_fields.{key}", f"{required[key]} is required")
    kept = {k: v for k, v in person.custom_fields.items() if k not in keys}
    return kept | given


def _store_custom_values(uow: ContactsUnitOfWork, person: Person) -> None:
    """Seam for the custom fields area: replace the person's stored values."""
    uow.custom_values.replace("person", person.id, person.custom_fields)


def _visible_person(uow: ContactsUnitOfWork, person_id: str, viewer: Viewer, *, for_update: bool = False) -> Person:
    """Inside an open unit of work; NOT_FOUND both for a missing person and for one the viewer may not see."""
    person = uow.persons.get(person_id, for_update=for_update, viewer=viewer) if person_id else None  # access checked in SQL
    if person is None or not person.is_visible_to(viewer):
        raise NotFound(f"person {person_id} not found")
    return person


def get_person(person_id: str, uow: ContactsUnitOfWork, viewer: Viewer) -> Person:
    """NOT_FOUND both for a missing person and for one the viewer may not see; an erased person is returned
    (erased=true, nothing personal left) so that callers holding its id learn what happened."""
    with uow:
        return _visible_person(uow, person_id, viewer)


def set_person_consent(cmd: commands.SetPersonConsent, uow: ContactsUnitOfWork, viewer: Viewer) -> Person:
    """Grants or withdraws one consent; the same answer again writes nothing and publishes nothing."""
    with uow:
        person = _visible_person(uow, cmd.person_id, viewer, for_update=True)
        had = {(c.channel, c.purpose) for c in person.consents}
        if person.set_consent(cmd.channel, cmd.purpose, cmd.granted, cmd.source, cmd.recorded_at):
            uow.persons.save(person)
            consent = next(c for c in person.consents if (c.channel, c.purpose) == (cmd.channel, cmd.purpose))
            summary = _consent_summary(consent, first=(consent.channel, consent.purpose) not in had)
            uow.history.add(HistoryEntry.new(person.id, "ConsentChanged", summary, SOURCE, consent.recorded_at))
            uow.commit()
    return person


_CHANNEL_WORDS = {"email": "Email", "sms": "SMS", "phone": "Phone", "letter": "Letter", "fax": "Fax"}


def _consent_summary(consent: Consent, first: bool) -> str:
    """E.g. "Email marketing consent granted via web form"; a first "no" is refused, a later one withdrawn."""
    verb = "granted" if consent.granted else ("refused" if first else "withdrawn")
    via = f" via {consent.source}" if consent.source else ""
    return f"{_CHANNEL_WORDS[consent.channel]} {consent.purpose} consent {verb}{via}"


def list_persons(uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str) -> tuple[list[Person], str]:
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        persons = uow.persons.list_visible(viewer, after, size + 1)
    return paging.page(persons, size, lambda p: paging.time_key(p.created_at, p.id))


def list_history(person_id: str, uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str) -> tuple[list[HistoryEntry], str]:
    size = paging.page_size(page_size)
    before = paging.decode_time_key(page_token)
    get_person(person_id, uow, viewer)
    with uow:
        entries = uow.history.list_for(person_id, before, size + 1)
    return paging.page(entries, size, lambda e: paging.time_key(e.occurred_at, e.id))


def record_history(cmd: commands.RecordHistory, uow: ContactsUnitOfWork, consumer: str) -> bool:
    """Adds another service's fact to a person's dossier once; False for a duplicate or unknown person."""
    with uow:
        if not uow.claim_event(consumer, cmd.event_id):
            return False
        if not uow.persons.exists(cmd.person_id, include_erased=False):
            # remember the event: a person we never had will not appear later, an erased one takes no new facts
            uow.commit()
            return False
        uow.history.add(HistoryEntry.new(cmd.person_id, cmd.kind, cmd.summary, cmd.source, cmd.occurred_at))
        uow.commit()
    return True


# --- owned products ---
def add_owned_product(cmd: commands.AddOwnedProduct, uow: ContactsUnitOfWork, viewer: Viewer) -> OwnedProduct:
    with uow:
        product = add_owned_product_in(uow, cmd, viewer)
        uow.commit()
    return product


def add_owned_product_in(uow: ContactsUnitOfWork, cmd: commands.AddOwnedProduct, viewer: Viewer) -> OwnedProduct:
    """The use case inside an open unit of work: the sales feed adds a won deal's products in one transaction."""
    product = OwnedProduct.add(
        person_id=cmd.person_id, account_id=cmd.account_id, product_id=cmd.product_id, name=cmd.name,
        quantity=cmd.quantity, purchased_on=cmd.purchased_on, active=cmd.active, source=cmd.source,
    )
    _check_owner(uow, product.person_id, product.account_id, viewer, writing=True)
    uow.owned_products.add(product)
    if product.person_id:
        summary = f"Owns {product.quantity} × {product.name}" + (f" (from {product.source})" if product.source != "manual" else "")
        uow.history.add(HistoryEntry.new(product.person_id, "OwnedProductAdded", summary, SOURCE, product.created_at))
    return product


def list_owned_products(
    person_id: str, account_id: str, active_only: bool, uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str
) -> tuple[list[OwnedProduct], str]:
    if bool(person_id) == bool(account_id):
        problems = Violations()
        problems.add("person_id", "give exactly one owner: a person_id or an account_id")
        problems.add("account_id", "give exactly one owner: a person_id or an account_id")
        problems.raise_if_any()
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        _check_owner(uow, person_id, account_id, viewer, writing=False)
        products = uow.owned_products.list_for(person_id=person_id, account_id=account_id, active_only=active_only, after=after, limit=size + 1)
    return paging.page(products, size, lambda o: paging.time_key(o.created_at, o.id))


def update_owned_product(cmd: commands.UpdateOwnedProduct, uow: ContactsUnitOfWork, viewer: Viewer) -> OwnedProduct:
    with uow:
        product = update_owned_product_in(uow, cmd, viewer)
        uow.commit()
    return product


def update_owned_product_in(uow: ContactsUnitOfWork, cmd: commands.UpdateOwnedProduct, viewer: Viewer) -> OwnedProduct:
    """The use case inside an open unit of work (the sales feed deactivates a reopened deal's products with it)."""
    product = uow.owned_products.get(cmd.id, for_update=True) if cmd.id else None
    if product is None:
        raise NotFound(f"owned product {cmd.id} not found")
    try:
        _check_owner(uow, product.person_id, product.account_id, viewer, writing=True)
    except NotFound:
        raise NotFound(f"owned product {cmd.id} not found") from None
    changed = product.update(cmd.values, cmd.update_mask)
    if changed:
        uow.owned_products.save(product)
        if product.person_id:
            state = "" if "active" not in changed else (" (active again)" if product.active else " (no longer active)")
            words = ", ".join(changed)
            summary = f"Owned product {product.name} changed: {words}{state}"
            uow.history.add(HistoryEntry.new(product.person_id, "OwnedProductChanged", summary, SOURCE, product.updated_at))
    return product


def _check_owner(uow: ContactsUnitOfWork, person_id: str, account_id: str, viewer: Viewer, *, writing: bool) -> None:
    """The owner must exist and be visible (NOT_FOUND otherwise); an erased or merged person takes no new facts."""
    if person_id:
        person = _visible_person(uow, person_id, viewer)
        if writing:
            person.ensure_writable()
    if account_id:
        account = uow.accounts.get(account_id)
        if account is None or not account.is_visible_to(viewer):
            raise NotFound(f"account {account_id} not found")
