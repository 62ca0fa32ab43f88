"""`current_write` picks the same write as the first of `field_heads`, whatever the writes and their bases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.merge import current_write, field_heads

IDS = [f"d{n}:{s}" for n in range(3) for s in range(1, 4)]


@st.composite
def field_writes(draw) -> dict:
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=6, unique=True))
    return {wid: {"t": [draw(st.integers(0, 3)), draw(st.integers(0, 2))], "d": wid.split(":")[0],
                  "v": draw(st.integers()), "b": draw(st.lists(st.sampled_from(IDS), max_size=3, unique=True))}
            for wid in ids}


@given(field_writes())
def test_current_write_is_the_latest_head(writes: dict) -> None:
    heads = field_heads(writes)
    if heads:
        assert current_write(writes) is writes[heads[0]]
    else:
        with pytest.raises(IndexError):
            current_write(writes)


def test_a_single_write_based_on_itself_has_no_head() -> None:
    writes = {"d0:1": {"t": [1, 0], "d": "d0", "v": 1, "b": ["d0:1"]}}
    with pytest.raises(IndexError):
        current_write(writes)
    assert field_heads(writes) == []
