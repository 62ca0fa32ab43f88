"""A new version of the shell: the waiting service worker is offered as "新版本可用" and takes over only when
the person taps "更新" (the page reloads into it; nothing recorded is touched)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from backend.web.shell import PWA_DIR
from tests.e2e import app_driver as drive
from tests.e2e.conftest import PHONE
from tests.integration.live_server import LiveServer


@pytest.fixture
def own_copy(tmp_path, live_server):
    """A server of its own serving a copy of pwa/ that the test may change (CHOUCHA_PWA_DIR)."""
    copy = tmp_path / "pwa"
    shutil.copytree(PWA_DIR, copy)
    before = os.environ.get("CHOUCHA_PWA_DIR")
    os.environ["CHOUCHA_PWA_DIR"] = str(copy)
    try:
        server = LiveServer().start()
    finally:
        os.environ.pop("CHOUCHA_PWA_DIR") if before is None else os.environ.update(CHOUCHA_PWA_DIR=before)
    yield server, copy
    server.stop()


def test_a_new_version_is_offered_then_taken(fresh_db, own_copy, playwright_browser):
    server, copy = own_copy
    context = playwright_browser.new_context(base_url=server.url, **PHONE)
    try:
        page = context.new_page()
        drive.login(page, "inspector")
        drive.wait_synced(page)
        old = set(page.evaluate("() => caches.keys()"))
        css: Path = copy / "app.css"
        css.write_text(css.read_text() + "\n/* a new release */\n")  # any shipped byte: a new version
        page.wait_for_timeout(2500)  # the server looks for changed files every two seconds
        page.reload()
        page.get_by_text("新版本可用").wait_for(timeout=60_000)
        assert page.locator("#bar").is_visible()  # nothing is interrupted until the person chooses
        with page.expect_event("load", timeout=60_000):
            page.get_by_role("button", name="更新").click()
        drive.unlock(page)
        page.wait_for_function("() => caches.keys().then(k => k.length === 1)", timeout=30_000)
        assert not old & set(page.evaluate("() => caches.keys()"))  # the old shell's cache is gone
    finally:
        context.close()
