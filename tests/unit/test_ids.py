"""UUIDv7 identifiers: the RFC 9562 layout, written as the standard library writes UUIDs."""

import os
import uuid

from hypothesis import given
from hypothesis import strategies as st

from backend.ids import uuid7


@given(now_ms=st.integers(min_value=0, max_value=(1 << 48) - 1), rand=st.binary(min_size=10, max_size=10))
def test_a_uuid7_is_version_7_of_the_rfc_variant_with_its_time_and_randomness(now_ms, rand):
    text = uuid7(now_ms, rand)
    parsed = uuid.UUID(text)
    assert str(parsed) == text  # canonical lower-case form with its dashes
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert parsed.int >> 80 == now_ms
    assert (parsed.int >> 64) & 0x0FFF == int.from_bytes(rand[:2], "big") & 0x0FFF
    assert parsed.int & ((1 << 62) - 1) == int.from_bytes(rand[2:], "big") & ((1 << 62) - 1)


def test_uuid7s_made_later_sort_later():
    first, second = uuid7(1_790_000_000_000, os.urandom(10)), uuid7(1_790_000_000_001, os.urandom(10))
    assert first < second
