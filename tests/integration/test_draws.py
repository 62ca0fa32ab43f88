"""Plans and draws end to end on the real database: publish, announce, execute once, verify, tasks."""

from __future__ import annotations

import hashlib
import json

import pytest

from backend.audit.chain import canonical_json
from backend.cli import main
from backend.fieldwork.tables import Task, TaskMember
from backend.planning.record import verify_record
from backend.registry.demo import seed_demo
from tests.integration.conftest import run

SOURCES = ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]


@pytest.fixture
def demo(client):
    run(seed_demo(entities=1500))
    response = client.post("/api/v1/auth/login", json={"username": "admin", "password": "admin-choucha-2026",
                                                       "device_name": "pytest"})
    return {"Authorization": f"Bearer {response.json()['token']}"}


def items_of(client, headers, department):
    return [i["id"] for i in client.get("/api/v1/items", params={"department": department}, headers=headers).json()]


def make_plan(client, headers, department="SCJG", **overrides):
    body = {"department": department, "year": 2026, "title": f"{department} 2026年度双随机抽查计划",
            "items": items_of(client, headers, department)[:2], "starts_on": "2026-03-01", "ends_on": "2026-12-31",
            "ratios": {"A": "0.02", "B": "0.05", "C": "0.2", "D": "0.6"}, **overrides}
    response = client.post("/api/v1/plans", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def published_plan(client, headers, **overrides):
    plan = make_plan(client, headers, **overrides)
    assert client.post(f"/api/v1/plans/{plan['id']}/publish", headers=headers).status_code == 200
    return plan


def announce(client, headers, plans, **extra):
    response = client.post("/api/v1/draws", headers=headers, json={
        "plans": plans, "sources_description": "中国体育彩票排列5 2026年12月1日开奖号码", **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_unpublished_plan_cannot_be_drawn(client, demo):
    plan = make_plan(client, demo)
    response = client.post("/api/v1/draws", headers=demo, json={"plans": [plan["id"]],
                                                                 "sources_description": "体彩排列5"})
    assert response.status_code == 409 and response.json()["code"] == "draw.plan_unpublished"


def test_plan_input_is_checked(client, demo):
    items = items_of(client, demo, "SCJG")[:1]
    bad_ratio = client.post("/api/v1/plans", headers=demo, json={
        "department": "SCJG", "year": 2026, "title": "比例错误", "items": items, "starts_on": "2026-03-01",
        "ends_on": "2026-12-31", "ratios": {"A": "1.5"}})
    assert bad_ratio.status_code == 422 and bad_ratio.json()["code"] == "plan.ratio"
    no_items = client.post("/api/v1/plans", headers=demo, json={
        "department": "SCJG", "year": 2026, "title": "无事项", "items": [], "starts_on": "2026-03-01",
        "ends_on": "2026-12-31"})
    assert no_items.status_code == 400
    foreign = client.post("/api/v1/plans", headers=demo, json={
        "department": "SCJG", "year": 2026, "title": "他部门事项", "items": items_of(client, demo, "LSCB")[:1],
        "starts_on": "2026-03-01", "ends_on": "2026-12-31"})
    assert foreign.status_code == 422 and foreign.json()["code"] == "item.department"


def test_announce_execute_verify_and_tasks(client, demo, tmp_path, capsys):
    plan = published_plan(client, demo)
    draw = announce(client, demo, [plan["id"]])
    strata = draw["announcement"]["strata"]
    assert [s["label"] for s in strata] == [f"P{plan['id']}-{c}" for c in "ABCD"]
    assert all(len(s["pool_sha256"]) == 64 for s in strata)
    executed = client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo,
                           json={"sources": SOURCES, "observers": ["公证员 王某"]})
    assert executed.status_code == 200, executed.text
    public = executed.json()["record"]
    assert "pool" not in public["strata"][0]  # risk strata are not public: hashes and sizes only
    record = client.get(f"/api/v1/draws/{draw['id']}/record", headers=demo).json()
    assert verify_record(record) is None
    # stored without its pools (the announcement holds them), the record's digest is still the whole record's
    assert hashlib.sha256(canonical_json(record).encode()).hexdigest() == executed.json()["record_sha256"]
    assert [s["pool_sha256"] for s in record["strata"]] == [s["pool_sha256"] for s in strata]
    selected = [u for s in record["strata"] for u in s["selected"]]
    assert len(selected) == sum(s["quota"] for s in record["strata"]) > 0
    staffed = [t for t in record["teams"] if t["status"] == "staffed"]
    assert staffed and all(len(t["members"]) >= 2 for t in staffed)
    assert run(Task.count().run()) == len(selected)
    assert run(TaskMember.count().run()) == sum(len(t["members"]) for t in staffed)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False))
    assert main(["draw", "verify", str(path)]) == 0 and "MATCH" in capsys.readouterr().out
    record["teams"][0]["members"][0] = "999999"
    path.write_text(json.dumps(record, ensure_ascii=False))
    assert main(["draw", "verify", str(path)]) == 1
    assert "teams[0]" in capsys.readouterr().out


def test_a_draw_executes_exactly_once(client, demo):
    plan = published_plan(client, demo)
    draw = announce(client, demo, [plan["id"]])
    first = client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": SOURCES})
    second = client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": ["1 2 3"]})
    assert first.status_code == 200 and second.status_code == 409
    assert second.json()["code"] == "draw.already_executed"
    assert client.get(f"/api/v1/draws/{draw['id']}", headers=demo).json()["sources"] == SOURCES


def test_bad_sources_are_refused_and_nothing_is_written(client, demo):
    plan = published_plan(client, demo)
    draw = announce(client, demo, [plan["id"]])
    response = client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": ["12a 7"]})
    assert response.status_code == 422 and response.json()["code"] == "draw.sources"
    assert client.get(f"/api/v1/draws/{draw['id']}", headers=demo).json()["status"] == "announced"
    assert run(Task.count().run()) == 0


def test_a_failure_while_tasks_are_written_leaves_nothing_half_written(client, demo, monkeypatch):
    """Tasks are written while the teams are still being matched (another thread): a failure on either side
    rolls the whole execution back, and the draw can then be executed."""
    from backend.fieldwork.tasks import TaskWriter
    from backend.planning import draw_service

    plan = published_plan(client, demo, ratios={"A": "0.3", "B": "0.3", "C": "0.5", "D": "1"})
    draw = announce(client, demo, [plan["id"]])
    monkeypatch.setattr(draw_service, "TEAM_CHUNK", 2)  # several writes before the failure
    original, calls = TaskWriter.write, []

    async def failing(self, teams):
        calls.append(len(teams))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        await original(self, teams)

    monkeypatch.setattr(TaskWriter, "write", failing)
    failed = client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": SOURCES})
    assert failed.status_code == 500 and calls == [2, 2, 2]
    assert client.get(f"/api/v1/draws/{draw['id']}", headers=demo).json()["status"] == "announced"
    assert run(Task.count().run()) == 0 and run(TaskMember.count().run()) == 0
    monkeypatch.setattr(TaskWriter, "write", original)
    done = client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": SOURCES})
    assert done.status_code == 200
    assert run(Task.count().run()) == sum(s["quota"] for s in done.json()["announcement"]["strata"])


def test_redraw_supersedes_and_cancels_tasks(client, demo):
    plan = published_plan(client, demo)
    draw = announce(client, demo, [plan["id"]])
    client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": SOURCES})
    no_reason = client.post("/api/v1/draws", headers=demo, json={
        "plans": [plan["id"]], "sources_description": "体彩排列5 次日", "supersedes": draw["id"]})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "draw.redraw_reason"
    redraw = announce(client, demo, [plan["id"]], supersedes=draw["id"], redraw_reason="开奖号码公布错误，依法重抽")
    client.post(f"/api/v1/draws/{redraw['id']}/execute", headers=demo, json={"sources": ["1 2 3 4 5"]})
    assert client.get(f"/api/v1/draws/{draw['id']}", headers=demo).json()["status"] == "superseded"
    old = run(Task.select(Task.status).where(Task.draw == draw["id"]).run())
    assert old and {t["status"] for t in old} == {"cancelled"}


def test_joint_draw_merges_objects_into_one_visit(client, demo):
    scjg = published_plan(client, demo, ratios={"A": "0.5", "B": "0.5", "C": "0.5", "D": "0.5"})
    lscb = published_plan(client, demo, department="LSCB", ratios={"A": "1", "B": "1", "C": "1", "D": "1"})
    draw = announce(client, demo, [scjg["id"], lscb["id"]])
    executed = client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": SOURCES})
    assert executed.status_code == 200, executed.text
    record = client.get(f"/api/v1/draws/{draw['id']}/record", headers=demo).json()
    assert verify_record(record) is None
    objects = [u for s in record["strata"] for u in s["selected"]]
    assert len(set(objects)) < len(objects)  # grain traders drawn by both departments
    tasks = run(Task.select(Task.entity.uscc.as_alias("uscc"), Task.departments).output(load_json=True).run())
    assert len(tasks) == len(set(objects))
    joint = [t for t in tasks if t["departments"] == ["LSCB", "SCJG"]]
    assert joint
    tokens = {i["id"]: set(i["tokens"]) for i in record["roster"]["inspectors"]}
    joint_teams = [t for t in record["teams"] if t["status"] == "staffed"
                   and {r.split("/")[0] for r in t["required"]} == {"LSCB", "SCJG"}]
    assert joint_teams
    for team in joint_teams:  # each department's items are checked by its own officers
        for department in ("LSCB", "SCJG"):
            assert any(any(t.startswith(f"{department}/") for t in tokens[m]) for m in team["members"])


def test_plan_adjustment_is_recorded_with_its_reason(client, demo):
    plan = published_plan(client, demo)
    response = client.post(f"/api/v1/plans/{plan['id']}/adjust", headers=demo,
                           json={"reason": "新发风险，提高高风险比例", "ratios": {"D": "0.9"}})
    assert response.status_code == 200
    adjusted = response.json()
    assert adjusted["status"] == "adjusted" and adjusted["effective_ratios"]["D"] == "0.9"
    assert adjusted["adjustments"][0]["reason"] == "新发风险，提高高风险比例"


def test_concurrent_executions_of_one_announcement_exactly_one_wins(client, demo):
    import asyncio

    from backend.audit.service import Actor
    from backend.errors import Conflict
    from backend.planning import draw_service

    plan = published_plan(client, demo)
    draw = announce(client, demo, [plan["id"]])
    actor = Actor(None, "pytest", "platform_admin")

    async def race():
        return await asyncio.gather(
            *(draw_service.execute(actor=actor, draw_id=draw["id"], sources=[s], observers=[])
              for s in ("1 2 3", "4 5 6", "7 8 9")), return_exceptions=True)

    outcomes = run(race())
    winners = [o for o in outcomes if isinstance(o, dict)]
    losers = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(winners) == 1 and len(losers) == 2, outcomes
    tasks = run(Task.select(Task.draw).run())
    assert tasks and {t["draw"] for t in tasks} == {draw["id"]}
    assert len(tasks) == sum(s["quota"] for s in winners[0]["announcement"]["strata"])


def test_team_members_with_accounts_are_notified(client, demo):
    from backend.notify.tables import Notification
    from backend.registry.tables import Inspector

    plan = published_plan(client, demo, ratios={"A": "0.3", "B": "0.3", "C": "0.5", "D": "1"})
    draw = announce(client, demo, [plan["id"]])
    client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": SOURCES})
    record = client.get(f"/api/v1/draws/{draw['id']}/record", headers=demo).json()
    members = {int(m) for t in record["teams"] for m in t["members"]}
    linked = {r["id"]: r["user"] for r in run(Inspector.select(Inspector.id, Inspector.user).where(
        Inspector.user.is_not_null()).run())}
    expected = {linked[m] for m in members if m in linked}
    assert {n["user"] for n in run(Notification.select(Notification.user).run())} == expected
    for username in ("inspector", "lead"):
        token = client.post("/api/v1/auth/login", json={"username": username, "password": f"{username}-choucha-2026",
                                                       "device_name": "phone"}).json()["token"]
        mine = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).json()
        me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()["id"]
        assert bool(mine) == (me in expected)
        inspector = next(i for i, user in linked.items() if user == me) if me in expected else None
        for note in mine:  # the inspector's tasks of this draw, in task order
            uids = [r["uid"] for r in run(Task.select(Task.uid).where(Task.id.is_in(
                [m["task"] for m in run(TaskMember.select(TaskMember.task).where(
                    TaskMember.inspector == inspector).run())])).order_by(Task.id).run())]
            assert note["kind"] == "task.assigned"
            assert note["payload"] == {"draw": draw["id"], "tasks": uids, "count": len(uids)}
            read = client.post(f"/api/v1/notifications/{note['id']}/read", headers={"Authorization": f"Bearer {token}"})
            assert read.status_code == 204
        assert client.get("/api/v1/notifications", params={"unread": True},
                          headers={"Authorization": f"Bearer {token}"}).json() == []


def test_a_count_larger_than_the_pool_is_refused(client, demo):
    plan = published_plan(client, demo, ratios={"A": "0.1", "B": "0.1", "C": "0.1"}, counts={"D": 100000})
    response = client.post("/api/v1/draws", headers=demo, json={"plans": [plan["id"]],
                                                                 "sources_description": "体彩排列5"})
    assert response.status_code == 422 and response.json()["code"] == "draw.count"
    assert client.get("/api/v1/draws", headers=demo).json() == []


def test_the_cli_announces_executes_and_verifies(client, demo, tmp_path, capsys):
    plan = published_plan(client, demo)
    assert main(["draw", "announce", "--plan", str(plan["id"]), "--sources-description", "体彩排列5"]) == 0
    draw_id = json.loads(capsys.readouterr().out)["id"]
    assert main(["draw", "execute", str(draw_id), "--source", "12 7 33", "--observer", "公证处"]) == 0
    assert "sha256" in capsys.readouterr().out
    assert main(["draw", "execute", str(draw_id), "--source", "1"]) == 1
    assert "draw.already_executed" in capsys.readouterr().err
    out = tmp_path / "r.json"
    assert main(["draw", "record", str(draw_id), "-o", str(out)]) == 0
    assert main(["draw", "verify", str(out)]) == 0
    assert capsys.readouterr().out.strip().endswith("MATCH")


def test_tasks_pin_the_form_versions_of_their_items(client, demo):
    from backend.checklists.tables import FormVersion

    plan = published_plan(client, demo)
    draw = announce(client, demo, [plan["id"]])
    client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": SOURCES})
    tasks = run(Task.select(Task.forms).output(load_json=True).run())
    pinned = {(f["form"], f["version"]) for t in tasks for f in t["forms"].values()}
    assert pinned and all(version is not None for _, version in pinned)
    in_use = {(r["form_id"], r["version"]) for r in run(FormVersion.select(
        FormVersion.form_id, FormVersion.version).where(FormVersion.in_use == True).run())}  # noqa: E712
    assert pinned <= in_use


def test_a_plan_can_avoid_the_previous_inspectors(client, demo):
    ratios = {"A": "0.2", "B": "0.2", "C": "0.3", "D": "0.5"}
    first = published_plan(client, demo, ratios=ratios)
    draw = announce(client, demo, [first["id"]])
    client.post(f"/api/v1/draws/{draw['id']}/execute", headers=demo, json={"sources": SOURCES})
    before = {t["object"]: set(t["members"]) for t in client.get(
        f"/api/v1/draws/{draw['id']}/record", headers=demo).json()["teams"]}
    second = published_plan(client, demo, ratios=ratios, avoid_previous_inspectors=True)
    assert second["avoid_previous_inspectors"] is True
    redraw = announce(client, demo, [second["id"]])
    client.post(f"/api/v1/draws/{redraw['id']}/execute", headers=demo, json={"sources": ["1 2 3 4 5"]})
    record = client.get(f"/api/v1/draws/{redraw['id']}/record", headers=demo).json()
    assert verify_record(record) is None
    again = [t for t in record["teams"] if t["object"] in before]
    assert again  # some objects were drawn both times
    for team in again:
        avoided = {u["inspector"] for u in team["unavailable"] if u["reason"] == "previous_inspector"}
        assert avoided == before[team["object"]] - {u["inspector"] for u in team["unavailable"]
                                                    if u["reason"] == "recusal"}
        assert not set(team["members"]) & before[team["object"]]


def test_recusal_pairs_cover_the_pooled_entities_however_many_recusals_there_are(client, demo):
    from backend.planning import queries
    from backend.registry.tables import Recusal

    rows = run(Recusal.select(Recusal.inspector, Recusal.entity.uscc.as_alias("uscc")).run())
    assert len(rows) > 1
    expected = {(str(r["inspector"]), r["uscc"]) for r in rows}
    # more pooled entities than recusals: every pair at once; fewer: looked up by the pooled USCCs
    assert set(run(queries.recusal_pairs([[r["uscc"] for r in rows], ["X"] * len(rows)]))) == expected
    one = rows[0]["uscc"]
    assert set(run(queries.recusal_pairs([[one]]))) == {p for p in expected if p[1] == one}


def test_draw_writes_carry_no_duplicate_index_and_compress_with_lz4_where_the_server_can(client):
    """Migration 15_00: one index (its unique constraint) on a task's uid; LZ4 for a draw's large JSON."""
    if Task._meta.db.engine_type == "postgres":
        indexes = run(Task.raw("SELECT indexdef FROM pg_indexes WHERE tablename = 'task'").run())
        lz4 = run(Task.raw("SELECT 'lz4' = ANY(enumvals) AS ok FROM pg_settings "
                           "WHERE name = 'default_toast_compression'").run())[0]["ok"]
        methods = {r["attname"]: r["attcompression"] for r in run(Task.raw(
            "SELECT attname, attcompression::text AS attcompression FROM pg_attribute "
            "WHERE attrelid = 'draw'::regclass AND attname IN ('announcement', 'pools', 'exclusions', 'record')"
        ).run())}
        assert methods == dict.fromkeys(("announcement", "pools", "exclusions", "record"), "l" if lz4 else "")
        on_uid = [r["indexdef"] for r in indexes if "(uid)" in r["indexdef"]]
    else:
        rows = run(Task.raw("SELECT name FROM pragma_index_list('task')").run())
        on_uid = [r["name"] for r in rows if [c["name"] for c in run(Task.raw(
            "SELECT name FROM pragma_index_info({})", r["name"]).run())] == ["uid"]]
    assert len(on_uid) == 1, on_uid
