"""Duplicate detection and merges: the online check, FindPersonDuplicates, the batch scan, pairs, merge and undo."""
from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, Violations
from crm_contacts.adapters import duplicate_messages
from crm_contacts.domain import events, matching
from crm_contacts.domain import merge as merging
from crm_contacts.domain.accounts import check_parent
from crm_contacts.domain.merge import DuplicatePair, DuplicateScan, MergePlan, MergeRecord
from crm_contacts.domain.model import HistoryEntry, Person, utcnow
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

UowFactory = Callable[[], ContactsUnitOfWork]

log = logging.getLogger(__name__)

SOURCE = "contacts"
DEFAULT_THRESHOLD = 0.8  # CRM_CONTACTS_DUPLICATE_THRESHOLD
MAX_CANDIDATES = 20
MATCHED_FIELDS = frozenset({"given_name", "family_name", "emails", "phones", "addresses"})
DEFAULT_SCAN_MIN_SCORE = 0.75  # above a namesake with nothing else in common (0.7)
SCAN_BATCH = 2000
STALLED_AFTER = timedelta(minutes=10)  # a running scan without progress for this long is taken up again


class DuplicatesFound(AlreadyExists):
    """ALREADY_EXISTS for a create or update that looks like existing persons; `matches` are the candidates."""

    def __init__(self, matches: Sequence[matching.Match]):
        self.matches = tuple(matches)
        listed = "; ".join(f"{m.person_id} ({m.score:.2f}: {', '.join(m.reasons)})" for m in self.matches)
        super().__init__(
            f"likely duplicates exist: {listed}; send allow_duplicates to write the record anyway",
            details=(duplicate_messages.duplicates_found(self.matches),),
        )


def find(uow: ContactsUnitOfWork, probe: matching.Probe, *, viewer: Viewer | None = None, threshold: float = 0.0,
         exclude_ids: Iterable[str] = (), limit: int = MAX_CANDIDATES) -> list[matching.Match]:
    """Likely duplicates of `probe` among live persons (visible to `viewer` when given), best first.

    Indexed lookups on the blocking keys, then scoring of the few candidates; call inside `with uow`.
    Used by the online check, FindPersonDuplicates and the import's duplicate check.
    """
    ids = uow.match_keys.candidate_ids(matching.blocking_keys(probe))
    candidates = uow.match_keys.candidates([i for i in ids if i != probe.id], viewer)
    return matching.rank(probe, (c.probe for c in candidates), threshold, tuple(exclude_ids))[:limit]


def check_person(uow: ContactsUnitOfWork, person: Person, allow_duplicates: bool, exclude_ids: Iterable[str] = (),
                 *, viewer: Viewer | None = None, changed: Iterable[str] | None = None) -> None:
    """Raises DuplicatesFound (ALREADY_EXISTS) when live persons the viewer may see score at least the threshold,
    unless the caller insists. Persons the viewer cannot see are not named: the batch scan finds those.

    `changed` (an update's changed fields): checked only when a field matching looks at changed, so that a
    duplicate the caller once insisted on does not block every later edit of its salutation or tags.
    """
    if allow_duplicates or (changed is not None and not MATCHED_FIELDS.intersection(changed)):
        return
    matches = find(uow, matching.Probe.of(person), viewer=viewer, threshold=uow.duplicate_threshold, exclude_ids=exclude_ids)
    if matches:
        raise DuplicatesFound(matches)


class AccountDuplicatesFound(AlreadyExists):
    """ALREADY_EXISTS for an account create or update that looks like existing accounts."""

    def __init__(self, matches: Sequence[matching.Match]):
        self.matches = tuple(matches)
        listed = "; ".join(f"{m.person_id} ({m.score:.2f}: {', '.join(m.reasons)})" for m in self.matches)
        super().__init__(
            f"likely duplicate accounts exist: {listed}; send allow_duplicates to write the account anyway",
            details=(duplicate_messages.account_duplicates_found(self.matches),),
        )


ACCOUNT_MATCHED_FIELDS = frozenset({"name", "legal_name", "registration_ids", "websites", "phones", "emails"})


def find_accounts(uow: ContactsUnitOfWork, probe: matching.AccountProbe, *, viewer: Viewer | None = None, threshold: float = 0.0,
                  limit: int = MAX_CANDIDATES) -> list[matching.Match]:
    """Likely duplicate accounts of `probe` (visible to `viewer` when given), best first; call inside `with uow`."""
    ids = [i for i in uow.account_match_keys.candidate_ids(matching.account_blocking_keys(probe)) if i != probe.id]
    return matching.rank_accounts(probe, uow.account_match_keys.candidates(ids, viewer), threshold)[:limit]


def check_account(uow: ContactsUnitOfWork, account, allow_duplicates: bool, *, viewer: Viewer | None = None,
                  changed: Iterable[str] | None = None) -> None:
    """check_person for accounts: ALREADY_EXISTS (AccountDuplicatesFound) when accounts the viewer may see score at
    least the threshold, unless the caller insists; an update only when a field matching looks at changed."""
    if allow_duplicates or (changed is not None and not ACCOUNT_MATCHED_FIELDS.intersection(changed)):
        return
    matches = find_accounts(uow, matching.AccountProbe.of(account), viewer=viewer, threshold=uow.duplicate_threshold)
    if matches:
        raise AccountDuplicatesFound(matches)


def find_person_duplicates(uow_factory: UowFactory, viewer: Viewer, *, person_id: str = "", probe: matching.Probe | None = None,
                           min_score: float = 0.0, limit: int = MAX_CANDIDATES) -> list[matching.Match]:
    """FindPersonDuplicates: for a stored person (which must be visible) or a would-be one; writes nothing."""
    problems = Violations()
    if bool(person_id) == (probe is not None):
        problems.add("person_id", "give either person_id or person")
    if not 0 <= min_score <= 1:
        problems.add("min_score", "must be between 0 and 1")
    if not 0 <= limit <= 100:
        problems.add("page_size", "must be between 0 and 100")
    problems.raise_if_any()
    threshold = min_score or 0.5
    with uow_factory() as uow:
        if person_id:
            person = _visible(uow, person_id, viewer)
            probe = matching.Probe.of(person)
        return find(uow, probe, viewer=viewer, threshold=threshold, limit=limit or MAX_CANDIDATES)


def find_account_duplicates(uow_factory: UowFactory, viewer: Viewer, *, account_id: str = "", probe: matching.AccountProbe | None = None,
                            min_score: float = 0.0, limit: int = MAX_CANDIDATES) -> list[matching.Match]:
    """FindAccountDuplicates: likely duplicates of a stored account (visible) or a would-be one, among the accounts
    the viewer may see (same registration id, website, phone or company name); writes nothing."""
    problems = Violations()
    if bool(account_id) == (probe is not None):
        problems.add("account_id", "give either account_id or account")
    if not 0 <= min_score <= 1:
        problems.add("min_score", "must be between 0 and 1")
    if not 0 <= limit <= 100:
        problems.add("page_size", "must be between 0 and 100")
    problems.raise_if_any()
    with uow_factory() as uow:
        if account_id:
            account = uow.accounts.get(account_id)
            if account is None or not account.is_visible_to(viewer):
                raise NotFound(f"account {account_id} not found")
            probe = matching.AccountProbe.of(account)
        return find_accounts(uow, probe, viewer=viewer, threshold=min_score or 0.5, limit=limit or MAX_CANDIDATES)


def _visible(uow: ContactsUnitOfWork, person_id: str, viewer: Viewer, *, for_update: bool = False) -> Person:
    person = uow.persons.get(person_id, for_update=for_update) if person_id else None
    if person is None or not person.is_visible_to(viewer):
        raise NotFound(f"person {person_id} not found")
    return person


# --- batch scan ---

def start_scan(uow_factory: UowFactory, viewer: Viewer, min_score: float) -> DuplicateScan:
    """StartDuplicateScan: queues a scan of the whole file; the contacts worker runs it."""
    if not 0 <= min_score <= 1:
        raise _invalid("min_score", "must be between 0 and 1")
    scan = DuplicateScan.request(min_score or DEFAULT_SCAN_MIN_SCORE, viewer.subject)
    with uow_factory() as uow:
        uow.duplicates.add_scan(scan)
        uow.commit()
    return scan


def _invalid(field: str, description: str) -> InvalidArgument:
    problems = Violations()
    problems.add(field, description)
    try:
        problems.raise_if_any()
    except InvalidArgument as exc:
        return exc
    raise AssertionError("unreachable")


def get_scan(uow_factory: UowFactory, scan_id: str) -> DuplicateScan:
    with uow_factory() as uow:
        scan = uow.duplicates.get_scan(scan_id)
    if scan is None:
        raise NotFound(f"duplicate scan {scan_id} not found")
    return scan


def run_pending_scans(uow_factory: UowFactory, batch: int = SCAN_BATCH) -> int:
    """Runs every queued scan (the worker's timer calls this); returns how many ran."""
    ran = 0
    while True:
        with uow_factory() as uow:
            scan = uow.duplicates.next_pending_scan(stalled_before=utcnow() - STALLED_AFTER)
            if scan is None:
                return ran
            scan.status, scan.started_at, scan.progressed_at = "running", scan.started_at or utcnow(), utcnow()
            uow.duplicates.save_scan(scan)
            uow.commit()
        try:
            run_scan(uow_factory, scan, batch)
        except Exception as exc:  # noqa: BLE001 - the scan records why it failed; the worker goes on
            log.exception("duplicate scan %s failed", scan.id)
            with uow_factory() as uow:
                scan.status, scan.finished_at, scan.error = "failed", utcnow(), str(exc)[:1000]
                uow.duplicates.save_scan(scan)
                uow.commit()
        ran += 1


def run_scan(uow_factory: UowFactory, scan: DuplicateScan, batch: int = SCAN_BATCH) -> DuplicateScan:
    """Scores every live person against the persons sharing a blocking key with it (blocked: linear, not n²).

    First gives keys to persons that have none (written before migration 0007), then reads the file in id order,
    one transaction per batch that also saves the scan's position, so that a scan whose worker died resumes
    there. Each pair is scored once, from its smaller id.
    """
    if not scan.position:
        build_missing_keys(uow_factory, batch)
    after = scan.position
    kinds = _scan_kinds(scan)
    while True:
        with uow_factory() as uow:
            people = uow.match_keys.scan_batch(after, batch)
            if not people:
                scan.status, scan.finished_at = "done", utcnow()
                uow.duplicates.save_scan(scan)
                uow.commit()
                return scan
            pairs = _score_batch(uow, people, scan, after, kinds)
            scan.pairs_found += uow.duplicates.upsert_pairs(pairs)
            scan.persons_scanned += len(people)
            scan.position, scan.progressed_at = people[-1].probe.id, utcnow()
            uow.duplicates.save_scan(scan)
            uow.commit()
            after = scan.position


def _scan_kinds(scan: DuplicateScan) -> frozenset[str]:
    """The kinds of key a scan blocks on. Above a name's weight (0.7) a pair sharing only a name needs address
    evidence to pass, so the plain name keys are left out and their postal-code variants (`nip`, `npp`) used
    (common names make no big blocks then), and the postal code alone is left out too: a pair sharing only an
    address, with names that share no key, cannot reach the minimum either."""
    if scan.min_score > matching.W_NAME:
        return frozenset({"email", "phone", "nip", "npp"})
    return frozenset({"email", "phone", "postal", "nip", "npp", *matching.NAME_KEYS})


def _score_batch(uow: ContactsUnitOfWork, people: Sequence, scan: DuplicateScan, after: str, kinds: frozenset[str]) -> list[DuplicatePair]:
    """One batch of the scan: its candidate pairs in one query (the database joins the stored keys), the
    candidates outside the batch loaded once, each pair scored once."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for a, b in uow.match_keys.candidate_pairs(after, people[-1].probe.id, kinds):
        wanted[a].append(b)
    loaded = {c.probe.id: c.probe for c in people}
    missing = sorted({i for ids in wanted.values() for i in ids} - loaded.keys())
    for start in range(0, len(missing), 1000):
        loaded.update((c.probe.id, c.probe) for c in uow.match_keys.candidates(missing[start:start + 1000]))
    pairs = []
    for person in people:
        candidates = (loaded[i] for i in sorted(wanted.get(person.probe.id, ())) if i in loaded)  # absent: merged or erased meanwhile
        for match in matching.rank(person.probe, candidates, scan.min_score):
            pairs.append(DuplicatePair.found(person.probe.id, match.person_id, match.score, match.reasons, scan.id))
    return pairs


def build_missing_keys(uow_factory: UowFactory, batch: int = SCAN_BATCH) -> int:
    """Gives match keys to the live persons that have none (written before migration 0007, or by a bulk load
    that bypassed the repository); returns how many got keys."""
    after, done = "", 0
    while True:
        with uow_factory() as uow:
            people = uow.match_keys.scan_batch(after, batch, without_keys=True)
            uow.match_keys.add_keys({c.probe.id: matching.blocking_keys(c.probe) for c in people})
            uow.commit()
        if not people:
            if done:
                with uow_factory() as uow:
                    uow.match_keys.refresh_statistics()
                    uow.commit()
            return done
        done += len(people)
        after = people[-1].probe.id


def list_pairs(
    uow_factory: UowFactory, viewer: Viewer, status: str, min_score: float, page_size: int, page_token: str
) -> tuple[list[DuplicatePair], str, dict[str, str]]:
    """ListDuplicatePairs: pairs whose both persons the viewer may see, best first; plus their display names."""
    problems = Violations()
    if status not in merging.PAIR_STATUSES:
        problems.add("status", f"must be one of {', '.join(merging.PAIR_STATUSES)}")
    if not 0 <= min_score <= 1:
        problems.add("min_score", "must be between 0 and 1")
    problems.raise_if_any()
    size = paging.page_size(page_size)
    raw = paging.decode(page_token, 2)
    after = None
    if raw is not None:
        try:
            after = (float(raw[0]), str(raw[1]))
        except (TypeError, ValueError):
            raise _invalid("page_token", "is not a token returned by this method") from None
    with uow_factory() as uow:
        pairs, token = paging.page(uow.duplicates.list_pairs(viewer, status, min_score, after, size + 1), size, lambda p: [p.score, p.id])
        names = uow.duplicates.display_names(sorted({i for p in pairs for i in (p.person_a, p.person_b)}))
    return pairs, token, names


def dismiss_pair(uow_factory: UowFactory, viewer: Viewer, pair_id: str) -> DuplicatePair:
    """DismissDuplicatePair: "not the same person"; later scans leave the pair dismissed."""
    with uow_factory() as uow:
        pair = uow.duplicates.get_pair(pair_id, for_update=True)
        if pair is None:
            raise NotFound(f"duplicate pair {pair_id} not found")
        for person_id in (pair.person_a, pair.person_b):
            try:
                _visible(uow, person_id, viewer)
            except NotFound:
                raise NotFound(f"duplicate pair {pair_id} not found") from None
        pair.dismiss(viewer.subject)
        uow.duplicates.save_pair(pair)
        uow.commit()
    return pair


# --- merge and undo ---

def merge_persons(uow_factory: UowFactory, viewer: Viewer, plan: MergePlan) -> tuple[Person, MergeRecord]:
    """MergePersons: every record must be visible to the caller; the survivor takes the chosen fields, the
    union of lists, the latest consents, the history, owned products and relations of the others."""
    problems = Violations()
    if not plan.survivor_id:
        problems.add("survivor_id", "is required")
    problems.raise_if_any()
    merge_id = str(uuid.uuid4())
    with uow_factory() as uow:
        # Lock in id order so that two merges touching the same records queue instead of deadlocking.
        ids = sorted({plan.survivor_id, *plan.merged_ids})
        records = {i: _visible(uow, i, viewer, for_update=True) for i in ids}
        survivor = records[plan.survivor_id]
        merged = [records[i] for i in plan.merged_ids if i in records and i != plan.survivor_id]
        if len(merged) != len(plan.merged_ids):
            merged = [records[i] for i in plan.merged_ids]  # let the domain report the survivor named twice
        before = {"persons": [merging.snapshot(p) for p in (survivor, *merged)]}
        merging.merge(survivor, merged, plan.field_choices, merge_id, viewer.subject)
        moved: dict[str, dict] = {"history": {}, "owned_products": {}}
        # Whole rows, read before any is re-pointed: undo re-creates the relations the merge drops (between the
        # merged records, or held twice) and points the moved ones back.
        relation_rows = uow.duplicates.relation_rows([p.id for p in merged])
        for p in merged:
            moved["history"][p.id] = uow.duplicates.history_ids(p.id)
            uow.duplicates.move_history(moved["history"][p.id], survivor.id)
            moved["owned_products"][p.id] = uow.duplicates.owned_product_ids(p.id)
            uow.duplicates.move_owned_products(moved["owned_products"][p.id], survivor.id)
            uow.relations.repoint_person(p.id, survivor.id)
            uow.persons.save(p)
        moved["relation_rows"], moved["dropped_relations"] = relation_rows, uow.duplicates.missing_relation_ids(relation_rows)
        uow.persons.save(survivor)
        uow.custom_values.replace("person", survivor.id, survivor.custom_fields)
        pairs = uow.duplicates.mark_pairs_merged(survivor.id, [p.id for p in merged], viewer.subject, survivor.updated_at)
        record = MergeRecord(
            merge_id, survivor.id, tuple(p.id for p in merged), {**before, **moved, "pairs": pairs}, survivor.version,
            viewer.subject, survivor.updated_at,
        )
        uow.duplicates.add_merge(record)
        for p in merged:  # one line per merged record, each naming it (erasing that record rewrites exactly its line)
            uow.history.add(HistoryEntry.new(
                survivor.id, "PersonsMerged", f"Merged with {_name(p)} ({p.id}) by {viewer.subject}", SOURCE, survivor.updated_at,
                mentions_person_id=p.id,
            ))
        for p in merged:
            uow.history.add(HistoryEntry.new(p.id, "PersonsMerged", f"Merged into {survivor.id} by {viewer.subject}", SOURCE, survivor.updated_at))
        uow.commit()
    return survivor, record


def _name(person: Person) -> str:
    return " ".join(x for x in (person.given_name, person.family_name) if x) or "(no name)"


def _undoable_merge(uow: ContactsUnitOfWork, viewer: Viewer, merge_id: str, kind: str, visible) -> tuple[MergeRecord, dict]:
    """The merge and its records, locked, when the caller may undo it now: every record visible (else NOT_FOUND),
    the survivor unchanged since the merge and each merged record still its tombstone (else FAILED_PRECONDITION)."""
    record = uow.duplicates.get_merge(merge_id, for_update=True, kind=kind)
    if record is None:
        raise NotFound(f"merge {merge_id} not found")
    try:
        current = {i: visible(uow, i, viewer, for_update=True) for i in sorted({record.survivor_id, *record.merged_ids})}
    except NotFound:
        raise NotFound(f"merge {merge_id} not found") from None
    record.ensure_undoable(current[record.survivor_id])
    for i in record.merged_ids:
        if current[i].merged_into != record.survivor_id:
            raise FailedPrecondition(f"merge {merge_id} cannot be undone: {kind} {i} is no longer merged into {record.survivor_id}")
    return record, current


def undo_merge(uow_factory: UowFactory, viewer: Viewer, merge_id: str) -> tuple[MergeRecord, list[Person]]:
    """UndoMerge: restores every record from the snapshot, moves history and owned products back and reopens
    the pairs the merge closed, points the links and relations that still exist back at their records and
    re-creates the relations the merge dropped (between the merged records, or held twice). Only while the
    survivor is unchanged since the merge (else FAILED_PRECONDITION)."""
    with uow_factory() as uow:
        record, current = _undoable_merge(uow, viewer, merge_id, "person", _visible)
        restored = [merging.restore(data) for data in record.snapshot["persons"]]
        for person in restored:
            person.version = current[person.id].version
            uow.persons.save(person)
            uow.custom_values.replace("person", person.id, person.custom_fields)
        for person_id, entry_ids in record.snapshot.get("history", {}).items():
            uow.duplicates.move_history(entry_ids, person_id)
        for person_id, product_ids in record.snapshot.get("owned_products", {}).items():
            uow.duplicates.move_owned_products(product_ids, person_id)
        if "relation_rows" in record.snapshot:
            uow.duplicates.restore_relation_rows(record.snapshot["relation_rows"], record.snapshot["dropped_relations"], record.merged_ids)
        for person_id, refs in record.snapshot.get("relations", {}).items():  # merges recorded before relation_rows
            uow.duplicates.point_relations_back(person_id, refs)
        uow.duplicates.reopen_pairs(record.snapshot.get("pairs", []))
        record.undone_by, record.undone_at = viewer.subject, utcnow()
        uow.duplicates.save_merge(record)
        for person in restored:
            uow.history.add(HistoryEntry.new(person.id, "PersonMergeUndone", f"Merge {merge_id} undone by {viewer.subject}", SOURCE, record.undone_at))
        uow.record(events.PersonMergeUndone(merge_id, record.survivor_id, record.merged_ids, tuple(restored)))
        uow.commit()
    return record, restored


def get_merge(uow_factory: UowFactory, viewer: Viewer, merge_id: str) -> tuple[MergeRecord, bool]:
    """GetPersonMerge: the lineage, visible with its survivor; and whether UndoMerge would succeed now."""
    with uow_factory() as uow:
        record = uow.duplicates.get_merge(merge_id)
        survivor = uow.persons.get(record.survivor_id) if record else None
        if record is None or survivor is None or not survivor.is_visible_to(viewer):
            raise NotFound(f"merge {merge_id} not found")
    try:
        record.ensure_undoable(survivor)
    except FailedPrecondition:
        return record, False
    return record, True


# --- merging accounts ---

def _visible_account(uow: ContactsUnitOfWork, account_id: str, viewer: Viewer, *, for_update: bool = False):
    account = uow.accounts.get(account_id, for_update=for_update) if account_id else None
    if account is None or not account.is_visible_to(viewer):
        raise NotFound(f"account {account_id} not found")
    return account


def merge_accounts(uow_factory: UowFactory, viewer: Viewer, plan: MergePlan):
    """MergeAccounts: every account must be visible to the caller; the survivor takes the chosen fields, the union
    of lists and the custom values of the others, and their links to persons, relations to accounts, child
    accounts, dossier lines and owned products. Returns (survivor, MergeRecord)."""
    problems = Violations()
    if not plan.survivor_id:
        problems.add("survivor_id", "is required")
    problems.raise_if_any()
    merge_id = str(uuid.uuid4())
    with uow_factory() as uow:
        ids = sorted({plan.survivor_id, *plan.merged_ids})  # locked in id order: concurrent merges queue
        records = {i: _visible_account(uow, i, viewer, for_update=True) for i in ids}
        survivor = records[plan.survivor_id]
        merged = [records[i] for i in plan.merged_ids]
        before = {"accounts": [merging.snapshot(a) for a in (survivor, *merged)]}
        parent_before = survivor.parent_id
        merging.merge_accounts(survivor, merged, plan.field_choices, merge_id, viewer.subject)
        if survivor.parent_id and survivor.parent_id != parent_before:
            parent = uow.accounts.get(survivor.parent_id)
            problems = Violations()
            if parent is None or not parent.is_visible_to(viewer) or parent.merged_into:
                problems.add("field_choices[parent]", f"account {survivor.parent_id} not found")
            else:
                check_parent(survivor.id, survivor.parent_id, uow.accounts.ancestors, problems)
            problems.raise_if_any()
        relation_rows = uow.duplicates.relation_rows([a.id for a in merged], "account")
        moved: dict[str, dict] = {"history": {}, "owned_products": {}, "children": {}}
        for a in merged:
            moved["history"][a.id] = uow.duplicates.account_history_ids(a.id)
            uow.duplicates.move_account_history(moved["history"][a.id], survivor.id)
            moved["owned_products"][a.id] = uow.duplicates.account_owned_product_ids(a.id)
            uow.duplicates.move_account_owned_products(moved["owned_products"][a.id], survivor.id)
            moved["children"][a.id] = [i for i in uow.duplicates.child_account_ids(a.id) if i != survivor.id]
            uow.relations.repoint_account(a.id, survivor.id)
            uow.accounts.save(a)
            uow.custom_values.replace("account", a.id, {})
        uow.accounts.save(survivor)
        uow.custom_values.replace("account", survivor.id, survivor.custom_fields)
        moved["relation_rows"], moved["dropped_relations"] = relation_rows, uow.duplicates.missing_relation_ids(relation_rows, "account")
        record = MergeRecord(
            merge_id, survivor.id, tuple(a.id for a in merged), {**before, **moved}, survivor.version, viewer.subject, survivor.updated_at,
            kind="account",
        )
        uow.duplicates.add_merge(record)
        for a in merged:
            uow.account_history.add(HistoryEntry.new(
                survivor.id, "AccountsMerged", f"Merged with {a.name} ({a.id}) by {viewer.subject}", SOURCE, survivor.updated_at,
            ))
            uow.account_history.add(HistoryEntry.new(a.id, "AccountsMerged", f"Merged into {survivor.id} by {viewer.subject}", SOURCE, survivor.updated_at))
        uow.commit()
    return survivor, record


def undo_account_merge(uow_factory: UowFactory, viewer: Viewer, merge_id: str):
    """UndoAccountMerge: every account back as it was, with its links, relations, children, dossier lines, owned
    products and custom values; relations the merge dropped come back. Only while the survivor is unchanged
    since the merge (else FAILED_PRECONDITION). Returns (MergeRecord, restored accounts)."""
    with uow_factory() as uow:
        record, current = _undoable_merge(uow, viewer, merge_id, "account", _visible_account)
        restored = [merging.restore_account(data) for data in record.snapshot["accounts"]]
        now = utcnow()
        for account in restored:
            account.version, account.updated_at = current[account.id].version + 1, now
            uow.accounts.save(account)
            uow.custom_values.replace("account", account.id, account.custom_fields)
        for account_id, entry_ids in record.snapshot["history"].items():
            uow.duplicates.move_account_history(entry_ids, account_id)
        for account_id, product_ids in record.snapshot["owned_products"].items():
            uow.duplicates.move_account_owned_products(product_ids, account_id)
        for account_id, child_ids in record.snapshot["children"].items():
            uow.duplicates.set_parent(child_ids, account_id, only_under=record.survivor_id)
        uow.duplicates.restore_relation_rows(record.snapshot["relation_rows"], record.snapshot["dropped_relations"], record.merged_ids, "account")
        record.undone_by, record.undone_at = viewer.subject, now
        uow.duplicates.save_merge(record)
        for account in restored:
            uow.account_history.add(HistoryEntry.new(account.id, "AccountMergeUndone", f"Merge {merge_id} undone by {viewer.subject}", SOURCE, now))
        uow.record(events.AccountMergeUndone(merge_id, record.survivor_id, record.merged_ids, tuple(restored)))
        uow.commit()
    return record, restored


def get_account_merge(uow_factory: UowFactory, viewer: Viewer, merge_id: str) -> tuple[MergeRecord, bool]:
    """GetAccountMerge: the lineage, visible with its survivor; and whether UndoAccountMerge would succeed now."""
    with uow_factory() as uow:
        record = uow.duplicates.get_merge(merge_id, kind="account")
        survivor = uow.accounts.get(record.survivor_id) if record else None
        if record is None or survivor is None or not survivor.is_visible_to(viewer):
            raise NotFound(f"merge {merge_id} not found")
    try:
        record.ensure_undoable(survivor)
    except FailedPrecondition:
        return record, False
    return record, True
