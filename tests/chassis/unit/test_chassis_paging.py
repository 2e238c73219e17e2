"""Page tokens survive a round trip, garbage is an INVALID_ARGUMENT on `page_token`, sizes are bounded."""
from __future__ import annotations

import base64
import json

import pytest

from crm_chassis import paging
from crm_chassis.errors import InvalidArgument


@pytest.mark.parametrize(
    "position",
    [
        ["2024-05-01T10:00:00+00:00", "0f0c3a1e-7d2b-4e51-9c55-9d1f1a1b2c3d"],
        [42, "Zoë Ångström/?&=+"],
        [None, 1.5, True],
    ],
)
def test_round_trip(position):
    token = paging.encode(position)
    assert paging.decode(token, len(position)) == position


def test_token_is_url_safe_and_unpadded():
    token = paging.encode(["\xff\xfe>>>???", 10**30])
    assert not set(token) & set("+/=")


def test_empty_token_means_first_page():
    assert paging.decode("", 2) is None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        "not a token!",
        "%%%%",
        "a",
        "é",
        _b64(b"\xff\xfe\xfd"),
        _b64(b"{not json"),
        _b64(json.dumps({"after": 1}).encode()),
        _b64(b'"a string"'),
        paging.encode(["only-one"]),
        paging.encode(["one", "two", "three"]),
    ],
)
def test_garbage_token_is_invalid_argument_naming_page_token(token):
    with pytest.raises(InvalidArgument) as caught:
        paging.decode(token, 2)
    assert [v.field for v in caught.value.violations] == ["page_token"]


def test_violation_uses_the_callers_field_name():
    with pytest.raises(InvalidArgument) as caught:
        paging.decode("garbage!", 2, field="request.page_token")
    assert caught.value.violations[0].field == "request.page_token"


@pytest.mark.parametrize("requested, expected", [(0, paging.DEFAULT_PAGE_SIZE), (1, 1), (paging.MAX_PAGE_SIZE, paging.MAX_PAGE_SIZE)])
def test_page_size_within_bounds(requested, expected):
    assert paging.page_size(requested) == expected


@pytest.mark.parametrize("requested", [-1, paging.MAX_PAGE_SIZE + 1])
def test_page_size_out_of_bounds_is_invalid_argument(requested):
    with pytest.raises(InvalidArgument) as caught:
        paging.page_size(requested)
    assert [v.field for v in caught.value.violations] == ["page_size"]
