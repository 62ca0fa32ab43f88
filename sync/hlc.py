"""Hybrid logical clocks: a device's wall time joined with a counter, so causality survives bad clocks.

A stamp is `[wall_ms, counter]`; stamps compare as tuples and, with the device id, order every write.
The server never trusts a device clock: it clamps stamps to its receive time plus `MAX_SKEW_MS`.
"""

from __future__ import annotations

MAX_SKEW_MS = 5 * 60 * 1000
"""How far ahead of the server's receive time a device stamp may be (the issue's 5 minutes)."""

Stamp = tuple[int, int]


def parse(value: object) -> Stamp | None:
    """A stamp from its JSON form `[wall_ms, counter]` (non-negative integers), else None."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    wall, counter = value
    if type(wall) is not int or type(counter) is not int or wall < 0 or counter < 0:
        return None
    return wall, counter


def clamp(stamp: Stamp, received_ms: int) -> Stamp:
    """The stamp, or the latest allowed one when the device clock runs ahead of the server's."""
    limit = received_ms + MAX_SKEW_MS
    return (limit, 0) if stamp[0] > limit else stamp


def tick(last: Stamp, now_ms: int) -> Stamp:
    """The next local stamp after `last` at wall time `now_ms` (monotone even if the clock steps back)."""
    return (now_ms, 0) if now_ms > last[0] else (last[0], last[1] + 1)


def observe(last: Stamp, seen: Stamp, now_ms: int) -> Stamp:
    """The local stamp after receiving `seen`: later than both, so later writes order after what was seen."""
    wall = max(last[0], seen[0], now_ms)
    if wall == last[0] == seen[0]:
        return wall, max(last[1], seen[1]) + 1
    if wall == last[0]:
        return wall, last[1] + 1
    if wall == seen[0]:
        return wall, seen[1] + 1
    return wall, 0
