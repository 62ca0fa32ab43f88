"""Inspectors through the API: registration, filters, recusals, experts, department scope."""

from __future__ import annotations

from backend.registry.uscc import check_character
from tests.integration.conftest import login

USCC = "91320612MA1X2Y3W4" + check_character("91320612MA1X2Y3W4")


def inspector(**overrides):
    body = {"name": "王五", "department": "SCJG", "credential_no": "32061220230001", "valid_from": "2023-01-01",
            "valid_to": "2028-12-31", "qualifications": ["市场监管综合执法", "food"], "phone": "13800000000"}
    return {**body, **overrides}


def test_register_filter_and_redact(client, people):
    admin = login(client, "dept_admin")
    created = client.post("/api/v1/inspectors", json=inspector(), headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["qualifications"] == ["food", "market"] and created.json()["department"] == "SCJG"
    client.post("/api/v1/inspectors", json=inspector(name="赵六", credential_no="32061220230002",
                                                     qualifications=["quality"]), headers=admin)
    food = client.get("/api/v1/inspectors", params={"qualification": "food"}, headers=admin).json()
    assert [i["name"] for i in food["items"]] == ["王五"]
    observer = client.get("/api/v1/inspectors", headers=login(client, "observer")).json()
    assert observer["total"] == 2 and {i["phone"] for i in observer["items"]} == {None}


def test_credential_dates_and_qualifications_are_checked(client, people):
    admin = login(client, "dept_admin")
    response = client.post("/api/v1/inspectors", headers=admin, json=inspector(
        valid_from="2029-01-01", qualifications=["飞行"]))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"valid_to", "qualifications"}


def test_department_admin_manages_only_their_own_inspectors(client, people):
    response = client.post("/api/v1/inspectors", headers=login(client, "dept_admin"),
                           json=inspector(department="LSCB"))
    assert response.status_code == 403 and response.json()["code"] == "inspector.scope"


def test_recusal_needs_a_registered_entity_and_is_unique(client, people):
    admin = login(client, "dept_admin")
    inspector_id = client.post("/api/v1/inspectors", json=inspector(), headers=admin).json()["id"]
    missing = client.post(f"/api/v1/inspectors/{inspector_id}/recusals", headers=admin,
                          json={"uscc": USCC, "reason": "近亲属任负责人"})
    assert missing.status_code == 422 and missing.json()["code"] == "entity.not_found"
    client.post("/api/v1/entities", headers=admin, json={
        "uscc": USCC, "name": "通州某公司", "kind": "企业", "industry": "C1311", "region": "320612",
        "address": "通州区某路1号", "risk_class": "B"})
    first = client.post(f"/api/v1/inspectors/{inspector_id}/recusals", headers=admin,
                        json={"uscc": USCC.lower(), "reason": "近亲属任负责人"})
    assert first.status_code == 201 and first.json()["entity_name"] == "通州某公司"
    again = client.post(f"/api/v1/inspectors/{inspector_id}/recusals", headers=admin,
                        json={"uscc": USCC, "reason": "重复"})
    assert again.status_code == 409
    listed = client.get(f"/api/v1/inspectors/{inspector_id}/recusals", headers=admin).json()
    assert [r["uscc"] for r in listed] == [USCC]


def test_experts_are_a_separate_pool(client, people):
    admin = login(client, "dept_admin")
    created = client.post("/api/v1/experts", headers=admin, json={"name": "南通市食品检验所", "kind": "检验检测机构"})
    assert created.status_code == 201 and created.json()["kind"] == "lab"
    assert client.get("/api/v1/inspectors", headers=admin).json()["total"] == 0
    assert [e["name"] for e in client.get("/api/v1/experts", headers=admin).json()] == ["南通市食品检验所"]
