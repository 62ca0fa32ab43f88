"""Joint inspections: one task per object with every department's items, staffed by every department."""

from __future__ import annotations

from backend.planning.joint import Item, ObjectTask, merge_joint
from backend.planning.roster import Candidate, inspector_tokens, required_tokens
from backend.planning.teams import TeamRequest, TeamRules, match_teams

KEY = "1.2.3./"


def test_overlapping_objects_merge_into_one_task():
    tasks = merge_joint({
        "SCJG": [ObjectTask("E1", (Item("food-1", ("food",)), Item("lic-2"))), ObjectTask("E2", (Item("lic-2"),))],
        "LS": [ObjectTask("E1", (Item("grain-1", ("grain",)),))],
        "WJ": [ObjectTask("E1", (Item("food-1", ("health",)),))],
    })
    assert [t.object_id for t in tasks] == ["E1", "E2"]
    e1, e2 = tasks
    assert e1.joint and not e2.joint
    assert e1.departments == ("LS", "SCJG", "WJ")
    assert [(d, i.code) for d, i in e1.items] == [("LS", "grain-1"), ("SCJG", "food-1"), ("SCJG", "lic-2"),
                                                  ("WJ", "food-1")]
    assert e1.required() == {"LS/grain", "SCJG/food", "SCJG/*", "WJ/health"}
    assert e1.required(scoped=False) == {"grain", "food", "health"}


def test_repeated_items_are_kept_once_with_all_qualifications():
    (task,) = merge_joint({"SCJG": [ObjectTask("E1", (Item("a", ("food",)),)),
                                    ObjectTask("E1", (Item("a", ("quality",)),))]})
    assert task.items == (("SCJG", Item("a", ("food", "quality"))),)


def test_a_joint_team_has_an_officer_of_each_department_covering_its_items():
    people = [("s1", "SCJG", ("food", "market")), ("s2", "SCJG", ("market",)), ("l1", "LS", ("grain",)),
              ("l2", "LS", ()), ("w1", "WJ", ("health",))]
    roster = [Candidate(i, f"C-{i}", inspector_tokens(d, q, scoped=True)) for i, d, q in people]
    (task,) = merge_joint({"SCJG": [ObjectTask("E1", (Item("food-1", ("food",)),))],
                           "LS": [ObjectTask("E1", (Item("grain-1", ("grain",)),))],
                           "WJ": [ObjectTask("E1", (Item("hyg", ()),))]})
    (team,) = match_teams([TeamRequest("E1", task.required())], roster, TeamRules(), public_key=KEY)
    assert team.status == "staffed"
    departments = {i: d for i, d, _ in people}
    assert {departments[m] for m in team.members} == {"SCJG", "LS", "WJ"}
    assert {"s1", "l1"} <= set(team.members)


def test_required_tokens_of_items_without_qualifications():
    assert required_tokens([("SCJG", [])], scoped=True) == {"SCJG/*"}
    assert required_tokens([("SCJG", [])], scoped=False) == frozenset()
