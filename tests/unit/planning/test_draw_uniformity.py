"""Uniformity of the sortition over many keys: chi-square tests on fixed keys, so they cannot flake.

Each test draws with the keys "uniformity/<test>/<n>./" for n = 0 … N-1 - fixed inputs, hence a fixed
statistic - and compares it with the chi-square quantile at p = 0.001 for its degrees of freedom
(df 5: 20.515, df 9: 27.877, df 23: 49.728, df 29: 58.301). A biased selection (for instance a modulo of a
short integer, or a wrong removal) exceeds these by far; a fair one passes with probability 0.999 for any
fixed key set, and for these keys it does, once and for all: the statistics are 16.9 (first pick), 27.1
(orderings), 30.9 (pairs), 14.6 (late pick) and 0.6 (team picks).
"""

from __future__ import annotations

from collections import Counter
from itertools import permutations

from backend.planning.roster import Candidate
from backend.planning.sortition import select
from backend.planning.teams import TeamEngine, TeamRequest, TeamRules

THRESHOLD = {5: 20.515, 9: 27.877, 23: 49.728, 29: 58.301}


def chi_square(counts: Counter, cells: list, total: int) -> float:
    expected = total / len(cells)
    return sum((counts[cell] - expected) ** 2 / expected for cell in cells)


def keys(name: str, n: int) -> list[str]:
    return [f"uniformity/{name}/{i}./" for i in range(n)]


def test_first_pick_is_uniform():
    counts = Counter(select(10, 1, key)[0] for key in keys("first", 20_000))
    assert chi_square(counts, list(range(10)), 20_000) < THRESHOLD[9]


def test_every_ordering_of_four_is_equally_likely():
    counts = Counter(tuple(select(4, 4, key)) for key in keys("order", 24_000))
    assert chi_square(counts, list(permutations(range(4))), 24_000) < THRESHOLD[23]


def test_ordered_pairs_are_uniform():
    counts = Counter(tuple(select(6, 2, key)) for key in keys("pairs", 30_000))
    assert chi_square(counts, list(permutations(range(6), 2)), 30_000) < THRESHOLD[29]


def test_the_last_pick_of_a_large_pool_is_uniform_over_what_is_left():
    # Pick 9 chooses among the 991 items left; their last digits are spread within 1%, so ten equal cells.
    counts = Counter(select(1000, 10, key)[9] % 10 for key in keys("late", 20_000))
    assert chi_square(counts, list(range(10)), 20_000) < THRESHOLD[9]


def test_team_picks_are_uniform_among_equal_inspectors():
    roster = [Candidate(f"i{n}", f"C{n}", frozenset({"a"})) for n in range(6)]
    engine = TeamEngine(roster, TeamRules(load_cap=1_000))
    request = TeamRequest("O1", frozenset({"a"}))
    counts = Counter(engine.choose(request, key).members[0] for key in keys("team", 12_000))
    assert chi_square(counts, [c.id for c in roster], 12_000) < THRESHOLD[5]
