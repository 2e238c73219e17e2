"""SMS segment counting: GSM-7 septets and UCS-2 code units, single and concatenated, pairs never split."""
from __future__ import annotations

import pytest

from crm_notifications.domain.sms import GSM7_BASIC, GSM7_EXTENSION, MAX_SEGMENTS, encoding, segments

# GSM 03.38 basic table as Unicode code points (unicode.org GSM0338.TXT), 0x00 to 0x7F without 0x1B (escape);
# written independently of the module's table so a look-alike character there (a Latin A for a Greek Alpha,
# say) is caught.
GSM0338_BASIC = [
    0x40, 0xA3, 0x24, 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, 0x0A, 0xD8, 0xF8, 0x0D, 0xC5, 0xE5,
    0x394, 0x5F, 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xC6, 0xE6, 0xDF, 0xC9,
    0x20, 0x21, 0x22, 0x23, 0xA4, *range(0x25, 0x40),
    0xA1, *range(0x41, 0x5B), 0xC4, 0xD6, 0xD1, 0xDC, 0xA7,
    0xBF, *range(0x61, 0x7B), 0xE4, 0xF6, 0xF1, 0xFC, 0xE0,
]
GSM0338_EXTENSION = [0x0C, 0x5E, 0x7B, 0x7D, 0x5C, 0x5B, 0x7E, 0x5D, 0x7C, 0x20AC]


def test_the_tables_are_those_of_gsm_03_38():
    assert len(GSM0338_BASIC) == 127
    assert GSM7_BASIC == {chr(c) for c in GSM0338_BASIC}
    assert GSM7_EXTENSION == {chr(c) for c in GSM0338_EXTENSION}


def test_every_table_character_is_gsm7_and_the_escape_itself_is_not():
    assert encoding("".join(sorted(GSM7_BASIC | GSM7_EXTENSION))) == "GSM-7"
    assert encoding("\x1b") == "UCS-2"


def test_an_empty_text_is_one_gsm7_segment():
    # Documented choice: it would still go out, and be billed, as one SMS.
    assert encoding("") == "GSM-7"
    assert segments("") == 1


@pytest.mark.parametrize(
    ("length", "expected"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4), (1530, 10), (1531, 11)],
)
def test_gsm7_fits_160_septets_in_one_sms_and_153_in_each_part_of_a_longer_one(length, expected):
    assert encoding("a" * length) == "GSM-7"
    assert segments("a" * length) == expected


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_extension_characters_take_two_septets(char):
    assert encoding(char) == "GSM-7"
    assert segments(char * 80) == 1  # 160 septets
    assert segments(char * 81) == 2  # 162
    assert segments("a" * 158 + char) == 1
    assert segments("a" * 159 + char) == 2


def test_the_euro_sign_keeps_a_text_gsm7_but_costs_two_septets():
    text = "Your balance is 12 € " + "a" * 138  # 159 characters, 160 septets
    assert len(text) == 159
    assert encoding(text) == "GSM-7"
    assert segments(text) == 1
    assert segments(text + "€") == 2  # 162 septets; as UCS-2 it would have been 3 segments


def test_an_escape_pair_is_never_split_between_two_segments():
    # 306 septets would fit two segments of 153, but the € would straddle the first boundary:
    # it moves whole to the second segment, whose last septet then spills into a third.
    text = "a" * 152 + "€" + "a" * 152
    assert sum(2 if c in GSM7_EXTENSION else 1 for c in text) == 306
    assert segments(text) == 3
    assert segments("a" * 151 + "€" + "a" * 153) == 2  # the pair ends segment one exactly


# Romanian diacritics (our +40 numbers); ç, which the table lacks (it has Ç); a Greek capital Alpha, for which
# GSM reuses the Latin A; the ohm sign, a look-alike of the table's Ω.
@pytest.mark.parametrize("char", ["ă", "ș", "ț", "î", "â", "ç", "ê", "\u0391", "中", "\u2126"])
def test_a_character_outside_gsm_03_38_makes_the_whole_text_ucs2(char):
    assert encoding("Buna ziua " + char) == "UCS-2"
    assert segments("a" * 69 + char) == 1
    assert segments("a" * 70 + char) == 2  # 71 code units; the same text without it is one GSM-7 segment
    assert segments("a" * 71) == 1


@pytest.mark.parametrize(
    ("length", "expected"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (670, 10), (671, 11)],
)
def test_ucs2_fits_70_code_units_in_one_sms_and_67_in_each_part_of_a_longer_one(length, expected):
    assert segments("ă" * length) == expected


def test_an_emoji_is_a_surrogate_pair_of_two_code_units():
    assert encoding("😀") == "UCS-2"
    assert segments("😀" * 35) == 1  # 70 code units, though only 35 characters
    assert segments("😀" * 36) == 2
    assert segments("a" * 68 + "😀") == 1
    assert segments("a" * 69 + "😀") == 2


def test_a_surrogate_pair_is_never_split_between_two_segments():
    text = "ă" * 66 + "😀" + "ă" * 66  # 134 code units: two segments of 67 only if the emoji were cut in half
    assert segments(text) == 3
    assert segments("ă" * 65 + "😀" + "ă" * 67) == 2  # the pair ends segment one exactly


def test_the_caller_rejects_bodies_beyond_ten_segments():
    assert MAX_SEGMENTS == 10
    assert segments("a" * 153 * MAX_SEGMENTS) == MAX_SEGMENTS
    assert segments("a" * (153 * MAX_SEGMENTS + 1)) > MAX_SEGMENTS
