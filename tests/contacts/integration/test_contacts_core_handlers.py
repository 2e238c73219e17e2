"""Core use cases on SQLite and PostgreSQL: personal details, UpdatePerson, erasure and owned products."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from contacts_support import ALICE, BOB, CAROL, jane
from google.protobuf import json_format

from crm.contacts.v1 import events_pb2
from crm_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from crm_contacts.adapters import messages, orm
from crm_contacts.domain import commands
from crm_contacts.domain.accounts import CreateAccount
from crm_contacts.domain.classification import Origin
from crm_contacts.domain.custom_fields import DefinitionDraft
from crm_contacts.service_layer import accounts, erasure, handlers, relations
from crm_contacts.service_layer import custom_fields as use_cases


def create(app, viewer=ALICE, **overrides):
    """Duplicates are allowed: the tests make many Janes on purpose."""
    return handlers.create_person(jane(**({"allow_duplicates": True} | overrides)), app.uow(), viewer, None)


def update(app, person_id, mask, viewer=ALICE, etag="", **values):
    cmd = commands.UpdatePerson(person_id, jane(**values), tuple(mask), etag, allow_duplicates=True)
    return handlers.update_person(cmd, app.uow(), viewer, None)


def outbox(app, aggregate_id=None):
    with app.engine.connect() as conn:
        query = sa.select(orm.outbox).order_by(orm.outbox.c.position)
        if aggregate_id:
            query = query.where(orm.outbox.c.aggregate_id == aggregate_id)
        return conn.execute(query).all()


def dossier(app, person_id, viewer=ALICE):
    entries, _ = handlers.list_history(person_id, app.uow(), viewer, 0, "")
    return [(e.kind, e.summary) for e in entries]


def test_personal_details_and_classification_survive_the_database(app):
    person = create(
        app, birth_date="1980-02-29", name_day="12-06", anniversaries=[("wedding", "2005-06-18"), ("joined", "2010-01-04")],
        tags=["VIP", "hotels"], lifecycle="prospect", origin=("campaign", "spring mailing", "camp-7"),
    )
    stored = handlers.get_person(person.id, app.uow(), ALICE)
    assert stored == person
    assert (stored.birth_date, stored.tags, stored.origin) == (date(1980, 2, 29), ("VIP", "hotels"), Origin("campaign", "spring mailing", "camp-7"))
    assert [a.label for a in stored.anniversaries] == ["wedding", "joined"]
    assert stored.etag == '"1"'


def test_update_writes_changed_fields_history_and_one_person_updated(app):
    person = create(app, tags=["VIP"])
    updated = update(app, person.id, ["family_name", "emails", "tags", "given_name"], family_name="Popescu",
                     emails=[("jane@popescu.ro", "personal")], tags=["VIP"], given_name="Jane")
    assert (updated.family_name, updated.emails[0].address, updated.etag) == ("Popescu", "jane@popescu.ro", '"2"')
    assert handlers.get_person(person.id, app.uow(), ALICE) == updated
    assert dossier(app, person.id)[0] == ("PersonUpdated", "Changed: family name, emails")
    row = outbox(app, person.id)[-1]
    assert row.event_type == "PersonUpdated"
    event = json_format.Parse(row.payload, events_pb2.PersonUpdated())
    assert list(event.changed_fields) == ["family_name", "emails"] and event.person == messages.person(updated)


def test_an_update_that_changes_nothing_writes_nothing(app):
    person = create(app)
    before = len(outbox(app))
    same = update(app, person.id, ["family_name", "given_name"], family_name="Doe", given_name="Jane")
    assert same.etag == person.etag and len(outbox(app)) == before and len(dossier(app, person.id)) == 1


def test_an_invalid_update_writes_nothing_and_reports_everything(app):
    person = create(app)
    with pytest.raises(InvalidArgument) as caught:
        update(app, person.id, ["family_name", "given_name", "phones", "birth_date", "tags"], family_name="", given_name="",
               phones=[("12", "mobile")], birth_date="1980-13-01", tags=["a", "A"])
    assert {v.field for v in caught.value.violations} == {"given_name", "family_name", "phones[0].number", "birth_date", "tags[1]"}
    assert handlers.get_person(person.id, app.uow(), ALICE) == person


def test_stale_etag_and_invisible_or_erased_persons(app):
    person = create(app)
    update(app, person.id, ["family_name"], etag=person.etag, family_name="One")
    with pytest.raises(FailedPrecondition):
        update(app, person.id, ["family_name"], etag=person.etag, family_name="Two")
    with pytest.raises(NotFound):
        update(app, person.id, ["family_name"], viewer=BOB, family_name="Bob's")
    assert update(app, person.id, ["family_name"], viewer=CAROL, family_name="Carol's").family_name == "Carol's"  # same territory
    erasure.erase_person(commands.ErasePerson(person.id, "request"), app.uow(), ALICE)
    with pytest.raises(FailedPrecondition):
        update(app, person.id, ["family_name"], family_name="Back")


def test_erasure_leaves_no_personal_data_behind(app):
    person = create(app, birth_date="1980-01-01", anniversaries=[("wedding", "2000-01-01")], tags=["VIP"],
                    addresses=[("home", ["Str. Lunga 1"], "400000", "Cluj", "", "RO")], salutation="Dear Jane")
    update(app, person.id, ["family_name"], family_name="Popescu")
    handlers.set_person_consent(commands.SetPersonConsent(person.id, "sms", "service", True, "call"), app.uow(), ALICE)
    other = create(app, given_name="Ion", family_name="Pop", emails=[("ion@example.com", "work")])
    first_event = outbox(app, person.id)[0].position
    with app.engine.begin() as conn:  # one of Jane's events was published already
        conn.execute(sa.update(orm.outbox).where(orm.outbox.c.position == first_event).values(state="published"))

    with pytest.raises(NotFound):
        erasure.erase_person(commands.ErasePerson(person.id, "GDPR"), app.uow(), BOB)
    erased = erasure.erase_person(commands.ErasePerson(person.id, "GDPR request 2026-11"), app.uow(), ALICE)

    assert erased.erased and (erased.given_name, erased.family_name, erased.tags) == ("", "", ())
    assert handlers.get_person(person.id, app.uow(), ALICE) == erased
    assert dossier(app, person.id) == [("PersonErased", "Erased by alice: GDPR request 2026-11")]
    [row] = outbox(app, person.id)
    assert row.event_type == "PersonErased"
    assert json_format.Parse(row.payload, events_pb2.PersonErased()).person_id == person.id
    with app.engine.connect() as conn:
        for table in (orm.person_emails, orm.person_phones, orm.person_addresses, orm.person_consents, orm.person_anniversaries, orm.person_tags):
            assert conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.person_id == person.id)).scalar_one() == 0
        dumped = " ".join(str(v) for table in (orm.persons, orm.person_history, orm.outbox)
                          for r in conn.execute(sa.select(table)) for v in r)
    for personal in ("Jane", "Doe", "Popescu", "Cluj", "1980-01-01", "VIP", "Dear Jane", "call"):
        assert personal not in dumped
    assert "Ion" in dumped  # the others are untouched
    persons, _ = handlers.list_persons(app.uow(), ALICE, 0, "")
    assert [p.id for p in persons] == [other.id]
    again = erasure.erase_person(commands.ErasePerson(person.id, ""), app.uow(), ALICE)
    assert again.erased_at == erased.erased_at and len(outbox(app, person.id)) == 1


def test_an_erased_person_takes_no_facts_from_other_services(app):
    person = create(app)
    erasure.erase_person(commands.ErasePerson(person.id, ""), app.uow(), ALICE)
    late = commands.RecordHistory("evt-late", person.id, "NotificationSent", "Email 'welcome' sent to jane@example.com", "notifications", None)
    assert handlers.record_history(late, app.uow(), "contacts.on_notification_sent") is False
    assert [kind for kind, _ in dossier(app, person.id)] == ["PersonErased"]


def test_erase_reason_is_limited(app):
    person = create(app)
    with pytest.raises(InvalidArgument) as caught:
        erasure.erase_person(commands.ErasePerson(person.id, "x" * 201), app.uow(), ALICE)
    assert [v.field for v in caught.value.violations] == ["reason"]


def add_product(app, viewer=ALICE, **overrides):
    fields = dict(person_id="", account_id="", product_id="sku-1", name="Boiler", quantity=1, purchased_on="2024-05-01", source="sales:order:42")
    return handlers.add_owned_product(commands.AddOwnedProduct(**(fields | overrides)), app.uow(), viewer)


def test_owned_products_of_a_person(app):
    person = create(app)
    first = add_product(app, person_id=person.id)
    second = add_product(app, person_id=person.id, product_id="sku-2", name="Thermostat", quantity=2, purchased_on="")
    page, token = handlers.list_owned_products(person.id, "", False, app.uow(), ALICE, 1, "")
    assert [o.id for o in page] == [first.id] and token
    rest, token = handlers.list_owned_products(person.id, "", False, app.uow(), ALICE, 1, token)
    assert [o.id for o in rest] == [second.id] and token == ""
    assert rest[0].purchased_on is None and rest[0].quantity == 2

    changed = handlers.update_owned_product(commands.UpdateOwnedProduct(first.id, {"active": False}, ("active",)), app.uow(), ALICE)
    assert changed.active is False
    active, _ = handlers.list_owned_products(person.id, "", True, app.uow(), ALICE, 0, "")
    assert [o.id for o in active] == [second.id]
    assert dossier(app, person.id)[0] == ("OwnedProductChanged", "Owned product Boiler changed: active (no longer active)")
    assert dossier(app, person.id)[1] == ("OwnedProductAdded", "Owns 2 × Thermostat (from sales:order:42)")
    kinds = [r.event_type for r in outbox(app) if r.aggregate_type == "owned_product"]
    assert kinds == ["OwnedProductAdded", "OwnedProductAdded", "OwnedProductChanged"]
    payload = json_format.Parse(outbox(app, first.id)[-1].payload, events_pb2.OwnedProductChanged())
    assert list(payload.changed_fields) == ["active"] and payload.owned_product.person_id == person.id


def test_owned_products_respect_record_level_access(app):
    person = create(app)
    with pytest.raises(NotFound):
        add_product(app, viewer=BOB, person_id=person.id)
    product = add_product(app, person_id=person.id)
    with pytest.raises(NotFound):
        handlers.list_owned_products(person.id, "", False, app.uow(), BOB, 0, "")
    with pytest.raises(NotFound):
        handlers.update_owned_product(commands.UpdateOwnedProduct(product.id, {"active": False}, ("active",)), app.uow(), BOB)
    with pytest.raises(NotFound):
        add_product(app, person_id="no-such-person")
    with pytest.raises(InvalidArgument):
        handlers.list_owned_products("", "", False, app.uow(), ALICE, 0, "")


def test_owned_products_of_an_account(app):
    account = accounts.create_account(CreateAccount({"name": "Acme"}), app.uow(), ALICE)
    product = add_product(app, account_id=account.id)
    assert (product.person_id, product.account_id) == ("", account.id)
    listed, _ = handlers.list_owned_products("", account.id, False, app.uow(), ALICE, 0, "")
    assert [o.id for o in listed] == [product.id]
    for call in (lambda: add_product(app, viewer=BOB, account_id=account.id), lambda: add_product(app, account_id="no-such-account"),
                 lambda: handlers.list_owned_products("", account.id, False, app.uow(), BOB, 0, "")):
        with pytest.raises(NotFound):
            call()


def test_erasure_reaches_every_area_of_the_customer_file(app):
    """Custom values, relations, account links, match keys, search words: nothing names the person afterwards."""
    use_cases.create_custom_field(
        use_cases.CreateCustomField("person", "nickname", "text", DefinitionDraft(label="Nickname", required=False, options=(), validation={})), app.uow()
    )
    person = create(app, given_name="Zenobia", family_name="Quixwell", emails=[("zenobia@quixwell.example", "work")],
                    custom_fields={"nickname": "Zeezee"})
    spouse = create(app, given_name="Ion", family_name="Pop", emails=[("ion@example.com", "work")])
    account = accounts.create_account(CreateAccount({"name": "Acme"}), app.uow(), ALICE)
    relations.link_person_to_account(relations.LinkPersonToAccount(person.id, account.id, {"position": "Chief Quixwell Officer"}), app.uow(), ALICE)
    relations.relate(relations.Relate("person", person.id, spouse.id, "spouse"), app.uow(), ALICE)

    erasure.erase_person(commands.ErasePerson(person.id, "GDPR"), app.uow(), ALICE)

    with app.engine.connect() as conn:
        dumped = " ".join(str(v) for table in orm.metadata.sorted_tables for r in conn.execute(sa.select(table)) for v in r).lower()
    for personal in ("zenobia", "quixwell", "zeezee"):
        assert personal not in dumped, personal
    assert "ion@example.com" in dumped and "acme" in dumped
    assert ("PersonsRelated", "Related: [erased] (spouse)") in dossier(app, spouse.id)  # the spouse's dossier keeps the fact
    [link], _ = relations.list_links(app.uow(), ALICE, person_id=person.id, include_ended=True, page_size=0, page_token="")
    assert (link.account_id, link.position) == (account.id, "")  # the link stays, without its free text


def test_update_custom_fields_whole_or_by_key(app):
    for key, required in (("nickname", False), ("tier", True)):
        use_cases.create_custom_field(
            use_cases.CreateCustomField("person", key, "text", DefinitionDraft(label=key.title(), required=required, options=(), validation={})), app.uow()
        )
    person = create(app, custom_fields={"nickname": "Jo", "tier": "gold"})
    one = update(app, person.id, ["custom_fields.nickname"], custom_fields={"nickname": "Janie", "tier": "ignored"})
    assert one.custom_fields == {"nickname": "Janie", "tier": "gold"}
    assert dossier(app, person.id)[0] == ("PersonUpdated", "Changed: custom fields")
    removed = update(app, person.id, ["custom_fields.nickname"], custom_fields={})
    assert removed.custom_fields == {"tier": "gold"}
    with pytest.raises(InvalidArgument) as caught:
        update(app, person.id, ["custom_fields.tier", "custom_fields.nope"], custom_fields={"nope": "x"})
    assert {v.field for v in caught.value.violations} == {"custom_fields.tier", "custom_fields.nope"}
    whole = update(app, person.id, ["custom_fields"], custom_fields={"tier": "silver"})
    assert handlers.get_person(person.id, app.uow(), ALICE).custom_fields == whole.custom_fields == {"tier": "silver"}
    with pytest.raises(InvalidArgument):
        update(app, person.id, ["custom_fields"], custom_fields={"nickname": "x"})  # tier is required


def test_erasing_a_survivor_erases_the_records_merged_into_it(app):
    survivor = create(app)
    merged = create(app, given_name="Janet", emails=[("janet@example.com", "work")])
    with app.engine.begin() as conn:  # as MergePersons leaves it: a tombstone pointing at the survivor
        conn.execute(sa.update(orm.persons).where(orm.persons.c.id == merged.id).values(merged_into=survivor.id))
    erasure.erase_person(commands.ErasePerson(survivor.id, ""), app.uow(), ALICE)
    tombstone = handlers.get_person(merged.id, app.uow(), ALICE)
    assert tombstone.erased and tombstone.given_name == "" and tombstone.emails == [] and tombstone.merged_into == survivor.id
    assert [r.event_type for r in outbox(app, merged.id)] == ["PersonErased"]
