"""Bad input in the field (issue 6): the camera and microphone refused, a device token revoked while the
outbox holds work, and a server answering 503 to the sync push for a while — nothing lost, nothing twice."""

from __future__ import annotations

import json

from tests.e2e import app_driver as drive
from tests.e2e.conftest import api_login, in_thread
from tests.e2e.test_offline_day import photo
from tests.integration.conftest import PASSWORD
from tests.integration.fieldwork_factory import ITEM, make_task

MEDIA_PROMPTS_ACCEPTED = False  # conftest: no fake permission UI, so what a context does not grant is refused


def started_form(page, uid: str) -> None:
    """Start a task (credentials shown, rights stated) and open its form."""
    drive.open_task(page, uid)
    page.get_by_role("link", name="开始检查").click()
    page.get_by_role("button", name="已出示证件并告知，开始检查").click()
    page.wait_for_selector("form.inspection", timeout=drive.TIMEOUT)


def add_note(page, uid: str, text: str) -> None:
    """A note on the task page (a set element: a duplicate would show as a second one)."""
    drive.open_task(page, uid)
    page.get_by_label("新备注").fill(text)
    page.get_by_role("button", name="添加备注").click()
    page.get_by_role("listitem").filter(has_text=text).wait_for()


def server_report(live_server, uid: str) -> dict:
    client = api_login(live_server, "team-lead")
    answer = client.get(f"/api/v1/reports/{uid}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_refused_camera_and_microphone_say_so_and_the_file_input_still_works(fresh_db, live_server, phone, tmp_path):
    task = in_thread(make_task)
    page = phone(permissions=["geolocation"]).new_page()  # camera and microphone not granted: refused
    drive.login(page, "inspector")
    drive.wait_synced(page)
    started_form(page, task["uid"])
    photos = page.locator(f"#{drive.qid('evidence_photos')}")
    photos.get_by_role("button", name="相机").click()
    dialog = page.locator("dialog.camera")
    dialog.get_by_role("alert").filter(has_text="相机权限被拒绝").wait_for()
    dialog.get_by_role("button", name="取消").click()
    assert page.locator("dialog.camera").count() == 0
    audio = page.locator(f"#{drive.qid('evidence_audio')}")
    audio.get_by_role("button", name="开始录音").click()
    audio.get_by_role("alert").filter(has_text="麦克风权限被拒绝").wait_for()
    assert audio.get_by_role("button", name="开始录音").is_visible()  # not stuck "recording"
    sha = photo(tmp_path / "p.jpg", 7)
    drive.add_photo(page, "evidence_photos", str(tmp_path / "p.jpg"))  # the file input needs no permission
    drive.sync_now(page)
    assert server_report(live_server, task["uid"])["answers"][ITEM]["evidence_photos"] == [sha]


def offline_on_a_task(phone):
    """A task, and an inspector's phone that downloaded it, went offline and started its form."""
    task = in_thread(make_task)
    context = phone()
    page = context.new_page()
    drive.login(page, "inspector")
    drive.wait_synced(page)
    context.set_offline(True)
    started_form(page, task["uid"])
    drive.fill(page, "person_in_charge", "张三")
    return task, context, page


def test_a_revoked_token_asks_to_log_in_again_and_the_outbox_goes_whole(fresh_db, live_server, phone):
    task, context, page = offline_on_a_task(phone)
    drive.choose(page, "method", "documents")
    add_note(page, task["uid"], "负责人出差，由店长陪同")
    pending = int(page.locator("#net").get_attribute("data-pending"))
    assert pending >= 4  # start, location or not, two answers, a note

    office = api_login(live_server, "inspector")  # the phone is reported lost (and then found)
    for device in office.get("/api/v1/auth/devices").json():
        if device["revoked_at"] is None and device["device_name"] != "e2e":
            assert office.delete(f"/api/v1/auth/devices/{device['id']}").status_code == 204

    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    dialog = page.locator("dialog#relogin")
    dialog.get_by_role("heading", name="请重新登录").wait_for(timeout=drive.TIMEOUT)
    assert page.locator("#net").get_attribute("data-phase") == "auth"
    assert int(page.locator("#net").get_attribute("data-pending")) == pending  # nothing dropped
    before = drive.last_sync(page)
    dialog.get_by_label("密码").fill(PASSWORD)
    dialog.get_by_role("button", name="登录").click()
    drive.wait_synced(page, before)
    assert page.locator("dialog#relogin").count() == 0
    report = server_report(live_server, task["uid"])
    assert report["answers"][ITEM]["person_in_charge"] == "张三"
    assert report["answers"][ITEM]["method"] == ["documents"]
    assert [n["text"] for n in report["notes"]] == ["负责人出差，由店长陪同"]

    page.reload()  # the new token was sealed under the same PIN
    drive.unlock(page)
    drive.sync_now(page)


def test_a_server_answering_503_backs_off_and_nothing_is_duplicated(fresh_db, live_server, phone):
    task, context, page = offline_on_a_task(phone)
    add_note(page, task["uid"], "现场无异常")

    pushes = []

    def unavailable(route):
        route.fetch()  # the server takes the push; the answer is lost on the way back
        pushes.append(route.request.post_data_json)
        route.fulfill(status=503, content_type="application/problem+json",
                      body=json.dumps({"code": "http.503", "title": "unavailable", "status": 503}))

    context.route("**/api/v1/sync/push", unavailable)
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.getElementById('net').dataset.phase === 'waiting'", timeout=drive.TIMEOUT)
    assert "同步失败" in page.locator("#net").inner_text() and "秒后重试" in page.locator("#net").inner_text()
    # backed off, then tried again
    page.wait_for_function("n => window.chouchaApp.sync.failures >= n", arg=2, timeout=drive.TIMEOUT)
    assert len(pushes) >= 2 and int(page.locator("#net").get_attribute("data-pending")) > 0
    retry_at = page.evaluate("() => window.chouchaApp.sync.state.retryAt")
    assert retry_at > page.evaluate("() => Date.now()")  # waiting for the next try, not hammering

    context.unroute("**/api/v1/sync/push")
    before = drive.last_sync(page)
    drive.wait_synced(page, before, timeout=60_000)  # the backoff's own retry
    report = server_report(live_server, task["uid"])
    assert [n["text"] for n in report["notes"]] == ["现场无异常"]
    assert report["answers"][ITEM]["person_in_charge"] == "张三"
    drive.open_task(page, task["uid"])
    assert page.get_by_role("listitem").filter(has_text="现场无异常").count() == 1
