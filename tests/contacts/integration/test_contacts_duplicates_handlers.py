"""Duplicates on both backends: online check, find, batch scan and pairs, merge and undo, erasure, record-level access."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from contacts_support import ADMIN, ALICE, BOB, CAROL, counts, jane

from crm_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from crm_contacts.adapters import orm
from crm_contacts.domain import commands
from crm_contacts.domain.matching import Probe
from crm_contacts.domain.merge import MergePlan
from crm_contacts.service_layer import duplicates, erasure, handlers
from crm_contacts.service_layer.duplicates import DuplicatesFound


def create(app, viewer=ALICE, **fields):
    return handlers.create_person(jane(**fields), app.uow(), viewer, None)


def copy(app, viewer=ALICE, **fields):
    """A deliberate duplicate: the caller insists."""
    return create(app, viewer, allow_duplicates=True, **fields)


def outbox_types(app) -> list[str]:
    with app.engine.connect() as conn:
        return [r.event_type for r in conn.execute(sa.select(orm.outbox.c.event_type).order_by(orm.outbox.c.position))]


def test_a_typo_laden_copy_is_refused_with_candidates_unless_the_caller_insists(app):
    original = create(app)
    before = counts(app.engine)
    with pytest.raises(DuplicatesFound) as caught:
        create(app, given_name="Jnae", family_name="Deo", emails=[("jane.doe+crm@example.com", "personal")], phones=[])
    [match] = caught.value.matches
    assert match.person_id == original.id and match.display_name == "Jane Doe"
    assert match.reasons[0] == "same email" and match.reasons[1].startswith("name similar") and match.score >= 0.8
    [detail] = caught.value.details
    assert detail.candidates[0].person_id == original.id
    assert counts(app.engine) == before  # nothing half-written

    insisted = handlers.create_person(jane(given_name="Jnae", family_name="Deo", allow_duplicates=True), app.uow(), ALICE, None)
    assert insisted.id != original.id
    with pytest.raises(DuplicatesFound):  # swapped names, same phone
        create(app, given_name="Doe", family_name="Jane", emails=[])


def test_an_update_that_makes_a_duplicate_is_refused_and_the_record_itself_is_no_candidate(app):
    original = create(app)
    other = create(app, given_name="Ion", family_name="Popescu", emails=[("ion@example.ro", "work")], phones=[("+40 722 000 111", "mobile")])
    rename = commands.UpdatePerson(other.id, jane(given_name="Jane", family_name="Doe"), ("given_name", "family_name"))
    with pytest.raises(DuplicatesFound) as caught:  # same name and now... only the name: not enough
        handlers.update_person(
            commands.UpdatePerson(other.id, jane(phones=[("+40 721 234 567", "mobile")]), ("given_name", "family_name", "phones")),
            app.uow(), ALICE, None,
        )
    assert [m.person_id for m in caught.value.matches] == [original.id]
    updated = handlers.update_person(rename, app.uow(), ALICE, None)  # same name alone scores below the threshold
    assert updated.given_name == "Jane"
    # Changing a field of the person itself never matches the person itself.
    again = handlers.update_person(commands.UpdatePerson(original.id, jane(family_name="Doe-Smith"), ("family_name",)), app.uow(), ALICE, None)
    assert again.family_name == "Doe-Smith"
    # A duplicate the caller insisted on is not refused again for edits matching does not look at...
    twin = copy(app)
    edited = handlers.update_person(commands.UpdatePerson(twin.id, jane(salutation="Dear Jane"), ("salutation",)), app.uow(), ALICE, None)
    assert edited.salutation == "Dear Jane"
    # ...but is when its names, emails, phones or addresses change (unless allowed again).
    with pytest.raises(DuplicatesFound):
        handlers.update_person(commands.UpdatePerson(twin.id, jane(given_name="Janet"), ("given_name",)), app.uow(), ALICE, None)
    allowed = commands.UpdatePerson(twin.id, jane(given_name="Janet"), ("given_name",), allow_duplicates=True)
    assert handlers.update_person(allowed, app.uow(), ALICE, None).given_name == "Janet"


def test_candidates_the_caller_may_not_see_are_not_named(app):
    create(app, viewer=BOB)
    mine = create(app)  # Bob's record is in another team and territory: Alice may create hers
    assert mine.owner == "alice"
    with pytest.raises(DuplicatesFound) as caught:
        create(app, viewer=ADMIN)
    assert len(caught.value.matches) == 2


def test_find_person_duplicates_by_id_and_by_probe_writes_nothing(app):
    original = create(app)
    namesake = create(app, emails=[], phones=[])  # same name only: allowed, but found
    before = counts(app.engine)
    found = duplicates.find_person_duplicates(app.uow, ALICE, person_id=namesake.id)
    assert [m.person_id for m in found] == [original.id] and found[0].reasons == ("same name",)
    probe = Probe(given_name="Jane", family_name="Dooe", emails=("JANE.DOE@example.com",))
    found = duplicates.find_person_duplicates(app.uow, ALICE, probe=probe, min_score=0.8)
    assert [m.person_id for m in found] == [original.id]
    assert counts(app.engine) == before
    with pytest.raises(NotFound):
        duplicates.find_person_duplicates(app.uow, BOB, person_id=original.id)
    with pytest.raises(InvalidArgument):
        duplicates.find_person_duplicates(app.uow, ALICE)


def _typo_file(app):
    """A small file with typo-laden duplicates and distinct people."""
    made = {
        "ana": create(app, given_name="Ana", family_name="Popescu", emails=[("ana.popescu@gmail.com", "personal")], phones=[]),
        "ana2": copy(app, given_name="Anna", family_name="Popesku", emails=[("anapopescu+shop@gmail.com", "personal")], phones=[]),
        "ion": create(app, given_name="Ion", family_name="Ionescu", emails=[], phones=[("+40 722 000 111", "mobile")]),
        "ion2": copy(app, given_name="Ionescu", family_name="Ion", emails=[], phones=[("+40722000111", "work")]),
        "stefan": create(app, given_name="Ștefan", family_name="Marin", emails=[], phones=[]),
        "maria": create(app, given_name="Maria", family_name="Marin", emails=[], phones=[("+40 723 999 888", "home")]),
        "bob": copy(app, viewer=BOB, given_name="Ana", family_name="Popescu", emails=[("ana.popescu@gmail.com", "work")], phones=[]),
    }
    return made


def test_the_batch_scan_finds_pairs_blocked_and_keeps_dismissals(app):
    made = _typo_file(app)
    scan = duplicates.start_scan(app.uow, ADMIN, 0.75)
    assert scan.status == "pending"
    assert duplicates.run_pending_scans(app.uow) == 1
    done = duplicates.get_scan(app.uow, scan.id)
    assert (done.status, done.persons_scanned, done.pairs_found) == ("done", 7, 4)

    pairs, token, names = duplicates.list_pairs(app.uow, ADMIN, "open", 0, 50, "")
    found = {frozenset((p.person_a, p.person_b)) for p in pairs}
    ids = {k: v.id for k, v in made.items()}
    expected = [("ana", "ana2"), ("ana", "bob"), ("ana2", "bob"), ("ion", "ion2")]
    assert {frozenset((ids[a], ids[b])) for a, b in expected} == found
    assert frozenset((ids["stefan"], ids["maria"])) not in found
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True) and token == ""
    assert names[ids["ion2"]] == "Ionescu Ion"

    # Alice sees only pairs of persons she may see both of; pages follow the score.
    alices, _, _ = duplicates.list_pairs(app.uow, ALICE, "open", 0, 50, "")
    assert all(ids["bob"] not in (p.person_a, p.person_b) for p in alices) and len(alices) == len(pairs) - 2
    first, token, _ = duplicates.list_pairs(app.uow, ALICE, "open", 0, 1, "")
    rest, _, _ = duplicates.list_pairs(app.uow, ALICE, "open", 0, 50, token)
    assert [p.id for p in first + rest] == [p.id for p in alices]

    ion_pair = next(p for p in pairs if {p.person_a, p.person_b} == {ids["ion"], ids["ion2"]})
    with pytest.raises(NotFound):
        duplicates.dismiss_pair(app.uow, BOB, ion_pair.id)
    assert duplicates.dismiss_pair(app.uow, ALICE, ion_pair.id).status == "dismissed"
    rescan = duplicates.start_scan(app.uow, ADMIN, 0.75)
    duplicates.run_pending_scans(app.uow)
    assert duplicates.get_scan(app.uow, rescan.id).pairs_found == 0
    dismissed, _, _ = duplicates.list_pairs(app.uow, ADMIN, "dismissed", 0, 50, "")
    assert [p.id for p in dismissed] == [ion_pair.id]


def test_merge_moves_everything_to_the_survivor_and_undo_restores_it(app):
    survivor = create(app, given_name="Jane", family_name="Doe", emails=[("jane@example.com", "work")], phones=[],
                      consents=[("email", "marketing", True, "web form", None)])
    other = handlers.create_person(
        jane(given_name="Jnae", family_name="Doe", salutation="Dear Ms Doe", emails=[("JANE@example.com", "work"), ("jd@home.ro", "personal")],
             phones=[("+40 721 234 567", "mobile")], consents=[("email", "marketing", False, "call", None)], allow_duplicates=True),
        app.uow(), ALICE, None,
    )
    handlers.add_owned_product(commands.AddOwnedProduct(other.id, "", "p-1", "Router"), app.uow(), ALICE)
    types_before = outbox_types(app)

    merged_survivor, record = duplicates.merge_persons(
        app.uow, ALICE, MergePlan(survivor.id, (other.id,), {"family_name": survivor.id, "given_name": survivor.id})
    )
    assert [e.address for e in merged_survivor.emails] == ["jane@example.com", "jd@home.ro"]
    assert [p.number for p in merged_survivor.phones] == ["+40721234567"]
    assert merged_survivor.salutation == "Dear Ms Doe"  # the survivor had none
    [consent] = merged_survivor.consents
    assert consent.granted is False and consent.source == "call"  # the latest answer wins
    got = handlers.get_person(survivor.id, app.uow(), ALICE)
    assert got.emails == merged_survivor.emails and got.version == record.survivor_version
    tombstone = handlers.get_person(other.id, app.uow(), ALICE)
    assert tombstone.merged_into == survivor.id
    history, _ = handlers.list_history(survivor.id, app.uow(), ALICE, 50, "")
    assert {"PersonsMerged", "OwnedProductAdded", "PersonCreated"} <= {e.kind for e in history}
    assert len([e for e in history if e.kind == "PersonCreated"]) == 2
    with app.engine.connect() as conn:
        assert conn.execute(sa.select(orm.owned_products.c.person_id)).scalar_one() == survivor.id
        keys = conn.execute(sa.select(orm.person_match_keys.c.person_id).distinct()).scalars().all()
    assert keys == [survivor.id]  # a tombstone is never a candidate
    assert outbox_types(app)[len(types_before):] == ["PersonsMerged"]
    with pytest.raises(FailedPrecondition):
        handlers.update_person(commands.UpdatePerson(other.id, jane(salutation="x"), ("salutation",)), app.uow(), ALICE, None)

    undone, restored = duplicates.undo_merge(app.uow, ALICE, record.id)
    assert undone.undone_by == "alice"
    again = handlers.get_person(survivor.id, app.uow(), ALICE)
    assert [e.address for e in again.emails] == ["jane@example.com"] and again.salutation == "" and again.consents[0].granted
    back = handlers.get_person(other.id, app.uow(), ALICE)
    assert back.merged_into == "" and back.given_name == "Jnae" and [e.address for e in back.emails] == ["JANE@example.com", "jd@home.ro"]
    with app.engine.connect() as conn:
        assert conn.execute(sa.select(orm.owned_products.c.person_id)).scalar_one() == other.id
    other_history, _ = handlers.list_history(other.id, app.uow(), ALICE, 50, "")
    assert {"PersonCreated", "OwnedProductAdded", "PersonMergeUndone"} <= {e.kind for e in other_history}
    assert outbox_types(app)[-1] == "PersonMergeUndone"
    with pytest.raises(FailedPrecondition):
        duplicates.undo_merge(app.uow, ALICE, record.id)


def test_undo_is_refused_once_the_survivor_changed(app):
    survivor = create(app)
    other = create(app, given_name="Jane", family_name="Doe", emails=[], phones=[], allow_duplicates=True)
    _, record = duplicates.merge_persons(app.uow, ALICE, MergePlan(survivor.id, (other.id,)))
    assert duplicates.get_merge(app.uow, ALICE, record.id)[1] is True
    handlers.update_person(commands.UpdatePerson(survivor.id, jane(salutation="Dear Jane"), ("salutation",)), app.uow(), ALICE, None)
    assert duplicates.get_merge(app.uow, ALICE, record.id)[1] is False
    with pytest.raises(FailedPrecondition, match="changed after the merge"):
        duplicates.undo_merge(app.uow, ALICE, record.id)


def test_merge_needs_every_record_visible_and_valid_choices(app):
    mine = create(app)
    carols = create(app, viewer=CAROL, emails=[], phones=[], allow_duplicates=True)  # Carol: same territory, other team
    bobs = create(app, viewer=BOB, emails=[], phones=[], allow_duplicates=True)
    before = counts(app.engine)
    with pytest.raises(NotFound):
        duplicates.merge_persons(app.uow, BOB, MergePlan(bobs.id, (mine.id,)))
    with pytest.raises(NotFound):
        duplicates.merge_persons(app.uow, ALICE, MergePlan(mine.id, (bobs.id,)))
    with pytest.raises(InvalidArgument) as caught:
        duplicates.merge_persons(app.uow, ALICE, MergePlan(mine.id, (carols.id,), {"emails": mine.id, "family_name": "nobody"}))
    assert {v.field for v in caught.value.violations} == {"field_choices[emails]", "field_choices[family_name]"}
    with pytest.raises(InvalidArgument):
        duplicates.merge_persons(app.uow, ALICE, MergePlan(mine.id, (mine.id,)))
    assert counts(app.engine) == before
    _, record = duplicates.merge_persons(app.uow, ALICE, MergePlan(mine.id, (carols.id,)))  # Carol's team shares Alice's territory
    with pytest.raises(NotFound):
        duplicates.get_merge(app.uow, BOB, record.id)
    with pytest.raises(NotFound):
        duplicates.undo_merge(app.uow, BOB, record.id)


def test_erasure_forgets_keys_pairs_and_merge_snapshots(app):
    survivor = create(app)
    other = create(app, given_name="Jane", family_name="Doe", emails=[], phones=[], allow_duplicates=True)
    third = create(app, given_name="Jane", family_name="Do", emails=[], phones=[("+40 721 234 567", "home")], allow_duplicates=True)
    duplicates.start_scan(app.uow, ADMIN, 0.5)
    duplicates.run_pending_scans(app.uow)
    _, record = duplicates.merge_persons(app.uow, ALICE, MergePlan(survivor.id, (other.id,)))
    erasure.erase_person(commands.ErasePerson(survivor.id, "request"), app.uow(), ALICE)
    with app.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.person_match_keys).where(orm.person_match_keys.c.person_id == survivor.id)).scalar_one() == 0
        pairs = conn.execute(sa.select(orm.duplicate_pairs.c.person_a, orm.duplicate_pairs.c.person_b)).all()
        assert all(survivor.id not in pair for pair in pairs)
        row = conn.execute(sa.select(orm.person_merges)).one()
    assert row.snapshot is None and json.loads(row.merged_ids) == [other.id]  # lineage kept, data gone
    with pytest.raises(FailedPrecondition):
        duplicates.undo_merge(app.uow, ALICE, record.id)
    assert third.id


def test_a_scan_rebuilds_keys_missing_for_persons_written_before_the_keys_existed(app):
    first = create(app)
    second = copy(app, given_name="Jane", family_name="Deo")
    with app.engine.begin() as conn:
        conn.execute(sa.delete(orm.person_match_keys))
    assert duplicates.find_person_duplicates(app.uow, ALICE, person_id=first.id) == []  # nothing to block on
    scan = duplicates.start_scan(app.uow, ADMIN, 0.8)
    assert duplicates.run_pending_scans(app.uow, batch=1) == 1  # one person per transaction
    assert [m.person_id for m in duplicates.find_person_duplicates(app.uow, ALICE, person_id=first.id)] == [second.id]
    pairs, _, _ = duplicates.list_pairs(app.uow, ADMIN, "open", 0, 50, "")
    assert [{p.person_a, p.person_b} for p in pairs] == [{first.id, second.id}]
    assert duplicates.get_scan(app.uow, scan.id).persons_scanned == 2


def test_find_account_duplicates_uses_keys_kept_on_every_account_write(app):
    from crm_contacts.domain.accounts import CreateAccount, UpdateAccount
    from crm_contacts.domain.matching import AccountProbe
    from crm_contacts.service_layer import accounts

    def account(viewer=ALICE, **fields):
        return accounts.create_account(CreateAccount({"name": "Acme"} | fields), app.uow(), viewer)

    carpati = account(name="S.C. Carpați Trans S.R.L.", registration_ids=[("vat", "RO18547290")], websites=[("https://www.carpati-trans.ro", "main")])
    other = account(name="Transilvania Logistic SA")
    account(viewer=BOB, name="Carpati Trans SRL")  # invisible to Alice
    probe = AccountProbe(name="Carpti Trans", websites=("carpati-trans.ro",))
    found = duplicates.find_account_duplicates(app.uow, ALICE, probe=probe)
    assert [m.person_id for m in found] == [carpati.id] and "same website" in found[0].reasons
    assert len(duplicates.find_account_duplicates(app.uow, ADMIN, probe=probe)) == 2

    # An update rewrites the keys: the other account now has Carpați's registration id (refused unless insisted on).
    same_id = {"registration_ids": [("registration", "18547290")]}
    with pytest.raises(duplicates.AccountDuplicatesFound) as caught:
        accounts.update_account(UpdateAccount(other.id, same_id, ("registration_ids",)), app.uow(), ALICE)
    assert [m.person_id for m in caught.value.matches] == [carpati.id]
    accounts.update_account(UpdateAccount(other.id, same_id, ("registration_ids",), allow_duplicates=True), app.uow(), ALICE)
    found = duplicates.find_account_duplicates(app.uow, ALICE, account_id=carpati.id)
    assert [m.person_id for m in found] == [other.id] and found[0].reasons[0] == "same registration id"
    with pytest.raises(NotFound):
        duplicates.find_account_duplicates(app.uow, BOB, account_id=carpati.id)
    with pytest.raises(InvalidArgument):
        duplicates.find_account_duplicates(app.uow, ALICE)


def test_a_scan_whose_worker_died_resumes_after_its_position(app):
    from datetime import timedelta

    made = _typo_file(app)
    scan = duplicates.start_scan(app.uow, ADMIN, 0.75)
    ordered = sorted(p.id for p in made.values())
    with app.uow() as uow:  # as a worker that died after its first batch left it
        stalled = uow.duplicates.get_scan(scan.id)
        stalled.status, stalled.position, stalled.persons_scanned = "running", ordered[2], 3
        stalled.progressed_at = stalled.requested_at - timedelta(hours=1)
        uow.duplicates.save_scan(stalled)
        uow.commit()
    assert duplicates.run_pending_scans(app.uow) == 1
    done = duplicates.get_scan(app.uow, scan.id)
    assert (done.status, done.persons_scanned, done.position) == ("done", 7, ordered[-1])
    with app.uow() as uow:  # a running scan with recent progress belongs to a live worker
        fresh = duplicates.DuplicateScan.request(0.75, "root")
        fresh.status, fresh.progressed_at = "running", duplicates.utcnow()
        uow.duplicates.add_scan(fresh)
        uow.commit()
    assert duplicates.run_pending_scans(app.uow) == 0


def test_the_scan_finds_namesakes_at_the_same_address_but_skips_mere_namesakes(app):
    home = [("home", ["Str. Lalelelor 12"], "010101", "București", "", "RO")]
    first = create(app, given_name="Ana", family_name="Pop", emails=[], phones=[], addresses=home)
    second = copy(app, given_name="Ana", family_name="Pop", emails=[], phones=[],
                  addresses=[("home", ["Strada Lalelelor nr. 12"], "010 101", "Bucuresti", "", "RO")])
    copy(app, given_name="Ana", family_name="Pop", emails=[], phones=[], addresses=[("home", ["High Street 1"], "EC1A 1BB", "London", "", "GB")])
    copy(app, given_name="Ana", family_name="Popp", emails=[], phones=[])
    duplicates.start_scan(app.uow, ADMIN, 0.75)
    duplicates.run_pending_scans(app.uow)
    pairs, _, _ = duplicates.list_pairs(app.uow, ADMIN, "open", 0, 50, "")
    assert [({p.person_a, p.person_b}, p.reasons[0]) for p in pairs] == [({first.id, second.id}, "same name")]
    duplicates.start_scan(app.uow, ADMIN, 0.01)  # 0 would mean the default
    duplicates.run_pending_scans(app.uow)
    everything, _, _ = duplicates.list_pairs(app.uow, ADMIN, "open", 0, 50, "")
    assert len(everything) == 6  # the scan at 0.01 scored every namesake pair


def test_undo_brings_back_the_relations_the_merge_dropped_and_points_the_moved_ones_back(app):
    from crm_contacts.domain.accounts import CreateAccount
    from crm_contacts.service_layer import accounts, relations
    from crm_contacts.service_layer.relations import LinkPersonToAccount, Relate

    survivor = create(app)
    b = copy(app, given_name="Jnae", emails=[], phones=[])
    c = copy(app, given_name="Jane", family_name="Deo", emails=[], phones=[])
    friend = copy(app, given_name="Ion", family_name="Pop", emails=[], phones=[])
    acme = accounts.create_account(CreateAccount({"name": "Acme"}), app.uow(), ALICE)
    relations.link_person_to_account(LinkPersonToAccount(b.id, acme.id, {"role": "billing"}), app.uow(), ALICE)
    between = relations.relate(Relate("person", b.id, c.id, "colleague"), app.uow(), ALICE)  # between two merged records
    with_survivor = relations.relate(Relate("person", survivor.id, b.id, "spouse"), app.uow(), ALICE)  # survivor ↔ merged
    relations.relate(Relate("person", survivor.id, friend.id, "colleague"), app.uow(), ALICE)
    twice = relations.relate(Relate("person", friend.id, c.id, "colleague"), app.uow(), ALICE)  # the survivor holds it already
    moved = relations.relate(Relate("person", c.id, friend.id, "parent"), app.uow(), ALICE)

    def state():
        with app.engine.connect() as conn:
            pr, pa = orm.person_relations, orm.person_accounts
            rows = conn.execute(sa.select(pr.c.id, pr.c.person_id, pr.c.related_person_id, pr.c.label, pr.c.created_at)).all()
            links = conn.execute(sa.select(pa.c.id, pa.c.person_id, pa.c.account_id, pa.c.role)).all()
        return sorted(map(tuple, rows)), sorted(map(tuple, links))

    before = state()
    _, record = duplicates.merge_persons(app.uow, ALICE, MergePlan(survivor.id, (b.id, c.id)))
    merged_relations, merged_links = state()
    ids = {r[0] for r in merged_relations}
    assert between.id not in ids and with_survivor.id not in ids and twice.id not in ids
    assert {(r[1], r[2]) for r in merged_relations if r[0] == moved.id} == {(survivor.id, friend.id)}
    assert [link[1] for link in merged_links] == [survivor.id]

    duplicates.undo_merge(app.uow, ALICE, record.id)
    assert state() == before
    seen, _ = relations.list_relations("person", c.id, app.uow(), ALICE, 50, "")
    assert {(r.related_id, r.label) for r in seen} == {(b.id, "colleague"), (friend.id, "colleague"), (friend.id, "parent")}


def test_undo_leaves_a_relation_removed_after_the_merge_removed(app):
    from crm_contacts.service_layer import relations
    from crm_contacts.service_layer.relations import Relate

    survivor = create(app)
    other = copy(app, given_name="Jnae", emails=[], phones=[])
    friend = copy(app, given_name="Ion", family_name="Pop", emails=[], phones=[])
    relation = relations.relate(Relate("person", other.id, friend.id, "colleague"), app.uow(), ALICE)
    _, record = duplicates.merge_persons(app.uow, ALICE, MergePlan(survivor.id, (other.id,)))
    relations.delete_relation("person", relation.id, app.uow(), ALICE)
    duplicates.undo_merge(app.uow, ALICE, record.id)
    with app.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.person_relations)).scalar() == 0


def test_an_account_that_looks_like_an_existing_one_is_refused_unless_the_caller_insists(app):
    from crm_contacts.domain.accounts import CreateAccount, UpdateAccount
    from crm_contacts.service_layer import accounts

    def account(viewer=ALICE, allow=False, **fields):
        return accounts.create_account(CreateAccount({"name": "Acme"} | fields, allow_duplicates=allow), app.uow(), viewer)

    carpati = account(name="S.C. Carpați Trans S.R.L.", registration_ids=[("vat", "RO18547290")], phones=[("+40 21 310 1010", "work")],
                      emails=[("Office@Carpati-Trans.ro", "work")], websites=[("https://www.carpati-trans.ro", "main")])
    account(name="Carpati Trans SRL", allow=True)  # a namesake alone (0.75) is listed by FindAccountDuplicates, not refused
    before = counts(app.engine)
    for fields, reason in [
        ({"name": "Carpati Trans GmbH", "registration_ids": [("registration", "18547290")]}, "same registration id"),
        ({"name": "CARPATI TRANS LTD", "websites": [("http://carpati-trans.ro/contact", "main")]}, "same website"),
        ({"name": "Carpați Trans SA", "emails": [("office@carpati-trans.ro", "work")]}, "same email"),
        ({"name": "Carpati Trans", "phones": [("+40213101010", "work")]}, "same phone"),
    ]:
        with pytest.raises(duplicates.AccountDuplicatesFound) as caught:
            account(**fields)
        [match] = [m for m in caught.value.matches if m.person_id == carpati.id]
        assert reason in match.reasons and "same name" in match.reasons, fields
    assert counts(app.engine) == before  # nothing written
    account(viewer=BOB, name="Carpati Trans SRL", registration_ids=[("vat", "RO18547290")])  # Bob cannot see Carpați: not named
    insisted = account(name="Carpati Trans GmbH", registration_ids=[("registration", "18547290")], allow=True)
    # An update is checked only when a matched field changes; the record is never its own candidate.
    accounts.update_account(UpdateAccount(insisted.id, {"industry": "logistics"}, ("industry",)), app.uow(), ALICE)
    accounts.update_account(UpdateAccount(carpati.id, {"name": "Carpati Trans Group SRL"}, ("name",), allow_duplicates=True), app.uow(), ALICE)
    lone = account(name="Dunărea Shipping")
    with pytest.raises(duplicates.AccountDuplicatesFound):
        accounts.update_account(UpdateAccount(lone.id, {"name": "Carpati Trans", "websites": [("www.carpati-trans.ro", "main")]}, ("name", "websites")),
                                app.uow(), ALICE)
    # Another name with the same website: a group's companies share one (scaled down, not refused); a registration id
    # names one legal entity whatever it is called.
    accounts.update_account(UpdateAccount(lone.id, {"websites": [("www.carpati-trans.ro", "main")]}, ("websites",)), app.uow(), ALICE)
    with pytest.raises(duplicates.AccountDuplicatesFound):
        accounts.update_account(UpdateAccount(lone.id, {"registration_ids": [("vat", "RO 18547290")]}, ("registration_ids",)), app.uow(), ALICE)


def test_merging_accounts_moves_everything_to_the_survivor_and_undo_restores_it(app):
    from crm_contacts.domain.accounts import CreateAccount, UpdateAccount
    from crm_contacts.domain.custom_fields import DefinitionDraft
    from crm_contacts.service_layer import accounts, relations
    from crm_contacts.service_layer import custom_fields as custom_field_use_cases
    from crm_contacts.service_layer.relations import LinkPersonToAccount, Relate

    custom_field_use_cases.create_custom_field(
        custom_field_use_cases.CreateCustomField("account", "segment", "text", DefinitionDraft(label="Segment")), app.uow()
    )

    def account(name, viewer=ALICE, **fields):
        return accounts.create_account(CreateAccount({"name": name} | fields, allow_duplicates=True), app.uow(), viewer)

    survivor = account("Carpați Trans SRL", websites=[("https://carpati-trans.ro", "main")], custom_fields={"segment": "SMB"})
    other = account("Carpati Trans", industry="logistics", registration_ids=[("vat", "RO18547290")], websites=[("https://carpati-trans.ro", "main")],
                    emails=[("office@carpati-trans.ro", "work")], custom_fields={"segment": "Enterprise"})
    child = account("Carpati Trans Cluj", parent_id=other.id, parent_kind="branch")
    partner = account("Dunărea Shipping")
    ana = create(app)
    relations.link_person_to_account(LinkPersonToAccount(ana.id, other.id, {"role": "billing"}), app.uow(), ALICE)
    between = relations.relate(Relate("account", survivor.id, other.id, "partner"), app.uow(), ALICE)
    moved = relations.relate(Relate("account", other.id, partner.id, "supplier"), app.uow(), ALICE)
    handlers.add_owned_product(commands.AddOwnedProduct("", other.id, "p-1", "Fleet plan"), app.uow(), ALICE)

    def state():
        with app.engine.connect() as conn:
            ar, pa, a, o = orm.account_relations, orm.person_accounts, orm.accounts, orm.owned_products
            return (
                sorted(map(tuple, conn.execute(sa.select(ar.c.id, ar.c.account_id, ar.c.related_account_id, ar.c.label)))),
                sorted(map(tuple, conn.execute(sa.select(pa.c.id, pa.c.person_id, pa.c.account_id)))),
                sorted(map(tuple, conn.execute(sa.select(a.c.id, a.c.parent_id, a.c.merged_into)))),
                conn.execute(sa.select(o.c.account_id)).scalars().all(),
            )

    before, types_before = state(), outbox_types(app)
    merged, record = duplicates.merge_accounts(app.uow, ALICE, MergePlan(survivor.id, (other.id,), {"custom_fields.segment": other.id}))
    assert merged.industry == "logistics" and [r.value for r in merged.registration_ids] == ["RO18547290"]
    assert [w.url for w in merged.websites] == ["https://carpati-trans.ro"] and [e.address for e in merged.emails] == ["office@carpati-trans.ro"]
    got = accounts.get_account(survivor.id, app.uow(), ALICE)
    assert got.custom_fields == {"segment": "Enterprise"} and got.version == record.survivor_version
    relations_now, links_now, tree_now, products_now = state()
    assert between.id not in {r[0] for r in relations_now}
    assert [(r[1], r[2]) for r in relations_now if r[0] == moved.id] == [(survivor.id, partner.id)]
    assert [link[2] for link in links_now] == [survivor.id] and products_now == [survivor.id]
    assert (child.id, survivor.id, "") in tree_now and (other.id, None, survivor.id) in tree_now
    assert outbox_types(app)[len(types_before):] == ["AccountsMerged"]
    listed, _ = accounts.list_accounts(app.uow(), ALICE, 50, "")
    assert other.id not in {a.id for a in listed}  # a tombstone
    history, _ = accounts.list_account_history(survivor.id, app.uow(), ALICE, 50, "")
    assert "AccountsMerged" in {e.kind for e in history}
    assert len([e for e in history if e.kind == "AccountCreated"]) == 2
    with pytest.raises(FailedPrecondition):
        accounts.update_account(UpdateAccount(other.id, {"industry": "x"}, ("industry",)), app.uow(), ALICE)
    with pytest.raises(FailedPrecondition):  # a tombstone takes no new links, relations or children
        relations.link_person_to_account(LinkPersonToAccount(ana.id, other.id, {}), app.uow(), ALICE)
    with pytest.raises(FailedPrecondition):
        relations.relate(Relate("account", partner.id, other.id, "partner"), app.uow(), ALICE)
    with pytest.raises(InvalidArgument):
        account("Carpati Trans Iasi", parent_id=other.id, parent_kind="branch")
    assert other.id not in {m.person_id for m in duplicates.find_account_duplicates(app.uow, ALICE, account_id=survivor.id)}
    with pytest.raises(NotFound):
        duplicates.undo_account_merge(app.uow, BOB, record.id)

    _, restored = duplicates.undo_account_merge(app.uow, ALICE, record.id)
    assert {a.id for a in restored} == {survivor.id, other.id}
    assert state() == before
    assert accounts.get_account(survivor.id, app.uow(), ALICE).custom_fields == {"segment": "SMB"}
    back = accounts.get_account(other.id, app.uow(), ALICE)
    assert back.merged_into == "" and back.custom_fields == {"segment": "Enterprise"} and back.industry == "logistics"
    other_history, _ = accounts.list_account_history(other.id, app.uow(), ALICE, 50, "")
    assert {"AccountCreated", "AccountMergeUndone"} <= {e.kind for e in other_history}
    assert outbox_types(app)[-1] == "AccountMergeUndone"
    assert duplicates.get_account_merge(app.uow, ALICE, record.id)[1] is False
    with pytest.raises(FailedPrecondition):
        duplicates.undo_account_merge(app.uow, ALICE, record.id)


def test_merging_accounts_needs_every_account_visible_and_refuses_after_changes(app):
    from crm_contacts.domain.accounts import CreateAccount, UpdateAccount
    from crm_contacts.service_layer import accounts

    def account(name, viewer=ALICE, **fields):
        return accounts.create_account(CreateAccount({"name": name} | fields, allow_duplicates=True), app.uow(), viewer)

    mine, bobs = account("Acme"), account("Acme", viewer=BOB)
    parent = account("Acme Group")
    under = account("Acme", parent_id=parent.id, parent_kind="subsidiary")
    before = counts(app.engine)
    with pytest.raises(NotFound):
        duplicates.merge_accounts(app.uow, ALICE, MergePlan(mine.id, (bobs.id,)))
    with pytest.raises(NotFound):
        duplicates.merge_accounts(app.uow, BOB, MergePlan(bobs.id, (mine.id,)))
    with pytest.raises(InvalidArgument) as caught:
        duplicates.merge_accounts(app.uow, ALICE, MergePlan(mine.id, (under.id,), {"emails": mine.id, "name": "nobody"}))
    assert {v.field for v in caught.value.violations} == {"field_choices[emails]", "field_choices[name]"}
    with pytest.raises(InvalidArgument) as caught:  # the survivor would hang under an account merged away
        duplicates.merge_accounts(app.uow, ALICE, MergePlan(under.id, (parent.id,)))
    assert [v.field for v in caught.value.violations] == ["field_choices[parent]"]
    assert counts(app.engine) == before
    _, record = duplicates.merge_accounts(app.uow, ALICE, MergePlan(mine.id, (under.id,)))
    assert accounts.get_account(mine.id, app.uow(), ALICE).parent_id == parent.id  # the survivor had none: the merged one's
    with pytest.raises(NotFound):
        duplicates.get_account_merge(app.uow, BOB, record.id)
    accounts.update_account(UpdateAccount(mine.id, {"industry": "retail"}, ("industry",)), app.uow(), ALICE)
    assert duplicates.get_account_merge(app.uow, ALICE, record.id)[1] is False
    with pytest.raises(FailedPrecondition, match="changed after the merge"):
        duplicates.undo_account_merge(app.uow, ALICE, record.id)


def test_erasing_a_person_related_to_merged_records_scrubs_other_merges_snapshots(app):
    from crm_contacts.domain.accounts import CreateAccount
    from crm_contacts.service_layer import accounts, relations
    from crm_contacts.service_layer.relations import LinkPersonToAccount, Relate

    survivor = create(app)
    other = copy(app, given_name="Jnae", emails=[], phones=[])
    spouse = copy(app, given_name="Ion", family_name="Pop", emails=[], phones=[])
    relations.relate(Relate("person", spouse.id, survivor.id, "spouse"), app.uow(), ALICE)
    relations.relate(Relate("person", spouse.id, other.id, "spouse"), app.uow(), ALICE)  # held twice: the merge drops it
    one, two = (accounts.create_account(CreateAccount({"name": n}, allow_duplicates=True), app.uow(), ALICE) for n in ("Acme", "Acme SRL"))
    relations.link_person_to_account(LinkPersonToAccount(spouse.id, two.id, {"position": "Night guard"}), app.uow(), ALICE)
    _, person_merge = duplicates.merge_persons(app.uow, ALICE, MergePlan(survivor.id, (other.id,)))
    _, account_merge = duplicates.merge_accounts(app.uow, ALICE, MergePlan(one.id, (two.id,)))
    erasure.erase_person(commands.ErasePerson(spouse.id, "request"), app.uow(), ALICE)
    with app.engine.connect() as conn:
        snapshots = conn.execute(sa.select(orm.person_merges.c.snapshot).union_all(sa.select(orm.account_merges.c.snapshot))).scalars().all()
    assert all(s is not None and "Night guard" not in s for s in snapshots)
    duplicates.undo_merge(app.uow, ALICE, person_merge.id)
    duplicates.undo_account_merge(app.uow, ALICE, account_merge.id)
    with app.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.person_relations)).scalar() == 0  # not brought back
        assert conn.execute(sa.select(orm.person_accounts.c.account_id, orm.person_accounts.c.position)).one() == (two.id, "")
