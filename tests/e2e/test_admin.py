"""An administrator on the demo district: registers, items, publishing a plan, announcing and executing a
draw, the record verified in the browser against its published SHA-256, and the tasks it made."""

from __future__ import annotations

import httpx

from tests.e2e import app_driver as drive
from tests.e2e.conftest import in_thread
from tests.e2e.test_accessibility import AXE, violations

SOURCES = "9319\n2 5 12 8 10\n9 18 26 34 41 45"


def demo_district(server) -> None:
    """Empty tables, the demo district (1,500 entities), and one draft plan made through the API."""
    from backend.registry.demo import seed_demo
    from tests.integration.conftest import _empty_tables

    in_thread(_empty_tables)
    in_thread(lambda: seed_demo(entities=1500))
    client = httpx.Client(base_url=server.url, timeout=30)
    token = client.post("/api/v1/auth/login", json={"username": "admin", "password": "admin-choucha-2026",
                                                     "device_name": "e2e"}).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"
    items = [i["id"] for i in client.get("/api/v1/items", params={"department": "SCJG"}).json()][:2]
    answer = client.post("/api/v1/plans", json={
        "department": "SCJG", "year": 2026, "title": "SCJG 2026年度双随机抽查计划", "items": items,
        "starts_on": "2026-03-01", "ends_on": "2026-12-31", "ratios": {"A": "0.02", "B": "0.05", "C": "0.2", "D": "0.6"}})
    assert answer.status_code == 201, answer.text


def tab(page, name: str) -> None:
    page.evaluate(f"() => {{ location.hash = '#/admin/{name}'; }}")
    page.wait_for_selector("#admin-body table, #admin-body form")
    drive.settle(page)


def test_admin_publishes_draws_and_verifies(live_server, phone, artifacts):
    demo_district(live_server)
    page = phone(bypass_csp=True).new_page()  # axe-core is injected inline
    page.goto("/app/")
    page.wait_for_selector("form.card")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("admin-choucha-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_label("解锁码（4–8位数字）").fill(drive.PIN)
    page.get_by_label("再次输入解锁码").fill(drive.PIN)
    page.get_by_role("button", name="保存并进入").click()
    page.get_by_role("link", name="管理").click()
    page.wait_for_selector("#admin-body table")
    assert page.locator("#admin-body tbody tr").count() == 50  # the first page of the register
    tab(page, "items")
    tab(page, "plans")
    page.get_by_role("button", name="发布").click()
    page.get_by_role("cell", name="已发布").wait_for()
    tab(page, "draws")
    page.locator("input[name=plan]").first.check()
    page.get_by_label("随机源说明（公开的未来数据，如某日开奖号码）").fill("中国体育彩票排列5 2026年12月1日开奖号码")
    page.get_by_role("button", name="公告抽取").click()
    page.get_by_role("heading", name="执行抽取").wait_for()
    page.get_by_label("随机源取值（每行一个）").fill(SOURCES)
    page.get_by_label("监督人员（每行一个）").fill("公证员 王某")
    page.get_by_role("button", name="执行抽取").click()
    page.get_by_text("记录哈希复核一致 ✓").wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts / "admin-draws.png"), full_page=True)
    found = {"draws": violations(page)} if AXE.exists() else {}
    tab(page, "tasks")
    assert page.locator("#admin-body tbody tr").count() > 0
    if AXE.exists():
        found["tasks"] = violations(page)
        assert {k: v for k, v in found.items() if v} == {}
