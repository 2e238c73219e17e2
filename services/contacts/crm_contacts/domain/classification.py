"""Tags, lifecycle stage and origin shared by persons and accounts; plain Python."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crm_chassis.errors import Violations

LIFECYCLES = ("prospect", "customer", "former")
ORIGIN_KINDS = ("advert", "partner", "website", "fair", "campaign", "referral", "event", "import", "other")
MAX_TAGS = 50
MAX_TAG_LENGTH = 100
MAX_ORIGIN_DETAIL_LENGTH = 200
MAX_CAMPAIGN_ID_LENGTH = 100


@dataclass(frozen=True)
class Origin:
    """Where the record came from; an empty kind means unknown."""

    kind: str = ""
    detail: str = ""
    campaign_id: str = ""


@dataclass(frozen=True)
class Classification:
    tags: tuple[str, ...] = ()
    lifecycle: str = ""  # "" = not set
    origin: Origin = Origin()


def validate_tags(tags: Iterable[str], problems: Violations, path: str = "tags") -> tuple[str, ...]:
    """Trimmed, 1..100 characters, unique ignoring case, at most 50, kept in the given order."""
    tags = list(tags)
    if len(tags) > MAX_TAGS:
        problems.add(path, f"must hold at most {MAX_TAGS} tags")
    result: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(tags):
        tag = raw.strip()
        if not tag:
            problems.add(f"{path}[{i}]", "must not be empty")
            continue
        if len(tag) > MAX_TAG_LENGTH:
            problems.add(f"{path}[{i}]", f"must be at most {MAX_TAG_LENGTH} characters")
            continue
        if tag.casefold() in seen:
            problems.add(f"{path}[{i}]", f"{tag!r} is listed twice (tags ignore case)")
            continue
        seen.add(tag.casefold())
        result.append(tag)
    return tuple(result)


def validate_lifecycle(lifecycle: str | None, problems: Violations, path: str = "lifecycle") -> str:
    """None stands for a value the caller sent that maps to no stage (an unknown enum number)."""
    if lifecycle is None or (lifecycle and lifecycle not in LIFECYCLES):
        problems.add(path, f"must be one of {', '.join(LIFECYCLES)} (or unset)")
        return ""
    return lifecycle


def validate_origin(origin: tuple[str | None, str, str] | None, problems: Violations, path: str = "origin") -> Origin:
    """`origin` is (kind, detail, campaign_id); kind None = an unknown kind; a detail or campaign needs a kind."""
    if origin is None:
        return Origin()
    kind, detail, campaign_id = origin
    detail, campaign_id = detail.strip(), campaign_id.strip()
    if kind is None or (kind and kind not in ORIGIN_KINDS):
        problems.add(f"{path}.kind", f"must be one of {', '.join(ORIGIN_KINDS)} (or unset)")
        kind = ""
    elif not kind and (detail or campaign_id):
        problems.add(f"{path}.kind", "is required when a detail or campaign is given")
    if len(detail) > MAX_ORIGIN_DETAIL_LENGTH:
        problems.add(f"{path}.detail", f"must be at most {MAX_ORIGIN_DETAIL_LENGTH} characters")
    if len(campaign_id) > MAX_CAMPAIGN_ID_LENGTH:
        problems.add(f"{path}.campaign_id", f"must be at most {MAX_CAMPAIGN_ID_LENGTH} characters")
    return Origin(kind, detail, campaign_id)


def validate_classification(
    tags: Iterable[str],
    lifecycle: str | None,
    origin: tuple[str | None, str, str] | None,
    problems: Violations,
    prefix: str = "",
) -> Classification:
    """Validates all three at once; `prefix` (e.g. "account.") is put before each field path."""
    return Classification(
        tags=validate_tags(tags, problems, f"{prefix}tags"),
        lifecycle=validate_lifecycle(lifecycle, problems, f"{prefix}lifecycle"),
        origin=validate_origin(origin, problems, f"{prefix}origin"),
    )
