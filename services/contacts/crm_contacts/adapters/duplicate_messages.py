"""Duplicate candidates, scans, pairs and merges as protobuf messages."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from crm.contacts.v1 import duplicates_pb2 as dpb
from crm_contacts.adapters.messages import timestamp
from crm_contacts.domain.matching import Match
from crm_contacts.domain.merge import DuplicatePair, DuplicateScan, MergeRecord

SCAN_STATUS = {
    "pending": dpb.DUPLICATE_SCAN_STATUS_PENDING, "running": dpb.DUPLICATE_SCAN_STATUS_RUNNING,
    "done": dpb.DUPLICATE_SCAN_STATUS_DONE, "failed": dpb.DUPLICATE_SCAN_STATUS_FAILED,
}
PAIR_STATUS = {"open": dpb.DUPLICATE_PAIR_STATUS_OPEN, "dismissed": dpb.DUPLICATE_PAIR_STATUS_DISMISSED, "merged": dpb.DUPLICATE_PAIR_STATUS_MERGED}


def candidate(m: Match) -> dpb.DuplicateCandidate:
    return dpb.DuplicateCandidate(person_id=m.person_id, display_name=m.display_name, score=m.score, reasons=list(m.reasons))


def duplicates_found(matches: Sequence[Match]) -> dpb.DuplicatesFound:
    return dpb.DuplicatesFound(candidates=[candidate(m) for m in matches])


def account_candidate(m: Match) -> dpb.AccountDuplicateCandidate:
    """An account match (Match.person_id holds the account's id)."""
    return dpb.AccountDuplicateCandidate(account_id=m.person_id, name=m.display_name, score=m.score, reasons=list(m.reasons))


def account_duplicates_found(matches: Sequence[Match]) -> dpb.DuplicatesFound:
    return dpb.DuplicatesFound(account_candidates=[account_candidate(m) for m in matches])


def scan(s: DuplicateScan) -> dpb.DuplicateScan:
    message = dpb.DuplicateScan(
        id=s.id, status=SCAN_STATUS[s.status], min_score=s.min_score, requested_by=s.requested_by,
        request_time=timestamp(s.requested_at), persons_scanned=s.persons_scanned, pairs_found=s.pairs_found, error=s.error,
    )
    if s.started_at:
        message.start_time.CopyFrom(timestamp(s.started_at))
    if s.finished_at:
        message.finish_time.CopyFrom(timestamp(s.finished_at))
    return message


def pair(p: DuplicatePair, names: Mapping[str, str]) -> dpb.DuplicatePair:
    message = dpb.DuplicatePair(
        id=p.id,
        first=dpb.DuplicateCandidate(person_id=p.person_a, display_name=names.get(p.person_a, ""), score=p.score, reasons=list(p.reasons)),
        second=dpb.DuplicateCandidate(person_id=p.person_b, display_name=names.get(p.person_b, ""), score=p.score, reasons=list(p.reasons)),
        score=p.score, reasons=list(p.reasons), status=PAIR_STATUS[p.status], scan_id=p.scan_id, find_time=timestamp(p.found_at),
        decided_by=p.decided_by,
    )
    if p.decided_at:
        message.decide_time.CopyFrom(timestamp(p.decided_at))
    return message


def merge(m: MergeRecord, undoable: bool) -> dpb.PersonMerge:
    message = dpb.PersonMerge(
        id=m.id, survivor_id=m.survivor_id, merged_ids=list(m.merged_ids), merged_by=m.merged_by, merge_time=timestamp(m.merged_at),
        undone_by=m.undone_by, undoable=undoable,
    )
    if m.undone_at:
        message.undo_time.CopyFrom(timestamp(m.undone_at))
    return message


def account_merge(m: MergeRecord, undoable: bool) -> dpb.AccountMerge:
    message = dpb.AccountMerge(
        id=m.id, survivor_id=m.survivor_id, merged_ids=list(m.merged_ids), merged_by=m.merged_by, merge_time=timestamp(m.merged_at),
        undone_by=m.undone_by, undoable=undoable,
    )
    if m.undone_at:
        message.undo_time.CopyFrom(timestamp(m.undone_at))
    return message
