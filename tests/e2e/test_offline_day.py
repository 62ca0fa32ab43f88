"""A whole day without network: log in online, download five tasks, go offline, reload from the service
worker, fill five forms with photos, audio and signatures (one party refuses), close and reopen, go online,
sync — and the server holds every answer and every media byte."""

from __future__ import annotations

import hashlib
import io
import random
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e import app_driver as drive
from tests.e2e.conftest import api_login, in_thread
from tests.integration.fieldwork_factory import ITEM, make_task

USCCS = ["91320612MA1N2P3Q4X", "91320612MA1N2P3Q5Y", "91320612MA1N2P3Q6Y", "91320612MA1N2P3Q7Y", "91320612MA1N2P3Q8Y"]


def photo(path, seed: int) -> str:
    """A small JPEG of noise (unique per seed); returns its SHA-256."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (320, 240), bytes(rng.randrange(256) for _ in range(320 * 240 * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def record_of_the_visit(page, photo_file: str, *, refused: bool) -> None:
    """Answer market.public-info for a document check with nothing found, with evidence and signatures."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    drive.fill(page, "inspection_date", today)
    drive.fill(page, "start_time", "09:30")
    drive.fill(page, "end_time", "10:15")
    drive.choose(page, "method", "documents")
    drive.choose(page, "credentials_shown", "yes")
    drive.choose(page, "recusal_informed", "yes")
    drive.choose(page, "recusal_requested", "no")
    drive.fill(page, "person_in_charge", "张三")
    drive.choose(page, "report_published", "no")
    drive.choose(page, "result_codes", "1")
    drive.add_photo(page, "evidence_photos", photo_file)
    drive.record_audio(page, "evidence_audio")
    for row, (name, number) in enumerate((("检查员甲", "JS-0001"), ("检查员乙", "JS-0002"))):
        page.get_by_role("button", name="添加一行").click()
        drive.settle(page)
        drive.fill(page, f"officers[{row}].officer_name", name)
        drive.fill(page, f"officers[{row}].credential_no", number)
        drive.draw_signature(page, f"officers[{row}].officer_signature")
    if refused:
        question = page.locator(f"#{drive.qid('party_signature')}")
        question.get_by_role("button", name="当事人拒绝签字").click()
        question.get_by_label("拒签理由").fill("当事人称负责人不在场，拒绝签字")
        question.get_by_role("button", name="记录拒签").click()
        drive.settle(page)
        drive.fill(page, "refusal_witness", "李四（邻店店主）")
        drive.add_photo(page, "refusal_evidence", photo_file)
    else:
        drive.draw_signature(page, "party_signature")


def inspect(page, uid: str, photo_file: str, *, refused: bool, shots=None) -> None:
    """Start one task (credentials, recusal), fill its form, preview and submit."""
    drive.open_task(page, uid)
    page.get_by_role("link", name="开始检查").click()
    page.get_by_role("heading", name="告知申请回避的权利").wait_for()
    if shots:
        page.screenshot(path=str(shots / "start.png"), full_page=True)
    page.get_by_role("button", name="已出示证件并告知，开始检查").click()
    page.wait_for_selector("form.inspection", timeout=drive.TIMEOUT)
    record_of_the_visit(page, photo_file, refused=refused)
    if shots:
        page.screenshot(path=str(shots / "form.png"), full_page=True)
    page.get_by_role("link", name="预览并提交").first.click()
    page.get_by_text("记录完整，可以提交").wait_for(timeout=drive.TIMEOUT)
    if shots:
        page.screenshot(path=str(shots / "preview.png"), full_page=True)
    page.get_by_role("button", name="提交报告").click()
    page.wait_for_selector("dd[data-status='submitted']", timeout=drive.TIMEOUT)


def test_a_whole_offline_day_reaches_the_server_byte_for_byte(fresh_db, live_server, phone, artifacts, tmp_path):
    tasks = [in_thread(lambda u=u: make_task(uscc=u)) for u in USCCS]
    photos = {t["uid"]: photo(tmp_path / f"{n}.jpg", n) for n, t in enumerate(tasks)}
    context = phone()
    page = context.new_page()
    drive.login(page, "inspector")
    drive.wait_synced(page)
    page.wait_for_selector(".task-link >> nth=4")
    page.screenshot(path=str(artifacts / "tasks.png"), full_page=True)

    context.set_offline(True)
    page.reload()
    drive.unlock(page)
    expect(page.locator(".task-link")).to_have_count(5)  # from the service worker's shell and IndexedDB
    drive.open_task(page, tasks[0]["uid"])
    page.screenshot(path=str(artifacts / "task.png"), full_page=True)
    for n, task in enumerate(tasks):
        inspect(page, task["uid"], str(tmp_path / f"{n}.jpg"), refused=n == 4, shots=artifacts if n == 0 else None)

    page.close()  # the phone is put away, and taken out again: still offline
    page = context.new_page()
    page.goto("/app/")
    drive.unlock(page)
    assert int(page.locator("#net").get_attribute("data-pending")) > 0
    page.evaluate("() => { location.hash = '#/settings'; }")
    page.wait_for_selector("#storage")
    page.screenshot(path=str(artifacts / "settings.png"), full_page=True)
    page.get_by_role("button", name="退出登录").click()
    page.get_by_text("不能退出").wait_for()  # logging out with unsynced work is refused

    drive.go_online(context, page)
    check_server(live_server, tasks, photos)


def check_server(live_server, tasks: list[dict], photos: dict[str, str]) -> None:
    """Every report submitted and complete; every media file there, its bytes hashing to its name."""
    client = api_login(live_server, "team-lead")
    for n, task in enumerate(tasks):
        report = client.get(f"/api/v1/reports/{task['uid']}").json()
        assert report["status"] == "submitted", report
        assert report["media_missing"] == []
        answers = report["answers"][ITEM]
        assert answers["person_in_charge"] == "张三" and answers["result_codes"] == ["1"]
        assert [o["officer_name"] for o in answers["officers"]] == ["检查员甲", "检查员乙"]
        assert all("attachment" in o["officer_signature"] for o in answers["officers"])
        assert answers["evidence_photos"] == [photos[task["uid"]]]  # the original, not the stamped copy
        assert len(answers["evidence_audio"]) == 1
        party = answers["party_signature"]
        assert party.get("refused") is True if n == 4 else "attachment" in party
        assert len(report["media"]) == (4 if n == 4 else 5)  # the refusal photo is the evidence photo again
        for sha in report["media"]:
            body = client.get(f"/api/v1/media/{sha}", params={"variant": "original"})
            assert body.status_code == 200, (sha, body.text)
            assert hashlib.sha256(body.content).hexdigest() == sha
