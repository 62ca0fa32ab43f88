"""axe-core on the main screens at 360 px: no serious or critical violations (labels, contrast, names)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e import app_driver as drive
from tests.e2e.conftest import PHONE, in_thread
from tests.integration.fieldwork_factory import ITEM, make_task

AXE = Path(__file__).resolve().parents[1] / "unit" / "pwa" / "node_modules" / "axe-core" / "axe.min.js"


def violations(page) -> list[dict]:
    """Serious and critical axe violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in found if v["impact"] in ("serious", "critical")]


def screen(page, hash_: str, ready: str) -> list[dict]:
    page.evaluate(f"() => {{ location.hash = '{hash_}'; }}")
    page.wait_for_selector(ready)
    drive.settle(page)
    return violations(page)


def test_main_screens_pass_axe(fresh_db, live_server, playwright_browser):
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is missing: scripts/test.sh installs it (npm) into tests/unit/pwa")
        pytest.skip("axe-core not installed: cd tests/unit/pwa && npm install")
    uid = in_thread(make_task)["uid"]
    context = playwright_browser.new_context(base_url=live_server.url, bypass_csp=True, **PHONE)
    try:
        page = context.new_page()
        page.goto("/app/")
        page.wait_for_selector("form.card")
        found = {"login": violations(page)}
        drive.login(page, "inspector")
        drive.wait_synced(page)
        found["tasks"] = screen(page, "#/tasks", ".task-link")
        found["task"] = screen(page, f"#/task/{uid}", "dl.facts")
        found["start"] = screen(page, f"#/start/{uid}", "#recusal-h")
        found["form"] = screen(page, f"#/form/{uid}/{ITEM}", "form.inspection")
        found["preview"] = screen(page, f"#/preview/{uid}", "#submit-report")
        found["settings"] = screen(page, "#/settings", "#storage")
        page.get_by_role("button", name="English").click()
        found["tasks_en"] = screen(page, "#/tasks", ".task-link")
    finally:
        context.close()
    assert {name: v for name, v in found.items() if v} == {}
