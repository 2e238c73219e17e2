"""What every Update call of the customer file shares: the optimistic concurrency check and the field mask."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from crm_chassis.errors import STALE_VERSION, FailedPrecondition, Violations


def check_etag(kind: str, record_id: str, given: str, current: str) -> None:
    """A non-empty `given` etag other than the current one means the caller changed an older version."""
    if given and given != current:
        raise FailedPrecondition(
            f"{kind} {record_id} was changed by someone else (etag {given} is stale, now {current}); read it again", reason=STALE_VERSION
        )


def masked_fields(mask: Sequence[str], updatable: Sequence[str], problems: Violations, refusals: Mapping[str, str] | None = None) -> list[str]:
    """The mask's paths that may change, each once, in the caller's order; every other path is reported.

    `refusals` explains paths that change through another call (e.g. consents through SetPersonConsent).
    """
    mask = list(dict.fromkeys(mask))
    if not mask:
        problems.add("update_mask", f"name the fields to change: {', '.join(updatable)}")
    for path in mask:
        if path not in updatable:
            why = (refusals or {}).get(path) or f"cannot be changed; one of {', '.join(updatable)}"
            problems.add("update_mask", f"{path!r} {why}")
    return [p for p in mask if p in updatable]
