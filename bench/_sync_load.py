"""The sync benchmark's load: the server under uvicorn in a subprocess, and concurrent reference devices
(`sync.client.Device`, one thread and one keep-alive HTTP connection each) pushing and pulling through it."""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict, port: int, factory: str, profile: Path | None = None) -> subprocess.Popen:
    """The app `factory` under uvicorn, one process as `choucha serve` runs it; under py-spy when `profile`
    names the file for its collapsed stacks."""
    command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
    if profile:
        spy = Path(sys.executable).parent / "py-spy"
        command = [str(spy), "record", "--format", "raw", "--rate", "200", "-o", str(profile), "--", *command]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return wait_until_up(process, f"http://127.0.0.1:{port}/ready", seconds=120, name="server")


def wait_until_up(process: subprocess.Popen, url: str, *, seconds: float, name: str) -> subprocess.Popen:
    """The process, once `url` answers 200; it is killed and an error raised if it exits or stays silent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            detail = process.stderr.read().decode()[-2000:] if process.stderr else f"status {process.returncode}"
            raise RuntimeError(f"{name} exited: {detail}")
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{name} did not start within {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Interrupt a server we started (py-spy then writes its profile) and wait for it."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Line:
    """One device's connection to a server: a transport for `Device`, timing each request."""

    def __init__(self, base_url: str, headers: dict | None = None) -> None:
        self.client = httpx.Client(base_url=base_url, headers=headers or {}, timeout=600)
        self.latencies: list[float] = []
        self.bytes = 0

    def __call__(self, path: str, body: dict) -> tuple[int, dict]:
        began = time.perf_counter()
        response = self.client.post(path, json=body)
        self.latencies.append(time.perf_counter() - began)
        self.bytes += len(response.content)
        if response.status_code >= 400:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:500]}")
        return response.status_code, response.json()

    def reset(self) -> None:
        """Forget the timings and sizes of earlier phases."""
        self.latencies, self.bytes = [], 0


def concurrently(work: Callable[[int], int], n: int) -> tuple[float, list[int]]:
    """Run work(0..n-1) on n threads released together; wall seconds from the release to the last finish."""
    gate = threading.Barrier(n + 1)

    def worker(index: int) -> int:
        gate.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(worker, i) for i in range(n)]
        gate.wait()
        began = time.perf_counter()
        results = [f.result() for f in futures]
        return time.perf_counter() - began, results


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc (0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def phase(name: str, work: Callable[[int], int], lines: list, unit_count: Callable[[list[int]], int],
          server_pid: int) -> dict:
    """Time one concurrent phase over every line: mutations/s, requests and their latency, bytes received,
    and the CPU the server process spent (its database's processes not included)."""
    for line in lines:
        line.reset()
    cpu = cpu_seconds(server_pid)
    seconds, results = concurrently(work, len(lines))
    cpu = cpu_seconds(server_pid) - cpu
    latencies = sorted(t for line in lines for t in line.latencies)
    mutations = unit_count(results)
    return {"phase": name, "mutations": mutations, "seconds": seconds, "mps": mutations / seconds,
            "requests": len(latencies), "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0.0,
            "mb_received": sum(line.bytes for line in lines) / 1e6, "server_cpu_s": cpu}


def base_env(data_dir: Path, database_url: str | None) -> dict:
    """The server's and the seeding child's environment: a scratch data dir and the engine's database."""
    env = {**os.environ, "CHOUCHA_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("CHOUCHA_DATABASE_URL", None)
    if database_url:
        env["CHOUCHA_DATABASE_URL"] = database_url
    return env
