"""Strata: the rounding rule, canonical pools, derived keys, one-sided strata; same inputs, same draw."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import ceil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.planning.errors import PlanningError
from backend.planning.sortition import derive_key, key_string, pool_hash
from backend.planning.strata import draw_strata, parse_ratio, ratio_text, stratum_quota

KEY = key_string(["9319", "2 5 12 8 10", "9 18 26 34 41 45"])


@pytest.mark.parametrize(("size", "ratio", "quota"), [
    (1000, "0.03", 30), (1001, "0.03", 31), (10, "0.01", 1), (0, "0.5", 0), (7, "0", 0), (7, "1", 7),
    (3, "1/3", 1), (100, 0.07, 7), (100, Decimal("0.05"), 5), (9, Fraction(2, 3), 6), (1, "0.0001", 1),
])
def test_quota_is_the_ceiling_of_the_exact_ratio(size, ratio, quota):
    assert stratum_quota(size, ratio=ratio) == quota


@settings(max_examples=200)
@given(size=st.integers(0, 10**6), num=st.integers(0, 1000), den=st.integers(1, 1000))
def test_quota_follows_the_rounding_rule(size, num, den):
    ratio = Fraction(min(num, den), den)
    quota = stratum_quota(size, ratio=ratio)
    assert quota == ceil(ratio * size)
    assert 0 <= quota <= size
    assert (quota > 0) == (ratio > 0 and size > 0)


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"ratio": "-0.1"}, "plan.ratio"), ({"ratio": "1.01"}, "plan.ratio"), ({"ratio": "abc"}, "plan.ratio"),
    ({"ratio": True}, "plan.ratio"), ({"count": 11}, "draw.count"), ({"count": -1}, "draw.count"),
    ({}, "plan.quota"), ({"ratio": "0.1", "count": 1}, "plan.quota"),
])
def test_quota_errors(kwargs, code):
    with pytest.raises(PlanningError) as info:
        stratum_quota(10, **kwargs)
    assert info.value.code == code


def test_ratio_text_is_canonical():
    assert [ratio_text(parse_ratio(r)) for r in ("0.030", "1", "0", "1/3", 0.25)] == ["0.03", "1", "0", "1/3", "0.25"]


def test_strata_are_canonical_hashed_and_keyed():
    draws = draw_strata({"B": ["b3", "b1", "b2"], "A": ["a2", "a1"]}, {"A": 1, "B": 2}, KEY)
    assert [d.label for d in draws] == ["A", "B"]
    b = draws[1]
    assert b.pool == ["b1", "b2", "b3"]
    assert b.pool_sha256 == pool_hash(["b1", "b2", "b3"])
    assert b.derived_key == derive_key(KEY, "B", b.pool_sha256)
    assert len(b.selected) == 2 and b.one_sided is None


def test_a_stratum_taken_whole_is_one_sided_and_canonical():
    (draw,) = draw_strata({"D": ["d2", "d1"]}, {"D": 2}, KEY)
    assert draw.selected == ["d1", "d2"] and draw.one_sided == "objects"
    (empty,) = draw_strata({"E": []}, {"E": 0}, KEY)
    assert empty.selected == [] and empty.one_sided is None


@pytest.mark.parametrize("strata", [{"A": ["x", "x"]}, {"A": ["x"], "B": ["x"]}, {"A": ["x\ny"]}])
def test_bad_pools_are_refused(strata):
    with pytest.raises(PlanningError) as info:
        draw_strata(strata, {label: 0 for label in strata}, KEY)
    assert info.value.code == "draw.pool"


identifiers = st.lists(st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=6), unique=True,
                       max_size=60)


@settings(max_examples=100, deadline=None)
@given(pool=identifiers, ratio=st.fractions(0, 1), seed=st.randoms(use_true_random=False),
       sources=st.lists(st.integers(0, 99), min_size=1, max_size=6))
def test_same_inputs_same_draw_whatever_the_input_order(pool, ratio, seed, sources):
    key = key_string([" ".join(map(str, sources))])
    quota = stratum_quota(len(pool), ratio=ratio)
    shuffled = list(pool)
    seed.shuffle(shuffled)
    first = draw_strata({"A": pool}, {"A": quota}, key)[0]
    again = draw_strata({"A": shuffled}, {"A": quota}, key)[0]
    assert first == again
    assert len(first.selected) == len(set(first.selected)) == quota
    assert set(first.selected) <= set(pool)
