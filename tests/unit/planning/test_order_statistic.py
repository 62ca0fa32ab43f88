"""The Fenwick order-statistic set against a plain sorted list doing the same operations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.planning.order_statistic import FenwickSet

operation = st.tuples(st.sampled_from(["kth", "pop", "remove", "add", "rank"]), st.integers(0, 10_000))


@settings(max_examples=300, deadline=None)
@given(size=st.integers(0, 70), flags=st.data(), operations=st.lists(operation, max_size=120))
def test_fenwick_set_behaves_like_a_list(size, flags, operations):
    present = flags.draw(st.lists(st.booleans(), min_size=size, max_size=size)) if size % 2 else None
    tree = FenwickSet(size, present)
    naive = [p for p in range(size) if present is None or present[p]]
    for name, number in operations:
        assert len(tree) == len(naive)
        if name in ("kth", "pop") and naive:
            k = number % len(naive)
            assert (tree.kth(k) if name == "kth" else tree.pop_kth(k)) == naive[k]
            if name == "pop":
                naive.pop(k)
        elif name == "remove" and naive:
            position = naive.pop(number % len(naive))
            tree.remove(position)
        elif name == "add" and size:
            position = number % size
            if position not in naive:
                tree.add(position)
                naive = sorted([*naive, position])
        elif name == "rank" and size:
            position = number % size
            assert tree.rank(position) == sum(1 for p in naive if p < position)
    assert [p for p in range(size) if p in tree] == naive


def test_misuse_is_refused():
    tree = FenwickSet(3, [True, False, True])
    with pytest.raises(KeyError):
        tree.remove(1)
    with pytest.raises(KeyError):
        tree.add(0)
    with pytest.raises(IndexError):
        tree.kth(2)
    with pytest.raises(ValueError):
        FenwickSet(2, [True])
