"""Erasure rewrites exactly the dossier lines that name the erased person, on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from contacts_support import ALICE, MIGRATIONS, jane

from crm_chassis import migrations
from crm_chassis.errors import InvalidArgument
from crm_contacts.adapters import orm
from crm_contacts.domain import commands
from crm_contacts.domain.accounts import CreateAccount
from crm_contacts.domain.erasure import neutral_summary
from crm_contacts.domain.merge import MergePlan
from crm_contacts.domain.relations import PersonAccountLink
from crm_contacts.service_layer import accounts, duplicates, erasure, handlers, relations, transfer


def create(app, **overrides):
    return handlers.create_person(jane(**({"allow_duplicates": True} | overrides)), app.uow(), ALICE, None)


def erase(app, person_id, reason="GDPR request"):
    return erasure.erase_person(commands.ErasePerson(person_id, reason), app.uow(), ALICE)


def dossier(app, person_id):
    entries, _ = handlers.list_history(person_id, app.uow(), ALICE, 0, "")
    return [(e.kind, e.summary) for e in entries]


def account_dossier(app, account_id):
    with app.engine.connect() as conn:
        h = orm.account_history
        return conn.execute(sa.select(h.c.kind, h.c.summary).where(h.c.account_id == account_id).order_by(h.c.occurred_at, h.c.id)).all()


def dumped(app, *tables) -> str:
    with app.engine.connect() as conn:
        return " ".join(str(v) for t in tables for r in conn.execute(sa.select(t)) for v in r).lower()


def new_account(app, name):
    return accounts.create_account(CreateAccount({"name": name}), app.uow(), ALICE)


def test_lines_naming_the_person_are_rewritten_exactly_and_unrelated_text_stays(app):
    zen = create(app, given_name="Zenobia", family_name="Quixwell", emails=[("zq@example.com", "work")], phones=[])
    ion = create(app, given_name="Ion", family_name="Pop", emails=[("ion@example.com", "work")], phones=[])
    # an account whose own name holds the same words: the old text match blanked it
    acme = new_account(app, "Zenobia Quixwell Bakery")
    link = relations.link_person_to_account(relations.LinkPersonToAccount(zen.id, acme.id, {"position": "CFO"}), app.uow(), ALICE)
    relations.update_person_account_link(relations.UpdatePersonAccountLink(link.id, {"position": "CEO"}, ("position",)), app.uow(), ALICE)
    relations.relate(relations.Relate("person", zen.id, ion.id, "spouse"), app.uow(), ALICE)
    # renamed since: the lines quote a name the person no longer has, which text matching could not find
    handlers.update_person(commands.UpdatePerson(zen.id, jane(given_name="Zoe", family_name="Q"), ("given_name", "family_name"), "",
                                                 allow_duplicates=True), app.uow(), ALICE, None)

    erase(app, zen.id)

    assert account_dossier(app, acme.id) == [
        ("AccountCreated", "Zenobia Quixwell Bakery added by alice"),
        ("PersonLinkedToAccount", "[erased] linked"),
        ("PersonAccountLinkChanged", "Link of [erased] changed"),
    ]
    assert ("PersonsRelated", "Related: [erased] (spouse)") in dossier(app, ion.id)
    text = dumped(app, orm.person_history)
    assert "zenobia" not in text and "quixwell" not in text and "cfo" not in text and "ceo" not in text
    with app.engine.connect() as conn:  # the lines still say whom they named: an id is not personal data
        h = orm.account_history
        assert conn.execute(sa.select(sa.func.count()).select_from(h).where(h.c.mentions_person_id == zen.id)).scalar_one() == 2


def test_every_writer_records_whom_its_line_names(app):
    zen = create(app, given_name="Zenobia", family_name="Quixwell", phones=[])
    ion = create(app, given_name="Ion", family_name="Pop", emails=[("ion@example.com", "work")], phones=[])
    acme = new_account(app, "Acme")
    link = relations.link_person_to_account(relations.LinkPersonToAccount(zen.id, acme.id, {}), app.uow(), ALICE)
    relations.unlink_person_from_account(link.id, app.uow(), ALICE)
    relation = relations.relate(relations.Relate("person", ion.id, zen.id, "child"), app.uow(), ALICE)
    relations.delete_relation("person", relation.id, app.uow(), ALICE)
    with app.uow() as uow:  # an import's link: what StartImport writes for a row naming an account
        history, account_history = [], []
        transfer._add_link(uow, zen, PersonAccountLink.create(zen.id, acme.id, {"position": "Owner"}), "Acme", history, account_history)
        uow.history.add_many(history)
        uow.account_history.add_many(account_history)
        uow.commit()
    with app.engine.connect() as conn:
        h, a = orm.person_history, orm.account_history
        account_lines = conn.execute(sa.select(a.c.kind, a.c.mentions_person_id).where(a.c.account_id == acme.id)).all()
        ion_lines = conn.execute(sa.select(h.c.kind, h.c.mentions_person_id).where(h.c.person_id == ion.id)).all()
    assert sorted(account_lines) == sorted([
        ("AccountCreated", None), ("PersonLinkedToAccount", zen.id), ("PersonUnlinkedFromAccount", zen.id), ("PersonLinkedToAccount", zen.id),
    ])
    assert sorted(ion_lines) == sorted([("PersonCreated", None), ("PersonsRelated", zen.id), ("PersonsRelationRemoved", zen.id)])

    erase(app, zen.id)

    assert [s for _, s in account_dossier(app, acme.id)] == ["Acme added by alice", "[erased] linked", "[erased] unlinked", "[erased] linked"]
    assert [s for k, s in dossier(app, ion.id) if k != "PersonCreated"] == ["No longer related: [erased] (child)", "Related: [erased] (child)"]
    assert "owner" not in dumped(app, orm.account_history)  # the import's position went with the name


def test_a_merged_record_erased_alone_leaves_no_name_in_the_survivors_dossier(app):
    survivor = create(app, emails=[("jane@example.com", "work")], phones=[])
    twin = create(app, given_name="Janetta", family_name="Doesworth", emails=[("janetta@example.com", "work")], phones=[])
    duplicates.merge_persons(app.uow, ALICE, MergePlan(survivor.id, (twin.id,)))
    assert ("PersonsMerged", f"Merged with Janetta Doesworth ({twin.id}) by alice") in dossier(app, survivor.id)

    erase(app, twin.id)

    assert ("PersonsMerged", "Merged with [erased] by alice") in dossier(app, survivor.id)
    assert "Janetta Doesworth" not in str(dossier(app, survivor.id))


def test_older_lines_fall_back_to_the_text_match_and_only_they(app):
    zen = create(app, given_name="Zenobia", family_name="Quixwell", emails=[("zq@example.com", "work")], phones=[])
    acme = new_account(app, "Acme")
    relations.link_person_to_account(relations.LinkPersonToAccount(zen.id, acme.id, {}), app.uow(), ALICE)
    with app.engine.begin() as conn:
        at = datetime(2020, 1, 1, tzinfo=UTC)
        line = dict(account_id=acme.id, source="contacts", occurred_at=at)
        conn.execute(sa.insert(orm.account_history), [
            # written before migration 0011, not resolved by it: scrubbed by text
            dict(line, id=str(uuid.uuid4()), kind="PersonAccountLinkChanged", summary="Link of Zenobia Quixwell changed: position",
                 mentions_person_id=""),
            # a line naming nobody else: never touched, whatever it says
            dict(line, id=str(uuid.uuid4()), kind="AccountUpdated", summary="Changed: name (was Zenobia Quixwell Ltd)", mentions_person_id=None),
        ])

    erase(app, zen.id)

    assert sorted(s for _, s in account_dossier(app, acme.id)) == sorted([
        "Acme added by alice", "[erased] linked", "Link of [erased] changed: position", "Changed: name (was Zenobia Quixwell Ltd)",
    ])


@pytest.mark.parametrize("reason", ["asked by zenobia herself", "mail from ZQ@example.com", "called from 40721234567", "Quixwell"])
def test_a_reason_quoting_the_person_is_refused_and_nothing_is_erased(app, reason):
    zen = create(app, given_name="Zenobia", family_name="Quixwell", emails=[("zq@example.com", "work")], phones=[("+40721234567", "mobile")])
    with pytest.raises(InvalidArgument) as caught:
        erase(app, zen.id, reason)
    assert [v.field for v in caught.value.violations] == ["reason"]
    assert not handlers.get_person(zen.id, app.uow(), ALICE).erased


def test_a_reason_naming_a_record_merged_into_the_person_is_refused_too(app):
    survivor = create(app, phones=[])
    twin = create(app, given_name="Janetta", family_name="Doesworth", emails=[("janetta@example.com", "work")], phones=[])
    duplicates.merge_persons(app.uow, ALICE, MergePlan(survivor.id, (twin.id,), {"given_name": survivor.id, "family_name": survivor.id}))
    with pytest.raises(InvalidArgument):
        erase(app, survivor.id, "Doesworth asked")
    erased = erase(app, survivor.id, "GDPR art. 17, ticket 4711")
    assert erased.erased
    assert dossier(app, survivor.id) == [("PersonErased", "Erased by alice: GDPR art. 17, ticket 4711")]


def test_neutral_texts_keep_only_what_is_not_personal():
    assert neutral_summary("PersonLinkedToAccount", "Jane Doe linked as CFO, decision maker") == "[erased] linked"
    assert neutral_summary("PersonsRelated", "Related: Jane Doe (spouse)") == "Related: [erased] (spouse)"
    assert neutral_summary("PersonsRelated", "Related: Jane (Janie) Doe (not-a-label)") == "Related: [erased]"
    assert neutral_summary("PersonsMerged", "Merged with Jane Doe (p-1) by alice") == "Merged with [erased] by alice"
    assert neutral_summary("SomethingNew", "Jane Doe did it") == "A line about a person since erased (SomethingNew)"


def test_the_migration_backfills_whom_older_lines_name(database_url):
    migrations.upgrade(MIGRATIONS, database_url, "0010")
    engine = sa.create_engine(database_url)
    at = datetime(2020, 1, 1, tzinfo=UTC)
    ids = {k: str(uuid.uuid4()) for k in ("jane", "ion", "gone", "acme")}
    md = sa.MetaData()
    persons, accounts_, links, rels, ph, ah = (sa.Table(n, md, autoload_with=engine) for n in (
        "persons", "accounts", "person_accounts", "person_relations", "person_history", "account_history"))
    with engine.begin() as conn:
        for key, (given, family) in (("jane", ("Jane", "Doe")), ("ion", ("Ion", "Pop")), ("gone", ("Ana", "Gone"))):
            conn.execute(sa.insert(persons).values(id=ids[key], given_name=given, family_name=family, owner="alice", team="north",
                                                   territory="ro", created_at=at, updated_at=at))
        conn.execute(sa.insert(accounts_).values(id=ids["acme"], name="Acme", owner="alice", team="north", territory="ro", created_at=at,
                                                 updated_at=at))
        conn.execute(sa.insert(links).values(id=str(uuid.uuid4()), person_id=ids["jane"], account_id=ids["acme"], position="CFO",
                                             created_at=at, updated_at=at))
        conn.execute(sa.insert(rels).values(id=str(uuid.uuid4()), person_id=ids["ion"], related_person_id=ids["jane"], label="spouse",
                                            inverse_label="spouse", created_at=at))

        def line(table, owner_column, owner, kind, summary):
            conn.execute(sa.insert(table).values({"id": str(uuid.uuid4()), owner_column: owner, "kind": kind, "summary": summary, "source": "contacts",
                                                  "occurred_at": at}))
        line(ah, "account_id", ids["acme"], "PersonLinkedToAccount", "Jane Doe linked as CFO")
        line(ah, "account_id", ids["acme"], "PersonUnlinkedFromAccount", "Ana Gone unlinked")  # the link is gone: unresolved
        line(ah, "account_id", ids["acme"], "AccountUpdated", "Changed: name")
        line(ph, "person_id", ids["ion"], "PersonsRelated", "Related: Jane Doe (spouse)")
        line(ph, "person_id", ids["jane"], "PersonsRelated", "Related: Ion Pop (spouse)")
        line(ph, "person_id", ids["jane"], "PersonsMerged", f"Merged with Ana Gone ({ids['gone']}) by alice")
        line(ph, "person_id", ids["gone"], "PersonsMerged", f"Merged into {ids['jane']} by alice")
    migrations.upgrade(MIGRATIONS, database_url)
    with engine.connect() as conn:
        got = {r.summary: r.mentions_person_id for t in ("person_history", "account_history")
               for r in conn.execute(sa.text(f"SELECT summary, mentions_person_id FROM {t}"))}
    engine.dispose()
    assert got == {
        "Jane Doe linked as CFO": ids["jane"], "Ana Gone unlinked": "", "Changed: name": None,
        "Related: Jane Doe (spouse)": ids["jane"], "Related: Ion Pop (spouse)": ids["ion"],
        f"Merged with Ana Gone ({ids['gone']}) by alice": ids["gone"], f"Merged into {ids['jane']} by alice": None,
    }
