"""The field app in Debian's Chromium against a local server: offline cold start, shell size, photo sync.

    python bench/pwa.py            # 50 photos of ~3 MB over five tasks, 5 cold starts
    python bench/pwa.py --quick    # 10 photos, 3 cold starts: about a minute

Cold start: a fresh browser process on a profile that installed the app once, the network cut before the
page loads; the time from navigation start to the unlock screen taking input (`performance.mark` in
app.js), and to the task list once the PIN is entered (PBKDF2 included). Shell size: the bytes of every
precached file as the server sends them gzipped (what a phone downloads once). Sync: photos recorded
offline into the five tasks' forms, then the time from the network coming back until nothing waits (push,
every photo uploaded and verified by SHA-256 on the server, pull). Prints a table, then one JSON line.
Goals: cold start ≤ 1 s, shell ≤ 250 KB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["CHOUCHA_DATA_DIR"] = tempfile.mkdtemp(prefix="choucha-bench-pwa-")  # a throwaway SQLite database
os.environ.pop("CHOUCHA_DATABASE_URL", None)

from backend.web.shell import PWA_DIR, make_file, precache_manifest, precache_script, read_file, shell_files  # noqa: E402
from tests.e2e import app_driver as drive  # noqa: E402
from tests.e2e.conftest import CHROMIUM, PHONE, in_thread  # noqa: E402

GOAL_COLD_MS, GOAL_SHELL_BYTES = 1000, 250 * 1024
FULL = {"photos": 50, "starts": 5}
QUICK = {"photos": 10, "starts": 3}
USCCS = ["91320612MA1N2P3Q4X", "91320612MA1N2P3Q5Y", "91320612MA1N2P3Q6Y", "91320612MA1N2P3Q7Y", "91320612MA1N2P3Q8Y"]


def shell_bytes() -> tuple[int, int]:
    """(gzipped, raw) bytes of the precached shell plus the service worker and its manifest."""
    files = shell_files()
    files["sw.js"] = read_file(PWA_DIR / "sw.js", PWA_DIR)
    files["precache.js"] = make_file("precache.js", precache_script(precache_manifest(files)))
    return sum(len(f.gzipped or f.body) for f in files.values()), sum(len(f.body) for f in files.values())


def photo_files(folder: Path, count: int) -> list[Path]:
    """`count` distinct JPEGs of about 3 MB (noise does not compress, like a real 12 MP photo's detail)."""
    from PIL import Image

    paths = []
    for n in range(count):
        image = Image.frombytes("RGB", (2048, 1536), os.urandom(2048 * 1536 * 3))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=88)
        paths.append(folder / f"photo-{n}.jpg")
        paths[-1].write_bytes(buffer.getvalue())
    return paths


def seed() -> list[str]:
    """Migrate, make the users and five tasks of inspector and inspector-2; returns the task uids."""
    from backend.db.migrate import migrate
    from tests.integration.conftest import _seed_people
    from tests.integration.fieldwork_factory import make_task

    in_thread(migrate)
    in_thread(_seed_people)
    return [in_thread(lambda u=u: make_task(uscc=u))["uid"] for u in USCCS]


def cold_starts(playwright, server, profile: Path, starts: int) -> tuple[list[float], list[float]]:
    """Install once online, then `starts` offline cold starts: (to interactive, to the task list) in ms."""
    context = playwright.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, base_url=server.url,
                                                           **PHONE)
    drive.login(context.pages[0] if context.pages else context.new_page(), "inspector")
    drive.wait_synced(context.pages[0])
    context.close()
    interactive, unlocked = [], []
    for _ in range(starts):
        context = playwright.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM,
                                                               base_url=server.url, **PHONE)
        context.set_offline(True)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/app/")
        page.wait_for_function("() => performance.getEntriesByName('choucha-interactive').length > 0")
        interactive.append(page.evaluate("() => performance.getEntriesByName('choucha-interactive')[0].startTime"))
        drive.unlock(page)
        page.wait_for_function("() => performance.getEntriesByName('choucha-unlocked').length > 0")
        unlocked.append(page.evaluate("() => performance.getEntriesByName('choucha-unlocked')[0].startTime"))
        context.close()
    return interactive, unlocked


def photo_sync(browser, server, uids: list[str], photos: list[Path]) -> float:
    """Photos added offline across the tasks' evidence fields; seconds from `online` until all synced."""
    from tests.integration.fieldwork_factory import ITEM

    context = browser.new_context(base_url=server.url, **PHONE)
    page = context.new_page()
    drive.login(page, "inspector-2")
    drive.wait_synced(page)
    context.set_offline(True)
    per_task = len(photos) // len(uids)
    for n, uid in enumerate(uids):
        page.evaluate(f"() => {{ location.hash = '#/form/{uid}/{ITEM}'; }}")
        page.wait_for_selector("form.inspection")
        field = f"#{drive.qid('evidence_photos')}"
        page.locator(f"{field}-file").set_input_files([str(p) for p in photos[n * per_task:(n + 1) * per_task]])
        page.wait_for_function(f"() => document.querySelectorAll('{field} .media-list li').length >= {per_task}",
                               timeout=600_000)
        drive.settle(page)
    started = time.perf_counter()
    drive.go_online(context, page, timeout=1_800_000)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 photos and 3 cold starts")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    from playwright.sync_api import sync_playwright

    from tests.integration.live_server import LiveServer

    uids = seed()
    server = LiveServer().start()
    gz, raw = shell_bytes()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        photos = photo_files(Path(tmp), size["photos"])
        interactive, unlocked = cold_starts(playwright, server, Path(tmp) / "profile", size["starts"])
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu"])
        seconds = photo_sync(browser, server, uids, photos)
        photo_bytes = sum(p.stat().st_size for p in photos)
        browser.close()
    server.stop()
    figures = {"bench": "pwa", "quick": args.quick, "cold_start_ms": round(statistics.median(interactive), 1),
               "cold_start_ms_max": round(max(interactive), 1), "unlocked_ms": round(statistics.median(unlocked), 1),
               "shell_gzip_bytes": gz, "shell_raw_bytes": raw, "photos": len(photos), "photo_bytes": photo_bytes,
               "sync_s": round(seconds, 2), "sync_mb_s": round(photo_bytes / 1e6 / seconds, 2),
               "goal_cold_start_ms": GOAL_COLD_MS, "goal_shell_bytes": GOAL_SHELL_BYTES,
               "goals_met": statistics.median(interactive) <= GOAL_COLD_MS and gz <= GOAL_SHELL_BYTES}
    print(f"offline cold start to interactive  {figures['cold_start_ms']:>9} ms (median of {len(interactive)}, max {figures['cold_start_ms_max']})")
    print(f"  … to the task list after the PIN  {figures['unlocked_ms']:>9} ms")
    print(f"shell, gzipped (raw)               {gz / 1024:>9.1f} KB ({raw / 1024:.1f} KB)")
    print(f"sync of {len(photos)} photos ({photo_bytes / 1e6:.0f} MB) {figures['sync_s']:>12} s ({figures['sync_mb_s']} MB/s)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
