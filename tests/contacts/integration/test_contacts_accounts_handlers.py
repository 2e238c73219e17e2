"""Accounts and relations on real SQLite and PostgreSQL: storage round trips, hierarchy, dossier, events in the outbox,
record-level access on every read and write, and the repository seams merge and erasure use."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from contacts_support import ADMIN, ALICE, BOB, CAROL, MIGRATIONS, counts, migrate
from google.protobuf import json_format

from crm.contacts.v1 import events_pb2
from crm_chassis import db, migrations
from crm_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from crm_contacts.adapters import orm
from crm_contacts.domain.accounts import CreateAccount, UpdateAccount
from crm_contacts.domain.model import Person, utcnow
from crm_contacts.service_layer import accounts, relations
from crm_contacts.service_layer.relations import LinkPersonToAccount, Relate, UpdatePersonAccountLink

MY_TABLES = (
    "accounts", "account_emails", "account_phones", "account_addresses", "account_websites", "account_registrations", "account_tags",
    "account_history", "person_accounts", "person_relations", "account_relations",
)


def create(app, viewer=ALICE, **fields):
    raw = {"name": "Acme"} | fields
    return accounts.create_account(CreateAccount(raw), app.uow(), viewer)


def update(app, account, mask, viewer=ALICE, etag="", **fields):
    return accounts.update_account(UpdateAccount(account.id, fields, tuple(mask), etag), app.uow(), viewer)


def person(app, viewer=ALICE, given="Ana", family="Pop"):
    """Persons straight through the repository: these tests are about accounts, not about creating persons."""
    p = Person.create(given_name=given, family_name=family, emails=[], phones=[], consents=[], owner=viewer)
    with app.uow() as uow:
        uow.persons.add(p)
        uow.commit()
    return p


def mine(app) -> dict[str, int]:
    return {t: n for t, n in counts(app.engine).items() if t in MY_TABLES}


def outbox(app, aggregate_type=None):
    with app.engine.connect() as conn:
        query = sa.select(orm.outbox).order_by(orm.outbox.c.position)
        if aggregate_type:
            query = query.where(orm.outbox.c.aggregate_type == aggregate_type)
        return conn.execute(query).all()


def payload(row, message_type):
    return json_format.Parse(row.payload if isinstance(row.payload, str) else bytes(row.payload).decode(), message_type())


FULL = dict(
    name="Acme Trading", legal_name="Acme Trading S.R.L.", industry="FMCG", employees=250, annual_turnover=(12_345_600, "EUR"),
    registration_ids=[("vat", "RO18547290"), ("duns", "15-048-3782")], websites=[("acme.example.com", "main")],
    emails=[("office@acme.example.com", "work")], phones=[("+40 21 312 3456", "work")],
    addresses=[("billing", ["Str. Lipscani 1", "et. 2"], "030031", "București", "B", "RO"), ("shipping", [], "", "Cluj-Napoca", "", "RO")],
    tags=["VIP", "hotels"], lifecycle="customer", origin=("fair", "Indagra", ""),
)


def test_create_stores_every_field_writes_the_dossier_and_exactly_one_event(app):
    account = create(app, **FULL)
    assert mine(app) == {
        "accounts": 1, "account_emails": 1, "account_phones": 1, "account_addresses": 2, "account_websites": 1, "account_registrations": 2,
        "account_tags": 2, "account_history": 1, "person_accounts": 0, "person_relations": 0, "account_relations": 0,
    }
    stored = accounts.get_account(account.id, app.uow(), ALICE)
    assert stored == account  # every field survives the database, in order
    assert stored.registration_ids[1].value == "150483782"
    [row] = outbox(app, "account")
    assert (row.event_type, row.aggregate_id) == ("AccountCreated", account.id)
    event = payload(row, events_pb2.AccountCreated)
    assert event.account.name == "Acme Trading" and event.account.annual_turnover.amount_minor == 12_345_600
    assert event.account.employees == 250 and event.account.registration_ids[0].value == "RO18547290"


def test_invalid_input_writes_nothing(app):
    before = counts(app.engine)
    with pytest.raises(InvalidArgument) as caught:
        create(app, name="", websites=[("nope", "main")], parent_id="missing", parent_kind="branch")
    assert [v.field for v in caught.value.violations] == ["parent_id", "websites[0].url", "name"]
    assert counts(app.engine) == before


def test_only_owner_team_territory_and_admins_see_or_change_an_account(app):
    account = create(app)  # Alice: team north, territory ro
    assert accounts.get_account(account.id, app.uow(), CAROL).id == account.id  # same territory
    assert accounts.get_account(account.id, app.uow(), ADMIN).id == account.id
    for call in (
        lambda: accounts.get_account(account.id, app.uow(), BOB),
        lambda: update(app, account, ["name"], BOB, name="Mine now"),
        lambda: accounts.list_account_history(account.id, app.uow(), BOB, 0, ""),
        lambda: accounts.list_children(account.id, False, app.uow(), BOB, 0, ""),
        lambda: create(app, BOB, name="Branch", parent_id=account.id, parent_kind="branch"),
    ):
        with pytest.raises((NotFound, InvalidArgument)) as caught:
            call()
        assert "not found" in str(caught.value)  # hidden answers exactly like missing
    bobs = create(app, BOB, name="Bob's")
    listed, _ = accounts.list_accounts(app.uow(), ALICE, 0, "")
    assert [a.id for a in listed] == [account.id]
    listed, _ = accounts.list_accounts(app.uow(), ADMIN, 0, "")
    assert {a.id for a in listed} == {account.id, bobs.id}
    assert accounts.get_account(account.id, app.uow(), ALICE).name == "Acme"


def test_list_pages_by_keyset(app):
    made = [create(app, name=f"A{i}") for i in range(5)]
    first, token = accounts.list_accounts(app.uow(), ALICE, 2, "")
    second, token2 = accounts.list_accounts(app.uow(), ALICE, 2, token)
    third, token3 = accounts.list_accounts(app.uow(), ALICE, 2, token2)
    assert [a.id for a in first + second + third] == [a.id for a in made] and token3 == ""


def test_update_changes_masked_fields_records_history_and_one_event_with_the_changed_fields(app):
    account = create(app, **FULL)
    updated = update(app, account, ["name", "websites", "industry", "annual_turnover"], etag=account.etag,
                     name="Acme Group", websites=[("https://acme.example.com", "main"), ("shop.acme.example.com", "shop")],
                     industry="FMCG", annual_turnover=None)
    assert updated.etag != account.etag
    stored = accounts.get_account(account.id, app.uow(), ALICE)
    assert stored.name == "Acme Group" and stored.turnover is None and len(stored.websites) == 2 and stored.employees == 250
    row = outbox(app, "account")[-1]
    assert row.event_type == "AccountUpdated"
    assert list(payload(row, events_pb2.AccountUpdated).changed_fields) == ["name", "annual_turnover", "websites"]
    entries, _ = accounts.list_account_history(account.id, app.uow(), ALICE, 0, "")
    assert entries[0].summary == "Changed: name, annual turnover, websites"

    before = counts(app.engine)
    update(app, account, ["name"], name="Acme Group")  # the same value again: nothing written, nothing published
    assert counts(app.engine) == before
    with pytest.raises(FailedPrecondition):
        update(app, account, ["name"], etag=account.etag, name="Stale")  # account.etag is the old one


def test_hierarchy_children_subtree_and_no_loops(app):
    group = create(app, name="Group")
    sub = create(app, name="Sub", parent_id=group.id, parent_kind="subsidiary")
    branch = create(app, name="Branch", parent_id=sub.id, parent_kind="branch")
    hidden = create(app, BOB, name="Bob's branch")
    update(app, hidden, ["parent_id", "parent_kind"], ADMIN, parent_id=sub.id, parent_kind="branch")
    leaf = create(app, name="Leaf", parent_id=branch.id, parent_kind="branch")

    direct, _ = accounts.list_children(group.id, False, app.uow(), ALICE, 0, "")
    assert [(a.id, d) for a, d in direct] == [(sub.id, 1)]
    tree, _ = accounts.list_children(group.id, True, app.uow(), ALICE, 0, "")
    assert [(a.name, d) for a, d in tree] == [("Sub", 1), ("Branch", 2), ("Leaf", 3)]  # Bob's branch is hidden from Alice
    tree, _ = accounts.list_children(group.id, True, app.uow(), ADMIN, 0, "")
    assert [(a.name, d) for a, d in tree] == [("Sub", 1), ("Branch", 2), ("Leaf", 3), ("Bob's branch", 2)]
    page, token = accounts.list_children(group.id, True, app.uow(), ALICE, 2, "")
    rest, end = accounts.list_children(group.id, True, app.uow(), ALICE, 2, token)
    assert [a.name for a, _ in page + rest] == ["Sub", "Branch", "Leaf"] and end == ""

    with pytest.raises(InvalidArgument) as caught:
        update(app, group, ["parent_id", "parent_kind"], parent_id=leaf.id, parent_kind="subsidiary")
    assert [v.field for v in caught.value.violations] == ["parent_id"]
    with pytest.raises(InvalidArgument):
        update(app, group, ["parent_id", "parent_kind"], parent_id=group.id, parent_kind="subsidiary")
    update(app, branch, ["parent_id"], parent_id="")  # detaching is fine, and takes the kind along
    assert (accounts.get_account(branch.id, app.uow(), ALICE).parent_id, accounts.get_account(branch.id, app.uow(), ALICE).parent_kind) == ("", "")
    entries, _ = accounts.list_account_history(sub.id, app.uow(), ALICE, 0, "")
    assert "Branch Branch added" in [e.summary for e in entries]


def test_links_between_persons_and_accounts(app):
    acme, other = create(app), create(app, name="Other")
    ana, ion = person(app), person(app, given="Ion")
    link = relations.link_person_to_account(
        LinkPersonToAccount(ana.id, acme.id, {"position": "CFO", "role": "decision_maker", "is_primary": True, "start_date": "2024-01-01"}),
        app.uow(), ALICE,
    )
    with pytest.raises(AlreadyExists):
        relations.link_person_to_account(LinkPersonToAccount(ana.id, acme.id, {}), app.uow(), ALICE)
    second = relations.link_person_to_account(LinkPersonToAccount(ion.id, acme.id, {"role": "billing", "is_primary": True}), app.uow(), ALICE)
    relations.link_person_to_account(LinkPersonToAccount(ana.id, other.id, {"role": "accountant"}), app.uow(), ALICE)

    links, _ = relations.list_links(app.uow(), ALICE, account_id=acme.id, include_ended=False, page_size=0, page_token="")
    assert [(x.person_id, x.is_primary) for x in links] == [(ana.id, False), (ion.id, True)]  # one primary per account
    links, _ = relations.list_links(app.uow(), ALICE, person_id=ana.id, include_ended=False, page_size=0, page_token="")
    assert [x.account_id for x in links] == [acme.id, other.id]

    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    relations.update_person_account_link(UpdatePersonAccountLink(second.id, {"end_date": yesterday}, ("end_date",)), app.uow(), ALICE)
    current, _ = relations.list_links(app.uow(), ALICE, account_id=acme.id, include_ended=False, page_size=0, page_token="")
    every, _ = relations.list_links(app.uow(), ALICE, account_id=acme.id, include_ended=True, page_size=0, page_token="")
    assert [x.id for x in current] == [link.id] and len(every) == 2
    with pytest.raises(InvalidArgument) as caught:
        relations.update_person_account_link(UpdatePersonAccountLink(link.id, {"end_date": "2023-12-31"}, ("end_date",)), app.uow(), ALICE)
    assert [v.field for v in caught.value.violations] == ["end_date"]

    relations.unlink_person_from_account(link.id, app.uow(), ALICE)
    types = [r.event_type for r in outbox(app, "person") if r.event_type != "PersonCreated"]
    assert types == [
        "PersonLinkedToAccount", "PersonLinkedToAccount", "PersonAccountLinkChanged", "PersonLinkedToAccount", "PersonAccountLinkChanged",
        "PersonUnlinkedFromAccount",
    ]
    changed = payload([r for r in outbox(app, "person") if r.event_type == "PersonAccountLinkChanged"][0], events_pb2.PersonAccountLinkChanged)
    assert (changed.link.person_id, list(changed.changed_fields)) == (ana.id, ["is_primary"])
    entries, _ = accounts.list_account_history(acme.id, app.uow(), ALICE, 0, "")
    assert "Ana Pop linked as CFO, decision maker" in [e.summary for e in entries]


def test_links_need_both_sides_visible_and_lists_hide_what_the_caller_may_not_see(app):
    acme = create(app)
    bobs_person, bobs_account = person(app, BOB, "Bea"), create(app, BOB, name="Bob's")
    ana = person(app)
    for person_id, account_id in ((bobs_person.id, acme.id), (ana.id, bobs_account.id), ("missing", acme.id)):
        with pytest.raises(NotFound):
            relations.link_person_to_account(LinkPersonToAccount(person_id, account_id, {}), app.uow(), ALICE)
    hidden = relations.link_person_to_account(LinkPersonToAccount(bobs_person.id, acme.id, {}), app.uow(), ADMIN)
    relations.link_person_to_account(LinkPersonToAccount(ana.id, acme.id, {}), app.uow(), ALICE)
    links, _ = relations.list_links(app.uow(), ALICE, account_id=acme.id, include_ended=False, page_size=0, page_token="")
    assert [x.person_id for x in links] == [ana.id]
    for call in (
        lambda: relations.update_person_account_link(UpdatePersonAccountLink(hidden.id, {"role": "other"}, ("role",)), app.uow(), ALICE),
        lambda: relations.unlink_person_from_account(hidden.id, app.uow(), ALICE),
        lambda: relations.list_links(app.uow(), ALICE, person_id=bobs_person.id, include_ended=True, page_size=0, page_token=""),
    ):
        with pytest.raises(NotFound):
            call()


def test_an_erased_person_takes_no_new_links_or_relations(app):
    acme, ana, ion = create(app), person(app), person(app, given="Ion")
    with app.uow() as uow:
        erased = uow.persons.get(ana.id)
        erased.erase()
        uow.persons.save(erased)
        uow.commit()
    with pytest.raises(FailedPrecondition):
        relations.link_person_to_account(LinkPersonToAccount(ana.id, acme.id, {}), app.uow(), ALICE)
    with pytest.raises(FailedPrecondition):
        relations.relate(Relate("person", ion.id, ana.id, "friend"), app.uow(), ALICE)
    assert mine(app)["person_accounts"] == mine(app)["person_relations"] == 0


def test_person_relations_are_two_sided_and_listed_from_either_side(app):
    ana, ion, eva = person(app), person(app, given="Ion"), person(app, given="Eva")
    bea = person(app, BOB, "Bea")
    relation = relations.relate(Relate("person", ana.id, ion.id, "child"), app.uow(), ALICE)  # Ion is Ana's child
    relations.relate(Relate("person", eva.id, ana.id, "assistant"), app.uow(), ALICE)  # Ana is Eva's assistant
    relations.relate(Relate("person", ana.id, bea.id, "friend"), app.uow(), ADMIN)
    with pytest.raises(AlreadyExists):
        relations.relate(Relate("person", ion.id, ana.id, "parent"), app.uow(), ALICE)  # the same, seen from Ion
    with pytest.raises(NotFound):
        relations.relate(Relate("person", ana.id, bea.id, "colleague"), app.uow(), ALICE)

    of_ana, _ = relations.list_relations("person", ana.id, app.uow(), ALICE, 0, "")
    assert [(r.related_id, r.label) for r in of_ana] == [(ion.id, "child"), (eva.id, "manager")]  # Bea is hidden from Alice
    of_ion, _ = relations.list_relations("person", ion.id, app.uow(), ALICE, 0, "")
    assert [(r.related_id, r.label) for r in of_ion] == [(ana.id, "parent")]
    page, token = relations.list_relations("person", ana.id, app.uow(), ADMIN, 2, "")
    rest, _ = relations.list_relations("person", ana.id, app.uow(), ADMIN, 2, token)
    assert len(page) == 2 and [r.label for r in rest] == ["friend"]

    relations.delete_relation("person", relation.id, app.uow(), ALICE)
    assert [r.label for r in relations.list_relations("person", ion.id, app.uow(), ALICE, 0, "")[0]] == []
    types = [r.event_type for r in outbox(app, "person") if r.event_type != "PersonCreated"]
    assert types == ["PersonsRelated", "PersonsRelated", "PersonsRelated", "PersonRelationRemoved"]


def test_account_relations_are_two_sided(app):
    acme, supplier, rival = create(app), create(app, name="Supplier"), create(app, name="Rival")
    relations.relate(Relate("account", acme.id, supplier.id, "supplier"), app.uow(), ALICE)
    relation = relations.relate(Relate("account", rival.id, acme.id, "competitor"), app.uow(), ALICE)
    of_supplier, _ = relations.list_relations("account", supplier.id, app.uow(), ALICE, 0, "")
    assert [(r.related_id, r.label) for r in of_supplier] == [(acme.id, "customer")]
    of_acme, _ = relations.list_relations("account", acme.id, app.uow(), ALICE, 0, "")
    assert [(r.related_id, r.label) for r in of_acme] == [(supplier.id, "supplier"), (rival.id, "competitor")]
    with pytest.raises(NotFound):
        relations.delete_relation("account", relation.id, app.uow(), BOB)
    relations.delete_relation("account", relation.id, app.uow(), CAROL)
    assert [r.event_type for r in outbox(app, "account")][-3:] == ["AccountsRelated", "AccountsRelated", "AccountRelationRemoved"]
    entries, _ = accounts.list_account_history(supplier.id, app.uow(), ALICE, 0, "")
    assert entries[0].summary == f"Related: {acme.name} (customer)"


def test_repoint_person_moves_links_and_relations_to_the_survivor(app):
    acme = create(app)
    survivor, merged, ion, eva = person(app), person(app, given="Anna"), person(app, given="Ion"), person(app, given="Eva")
    relations.link_person_to_account(LinkPersonToAccount(merged.id, acme.id, {"position": "CFO"}), app.uow(), ALICE)
    relations.relate(Relate("person", merged.id, ion.id, "spouse"), app.uow(), ALICE)
    relations.relate(Relate("person", eva.id, merged.id, "manager"), app.uow(), ALICE)
    relations.relate(Relate("person", survivor.id, eva.id, "assistant"), app.uow(), ALICE)  # the same as merged's: kept once
    relations.relate(Relate("person", survivor.id, merged.id, "sibling"), app.uow(), ALICE)  # between the two: goes
    with app.uow() as uow:
        uow.relations.repoint_person(merged.id, survivor.id)
        uow.commit()
    links, _ = relations.list_links(app.uow(), ALICE, person_id=survivor.id, include_ended=True, page_size=0, page_token="")
    assert [x.account_id for x in links] == [acme.id]
    of_survivor, _ = relations.list_relations("person", survivor.id, app.uow(), ALICE, 0, "")
    assert sorted((r.related_id, r.label) for r in of_survivor) == sorted([(ion.id, "spouse"), (eva.id, "assistant")])
    assert mine(app)["person_relations"] == 2


def test_forget_person_removes_person_relations_and_the_free_text_of_links(app):
    acme = create(app)
    ana, ion = person(app), person(app, given="Ion")
    relations.link_person_to_account(LinkPersonToAccount(ana.id, acme.id, {"position": "CFO", "role": "billing"}), app.uow(), ALICE)
    relations.relate(Relate("person", ion.id, ana.id, "spouse"), app.uow(), ALICE)
    with app.uow() as uow:
        uow.relations.forget_person(ana.id)
        uow.commit()
    [link], _ = relations.list_links(app.uow(), ALICE, account_id=acme.id, include_ended=True, page_size=0, page_token="")
    assert (link.person_id, link.position, link.role) == (ana.id, "", "billing")
    assert relations.list_relations("person", ion.id, app.uow(), ALICE, 0, "")[0] == []


def test_repoint_account_moves_links_relations_and_children(app):
    survivor, merged, child, partner = create(app), create(app, name="Dup"), create(app, name="Child"), create(app, name="Partner")
    update(app, child, ["parent_id", "parent_kind"], parent_id=merged.id, parent_kind="branch")
    ana = person(app)
    relations.link_person_to_account(LinkPersonToAccount(ana.id, merged.id, {}), app.uow(), ALICE)
    relations.relate(Relate("account", merged.id, partner.id, "partner"), app.uow(), ALICE)
    with app.uow() as uow:
        uow.relations.repoint_account(merged.id, survivor.id)
        assert uow.accounts.get(child.id).parent_id == survivor.id
        uow.commit()
    links, _ = relations.list_links(app.uow(), ALICE, account_id=survivor.id, include_ended=True, page_size=0, page_token="")
    assert [x.person_id for x in links] == [ana.id]
    assert [r.related_id for r in relations.list_relations("account", survivor.id, app.uow(), ALICE, 0, "")[0]] == [partner.id]


def test_0004_downgrades_to_0003_keeping_persons_and_upgrades_again(database_url):
    migrate(database_url)
    engine = db.create_engine(database_url)
    try:
        with engine.begin() as conn:
            at = utcnow()
            conn.execute(sa.insert(orm.persons).values(id="p-1", given_name="Ana", family_name="Pop", owner="alice", created_at=at, updated_at=at))
            conn.execute(sa.insert(orm.accounts).values(id="a-1", name="Acme", owner="alice", created_at=at, updated_at=at))
            conn.execute(sa.insert(orm.person_accounts).values(id="l-1", person_id="p-1", account_id="a-1", created_at=at, updated_at=at))
        command.downgrade(migrations.config(MIGRATIONS, database_url), "0003")
        with engine.connect() as conn:
            assert not set(MY_TABLES) & set(sa.inspect(conn).get_table_names())
            assert conn.execute(sa.text("SELECT count(*) FROM persons")).scalar_one() == 1
        migrate(database_url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM accounts")).scalar_one() == 0
    finally:
        engine.dispose()
