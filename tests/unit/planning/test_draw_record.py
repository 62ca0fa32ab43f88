"""The public draw record: JSON-able, re-derivable from itself, and any tampered field is named."""

from __future__ import annotations

import copy
import dataclasses
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.planning.eligibility import Exclusion
from backend.planning.record import (DrawSpec, StratumSpec, execute_draw, public_view, select_objects, staff,
                                     verify_record)
from backend.planning.roster import Candidate
from backend.planning.teams import TeamRules

SOURCES = ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]


def make_spec(**changes) -> DrawSpec:
    pools = {"A": [f"A{n:03d}" for n in range(40)], "B": [f"B{n:03d}" for n in range(20)], "C": ["C1", "C2", "C3"]}
    roster = [Candidate(f"i{n}", f"C{n:03d}", frozenset({"a", "b"} if n % 3 == 0 else {"a"} if n % 3 else {"b"}),
                        n % 2) for n in range(10)]
    spec = DrawSpec(
        sources=SOURCES,
        strata=[StratumSpec("A", pools["A"], ratio="0.1"), StratumSpec("B", pools["B"], count=5),
                StratumSpec("C", pools["C"], ratio=1)],
        roster=roster, team_rules=TeamRules(load_cap=6, experts_per_team=1), required=frozenset({"a", "b"}),
        unavailable={o: {"i0": "recusal", "i3": "previous_inspector"} for o in pools["A"] + pools["B"]},
        experts=["x1", "x2", "x3"],
        excluded=[Exclusion("Z9", "excluded.deregistered"), Exclusion("Z1", "excluded.frequency_cap")],
        exempted=[Exclusion("B007", "exempt.complaints")],
        excluded_inspectors=[Exclusion("i99", "inspector.credential_expired")],
        parameters={"plan": "2025-SCJG-01", "draw_date": "2025-03-01"},
    )
    return dataclasses.replace(spec, **changes)


@pytest.fixture(scope="module")
def record() -> dict:
    result = execute_draw(make_spec())
    assert [s["quota"] for s in result["strata"]] == [4, 5, 3]
    assert result["teams"][1]["status"] == "staffed" and result["teams"][1]["experts"]
    return result


def walk(record: dict, path: str) -> tuple[object, object]:
    """The container holding the last step of `path` ("strata[1].selected[3]") and that step."""
    steps = [int(s) if s.isdigit() else s for s in re.findall(r"[^.\[\]]+", path)]
    node = record
    for step in steps[:-1]:
        node = node[step]
    return node, steps[-1]


def tampered(record: dict, path: str, change) -> dict:
    copy_ = copy.deepcopy(record)
    node, last = walk(copy_, path)
    node[last] = change(node[last])
    return copy_


def test_a_fresh_record_matches_also_after_a_json_round_trip(record):
    assert verify_record(record) is None
    assert verify_record(json.loads(json.dumps(record))) is None
    assert record["algorithm"] == "rfc3797" and record["one_sided"] is None
    assert record["strata"][2]["one_sided"] == "objects"


def test_same_spec_same_record():
    assert execute_draw(make_spec()) == execute_draw(make_spec())


def flip(value):
    return not value


TAMPERING = [
    ("format", lambda v: "choucha-draw-record-0", "format"),
    ("algorithm", lambda v: "choucha-rfc3797-ext-1", "algorithm"),
    ("algorithm", lambda v: "md5-please", "algorithm"),
    ("sources[1]", lambda v: "2 5 12 8 11", "sources"),
    ("key", lambda v: v.replace("9319", "9318"), "key"),
    ("strata[1].label", lambda v: "B2", "strata[1].label"),
    ("strata[1].pool[3]", lambda v: "B003x", "strata[1].pool"),
    ("strata[1].pool[3]", lambda v: "B999", "strata[1].pool[4]"),
    ("strata[1].pool_sha256", lambda v: "0" * 64, "strata[1].pool_sha256"),
    ("strata[1].pool_size", lambda v: v + 1, "strata[1].pool_size"),
    ("strata[0].ratio", lambda v: "0.2", "strata[0].ratio"),
    ("strata[1].count", lambda v: 6, "strata[1].count"),
    ("strata[1].quota", lambda v: 6, "strata[1].quota"),
    ("strata[1].derived_key", lambda v: v.replace("B/", "X/"), "strata[1].derived_key"),
    ("strata[1].selected", lambda v: v[1:] + v[:1], "strata[1].selected[0]"),
    ("strata[1].selected[3]", lambda v: "B019" if v != "B019" else "B018", "strata[1].selected[3]"),
    ("strata[1].one_sided", lambda v: "objects", "strata[1].one_sided"),
    ("roster.inspectors[2].load", lambda v: v + 1, "roster"),
    ("roster.inspectors[2].tokens", lambda v: sorted({*v, "c"}), "roster"),
    ("roster.rules.team_size", lambda v: v + 1, "roster"),
    ("roster.experts[0]", lambda v: "x0", "roster"),
    ("roster.sha256", lambda v: "f" * 64, "roster.sha256"),
    ("teams[1].object", lambda v: "B000", "teams[1].object"),
    ("teams[1].required", lambda v: v[:1], "teams[1].required"),
    ("teams[1].derived_key", lambda v: v.replace("team:", "team:x"), "teams[1].derived_key"),
    ("teams[1].members[1]", lambda v: "i9" if v != "i9" else "i8", "teams[1].members[1]"),
    ("teams[1].experts[0]", lambda v: "x3" if v != "x3" else "x2", "teams[1].experts[0]"),
    ("teams[1].status", lambda v: "unstaffed", "teams[1].status"),
    ("teams[1].forced", flip, "teams[1].forced"),
    ("one_sided", lambda v: "objects", "one_sided"),
    ("exclusions.entities[0].reason", lambda v: "excluded.dislike", "exclusions.entities[0].reason"),
    ("exclusions.entities[0].id", lambda v: "A001", "exclusions.entities[0]"),
    ("exclusions.exempted[0].id", lambda v: "Q1", "exclusions.exempted[0]"),
    ("exclusions.inspectors[0].id", lambda v: "i1", "exclusions.inspectors[0]"),
]


@pytest.mark.parametrize(("path", "change", "named"), TAMPERING, ids=[f"{p}->{n}" for p, _, n in TAMPERING])
def test_tampering_is_named(record, path, change, named):
    difference = verify_record(tampered(record, path, change))
    assert difference is not None and difference.path == named, str(difference)
    assert str(difference).startswith(f"{named}: ")


def test_an_unavailable_entry_added_to_a_team_is_named(record):
    member = record["teams"][1]["members"][0]
    added = tampered(record, "teams[1].unavailable",
                     lambda rows: sorted([*rows, {"inspector": member, "reason": "recusal"}],
                                         key=lambda r: r["inspector"]))
    assert verify_record(added).path == "teams[1].unavailable"


def test_a_non_public_stratum_is_verified_with_the_observers_list(record):
    spec = make_spec()
    hidden = execute_draw(make_spec(strata=[*spec.strata[:1], StratumSpec("B", spec.strata[1].pool, count=5,
                                                                          public=False), *spec.strata[2:]]))
    view = public_view(hidden)
    assert "pool" not in view["strata"][1] and "selected" not in view["strata"][1]
    assert [t["object"] for t in view["teams"]] == sorted(t["object"] for t in hidden["teams"])
    assert verify_record(view).path == "strata[1].pool"
    without_pool = copy.deepcopy(hidden)
    del without_pool["strata"][1]["pool"]
    assert verify_record(without_pool).path == "strata[1].pool"
    assert verify_record(without_pool, pools={"B": list(reversed(spec.strata[1].pool))}) is None


def test_objects_only_draw_and_large_draw_versions():
    record = execute_draw(make_spec(roster=None))
    assert record["roster"] is None and record["teams"] == [] and verify_record(record) is None
    big = execute_draw(DrawSpec(sources=["1 2 3"], strata=[StratumSpec("A", [f"E{n:06d}" for n in range(70_000)],
                                                                       ratio=1), ], roster=None))
    assert big["algorithm"] == "choucha-rfc3797-ext-1" and big["one_sided"] == "objects"
    assert verify_record(tampered(big, "algorithm", lambda v: "rfc3797")).path == "algorithm"


ids = st.lists(st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=2, max_size=5), unique=True, min_size=3,
               max_size=40)


@settings(max_examples=40, deadline=None)
@given(pool=ids, share=st.integers(1, 3), lottery=st.lists(st.integers(1, 49), min_size=1, max_size=7),
       data=st.data())
def test_tampering_a_selection_a_member_or_a_pool_entry_is_named(pool, share, lottery, data):
    roster = [Candidate(f"i{n}", f"{n:04d}", frozenset({"a"} if n % 2 else {"b"})) for n in range(6)]
    spec = DrawSpec(sources=[" ".join(map(str, lottery))], strata=[StratumSpec("A", pool, count=len(pool) // share)],
                    roster=roster, required=frozenset({"a"}))
    record = execute_draw(spec)
    assert verify_record(record) is None
    j = data.draw(st.integers(0, len(pool) - 1))
    changed = tampered(record, f"strata[0].pool[{j}]", lambda v: v + "Z")
    assert re.fullmatch(r"strata\[0\]\.pool(\[\d+\])?", verify_record(changed).path)
    selected = record["strata"][0]["selected"]
    if selected and len(selected) < len(pool):
        k = data.draw(st.integers(0, len(selected) - 1))
        other = next(i for i in pool if i not in selected)
        assert verify_record(tampered(record, f"strata[0].selected[{k}]", lambda v: other)).path == \
            f"strata[0].selected[{k}]"
    staffed = [n for n, t in enumerate(record["teams"]) if t["status"] == "staffed"]
    if staffed:
        n = data.draw(st.sampled_from(staffed))
        m = data.draw(st.integers(0, len(record["teams"][n]["members"]) - 1))
        outsider = next(c.id for c in roster if c.id not in record["teams"][n]["members"])
        assert verify_record(tampered(record, f"teams[{n}].members[{m}]", lambda v: outsider)).path == \
            f"teams[{n}].members[{m}]"


def test_staffing_reports_each_team_as_it_is_matched_in_record_order(record):
    seen = []
    spec = make_spec()
    selection = select_objects(spec)
    assert [d.selected for d in selection.draws] == [s["selected"] for s in record["strata"]]
    staffed = staff(spec, selection, on_team=lambda entry: seen.append(copy.deepcopy(entry)))
    assert staffed == record  # the same record as execute_draw, the hook changes nothing
    assert seen == record["teams"]
    assert staff(make_spec(roster=None), selection, on_team=seen.append)["teams"] == [] and len(seen) == len(
        record["teams"])  # objects only: no team, no call
