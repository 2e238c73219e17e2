"""Custom field definitions and person values on real SQLite and PostgreSQL: CRUD, safe delete, storage, events."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from contacts_support import ALICE, BOB, MIGRATIONS, counts, jane
from google.protobuf import json_format

from crm.contacts.v1 import events_pb2
from crm_chassis import db, migrations
from crm_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from crm_contacts.adapters import orm
from crm_contacts.domain import commands
from crm_contacts.domain.custom_fields import Choice, DefinitionDraft, Money
from crm_contacts.service_layer import custom_fields as use_cases
from crm_contacts.service_layer import erasure, handlers


def define(app, key, type_, entity="person", *, required=False, options=(), **rules):
    cmd = use_cases.CreateCustomField(entity, key, type_, DefinitionDraft(label=key.replace("_", " ").title(), required=required, options=options, validation=rules))
    return use_cases.create_custom_field(cmd, app.uow())


def outbox(app):
    with app.engine.connect() as conn:
        return conn.execute(sa.select(orm.outbox).order_by(orm.outbox.c.position)).all()


def value_rows(app):
    with app.engine.connect() as conn:
        return conn.execute(sa.select(orm.custom_values).order_by(orm.custom_values.c.key, orm.custom_values.c.position)).all()


@pytest.fixture
def fields(app):
    return {
        "vat_regime": define(app, "vat_regime", "choice", options=[("normal", "Normal"), ("exempt", "Exempt")]),
        "score": define(app, "score", "number", decimal_places=2),
        "budget": define(app, "budget", "money"),
        "since": define(app, "since", "date"),
        "vip": define(app, "vip", "bool"),
        "nickname": define(app, "nickname", "text", max_length=20),
        "sectors": define(app, "sectors", "multi_choice", options=[("hotels", "Hotels"), ("fmcg", "FMCG")]),
    }


VALUES = {
    "vat_regime": "normal", "score": Decimal("12.5"), "budget": Money(1250, "EUR"), "since": date(2020, 1, 31), "vip": True,
    "nickname": "Jo", "sectors": ("fmcg", "hotels"),
}


def test_definitions_are_created_read_listed_by_key_and_announced(app, fields):
    account_field = define(app, "industry_code", "text", entity="account")
    assert use_cases.get_custom_field(fields["score"].id, app.uow()) == fields["score"]
    first, token = use_cases.list_custom_fields(app.uow(), "person", False, 3, "")
    rest, last = use_cases.list_custom_fields(app.uow(), "person", False, 0, token)
    assert [d.key for d in first + rest] == sorted(fields) and token and last == ""
    everything, _ = use_cases.list_custom_fields(app.uow(), None, False, 0, "")
    assert everything[0] == account_field  # accounts before persons, then by key
    [row] = [r for r in outbox(app) if r.aggregate_id == fields["score"].id]
    assert (row.event_type, row.aggregate_type) == ("CustomFieldDefined", "custom_field")
    event = json_format.Parse(row.payload, events_pb2.CustomFieldDefined())
    assert (event.custom_field.key, event.custom_field.validation.decimal_places) == ("score", 2)


def test_a_key_is_unique_per_entity_and_bad_definitions_write_nothing(app, fields):
    with pytest.raises(AlreadyExists):
        define(app, "score", "text")
    define(app, "score", "text", entity="account")  # another entity may use the key
    before = counts(app.engine)
    with pytest.raises(InvalidArgument) as caught:
        define(app, "Bad Key", "colour")
    assert {v.field for v in caught.value.violations} == {"key", "type"}
    with pytest.raises(NotFound):
        use_cases.get_custom_field("nope", app.uow())
    assert counts(app.engine) == before


def test_person_values_are_validated_stored_typed_and_returned_by_get_and_list(app, fields):
    person = handlers.create_person(jane(custom_fields=dict(VALUES, score="12.50", budget="EUR 12.50")), app.uow(), ALICE, None)
    assert person.custom_fields == VALUES
    stored = handlers.get_person(person.id, app.uow(), ALICE)
    assert stored.custom_fields == VALUES
    assert isinstance(stored.custom_fields["vat_regime"], Choice)
    [listed], _ = handlers.list_persons(app.uow(), ALICE, 0, "")
    assert listed.custom_fields == VALUES
    rows = {(r.key, r.position): r for r in value_rows(app)}
    assert len(rows) == 8  # one row per value, one per chosen option
    assert (rows["sectors", 0].text_value, rows["sectors", 1].text_value) == ("fmcg", "hotels")
    assert Decimal(rows["budget", 0].number_value) == Decimal("12.5") and rows["budget", 0].currency == "EUR"  # major units, searchable
    assert Decimal(rows["score", 0].number_value) == Decimal("12.5")
    assert rows["since", 0].date_value == date(2020, 1, 31) and rows["vip", 0].bool_value is True


def test_invalid_values_are_reported_with_the_other_fields_and_nothing_is_written(app, fields):
    define(app, "code", "text", required=True)
    before = counts(app.engine)
    with pytest.raises(InvalidArgument) as caught:
        handlers.create_person(jane(emails=[("nope", "work")], custom_fields={"score": "1.234", "colour": "red"}), app.uow(), ALICE, None)
    assert {v.field for v in caught.value.violations} == {
        "emails[0].address", "custom_fields.score", "custom_fields.colour", "custom_fields.code",
    }
    assert counts(app.engine) == before


def test_update_replaces_the_map_and_reports_changed_fields(app, fields):
    person = handlers.create_person(jane(custom_fields={"vip": True, "score": "1"}), app.uow(), ALICE, None)
    update = commands.UpdatePerson(person.id, jane(custom_fields={"vip": False, "sectors": ("hotels",)}), ("custom_fields",))
    updated = handlers.update_person(update, app.uow(), ALICE, None)
    assert updated.custom_fields == {"vip": False, "sectors": ("hotels",)}
    assert handlers.get_person(person.id, app.uow(), ALICE).custom_fields == {"vip": False, "sectors": ("hotels",)}
    last = outbox(app)[-1]
    assert last.event_type == "PersonUpdated"
    event = json_format.Parse(last.payload, events_pb2.PersonUpdated())
    assert list(event.changed_fields) == ["custom_fields"]
    assert event.person.custom_fields["sectors"].choices.choices == ["hotels"]
    # the same values again change nothing and publish nothing
    again = commands.UpdatePerson(person.id, jane(custom_fields={"vip": "no", "sectors": "Hotels"}), ("custom_fields",))
    before = len(outbox(app))
    handlers.update_person(again, app.uow(), ALICE, None)
    assert len(outbox(app)) == before
    # other fields leave the values alone
    rename = commands.UpdatePerson(person.id, jane(given_name="Janet"), ("given_name",))
    assert handlers.update_person(rename, app.uow(), ALICE, None).custom_fields == {"vip": False, "sectors": ("hotels",)}


def test_changing_a_definition_and_removing_an_option_in_use(app, fields):
    handlers.create_person(jane(custom_fields={"sectors": ("fmcg",)}), app.uow(), ALICE, None)
    sectors = fields["sectors"]
    drop_fmcg = use_cases.UpdateCustomField(sectors.id, DefinitionDraft(options=[("hotels", "Hotels")]), ("options",))
    with pytest.raises(FailedPrecondition, match="fmcg"):
        use_cases.update_custom_field(drop_fmcg, app.uow())
    relabel = use_cases.UpdateCustomField(
        sectors.id, DefinitionDraft(label="Industries", options=[("hotels", "Hotels & Co"), ("fmcg", "FMCG"), ("it", "IT")]), ("label", "options")
    )
    changed = use_cases.update_custom_field(relabel, app.uow())
    assert changed.label == "Industries" and changed.option_keys == ("hotels", "fmcg", "it")
    unused = use_cases.UpdateCustomField(sectors.id, DefinitionDraft(options=[("fmcg", "FMCG")]), ("options",))
    assert use_cases.update_custom_field(unused, app.uow()).option_keys == ("fmcg",)
    types = [r.event_type for r in outbox(app) if r.aggregate_id == sectors.id]
    assert types == ["CustomFieldDefined", "CustomFieldChanged", "CustomFieldChanged"]
    with pytest.raises(InvalidArgument) as caught:
        use_cases.update_custom_field(use_cases.UpdateCustomField(sectors.id, DefinitionDraft(), ("type",)), app.uow())
    assert caught.value.violations[0].field == "update_mask.type"


def test_retiring_hides_values_without_person_events_and_purging_frees_the_key(app, fields):
    person = handlers.create_person(jane(custom_fields={"vip": True, "score": "3"}), app.uow(), ALICE, None)
    before = len(outbox(app))
    retired = use_cases.delete_custom_field(use_cases.DeleteCustomField(fields["vip"].id), app.uow())
    assert retired.retired_at is not None
    assert handlers.get_person(person.id, app.uow(), ALICE).custom_fields == {"score": Decimal(3)}
    assert [r.event_type for r in outbox(app)[before:]] == ["CustomFieldDeleted"]  # no PersonUpdated
    assert len(value_rows(app)) == 2  # kept until purged
    with pytest.raises(InvalidArgument, match="no custom field vip"):
        handlers.create_person(jane(custom_fields={"vip": True}), app.uow(), ALICE, None)
    with pytest.raises(AlreadyExists):
        define(app, "vip", "text")
    listed, _ = use_cases.list_custom_fields(app.uow(), "person", True, 0, "")
    assert "vip" in [d.key for d in listed]
    assert "vip" not in [d.key for d in use_cases.list_custom_fields(app.uow(), "person", False, 0, "")[0]]
    # replacing the map keeps the retired value stored (it comes back with nothing else)
    handlers.update_person(commands.UpdatePerson(person.id, jane(custom_fields={}), ("custom_fields",)), app.uow(), ALICE, None)
    assert [r.key for r in value_rows(app)] == ["vip"]
    use_cases.delete_custom_field(use_cases.DeleteCustomField(fields["vip"].id, purge=True), app.uow())
    assert value_rows(app) == []
    with pytest.raises(NotFound):
        use_cases.get_custom_field(fields["vip"].id, app.uow())
    assert define(app, "vip", "text").key == "vip"


def test_values_follow_record_visibility_and_erasure_forgets_them(app, fields):
    person = handlers.create_person(jane(custom_fields={"nickname": "Jo"}), app.uow(), ALICE, None)
    with pytest.raises(NotFound):
        handlers.get_person(person.id, app.uow(), BOB)
    erasure.erase_person(commands.ErasePerson(person.id, "asked"), app.uow(), ALICE)
    assert value_rows(app) == []
    assert handlers.get_person(person.id, app.uow(), ALICE).custom_fields == {}


def test_repoint_moves_values_the_survivor_lacks(app, fields):
    a = handlers.create_person(jane(custom_fields={"vip": True, "score": "1"}), app.uow(), ALICE, None)
    b = handlers.create_person(jane(custom_fields={"score": "2"}, allow_duplicates=True), app.uow(), ALICE, None)
    with app.uow() as uow:
        uow.custom_values.repoint("person", a.id, b.id)
        uow.commit()
    with app.uow() as uow:
        assert uow.custom_values.load("person", [a.id, b.id]) == {b.id: {"vip": True, "score": Decimal(2)}}


def test_0005_downgrades_and_upgrades_again(database_url):
    """Only this area's step: up to 0005, down to 0004, up again."""
    migrations.upgrade(MIGRATIONS, database_url, "0005")
    command.downgrade(migrations.config(MIGRATIONS, database_url), "0004")
    engine = db.create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert not {"custom_values", "custom_field_definitions"} & set(sa.inspect(conn).get_table_names())
        migrations.upgrade(MIGRATIONS, database_url, "0005")
        with engine.connect() as conn:
            assert {"custom_values", "custom_field_definitions"} <= set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_accounts_carry_their_own_fields(app, fields):
    from crm_contacts.domain.accounts import CreateAccount, UpdateAccount
    from crm_contacts.service_layer import accounts

    define(app, "tier", "choice", entity="account", required=True, options=[("gold", "Gold"), ("silver", "Silver")])
    define(app, "credit_limit", "money", entity="account", currency="RON")
    with pytest.raises(InvalidArgument) as caught:
        accounts.create_account(CreateAccount({"name": "", "custom_fields": {"vip": True}}), app.uow(), ALICE)
    assert {v.field for v in caught.value.violations} == {"name", "custom_fields.vip", "custom_fields.tier"}
    account = accounts.create_account(CreateAccount({"name": "Acme", "custom_fields": {"tier": "Gold", "credit_limit": "500"}}), app.uow(), ALICE)
    assert account.custom_fields == {"tier": "gold", "credit_limit": Money(50000, "RON")}
    assert accounts.get_account(account.id, app.uow(), ALICE).custom_fields == account.custom_fields
    update = UpdateAccount(account.id, {"custom_fields": {"tier": "silver"}}, ("custom_fields",))
    assert accounts.update_account(update, app.uow(), ALICE).custom_fields == {"tier": "silver"}
    assert accounts.get_account(account.id, app.uow(), ALICE).custom_fields == {"tier": "silver"}
    last = outbox(app)[-1]
    assert last.event_type == "AccountUpdated"
    assert list(json_format.Parse(last.payload, events_pb2.AccountUpdated()).changed_fields) == ["custom_fields"]
    with app.uow() as uow:  # a person and an account never see each other's values
        assert uow.custom_values.load("person", [account.id]) == {}
