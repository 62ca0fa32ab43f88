"""Offline sync through the HTTP API: pull, push, replays, gaps, key reuse, validation, scope, restore."""

from __future__ import annotations

import pytest

from backend.audit.tables import AuditEntry
from backend.fieldsync.tables import Report, SyncMutation
from backend.fieldwork.tables import TaskMember
from tests.integration.conftest import login, run
from tests.integration.fieldwork_factory import FORM, ITEM, make_task
from tests.integration.sync_helpers import COMPLETE, device, fill_and_sign, media_arrived, sign_officers


@pytest.fixture
def task(people) -> dict:
    return run(make_task())


def test_first_pull_brings_the_task_its_form_and_the_code_table(client, task):
    dev = device(client, login(client, "inspector"))
    status, body = dev.transport("/api/v1/sync/pull", {"device": dev.device_id})
    assert status == 200
    assert [t["uid"] for t in body["tasks"]] == [task["uid"]]
    doc = body["tasks"][0]
    assert doc["entity"]["uscc"] == "91320612MA1N2P3Q4X" and doc["items"][0]["legal_basis"]
    assert [m["role"] for m in doc["team"]] == ["lead", "member"]
    assert [(f["form"], f["definition"]["id"]) for f in body["forms"]] == [(FORM, FORM)]
    assert body["reports"][0]["status"] == "assigned" and body["more"] is False
    assert {c["code"] for c in body["codes"]["codes"]} >= {"1", "E", "A"}
    _, again = dev.transport("/api/v1/sync/pull", {"device": dev.device_id, "cursor": body["cursor"]})
    assert again["tasks"] == [] and again["reports"] == []


def test_pushed_answers_reach_the_team_and_a_replay_changes_nothing(client, task):
    one, two = device(client, login(client, "inspector")), device(client, login(client, "inspector_2"))
    one.pull(), two.pull()
    one.answer(task["uid"], ITEM, {"person_in_charge": "张三"})
    batch = list(one.outbox)
    assert one.push() == 1
    version = run(Report.select(Report.version).first().run())["version"]
    status, replay = one.transport("/api/v1/sync/push", {"device": one.device_id, "mutations": batch})
    assert status == 200 and replay["results"][0]["replayed"] is True and replay["results"][0]["status"] == "applied"
    assert run(Report.select(Report.version).first().run())["version"] == version
    assert run(SyncMutation.count().run()) == 1
    two.pull()
    assert two.reports[task["uid"]]["answers"][ITEM]["person_in_charge"] == "张三"


def test_a_reused_number_with_other_content_is_refused_not_ignored(client, task):
    dev = device(client, login(client, "inspector"))
    dev.answer(task["uid"], ITEM, {"person_in_charge": "张三"})
    first = dict(dev.outbox[0])
    dev.push()
    other = {**first, "values": {"person_in_charge": "李四"}}
    _, body = dev.transport("/api/v1/sync/push", {"device": dev.device_id, "mutations": [other]})
    assert body["results"] == [{"seq": 1, "ack": False, "status": "rejected", "code": "sync.key_reused",
                                "message": body["results"][0]["message"]}]
    report = run(Report.select(Report.state).first().output(load_json=True).run())
    assert list(report["state"]["fields"][f"{ITEM}/person_in_charge"].values())[0]["v"] == "张三"


def test_a_gap_stops_the_batch_and_names_the_expected_number(client, task):
    dev = device(client, login(client, "inspector"))
    for name in ("张三", "李四", "王五"):
        dev.answer(task["uid"], ITEM, {"person_in_charge": name})
    first, _, third = dev.outbox
    _, body = dev.transport("/api/v1/sync/push", {"device": dev.device_id, "mutations": [first, third]})
    assert [r["seq"] for r in body["results"]] == [1]
    assert body["gap"] is True and body["next_seq"] == 2
    assert dev.push() == 3  # the device sends all three again: 1 is a replay, 2 and 3 are new


def test_an_invalid_answer_is_rejected_with_its_path_and_the_rest_applies(client, task):
    dev = device(client, login(client, "inspector"))
    dev.answer(task["uid"], ITEM, {"inspection_date": "yesterday"})
    dev.answer(task["uid"], ITEM, {"person_in_charge": "张三"})
    dev.answer(task["uid"], "NO-SUCH-ITEM", {"x": 1})
    dev.answer(task["uid"], ITEM, {"party_signature": {"attachment": "a" * 64}})
    assert dev.push() == 4
    outcomes = [dev.outcomes[n] for n in (1, 2, 3, 4)]
    assert outcomes[0]["code"] == "sync.invalid_answer" and outcomes[0]["errors"][0]["path"] == f"{ITEM}.inspection_date"
    assert outcomes[1]["status"] == "applied"
    assert outcomes[2]["errors"][0]["code"] == "unknown_item"
    assert outcomes[3]["errors"][0]["code"] == "use_sets"


def test_malformed_mutations_are_answered_one_by_one(client, task):
    headers = login(client, "inspector")
    dev = device(client, headers)
    base = {"device": dev.device_id, "task": task["uid"], "hlc": [1, 0]}
    batch = [{**base, "seq": 1, "op": "teleport"}, {**base, "seq": 2, "op": "answers", "item": ITEM, "values": []},
             {**base, "seq": 3, "op": "add", "set": "photos", "id": "x", "value": {}},
             {**base, "seq": 4, "op": "answers", "item": ITEM, "values": {"person_in_charge": "张三"}}]
    _, body = dev.transport("/api/v1/sync/push", {"device": dev.device_id, "mutations": batch})
    assert [r.get("code") for r in body["results"]] == ["sync.unknown_op", "sync.malformed", "sync.malformed", None]
    assert all(r["ack"] for r in body["results"]) and body["next_seq"] == 5
    no_seq = client.post("/api/v1/sync/push", json={"device": dev.device_id, "mutations": [{"op": "x"}]},
                         headers=headers)
    assert no_seq.status_code == 422 and no_seq.json()["code"] == "sync.malformed"
    other = client.post("/api/v1/sync/push", json={"device": "not-a-uuid", "mutations": []}, headers=headers)
    assert other.status_code == 400
    text = client.post("/api/v1/sync/push", content=b"hello", headers={**headers, "Content-Type": "text/plain"})
    assert text.status_code == 400
    huge = client.post("/api/v1/sync/push", content=b"{" + b" " * (5 * 1024 * 1024) + b"}",
                       headers={**headers, "Content-Type": "application/json"})
    assert huge.status_code == 413


def test_someone_elses_task_is_refused_and_recorded(client, task):
    other = run(make_task(team=("inspector-3", "inspector-4"), uscc="91320612MA1N2P3Q5A"))
    dev = device(client, login(client, "inspector"))
    dev.answer(other["uid"], ITEM, {"person_in_charge": "张三"})
    dev.push()
    assert dev.outcomes[1]["code"] == "sync.forbidden"
    assert run(AuditEntry.count().where(AuditEntry.action == "sync.forbidden").run()) == 1
    assert run(Report.count().run()) == 0


def test_submit_needs_a_complete_report_then_the_lead_approves(client, task):
    dev = device(client, login(client, "inspector"))
    dev.pull()
    dev.intent(task["uid"], "submit")
    dev.push()
    assert dev.outcomes[1]["code"] == "sync.incomplete"
    assert {e["path"] for e in dev.outcomes[1]["errors"]} >= {f"{ITEM}.party_signature", f"{ITEM}.result_codes"}
    fill_and_sign(dev, task["uid"])
    dev.intent(task["uid"], "submit")
    dev.push()
    assert dev.outcomes[6]["status"] == "applied"
    lead = login(client, "team_lead")
    report = client.get(f"/api/v1/reports/{task['uid']}", headers=lead).json()
    assert report["status"] == "submitted" and report["answers"][ITEM]["party_signature"]["signer"] == "张三"
    assert report["media_missing"] == ["5" * 64, "6" * 64, "7" * 64]
    refused = client.post(f"/api/v1/reports/{task['uid']}/approve", headers=lead)
    assert refused.status_code == 409 and refused.json()["code"] == "report.media_missing"


def test_returned_reports_go_back_and_approved_ones_keep_late_data(client, task):
    dev = device(client, login(client, "inspector"))
    dev.answer(task["uid"], ITEM, {**COMPLETE, "result_codes": ["1"]})
    dev.sign(task["uid"], ITEM, "party_signature", {"refused": True, "reason": "负责人不在"})
    sign_officers(dev, task["uid"])
    dev.add(task["uid"], "photos", {"sha256": "8" * 64, "item": ITEM, "field": "refusal_evidence"})
    dev.intent(task["uid"], "submit")
    dev.push()
    assert dev.outcomes[6]["status"] == "applied", dev.outcomes[6]
    media_arrived(["6" * 64, "7" * 64, "8" * 64])
    lead = login(client, "team_lead")
    returned = client.post(f"/api/v1/reports/{task['uid']}/return", json={"reasons": ["请补充照片"]}, headers=lead)
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    dev.pull()
    assert dev.reports[task["uid"]]["return_reasons"][0]["reasons"] == ["请补充照片"]
    inbox = client.get("/api/v1/notifications", headers=login(client, "inspector")).json()
    assert [(n["kind"], n["payload"]["reasons"]) for n in inbox] == [("report.returned", ["请补充照片"])]
    dev.intent(task["uid"], "submit")
    dev.push()
    approved = client.post(f"/api/v1/reports/{task['uid']}/approve", headers=lead)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    dev.answer(task["uid"], ITEM, {"person_in_charge": "后来改的"})
    dev.intent(task["uid"], "withdraw")
    dev.push()
    assert dev.outcomes[8]["status"] == "late" and dev.outcomes[9]["code"] == "sync.intent_late"
    report = client.get(f"/api/v1/reports/{task['uid']}", headers=lead).json()
    assert report["answers"][ITEM]["person_in_charge"] == "张三"
    assert [entry["op"] for entry in report["late"]] == ["answers", "intent"]


def test_a_reassigned_task_makes_the_next_pull_a_resync(client, task):
    dev = device(client, login(client, "inspector"))
    dev.pull()
    run(TaskMember.delete().where((TaskMember.task == task["id"]) & (TaskMember.inspector == task["team"][0])).run())
    from backend.fieldwork.tables import Task

    run(Task.update({Task.team: task["team"][1:]}).where(Task.id == task["id"]).run())
    dev.answer(task["uid"], ITEM, {"person_in_charge": "张三"})
    dev.push()
    assert dev.outcomes[1]["code"] == "sync.task_left"  # it was this device's task: kept as late data
    for _ in range(2):  # a lost answer is asked for again and given again
        status, body = dev.transport("/api/v1/sync/pull", {"device": dev.device_id, "cursor": dev.cursor})
        assert body["reset"] == "scope_changed" and body["removed"] == [task["uid"]]
    dev.pull()
    assert dev.tasks == {}


def test_a_server_restored_from_a_backup_gets_back_what_it_lost(client, task):
    dev = device(client, login(client, "inspector"))
    dev.pull()
    dev.answer(task["uid"], ITEM, {"person_in_charge": "张三"})
    dev.push()
    dev.pull()
    # the restore: the server forgets the device's mutation, the report and the feed entry
    from backend.fieldsync.tables import SyncChange, SyncDevice

    for table in (SyncMutation, Report, SyncChange):
        run(table.delete(force=True).run())
    run(SyncDevice.update({SyncDevice.next_seq: 1}).where(SyncDevice.device == dev.device_id).run())
    dev.pull()  # the cursor is past the feed's head: the device pushes again what it retained
    report = run(Report.select(Report.state).first().output(load_json=True).run())
    assert f"{ITEM}/person_in_charge" in report["state"]["fields"]


def test_device_clocks_ahead_of_the_server_are_clamped(client, task):
    dev = device(client, login(client, "inspector"), clock=lambda: 4_102_444_800_000)  # the year 2100
    dev.answer(task["uid"], ITEM, {"person_in_charge": "张三"})
    dev.push()
    state = run(Report.select(Report.state).first().output(load_json=True).run())["state"]
    stamp = list(state["fields"][f"{ITEM}/person_in_charge"].values())[0]["t"]
    assert stamp[0] < 4_102_444_800_000


def test_a_device_belongs_to_one_user(client, task):
    dev = device(client, login(client, "inspector"))
    dev.pull()
    thief = device(client, login(client, "team_lead"), device_id=dev.device_id)
    status, body = thief.transport("/api/v1/sync/pull", {"device": dev.device_id})
    assert status == 403 and body["code"] == "sync.device_owner"


def test_two_devices_offline_then_the_lead_resolves_the_conflict_and_approves(client, task):
    one, two = device(client, login(client, "inspector")), device(client, login(client, "inspector_2"))
    lead_headers = login(client, "team_lead")
    lead = device(client, lead_headers)
    for dev in (one, two, lead):
        dev.pull()
    fill_and_sign(one, task["uid"])
    two.answer(task["uid"], ITEM, {"person_in_charge": "李四"})  # offline, unaware of one's answer
    one.intent(task["uid"], "submit")
    one.push(), two.push()
    report = client.get(f"/api/v1/reports/{task['uid']}", headers=lead_headers).json()
    conflict = report["conflicts"][0]
    assert conflict["field"] == "person_in_charge"
    assert {conflict["current"]["value"], conflict["others"][0]["value"]} == {"张三", "李四"}
    media_arrived(report["media"])
    refused = client.post(f"/api/v1/reports/{task['uid']}/approve", headers=lead_headers)
    assert refused.status_code == 409 and refused.json()["code"] == "report.conflicts_open"
    lead.pull()
    lead.answer(task["uid"], ITEM, {"person_in_charge": "张三"})  # based on both heads: the choice
    lead.push()
    approved = client.post(f"/api/v1/reports/{task['uid']}/approve", headers=lead_headers)
    assert approved.status_code == 200 and approved.json()["conflicts"] == []
    after = client.get(f"/api/v1/reports/{task['uid']}", headers=lead_headers).json()
    assert after["answers"][ITEM]["person_in_charge"] == "张三"
    assert [w["value"] for w in after["history"][f"{ITEM}/person_in_charge"]].count("李四") == 1  # kept, not lost


def test_leads_list_the_reports_awaiting_them(client, task):
    other = run(make_task(team=("inspector-3", "inspector-4"), department="LSCB", uscc="91320612MA1N2P3Q5A"))
    for owner, uid in (("inspector", task["uid"]), ("inspector-3", other["uid"])):
        dev = device(client, login(client, owner.replace("-", "_")) if owner == "inspector" else _login(client, owner))
        dev.answer(uid, ITEM, {"person_in_charge": "张三"})
        dev.intent(uid, "start")
        dev.push()
    lead = login(client, "team_lead")
    listed = client.get("/api/v1/reports?status=in_progress", headers=lead).json()
    assert [r["task"] for r in listed["items"]] == [task["uid"]] and listed["total"] == 1  # not LSCB's
    assert client.get("/api/v1/reports", headers=lead).json()["items"] == []
    assert client.get("/api/v1/reports", headers=login(client, "inspector")).status_code == 403


def _login(client, username: str) -> dict:
    from tests.integration.conftest import PASSWORD

    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD,
                                                       "device_name": "pytest"})
    return {"Authorization": f"Bearer {response.json()['token']}"}
