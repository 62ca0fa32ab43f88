"""UUIDv7 identifiers (RFC 9562): time-ordered, safe to create on a phone offline."""

from __future__ import annotations

import os
import time


def uuid7(now_ms: int | None = None, rand: bytes | None = None) -> str:
    """A UUIDv7 string from a millisecond timestamp and 10 random bytes (both injectable for tests)."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    tail = rand if rand is not None else os.urandom(10)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (int.from_bytes(tail[:2], "big") & 0x0FFF) << 64
    value |= 0b10 << 62
    value |= int.from_bytes(tail[2:10], "big") & ((1 << 62) - 1)
    digits = f"{value:032x}"  # as str(uuid.UUID(int=value)) writes it, without the object (a draw makes 30,000)
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
