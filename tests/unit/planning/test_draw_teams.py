"""Team matching: the engine equals a plain-list reading of the documented algorithm; team properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.planning.errors import PlanningError
from backend.planning.roster import ANY, Candidate, InspectorFacts, eligible_inspectors, unavailable_by_object
from backend.planning.sortition import draw_number
from backend.planning.teams import Team, TeamRequest, TeamRules, match_teams, roster_hash, team_key

KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"


def _unstaffed(required, available, roster, request, size):
    tokens = {c.id: c.tokens | {ANY} for c in roster}
    missing = [t for t in required if not any(t in tokens[c.id] for c in available)]
    reachable = [c for c in roster if c.id not in request.unavailable]
    if any(not any(t in tokens[c.id] for c in reachable) for t in missing):
        return "team.uncovered", missing
    if missing:
        return "team.capped", missing
    if len(available) < size:
        return ("team.too_few" if len(reachable) < size else "team.capped"), []
    return None


def reference(requests, roster, rules, experts=()):
    """The module docstring of teams.py, read literally with plain lists."""
    roster = sorted(roster, key=lambda c: (c.credential_no, c.id))
    experts = sorted(experts)
    loads = {c.id: c.load for c in roster}
    digest = roster_hash(roster, experts, rules)
    cap, size = rules.load_cap, rules.team_size
    teams = []
    for request in requests:
        key = team_key(KEY, request, digest)
        available = [c for c in roster if loads[c.id] < cap and c.id not in request.unavailable]
        required = sorted(request.required)
        problem = _unstaffed(required, available, roster, request, size)
        if problem:
            teams.append(Team(request.object_id, key, [], [], "unstaffed", *problem))
            continue
        members, covered, forced = [], set(), True
        for token in required + [ANY] * size:
            if (len(members) >= size) if token == ANY else (token in covered):
                continue
            holds = [c for c in available if token in c.tokens | {ANY}]
            candidates = [c for c in holds if c.id not in members]
            lowest_t = min(loads[c.id] for c in roster if token in c.tokens | {ANY} and loads[c.id] < cap)
            limit = max(min(lowest_t + rules.load_slack, cap - 1), min(loads[c.id] for c in candidates))
            band = [c for c in candidates if loads[c.id] <= limit]
            forced = forced and len(band) == 1
            chosen = band[draw_number(key, len(members)) % len(band)]
            members.append(chosen.id)
            covered |= chosen.tokens | {ANY}
        left, picked = list(experts), []
        for i in range(len(members), len(members) + min(rules.experts_per_team, len(experts))):
            picked.append(left.pop(draw_number(key, i) % len(left)))
        for member in members:
            loads[member] += 1
        teams.append(Team(request.object_id, key, members, picked, "staffed", forced=forced))
    return teams


tokens = st.frozensets(st.sampled_from(["a", "b", "c"]), max_size=3)
candidates = st.lists(st.builds(Candidate, id=st.text("pqrs", min_size=1, max_size=3),
                                credential_no=st.text("0123", min_size=1, max_size=3), tokens=tokens,
                                load=st.integers(0, 3)), unique_by=lambda c: c.id, max_size=12)
rules = st.builds(TeamRules, team_size=st.integers(2, 3), load_cap=st.integers(1, 5), load_slack=st.integers(0, 2),
                  experts_per_team=st.integers(0, 2))


@st.composite
def scenarios(draw):
    roster = draw(candidates)
    ids = [c.id for c in roster]
    requests = []
    for n in range(draw(st.integers(1, 10))):
        required = draw(st.frozensets(st.sampled_from(["a", "b", "c", "d"]), max_size=3))
        away = draw(st.lists(st.sampled_from(ids), unique=True, max_size=3)) if ids else []
        reasons = st.sampled_from(["recusal", "previous_inspector"])
        requests.append(TeamRequest(f"OBJ{n}", required, {i: draw(reasons) for i in away}))
    experts = draw(st.lists(st.text("xyz", min_size=1, max_size=2), unique=True, max_size=3))
    return roster, requests, draw(rules), experts


@settings(max_examples=300, deadline=None)
@given(scenario=scenarios())
def test_engine_matches_the_documented_algorithm(scenario):
    roster, requests, team_rules, experts = scenario
    teams = match_teams(requests, roster, team_rules, public_key=KEY, experts=experts)
    assert teams == reference(requests, roster, team_rules, experts)
    assert teams == match_teams(requests, list(reversed(roster)), team_rules, public_key=KEY, experts=experts)


@settings(max_examples=300, deadline=None)
@given(scenario=scenarios())
def test_every_team_is_qualified_sized_capped_and_free_of_recusals(scenario):
    roster, requests, team_rules, experts = scenario
    by_id = {c.id: c for c in roster}
    loads = {c.id: c.load for c in roster}
    for request, team in zip(requests, match_teams(requests, roster, team_rules, public_key=KEY, experts=experts)):
        assert team.object_id == request.object_id
        if team.status == "unstaffed":
            assert team.reason in ("team.uncovered", "team.capped", "team.too_few") and not team.members
            continue
        assert len(set(team.members)) == len(team.members) >= team_rules.team_size
        assert request.required <= set().union(*(by_id[m].tokens for m in team.members))
        assert not set(team.members) & set(request.unavailable)
        assert all(loads[m] < team_rules.load_cap for m in team.members)
        assert len(team.experts) == min(team_rules.experts_per_team, len(experts))
        for member in team.members:
            loads[member] += 1


def test_load_is_balanced_when_qualifications_allow():
    roster = [Candidate(f"i{n}", f"C{n:02d}", frozenset({"a"})) for n in range(10)]
    requests = [TeamRequest(f"O{n}", frozenset({"a"})) for n in range(25)]
    teams = match_teams(requests, roster, TeamRules(load_cap=10, load_slack=0), public_key=KEY)
    counts = [sum(c.id in t.members for t in teams) for c in roster]
    assert max(counts) - min(counts) <= 1 and sum(counts) == 50


def test_unstaffed_reasons_are_reported():
    roster = [Candidate("i1", "C1", frozenset({"a"}), 0), Candidate("i2", "C2", frozenset({"b"}), 3),
              Candidate("i3", "C3", frozenset(), 0)]
    requests = [TeamRequest("O1", frozenset({"z"})), TeamRequest("O2", frozenset({"b"})),
                TeamRequest("O3", frozenset({"a"}), {"i3": "recusal", "i2": "recusal"})]
    teams = match_teams(requests, roster, TeamRules(load_cap=3), public_key=KEY)
    assert [(t.status, t.reason, t.missing) for t in teams] == [
        ("unstaffed", "team.uncovered", ["z"]), ("unstaffed", "team.capped", ["b"]),
        ("unstaffed", "team.too_few", [])]


def test_only_valid_credentials_enter_the_roster():
    day = date(2025, 6, 1)
    people = [InspectorFacts("i1", "C1", "SCJG", "active", date(2020, 1, 1), date(2026, 1, 1), ("food",)),
              InspectorFacts("i2", "C2", "SCJG", "leave", date(2020, 1, 1), date(2026, 1, 1), ("food",)),
              InspectorFacts("i3", "C3", "SCJG", "active", date(2020, 1, 1), date(2025, 5, 31), ("food",)),
              InspectorFacts("i4", "C0", "LS", "active", date(2025, 6, 2), date(2030, 1, 1), ())]
    roster, excluded = eligible_inspectors(people, on=day, loads={"i1": 2}, scoped=True)
    assert roster == [Candidate("i1", "C1", frozenset({"SCJG/food", "SCJG/*"}), 2)]
    assert [(x.id, x.reason) for x in excluded] == [
        ("i2", "inspector.inactive"), ("i3", "inspector.credential_expired"),
        ("i4", "inspector.credential_not_yet_valid")]


def test_recusals_and_previous_inspectors_become_unavailable():
    table = unavailable_by_object([("i1", "O1"), ("i2", "O2")], {"O1": ["i1", "i3"]})
    assert table == {"O1": {"i1": "recusal", "i3": "previous_inspector"}, "O2": {"i2": "recusal"}}


def test_rules_and_tokens_are_checked():
    with pytest.raises(PlanningError) as info:
        TeamRules(team_size=1)
    assert info.value.code == "plan.team_size"
    with pytest.raises(PlanningError):
        match_teams([TeamRequest("O1", frozenset({"*"}))], [], TeamRules(), public_key=KEY)
    with pytest.raises(PlanningError):
        match_teams([TeamRequest("O/1", frozenset())], [], TeamRules(), public_key=KEY)
