"""How many SMS segments a text costs, and in which encoding it travels (GSM 03.38 / UCS-2).

Providers bill per segment and refuse long bodies, so the service counts before it sends.
The rules are the ones networks apply to concatenated SMS:

- GSM-7 when every character is in the GSM 03.38 basic table (1 septet) or its extension
  table (`^{}\\[~]|€` and form feed: an escape plus the character, 2 septets). Up to 160 septets
  fit one SMS; a longer text is split into segments of 153 septets (7 go to the concatenation
  header), and an escape pair is never split between two segments.
- UCS-2 otherwise: up to 70 UTF-16 code units fit one SMS, else segments of 67, and a surrogate
  pair (an emoji, say) is never split between two segments.

An empty text counts as one segment: it would still be sent, and billed, as one SMS.
"""
from __future__ import annotations

from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

MAX_SEGMENTS = 10  # the longest body we send; providers refuse or truncate beyond a handful of segments

# GSM 03.38 basic table, in code order, without 0x1B (the escape itself is no character a text may hold).
# 0x09 is the capital C cedilla the standard shows; a small ç falls back to UCS-2, which may overcount
# (some networks map it to 0x09) but never undercounts.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ" "ÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

_GSM7_SINGLE, _GSM7_SEGMENT = 160, 153
_UCS2_SINGLE, _UCS2_SEGMENT = 70, 67


def encoding(text: str) -> Encoding:
    """GSM-7 when every character has a GSM 03.38 code, else UCS-2."""
    return "GSM-7" if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else "UCS-2"


def segments(text: str) -> int:
    """The number of SMS the text is sent as (1 for an empty text)."""
    if encoding(text) == "GSM-7":
        units = [2 if ch in GSM7_EXTENSION else 1 for ch in text]  # septets
        return _count(units, _GSM7_SINGLE, _GSM7_SEGMENT)
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]  # UTF-16 code units: a surrogate pair is 2
    return _count(units, _UCS2_SINGLE, _UCS2_SEGMENT)


def _count(units: list[int], single: int, per_segment: int) -> int:
    if sum(units) <= single:
        return 1
    # Filled greedily, a character that does not fit whole opens the next segment; so the count can
    # exceed ceil(total / per_segment) when an escape pair or surrogate pair straddles a boundary.
    count, used = 1, 0
    for size in units:
        if used + size > per_segment:
            count, used = count + 1, 0
        used += size
    return count
