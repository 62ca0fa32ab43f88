"""Entities through the API: validation, uniqueness, search and filters, redaction, audit entries."""

from __future__ import annotations

from backend.registry.uscc import check_character
from tests.integration.conftest import login

VALID = "91350100M000100Y43"


def entity(**overrides):
    body = {"uscc": VALID, "name": "南通通州粮油有限公司", "kind": "企业", "industry": "F5121",
            "region": "320612", "address": "通州区金沙街道人民路1号", "risk_class": "C",
            "legal_person": "张三", "contact_phone": "13900000000", "departments": ["SCJG", "lscb"]}
    return {**body, **overrides}


def test_create_normalises_and_audits(client, people):
    headers = login(client, "dept_admin")
    response = client.post("/api/v1/entities", json=entity(), headers=headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["kind"] == "enterprise" and created["departments"] == ["LSCB", "SCJG"]
    audit = client.get("/api/v1/audit", headers=login(client, "platform_admin"),
                       params={"target_type": "entity"}).json()
    assert [e["action"] for e in audit["items"]] == ["entity.create"]
    assert audit["items"][0]["after_digest"]


def test_wrong_check_character_names_position_and_expected(client, people):
    response = client.post("/api/v1/entities", json=entity(uscc="91350100M000100Y44"),
                           headers=login(client, "dept_admin"))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "uscc.check"
    assert "3" in body["message"]["zh"] and "position 18" in body["message"]["en"]


def test_every_field_problem_is_reported_at_once(client, people):
    response = client.post("/api/v1/entities", json=entity(kind="飞船", industry="Z99", region="99",
                                                          departments=["NOPE"]),
                           headers=login(client, "dept_admin"))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"kind", "industry", "region", "departments"}


def test_duplicate_uscc_is_a_conflict_and_nothing_changes(client, people):
    headers = login(client, "dept_admin")
    assert client.post("/api/v1/entities", json=entity(), headers=headers).status_code == 201
    again = client.post("/api/v1/entities", json=entity(name="别的名字"), headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "entity.exists"
    listed = client.get("/api/v1/entities", headers=headers).json()
    assert listed["total"] == 1 and listed["items"][0]["name"] == "南通通州粮油有限公司"


def test_unknown_field_and_wrong_type_are_400(client, people):
    headers = login(client, "dept_admin")
    assert client.post("/api/v1/entities", json=entity(colour="red"), headers=headers).status_code == 400
    assert client.post("/api/v1/entities", json=entity(complaints_count="many"), headers=headers).status_code == 400


def test_update_records_before_and_after(client, people):
    headers = login(client, "dept_admin")
    entity_id = client.post("/api/v1/entities", json=entity(), headers=headers).json()["id"]
    response = client.patch(f"/api/v1/entities/{entity_id}", json={"status": "经营异常名录"}, headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "abnormal"
    entries = client.get("/api/v1/audit", headers=login(client, "platform_admin"),
                         params={"action": "entity.update"}).json()["items"]
    assert entries[0]["before_digest"] != entries[0]["after_digest"]
    assert entries[0]["detail"] == {"fields": ["status"]}


def test_search_and_filters(client, people):
    headers = login(client, "dept_admin")
    client.post("/api/v1/entities", json=entity(), headers=headers)
    other = "92320612MA1234567" + check_character("92320612MA1234567")
    created = client.post("/api/v1/entities", json=entity(uscc=other, name="通州便民超市", industry="F5211"),
                          headers=headers)
    assert created.status_code == 201, created.text
    by_name = client.get("/api/v1/entities", params={"q": "粮油"}, headers=headers).json()
    assert [e["uscc"] for e in by_name["items"]] == [VALID]
    by_code = client.get("/api/v1/entities", params={"q": "91350100"}, headers=headers).json()
    assert by_code["total"] == 1
    by_industry = client.get("/api/v1/entities", params={"industry": "F51"}, headers=headers).json()
    assert by_industry["total"] == 1 and by_industry["items"][0]["uscc"] == VALID
    assert client.get("/api/v1/entities", params={"risk_class": "D"}, headers=headers).json()["total"] == 0


def test_observer_sees_no_personal_data_and_no_risk_class(client, people):
    client.post("/api/v1/entities", json=entity(), headers=login(client, "dept_admin"))
    observer = login(client, "observer")
    row = client.get("/api/v1/entities", headers=observer).json()["items"][0]
    assert row["legal_person"] is None and row["contact_phone"] is None and row["risk_class"] is None
    assert client.get("/api/v1/entities", params={"risk_class": "C"}, headers=observer).status_code == 403
    inspector_view = client.get("/api/v1/entities", headers=login(client, "inspector")).json()["items"][0]
    assert inspector_view["legal_person"] == "张三" and inspector_view["risk_class"] == "C"


def test_paging_bounds_are_validated(client, people):
    headers = login(client, "inspector")
    assert client.get("/api/v1/entities", params={"page": 0}, headers=headers).status_code == 400
    assert client.get("/api/v1/entities", params={"page_size": 100000}, headers=headers).status_code == 400


def test_a_broad_search_reports_a_capped_total(client):
    from backend.registry.demo import seed_demo
    from backend.registry.entities import COUNT_CAP
    from tests.integration.conftest import run

    run(seed_demo(entities=COUNT_CAP + 200))
    token = client.post("/api/v1/auth/login", json={"username": "admin", "password": "admin-choucha-2026",
                                                     "device_name": "t"}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    broad = client.get("/api/v1/entities", params={"page_size": 10}, headers=headers).json()
    assert (broad["total"], broad["total_exact"], len(broad["items"])) == (COUNT_CAP + 1, False, 10)
    narrow = client.get("/api/v1/entities", params={"q": broad["items"][3]["uscc"]}, headers=headers).json()
    assert (narrow["total"], narrow["total_exact"]) == (1, True)
    last = client.get("/api/v1/entities", params={"page_size": 100, "page": 12}, headers=headers).json()
    assert len(last["items"]) == 100 and last["items"][0]["id"] > broad["items"][-1]["id"]
