"""Two inspectors edit one report offline; the conflict appears with both values, nothing is lost, the team
lead picks one on the review screen and approves."""

from __future__ import annotations

from tests.e2e import app_driver as drive
from tests.e2e.conftest import api_login, in_thread
from tests.e2e.test_offline_day import photo, record_of_the_visit
from tests.integration.fieldwork_factory import ITEM, make_task


def test_two_devices_conflict_then_the_lead_resolves_and_approves(fresh_db, live_server, phone, artifacts, tmp_path):
    task = in_thread(make_task)
    uid = task["uid"]
    photo(tmp_path / "p.jpg", 99)
    first, second = phone(), phone()
    a, b = first.new_page(), second.new_page()
    drive.login(a, "inspector")
    drive.login(b, "inspector-2")
    for page in (a, b):
        drive.wait_synced(page)
    first.set_offline(True)
    second.set_offline(True)

    drive.open_task(a, uid)  # the first inspector records the whole visit and submits
    a.get_by_role("link", name="开始检查").click()
    a.get_by_role("button", name="已出示证件并告知，开始检查").click()
    a.wait_for_selector("form.inspection")
    record_of_the_visit(a, str(tmp_path / "p.jpg"), refused=False)
    a.get_by_role("link", name="预览并提交").first.click()
    a.get_by_role("button", name="提交报告").click()
    a.wait_for_selector("dd[data-status='submitted']")

    b.evaluate(f"() => {{ location.hash = '#/form/{uid}/{ITEM}'; }}")  # the second writes another name
    b.wait_for_selector("form.inspection")
    drive.fill(b, "person_in_charge", "王五")

    for context, page in ((first, a), (second, b)):
        drive.go_online(context, page)
    drive.sync_now(a)
    drive.open_task(a, uid)
    a.get_by_text("有 1 处冲突待处理").wait_for()  # the inspectors see it too
    a.get_by_role("link", name="有 1 处冲突待处理").click()
    a.get_by_text("王五").wait_for()
    a.screenshot(path=str(artifacts / "conflicts.png"), full_page=True)

    lead = phone().new_page()
    drive.login(lead, "team-lead")
    drive.wait_synced(lead)
    lead.get_by_role("link", name="审核").click()
    lead.locator(f".task-link[data-task='{uid}']").click()
    options = lead.locator("ul.conflicts li.option")
    options.first.wait_for()
    values = sorted(options.locator("strong").all_inner_texts())
    assert values == ["张三", "王五"]  # both values, side by side
    lead.screenshot(path=str(artifacts / "review.png"), full_page=True)
    lead.locator("ul.conflicts li.option", has_text="张三").get_by_role("button", name="采用此值").click()
    lead.get_by_text("没有冲突").wait_for(timeout=60_000)
    lead.get_by_role("button", name="审核通过").click()
    lead.get_by_text("没有待审核的报告").wait_for(timeout=60_000)

    report = api_login(live_server, "team-lead").get(f"/api/v1/reports/{uid}").json()
    assert report["status"] == "approved"
    assert report["conflicts"] == [] and report["answers"][ITEM]["person_in_charge"] == "张三"
    assert len(report["heads"][f"{ITEM}/person_in_charge"]) == 1  # the choice superseded both writes
