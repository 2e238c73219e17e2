"""Search over persons on SQLite and PostgreSQL: the language in SQL, record-level access, keyset pages on any
sort, chosen columns, counts, and saved searches (private or shared with a team)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from contacts_support import ADMIN, ALICE, BOB, CAROL

from crm_chassis.access import Viewer
from crm_chassis.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from crm_contacts.adapters import orm
from crm_contacts.domain import commands
from crm_contacts.service_layer import handlers, search

DAVE = Viewer("dave", team="north", territory="hu")  # Alice's team, another territory


def person(app, given, family, *, viewer=ALICE, city="", tags=(), birth_date="", emails=(), phones=()):
    addresses = [("home", ["Str. 1"], "010101", city, "", "RO")] if city else []
    cmd = commands.CreatePerson(given_name=given, family_name=family, addresses=addresses, tags=list(tags), birth_date=birth_date,
                                emails=[(e, "work") for e in emails], phones=[(n, "mobile") for n in phones])
    return handlers.create_person(cmd, app.uow(), viewer, None)


@pytest.fixture
def people(app):
    """Four persons of Alice's (team north, territory ro) and one of Bob's (south, de) that Alice may not see."""
    return {
        "ion": person(app, "Ion", "Popescu", city="Bucharest", tags=["VIP"], birth_date="1985-05-01", emails=["ion@example.ro"],
                      phones=["+40 721 234 567"]),
        "stefan": person(app, "Ștefan", "Țăranu", city="Cluj", birth_date="1992-02-10"),
        "maria": person(app, "Maria", "Popa", city="Iasi", tags=["vip", "Press"]),
        "ana": person(app, "Ana", "Popescu", city="Cluj", emails=["ana@example.ro", "ana@home.ro"]),
        "petru": person(app, "Petru", "Popescu", viewer=BOB, city="Cluj"),
    }


def run(app, query="", viewer=ALICE, **kwargs) -> search.SearchPage:
    return search.search(search.Search("person", query, **kwargs), app.uow(), viewer)


def ids(page: search.SearchPage) -> set[str]:
    return {row_id for row_id, _ in page.rows}


def names(page: search.SearchPage) -> list[str]:
    return [f"{v['given_name']} {v['family_name']}" for _, v in page.rows]


def test_conditions_combine_and_only_visible_persons_are_found(app, people):
    found = run(app, 'family_name = "popescu" and city in ("Bucharest", "Cluj")')
    assert ids(found) == {people["ion"].id, people["ana"].id}  # Bob's Petru matches but Alice may not see him
    assert ids(run(app, 'family_name = "Popescu" and city in ("Bucharest", "Cluj")', viewer=ADMIN)) == {
        people["ion"].id, people["ana"].id, people["petru"].id,
    }
    assert ids(run(app, 'family_name = "Popescu"', viewer=BOB)) == {people["petru"].id}
    assert ids(run(app, "", viewer=CAROL)) == {p.id for k, p in people.items() if k != "petru"}  # same territory (ro)
    assert ids(run(app, 'not city = "Cluj" and (tags = "vip" or exists(email))')) == {people["ion"].id, people["maria"].id}
    assert ids(run(app, 'city != "Cluj"')) == {people["ion"].id, people["maria"].id}
    assert ids(run(app, 'tags in ("press")')) == {people["maria"].id}
    assert ids(run(app, 'given_name ^= "io" or family_name ~ "OPA"')) == {people["ion"].id, people["maria"].id}
    assert ids(run(app, 'email ^= "ana@home"')) == {people["ana"].id}
    assert ids(run(app, 'given_name = "100%_"')) == set()  # LIKE wildcards in values are plain characters
    assert ids(run(app, 'family_name = "ȚĂRANU" and given_name ^= "ș"')) == {people["stefan"].id}  # not only ASCII letters
    assert ids(run(app, 'phone = "+40 (721) 234-567"')) == {people["ion"].id}  # E.164 as stored, spaces and dashes ignored
    assert ids(run(app, 'country = "ro" and city != "Iasi"')) == {people[k].id for k in ("ion", "stefan", "ana")}
    assert ids(run(app, 'owner = "ALICE"')) == set() and len(ids(run(app, 'owner = "alice"'))) == 4  # user names exactly


def test_names_match_word_prefixes_without_case_or_diacritics(app, people):
    assert ids(run(app, 'name ~ "pop"')) == {people["ion"].id, people["maria"].id, people["ana"].id}
    assert ids(run(app, 'name ~ "popescu i"')) == {people["ion"].id}
    assert ids(run(app, 'name ~ "stef TAR"')) == {people["stefan"].id}
    assert ids(run(app, 'name ~ "ștef"')) == {people["stefan"].id}
    assert ids(run(app, 'name = "popa"')) == {people["maria"].id}  # = wants whole words
    assert ids(run(app, 'name ~ "escu"')) == set()  # words are matched by their start


def test_dates_and_times(app, people):
    assert ids(run(app, "birth_date between 1980-01-01 and 1990-12-31")) == {people["ion"].id}
    assert ids(run(app, "birth_date >= 1990-01-01")) == {people["stefan"].id}
    assert ids(run(app, "not birth_date >= 1990-01-01")) == {people[k].id for k in ("ion", "maria", "ana")}  # no date: not >=
    assert ids(run(app, "exists(birth_date)")) == {people["ion"].id, people["stefan"].id}
    assert len(ids(run(app, "created within 30 days"))) == 4
    today = people["ion"].created_at.date()
    assert len(ids(run(app, f"created = {today.isoformat()}"))) == 4
    assert ids(run(app, "created < 2000-01-01")) == set()
    assert len(ids(run(app, "updated_time >= 2000-01-01"))) == 4


def test_keyset_pages_follow_any_order_and_give_every_row_once(app, people):
    everyone = [f"{p.given_name} {p.family_name}" for p in people.values() if p.owner == "alice"]
    for order_by, expected in [
        ("family_name desc, given_name", ["Ștefan Țăranu", "Ana Popescu", "Ion Popescu", "Maria Popa"]),
        ("given_name", sorted(everyone)),
        ("birth_date desc, family_name", ["Ștefan Țăranu", "Ion Popescu", "Maria Popa", "Ana Popescu"]),
        ("created_time desc", list(reversed(everyone))),
    ]:
        seen, token = [], ""
        for _ in range(5):
            page = run(app, order_by=order_by, page_size=1, page_token=token)
            seen.extend(names(page))
            token = page.next_page_token
            if not token:
                break
        assert seen == expected, order_by


def test_other_use_cases_get_matching_ids_in_creation_order(app, people):
    with app.uow() as uow:
        first = search.matching_ids(uow, ALICE, "person", 'name ~ "pop"', None, 2)
        assert first == [people["ion"].id, people["maria"].id]
        after = (people["maria"].created_at, people["maria"].id)
        assert search.matching_ids(uow, ALICE, "person", 'name ~ "pop"', after, 10) == [people["ana"].id]
        with pytest.raises(InvalidArgument) as caught:
            search.matching_ids(uow, ALICE, "person", "citty = 1", None, 10, path="export.query")
    assert caught.value.violations[0].field == "export.query"


def test_page_tokens_belong_to_their_query_and_order(app, people):
    first = run(app, 'family_name ^= "pop"', page_size=1, order_by="given_name")
    assert first.next_page_token
    with pytest.raises(InvalidArgument) as caught:
        run(app, 'family_name ^= "po"', page_size=1, order_by="given_name", page_token=first.next_page_token)
    assert caught.value.violations[0].field == "page_token"
    with pytest.raises(InvalidArgument):
        run(app, page_token="not-a-token")


def test_columns_and_counts(app, people):
    page = run(app, 'family_name = "Popescu"', columns=("given_name", "email", "city", "tags", "created_time", "birth_date", "name"),
               order_by="given_name", include_count=True, page_size=1)
    assert page.columns == ["given_name", "email", "city", "tags", "created_time", "birth_date", "name"]
    assert page.total_count == 2 and page.next_page_token
    [(row_id, values)] = page.rows
    assert row_id == people["ana"].id
    assert values["email"] == "ana@example.ro; ana@home.ro"
    assert values["city"] == "Cluj" and values["tags"] == "" and values["birth_date"] == "" and values["name"] == "Ana Popescu"
    assert values["created_time"].endswith("Z") and values["created_time"].startswith(str(people["ana"].created_at.date()))
    ion = run(app, 'given_name = "Ion"', columns=("tags", "birth_date"))
    assert ion.rows[0][1] == {"tags": "VIP", "birth_date": "1985-05-01"}
    assert run(app, 'given_name = "Ion"').columns == ["given_name", "family_name", "email"]
    assert run(app, "", include_count=False).total_count is None


def test_errors_name_the_field_of_the_request_and_the_column(app, people):
    with pytest.raises(InvalidArgument) as caught:
        run(app, 'family_name = "Popescu" and citty = "Cluj"', columns=("given_name", "nope"), order_by="email")
    assert [(v.field, v.description) for v in caught.value.violations] == [
        ("query", "column 29: unknown field 'citty'; did you mean 'city'?"),
        ("columns[1]", "unknown field 'nope'"),
        ("order_by", "column 1: cannot sort by email"),
    ]
    with pytest.raises(InvalidArgument) as caught:
        run(app, 'name ~ "--"')
    assert caught.value.violations[0].description == "column 8: give at least one letter or digit to look for"


def test_renamed_persons_are_found_by_their_new_name_and_erased_ones_not_at_all(app, people):
    """The name words are rewritten on every save, so the index never goes stale."""
    stefan, ion = people["stefan"], people["ion"]
    cmd = commands.UpdatePerson(person_id=stefan.id, person=commands.CreatePerson(given_name="", family_name="Ionescu"),
                                update_mask=("family_name",))
    handlers.update_person(cmd, app.uow(), ALICE, None)
    assert ids(run(app, 'name ~ "ionesc"')) == {stefan.id}
    assert ids(run(app, 'name ~ "taranu"')) == set()
    with app.engine.connect() as conn:
        tokens = conn.execute(sa.select(orm.search_name_tokens.c.token).where(orm.search_name_tokens.c.entity_id == stefan.id)).scalars()
        assert sorted(tokens) == ["ionescu", "stefan"]

    from crm_contacts.service_layer import erasure

    erasure.erase_person(commands.ErasePerson(person_id=ion.id, reason="asked"), app.uow(), ALICE)
    assert ion.id not in ids(run(app, ""))
    assert ion.id not in ids(run(app, 'name ~ "ion"', viewer=ADMIN))
    assert run(app, "", include_count=True).total_count == 3
    with app.engine.connect() as conn:  # the name words are personal data too
        assert conn.execute(sa.select(orm.search_name_tokens).where(orm.search_name_tokens.c.entity_id == ion.id)).all() == []


# --- saved searches ---


def saved(app, name="Popescus in Cluj", viewer=ALICE, shared=False, query='family_name = "Popescu" and city = "Cluj"', **kwargs):
    fields = search.SavedSearchFields("person", name, query, kwargs.pop("columns", ("given_name",)), kwargs.pop("order_by", "given_name"), shared)
    return search.create_saved_search(fields, app.uow(), viewer)


def test_a_saved_search_runs_for_whoever_runs_it_with_their_own_visibility(app, people):
    mine = saved(app, shared=True)
    assert (mine.owner, mine.team, mine.columns) == ("alice", "north", ("given_name",))
    page = run(app, saved_search_id=mine.id)
    assert page.rows == [(people["ana"].id, {"given_name": "Ana"})]
    assert ids(run(app, saved_search_id=mine.id, viewer=ADMIN)) == {people["ana"].id, people["petru"].id}
    dave = run(app, saved_search_id=mine.id, viewer=DAVE)  # shared with Alice's team; Dave sees Alice's persons by team
    assert ids(dave) == {people["ana"].id}
    refined = run(app, 'given_name = "Nobody"', saved_search_id=mine.id)  # the request's query is and-ed
    assert refined.rows == []
    own_columns = run(app, saved_search_id=mine.id, columns=("family_name",))
    assert own_columns.columns == ["family_name"]
    with pytest.raises(InvalidArgument):
        search.search(search.Search("account", saved_search_id=mine.id), app.uow(), ALICE)


def test_private_searches_are_not_found_by_others_and_only_owners_change_them(app, people):
    private = saved(app, "mine only")
    shared = saved(app, "for the team", shared=True)
    for viewer in (BOB, CAROL, DAVE):
        with pytest.raises(NotFound):
            search.get_saved_search(private.id, app.uow(), viewer)
        with pytest.raises(NotFound):
            run(app, saved_search_id=private.id, viewer=viewer)
        with pytest.raises(NotFound):
            search.delete_saved_search(private.id, app.uow(), viewer)
    for viewer in (BOB, CAROL):
        with pytest.raises(NotFound):
            search.get_saved_search(shared.id, app.uow(), viewer)
    assert search.get_saved_search(shared.id, app.uow(), DAVE) == shared
    with pytest.raises(PermissionDenied):
        search.update_saved_search(shared.id, search.SavedSearchFields("person", "renamed"), ("name",), app.uow(), DAVE)
    with pytest.raises(PermissionDenied):
        search.delete_saved_search(shared.id, app.uow(), DAVE)

    listed, token = search.list_saved_searches("", app.uow(), DAVE, 0, "")
    assert [s.name for s in listed] == ["for the team"] and token == ""
    page, token = search.list_saved_searches("person", app.uow(), ALICE, 1, "")
    rest, end = search.list_saved_searches("person", app.uow(), ALICE, 1, token)
    assert [s.name for s in page + rest] == ["for the team", "mine only"] and end == ""
    assert [s.name for s in search.list_saved_searches("", app.uow(), ADMIN, 0, "")[0]] == ["for the team", "mine only"]
    assert search.list_saved_searches("account", app.uow(), ALICE, 0, "")[0] == []


def test_saved_searches_are_validated_unique_updated_and_deleted(app, people):
    with pytest.raises(InvalidArgument) as caught:
        search.create_saved_search(search.SavedSearchFields("person", " ", 'citty = "x"', ("nope",), "email"), app.uow(), ALICE)
    assert [v.field for v in caught.value.violations] == ["name", "query", "columns[0]", "order_by"]
    with pytest.raises(InvalidArgument) as caught:
        search.create_saved_search(search.SavedSearchFields("robot", "x"), app.uow(), ALICE)
    assert caught.value.violations[0].field == "entity"

    first = saved(app, "A")
    with pytest.raises(AlreadyExists):
        saved(app, " A ")
    saved(app, "A", viewer=BOB)  # names are per owner

    updated = search.update_saved_search(
        first.id, search.SavedSearchFields("person", "B", 'city = "Iasi"', shared=True), ("name", "query", "shared"), app.uow(), ALICE
    )
    assert (updated.name, updated.query, updated.shared, updated.columns, updated.order_by) == ("B", 'city = "Iasi"', True, ("given_name",), "given_name")
    assert updated.updated_at >= first.updated_at and updated.created_at == first.created_at
    assert search.get_saved_search(first.id, app.uow(), ALICE) == updated
    assert ids(run(app, saved_search_id=first.id)) == {people["maria"].id}
    with pytest.raises(InvalidArgument) as caught:
        search.update_saved_search(first.id, search.SavedSearchFields("person", "B", "x ="), ("query", "entity"), app.uow(), ALICE)
    assert caught.value.violations[0].field == "update_mask"
    with pytest.raises(InvalidArgument) as caught:
        search.update_saved_search(first.id, search.SavedSearchFields("person", "B", "x ="), ("query",), app.uow(), ALICE)
    assert caught.value.violations[0].field == "query"

    search.delete_saved_search(first.id, app.uow(), ADMIN)
    with pytest.raises(NotFound):
        search.get_saved_search(first.id, app.uow(), ALICE)


def test_accounts_cannot_be_searched_before_their_table_exists_or_are_searched_after(app):
    """A guard for the order in which the areas land: never a crash."""
    if "accounts" in orm.metadata.tables:
        assert search.search(search.Search("account"), app.uow(), ALICE).rows == []
    else:
        with pytest.raises(Exception, match="cannot be searched yet"):
            search.search(search.Search("account"), app.uow(), ALICE)


def test_the_migration_fills_name_words_of_persons_written_before_it_and_downgrades(database_url):
    from alembic import command
    from contacts_support import MIGRATIONS

    from crm_chassis import db, migrations

    migrations.upgrade(MIGRATIONS, database_url, "0005")
    engine = db.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO persons (id, given_name, family_name, owner, team, territory, created_at, updated_at) "
                "VALUES ('p-1', 'Ștefan', 'Țăranu-Pop', 'alice', '', '', :at, :at)"), {"at": date(2024, 1, 1)})
        migrations.upgrade(MIGRATIONS, database_url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT token FROM search_name_tokens WHERE entity_id = 'p-1' ORDER BY token")).scalars().all()
        assert rows == ["pop", "stefan", "taranu"]
        command.downgrade(migrations.config(MIGRATIONS, database_url), "0005")
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            assert "saved_searches" not in tables and "search_name_tokens" not in tables
            assert "ix_persons_family_name_id" not in {i["name"] for i in sa.inspect(conn).get_indexes("persons")}
        migrations.upgrade(MIGRATIONS, database_url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM search_name_tokens")).scalar_one() == 3
    finally:
        engine.dispose()
