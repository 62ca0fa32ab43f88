"""`choucha serve --workers N`: the parent migrates once, N worker processes answer from one database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from backend.fieldsync.tables import SyncMutation
from tests.integration.conftest import run
from tests.integration.fieldwork_factory import ITEM, make_task
from tests.integration.live_server import free_port
from tests.integration.test_sync_faults import _device, _token


def _children(pid: int) -> list[int]:
    return [int(c) for t in Path(f"/proc/{pid}/task").iterdir() for c in (t / "children").read_text().split()]


def test_several_workers_serve_one_database(people):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "backend.cli", "serve", "--workers", "2", "--port", str(port)],
                              env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not become ready")
        workers = [p for p in _children(server.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()]
        assert len(workers) == 2
        task = run(make_task())
        devices = [_device(url, _token(url)) for _ in range(2)]
        for n, dev in enumerate(devices):
            for k in range(30):
                dev.answer(task["uid"], ITEM, {"person_in_charge": f"{n}-{k}"})
        threads = [threading.Thread(target=lambda d=dev: d.push(batch=5)) for dev in devices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(not dev.outbox for dev in devices)
        assert run(SyncMutation.count().run()) == 60
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0, server.stderr.read().decode()[-2000:]
