"""Driving the field app as a person would: log in, unlock, answer questions, photograph, record, sign."""

from __future__ import annotations

import re

from tests.integration.conftest import PASSWORD

PIN = "2468"
TIMEOUT = 30_000
_strokes = [0]


def qid(path: str) -> str:
    """The id of a question's input (pwa/js/views/fields.js: inputId)."""
    return "q-" + re.sub(r"[^A-Za-z0-9_-]", "_", path)


def settle(page) -> None:
    """Wait until the form has written its last answer and rendered again."""
    page.wait_for_function("() => !document.documentElement.dataset.busy", timeout=TIMEOUT)


def login(page, username: str, pin: str = PIN) -> None:
    """First start: log in online, choose the PIN, wait for the service worker to control the page."""
    page.goto("/app/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("解锁码（4–8位数字）").fill(pin)
    page.get_by_label("再次输入解锁码").fill(pin)
    page.get_by_role("button", name="保存并进入").click()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=TIMEOUT)


def unlock(page, pin: str = PIN) -> None:
    """A later start: the PIN opens the sealed token."""
    page.get_by_label("解锁码（4–8位数字）").fill(pin)
    page.get_by_role("button", name="解锁").click()
    page.wait_for_selector("#nav a", timeout=TIMEOUT)


def last_sync(page) -> int:
    """When the page's last sync cycle ended well (ms), 0 if never."""
    return page.evaluate("() => (window.chouchaApp.sync && window.chouchaApp.sync.state.lastOk) || 0")


def wait_synced(page, after: int = 0, timeout: int = 120_000) -> None:
    """Wait until a cycle ended well after `after` and nothing waits to sync."""
    page.wait_for_function(
        "after => { const n = document.getElementById('net'), s = window.chouchaApp.sync;"
        " return n && s && (s.state.lastOk || 0) > after && n.dataset.pending === '0' && s.state.phase === 'idle'; }",
        arg=after, timeout=timeout)


def sync_now(page) -> None:
    """Run a sync cycle in the page and wait for it."""
    before = last_sync(page)
    page.evaluate("() => window.chouchaApp.sync.run()")
    wait_synced(page, before)


def go_online(context, page, timeout: int = 180_000) -> None:
    """Give the phone its network back (the app syncs on the `online` event) and wait for the sync."""
    before = last_sync(page)
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_synced(page, before, timeout)


def fill(page, path: str, value: str) -> None:
    """Type into a text, number, date or time question and leave it (the answer is written on change)."""
    field = page.locator(f"#{qid(path)}")
    field.fill(value)
    field.evaluate("e => e.blur()")
    settle(page)


def choose(page, path: str, *values: str) -> None:
    """Tick choices of a yes/no, select or result-code question."""
    for value in values:
        page.locator(f"#{qid(path)} input[value='{value}']").check()
        settle(page)


def draw_signature(page, path: str) -> None:
    """Sign in the pad of a signature question with the mouse (pointer events), then confirm."""
    question = page.locator(f"#{qid(path)}")
    canvas = question.locator("canvas")
    canvas.evaluate("e => e.scrollIntoView({block: 'center'})")  # clear of the sticky header and bottom nav
    box = canvas.bounding_box()
    _strokes[0] += 1  # every signature a different stroke: different people sign differently
    x, y, wave = box["x"] + 20, box["y"] + box["height"] / 2, 6 + _strokes[0] % 17
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + step * 10, y + (wave if step % 2 else -wave) + _strokes[0] % 5)
    page.mouse.up()
    question.get_by_role("button", name="确认签名").click()
    settle(page)
    question.locator("img.signature-img").wait_for(timeout=TIMEOUT)


def add_photo(page, path: str, file: str) -> None:
    """Choose a photo file in a photo question."""
    count = page.locator(f"#{qid(path)} .media-list li").count()
    page.locator(f"#{qid(path)}-file").set_input_files(file)
    page.wait_for_function(f"() => document.querySelectorAll('#{qid(path)} .media-list li').length > {count}",
                           timeout=TIMEOUT)
    settle(page)


def record_audio(page, path: str, ms: int = 1500) -> None:
    """Record from Chromium's fake microphone."""
    question = page.locator(f"#{qid(path)}")
    question.get_by_role("button", name="开始录音").click()
    question.get_by_role("button", name="停止录音").wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(ms)
    question.get_by_role("button", name="停止录音").click()
    page.wait_for_function(f"() => document.querySelectorAll('#{qid(path)} .media-list li').length > 0",
                           timeout=TIMEOUT)
    settle(page)


def open_task(page, uid: str) -> None:
    """From anywhere, the page of one task."""
    page.evaluate(f"() => {{ location.hash = '#/task/{uid}'; }}")
    page.wait_for_selector("dl.facts", timeout=TIMEOUT)
