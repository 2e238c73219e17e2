"""Per-channel throughput limits of one worker process: token buckets."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping


class Throttle:
    """`rates` are messages per second per channel; a channel without a rate is not limited."""

    def __init__(self, rates: Mapping[str, float], clock: Callable[[], float] = time.monotonic):
        self._rates = {channel: rate for channel, rate in rates.items() if rate > 0}
        # A bucket holds at least one token, or a rate below one per second could never send anything.
        self._capacity = {channel: max(1.0, rate) for channel, rate in self._rates.items()}
        self._clock = clock
        self._tokens = dict(self._capacity)
        self._stamp = {channel: clock() for channel in self._rates}

    def try_acquire(self, channel: str) -> bool:
        rate = self._rates.get(channel)
        if rate is None:
            return True
        now = self._clock()
        self._tokens[channel] = min(self._capacity[channel], self._tokens[channel] + (now - self._stamp[channel]) * rate)
        self._stamp[channel] = now
        if self._tokens[channel] >= 1:
            self._tokens[channel] -= 1
            return True
        return False

    @staticmethod
    def parse(text: str) -> dict[str, float]:
        """"email=50,sms=5" → {"email": 50.0, "sms": 5.0}; ValueError names the bad part."""
        rates: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            channel, _, value = part.partition("=")
            try:
                rates[channel.strip()] = float(value)
            except ValueError:
                raise ValueError(f"{part!r} is not channel=messages-per-second") from None
        return rates
