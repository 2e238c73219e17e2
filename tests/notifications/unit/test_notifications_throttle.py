"""Per-channel rate limits: token buckets on an injected clock."""
from __future__ import annotations

import pytest

from crm_notifications.service_layer.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def taken(throttle: Throttle, channel: str, tries: int) -> int:
    return sum(throttle.try_acquire(channel) for _ in range(tries))


def test_a_burst_up_to_the_rate_then_one_more_per_refilled_token():
    clock = Clock()
    throttle = Throttle({"sms": 5}, clock)

    assert taken(throttle, "sms", 10) == 5
    clock.now += 0.1  # half a token
    assert taken(throttle, "sms", 10) == 0
    clock.now += 0.1
    assert taken(throttle, "sms", 10) == 1
    clock.now += 60  # a long pause fills the bucket, but no more than its size
    assert taken(throttle, "sms", 100) == 5


def test_channels_have_their_own_buckets_and_one_without_a_rate_is_not_limited():
    clock = Clock()
    throttle = Throttle({"sms": 1, "fax": 2, "letter": 0}, clock)

    assert taken(throttle, "sms", 3) == 1
    assert taken(throttle, "fax", 3) == 2
    assert taken(throttle, "email", 1000) == 1000
    assert taken(throttle, "letter", 50) == 50  # 0 means no limit


def test_a_rate_below_one_per_second_still_sends_one_every_so_often():
    clock = Clock()
    throttle = Throttle({"fax": 0.2}, clock)  # one fax every five seconds

    assert taken(throttle, "fax", 3) == 1
    clock.now += 4.8
    assert taken(throttle, "fax", 3) == 0
    clock.now += 0.3
    assert taken(throttle, "fax", 3) == 1
    clock.now += 3600
    assert taken(throttle, "fax", 3) == 1


def test_rates_are_parsed_from_settings():
    assert Throttle.parse("email=50, sms=5,,fax=0.5") == {"email": 50.0, "sms": 5.0, "fax": 0.5}
    assert Throttle.parse("") == {}
    with pytest.raises(ValueError, match="'sms=fast' is not channel=messages-per-second"):
        Throttle.parse("email=50,sms=fast")
