"""The demo district generator: valid, unique, consistent and deterministic data."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from backend.registry import demo_data
from backend.registry.uscc import validate_uscc
from backend.registry.vocab import (
    QUALIFICATIONS, DepartmentLevel, EntityKind, EntityScale, EntityStatus, ExpertKind, InspectorStatus,
    ItemMethod, ItemType, RiskClass, Role,
)

DRAW_DAY = date(2026, 11, 23)
BANDS = {"A": (0.0, 0.05), "B": (0.05, 0.20), "C": (0.21, 0.60), "D": (0.61, 1.0)}


@pytest.fixture(scope="module")
def entities():
    return demo_data.entities()


@pytest.fixture(scope="module")
def inspectors():
    return demo_data.inspectors()


@pytest.fixture(scope="module")
def dept_codes():
    return {d["code"] for d in demo_data.departments()}


def test_departments_form_a_tree(dept_codes):
    depts = demo_data.departments()
    assert len(depts) >= 13 and len(dept_codes) == len(depts)
    for d in depts:
        assert d["level"] in {m.value for m in DepartmentLevel}
        assert d["parent_code"] is None or d["parent_code"] in dept_codes
    by_code = {d["code"]: d for d in depts}
    assert by_code["NT-SCJG"]["level"] == "city" and by_code["NT-SCJG"]["jurisdiction"] == "320600"
    assert by_code["SCJG"]["parent_code"] == "NT-SCJG" and by_code["SCJG"]["jurisdiction"] == "320612"


def test_one_user_per_role_with_documented_passwords(dept_codes, inspectors):
    users = demo_data.users()
    assert sorted(u["role"] for u in users) == sorted(m.value for m in Role)
    assert {u["username"]: u["password"] for u in users} == demo_data.DEMO_PASSWORDS
    assert demo_data.DEMO_PASSWORDS["admin"] == "admin-choucha-2026"
    assert all(u["department_code"] is None or u["department_code"] in dept_codes for u in users)
    linked = {i["username"]: i for i in inspectors if i["username"]}
    assert set(linked) == {"inspector", "lead"}
    scjg = [i for i in inspectors if i["department"] == "SCJG"]
    assert [scjg[0]["username"], scjg[1]["username"]] == ["inspector", "lead"]
    names = {u["username"]: u["display_name"] for u in users}
    assert all(linked[k]["name"] == names[k] for k in linked)


def test_inspectors_are_certified_and_tagged(inspectors, dept_codes):
    assert len(inspectors) >= 150
    numbers = [i["credential_no"] for i in inspectors]
    assert len(set(numbers)) == len(numbers)
    jurisdiction = {d["code"]: d["jurisdiction"] for d in demo_data.departments()}
    for i in inspectors:
        assert i["department"] in dept_codes
        assert re.fullmatch(r"\d{14}", i["credential_no"])
        assert i["credential_no"].startswith(jurisdiction[i["department"]])
        assert i["valid_from"] < i["valid_to"]
        assert set(i["qualifications"]) <= set(QUALIFICATIONS)
        assert i["expertise"] and i["status"] in {m.value for m in InspectorStatus}
        assert re.fullmatch(r"1\d{10}", i["phone"])
    statuses = Counter(i["status"] for i in inspectors)
    assert 1 <= statuses["disabled"] <= 2 and statuses["leave"] >= 1
    assert statuses["active"] / len(inspectors) > 0.9
    assert any(i["valid_to"].year == 2025 for i in inspectors)
    per_dept = Counter(i["department"] for i in inspectors)
    assert per_dept.most_common(1)[0][0] == "SCJG"


def test_items_are_complete_and_staffed(inspectors, dept_codes):
    items = demo_data.items()
    assert len(items) >= 35
    assert len({i["code"] for i in items}) == len(items)
    per_dept = Counter(i["department"] for i in items)
    assert set(per_dept) == dept_codes and all(2 <= n <= 5 for n in per_dept.values())
    usable = [i for i in inspectors
              if i["status"] == "active" and i["valid_from"] <= DRAW_DAY <= i["valid_to"]]
    for item in items:
        assert item["legal_basis"].startswith("《") and item["content"] and item["name"]
        assert item["method"] in {m.value for m in ItemMethod} and item["type"] in {m.value for m in ItemType}
        assert item["version"] == 1 and item["published"] is True
        for cls, (low, high) in BANDS.items():
            assert low <= item["ratios"][cls] <= high
            assert isinstance(item["frequency"][cls], int) and item["frequency"][cls] >= 1
        for q in item["required_qualifications"]:
            assert q in QUALIFICATIONS
            assert sum(q in i["qualifications"] for i in usable) >= 2, (item["code"], q)
        same_dept = [i for i in usable if i["department"] == item["department"]
                     and set(item["required_qualifications"]) <= set(i["qualifications"])]
        assert len(same_dept) >= 2, item["code"]


def test_every_uscc_is_valid_and_unique(entities):
    assert len(entities) >= 20000
    codes = [e["uscc"] for e in entities]
    assert len(set(codes)) == len(codes)
    for e in entities:
        result = validate_uscc(e["uscc"], allow_legacy=False)
        assert result.ok, (e["uscc"], result.problem)
        assert e["uscc"][2:8] == e["region"] and e["legacy_id"] is False
    assert all(e["uscc"].startswith("92") for e in entities if e["kind"] == "individual")
    assert all(e["uscc"].startswith("93") for e in entities if e["kind"] == "cooperative")


def test_entity_fields_use_codes(entities, dept_codes):
    kinds, scales = {m.value for m in EntityKind}, {m.value for m in EntityScale}
    statuses = {m.value for m in EntityStatus}
    for e in entities:
        assert e["kind"] in kinds and e["status"] in statuses
        assert e["scale"] is None or e["scale"] in scales
        assert re.fullmatch(r"[A-T]\d{4}", e["industry"])
        assert e["region"].startswith("3206") and e["address"].startswith("江苏省")
        assert e["departments"] and set(e["departments"]) <= dept_codes
        if e["kind"] in ("enterprise", "individual", "cooperative"):
            assert "SCJG" in e["departments"]
        assert e["complaints_count"] >= 0
    kind_share = Counter(e["kind"] for e in entities)
    assert 0.50 < kind_share["enterprise"] / len(entities) < 0.60
    assert 0.35 < kind_share["individual"] / len(entities) < 0.45
    assert all(kind_share[k] for k in ("cooperative", "product", "equipment", "project"))
    assert sum(e["region"] == "320612" for e in entities) / len(entities) > 0.8


def test_risk_and_status_proportions(entities):
    n = len(entities)
    risk = Counter(e["risk_class"] for e in entities)
    assert set(risk) == {m.value for m in RiskClass}
    for cls, share in {"A": 0.35, "B": 0.45, "C": 0.15, "D": 0.05}.items():
        assert abs(risk[cls] / n - share) < 0.02, (cls, risk[cls] / n)
    status = Counter(e["status"] for e in entities)
    assert 0.02 < status["abnormal"] / n < 0.06
    assert status["blacklisted"] and status["deregistered"] and status["revoked"]
    assert all(e["risk_class"] == "D" for e in entities if e["status"] == "blacklisted")
    assert 0.1 < sum(e["special_sector"] for e in entities) / n < 0.6
    assert sum(e["complaints_count"] > 0 for e in entities) / n < 0.3


def test_names_are_distinct_and_match_kind(entities):
    names = [e["name"] for e in entities]
    assert len(set(names)) / len(names) >= 0.95
    for e in entities:
        if e["kind"] == "enterprise":
            assert e["name"].endswith("公司")
        elif e["kind"] == "cooperative":
            assert e["name"].endswith("合作社")


def test_recusals_refer_to_register(entities, inspectors):
    recusals = demo_data.recusals(entities, inspectors)
    assert 25 <= len(recusals) <= 40
    by_no = {i["credential_no"]: i for i in inspectors}
    by_uscc = {e["uscc"]: e for e in entities}
    assert len({(r["credential_no"], r["uscc"]) for r in recusals}) == len(recusals)
    for r in recusals:
        assert r["reason"] and r["uscc"] in by_uscc and r["credential_no"] in by_no
        assert by_no[r["credential_no"]]["department"] in by_uscc[r["uscc"]]["departments"]


def test_experts_pool():
    experts = demo_data.experts()
    assert 15 <= len(experts) <= 30
    assert {e["kind"] for e in experts} == {m.value for m in ExpertKind}
    assert all(e["name"] and e["expertise"] and e["phone"] for e in experts)


def test_deterministic(entities, inspectors):
    assert demo_data.entities(500) == entities[:500]
    assert demo_data.inspectors() == inspectors
    assert demo_data.items() == demo_data.items() and demo_data.experts() == demo_data.experts()
    assert demo_data.recusals(entities, inspectors) == demo_data.recusals(entities, inspectors)
    assert demo_data.entities(50, seed=1) != demo_data.entities(50)
