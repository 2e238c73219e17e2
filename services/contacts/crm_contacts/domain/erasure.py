"""What erasure leaves of a dossier line that named the erased person: a neutral text, and the reason check; plain Python."""
from __future__ import annotations

import re

from crm_contacts.domain.relations import PERSON_LABELS

ERASED = "[erased]"  # stands for the erased person in the lines that named them

# The kinds of dossier line that may name another person than the dossier's owner. Lines written before their
# writers recorded the person named (migration 0011) and not resolved by its backfill are the only ones erasure
# still scrubs by matching text.
MENTIONING_KINDS = (
    "PersonLinkedToAccount", "PersonAccountLinkChanged", "PersonUnlinkedFromAccount",  # account dossiers
    "PersonsRelated", "PersonsRelationRemoved",  # the other person's dossier
    "PersonsMerged",  # the survivor's dossier ("Merged with Jane Doe (<id>) by alice")
)

_RELATION = re.compile(r"^(Related|No longer related): .* \(([a-z_ -]+)\)$", re.DOTALL)
_BY = re.compile(r" by (\S+)$")


def neutral_summary(kind: str, summary: str) -> str:
    """The line rewritten without the person: only its kind and the parts that are not personal (a relation's
    label from the catalogue, the user who merged) survive; names, positions and other free text go."""
    if kind == "PersonLinkedToAccount":
        return f"{ERASED} linked"
    if kind == "PersonAccountLinkChanged":
        return f"Link of {ERASED} changed"
    if kind == "PersonUnlinkedFromAccount":
        return f"{ERASED} unlinked"
    if kind in ("PersonsRelated", "PersonsRelationRemoved"):
        found = _RELATION.match(summary)
        verb = "Related" if kind == "PersonsRelated" else "No longer related"
        if found and found.group(2) in PERSON_LABELS:
            return f"{found.group(1)}: {ERASED} ({found.group(2)})"
        return f"{verb}: {ERASED}"
    if kind == "PersonsMerged":
        by = _BY.search(summary)
        return f"Merged with {ERASED}" + (f" by {by.group(1)}" if by else "")
    return f"A line about a person since erased ({kind})"


def personal_parts(given_name: str, family_name: str, emails: list[str], phones: list[str]) -> list[str]:
    """What a free text must not quote about the person: the names (each part and whole), emails and phones,
    the phones also without their leading "+"."""
    full = " ".join(p for p in (given_name, family_name) if p)
    parts = [given_name, family_name, full, *emails, *phones, *(p.lstrip("+") for p in phones)]
    return [p for p in dict.fromkeys(p.strip() for p in parts) if len(p) >= 2]


def quotes_any(text: str, parts: list[str]) -> bool:
    """Whether the text quotes one of the parts: case-insensitively, names only as whole words."""
    lowered = text.casefold()
    for part in parts:
        p = part.casefold()
        if "@" in p or any(c.isdigit() for c in p):
            if p in lowered:
                return True
        elif re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lowered):
            return True
    return False
