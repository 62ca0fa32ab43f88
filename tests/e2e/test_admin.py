"""An administrator on the demo district: registers, items, drafting a plan through the form (a wrong ratio
shown beside its field first) and publishing it, announcing and executing a draw, the record verified in the
browser against its published SHA-256, and the tasks it made."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e import app_driver as drive
from tests.e2e.conftest import in_thread
from tests.e2e.test_accessibility import AXE, violations

SOURCES = "9319\n2 5 12 8 10\n9 18 26 34 41 45"


def demo_district() -> None:
    """Empty tables and the demo district (1,500 entities, its departments, items and people); no plan yet."""
    from backend.registry.demo import seed_demo
    from tests.integration.conftest import _empty_tables

    in_thread(_empty_tables)
    in_thread(lambda: seed_demo(entities=1500))


def draft_plan(page) -> None:
    """Draft SCJG's plan through the form: first with a wrong ratio (the server's message shows beside the
    form and its field), then corrected."""
    form = page.locator("form.plan-form")
    form.get_by_label("名称", exact=True).fill("SCJG 2026年度双随机抽查计划")
    form.get_by_label("年度", exact=True).fill("2026")
    form.get_by_label("部门", exact=True).select_option("SCJG")
    items = form.locator("fieldset[data-field=items] label", has_text=re.compile(r"^SCJG "))
    for n in range(2):
        items.nth(n).locator("input").check()
    form.get_by_label("开始", exact=True).fill("2026-03-01")
    form.get_by_label("结束", exact=True).fill("2026-12-31")
    for label, ratio in (("A", "2%"), ("B", "5%"), ("C", "20%"), ("D", "abc")):
        form.get_by_label(f"{label}类比例").fill(ratio)
    form.get_by_role("button", name="保存为草稿").click()
    form.locator("#plan-err-ratios .field-problem").wait_for()  # the field error, next to the ratios
    assert form.locator(".plan-problems").inner_text().strip()  # and the problem's message above the button
    assert form.get_by_label("D类比例").get_attribute("aria-invalid") == "true"
    form.get_by_label("D类比例").fill("60%")
    form.get_by_role("button", name="保存为草稿").click()
    page.get_by_role("row", name="SCJG 2026年度双随机抽查计划").get_by_role("button", name="发布").wait_for()


def tab(page, name: str) -> None:
    page.evaluate(f"() => {{ location.hash = '#/admin/{name}'; }}")
    page.wait_for_selector("#admin-body table, #admin-body form")
    drive.settle(page)


def test_admin_publishes_draws_and_verifies(live_server, phone, artifacts):
    demo_district()
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
    expect(page.locator("#admin-body tbody tr")).to_have_count(50)  # the first page of the register (waits)
    tab(page, "items")
    tab(page, "plans")
    expect(page.locator("#admin-body tbody tr")).to_have_count(0)
    draft_plan(page)
    page.screenshot(path=str(artifacts / "admin-plans.png"), full_page=True)
    found = {"plans": violations(page)} if AXE.exists() else {}
    page.get_by_role("row", name="SCJG 2026年度双随机抽查计划").get_by_role("button", name="发布").click()
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
    if AXE.exists():
        found["draws"] = violations(page)
    tab(page, "tasks")
    assert page.locator("#admin-body tbody tr").count() > 0
    if AXE.exists():
        found["tasks"] = violations(page)
        assert {k: v for k, v in found.items() if v} == {}
