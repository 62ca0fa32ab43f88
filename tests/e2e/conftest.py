"""End-to-end fixtures: a real server process, Debian's Chromium through Playwright, phones at 360×740.

Under CI=true a missing Chromium or Playwright fails the run; elsewhere the tests skip and say why.
Database work runs in a worker thread: Playwright's sync API owns the main thread's event loop.
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import struct
import threading
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backend.db.migrate import migrate
from tests.integration.live_server import LiveServer

CHROMIUM = os.environ.get("CHOUCHA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "geolocation": {"latitude": 32.0105, "longitude": 120.8630},
         "permissions": ["camera", "microphone", "geolocation"], "service_workers": "allow"}


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"end-to-end tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"end-to-end tests need {reason}")


def in_thread(make_coro):
    """Run `make_coro()` to completion on a fresh loop in another thread; return its result."""
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(make_coro())
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def write_tone(path: Path, seconds: float = 3.0, rate: int = 16000) -> Path:
    """A 440 Hz WAV: Chromium's fake microphone plays it, so recordings are real audio."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                                 for i in range(int(seconds * rate))))
    return path


@pytest.fixture(scope="module")
def playwright_browser(tmp_path_factory, request) -> Iterator:
    """Chromium with fake camera and microphone, one per test module: Playwright's sync API holds an event
    loop on the main thread while it runs, which later modules' `asyncio.run` must not meet. A module with
    `MEDIA_PROMPTS_ACCEPTED = False` gets no fake permission UI, so camera and microphone work only where a
    context grants them (the fake UI would accept every prompt, even a permission set to denied)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python (pip install -e '.[dev]')")
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        _missing(f"Chromium at {CHROMIUM} (apt-get install -y chromium)")
    tone = write_tone(tmp_path_factory.mktemp("media") / "tone.wav")
    with sync_playwright() as playwright:
        fake_ui = ["--use-fake-ui-for-media-stream"] if getattr(request.module, "MEDIA_PROMPTS_ACCEPTED", True) else []
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--use-fake-device-for-media-stream", *fake_ui,
            f"--use-file-for-fake-audio-capture={tone}", "--disable-gpu", "--no-sandbox", "--lang=zh-CN"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The app in a child process on loopback, on the tests' database (migrated first)."""
    in_thread(migrate)
    server = LiveServer().start()
    yield server
    server.stop()


@pytest.fixture
def fresh_db(live_server) -> None:
    """Empty tables, then two departments and one user per role (password PASSWORD)."""
    from tests.integration.conftest import _empty_tables, _seed_people

    in_thread(_empty_tables)
    in_thread(_seed_people)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures know whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def phone(playwright_browser, live_server, request) -> Iterator:
    """A factory of phone-sized browser contexts; all closed at the end of the test (after a failure,
    each open page is photographed into the artifacts first)."""
    contexts = []

    def make(**extra):
        context = playwright_browser.new_context(base_url=live_server.url, **{**PHONE, **extra})
        contexts.append(context)
        return context

    yield make
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for n, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for m, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}-{n}-{m}.png"), full_page=True)
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def api_login(server: LiveServer, username: str) -> httpx.Client:
    """An HTTP client with a device token of `username` (to check what the server holds)."""
    from tests.integration.conftest import PASSWORD

    client = httpx.Client(base_url=server.url, timeout=30)
    answer = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD, "device_name": "e2e"})
    assert answer.status_code == 200, answer.text
    client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return client
