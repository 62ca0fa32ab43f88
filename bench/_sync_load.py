"""The sync benchmark's load: the server under uvicorn in a subprocess, and concurrent reference devices
(`sync.client.Device`, one thread and one keep-alive HTTP connection each) pushing and pulling through it."""

from __future__ import annotations

import contextlib
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


def start_server(env: dict, port: int, factory: str, profile: Path | None = None,
                 workers: int = 1) -> subprocess.Popen:
    """The app `factory` under uvicorn, as `choucha serve` runs it (`workers` processes: the database must
    be migrated already); under py-spy when `profile` names the file for its collapsed stacks."""
    command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
    if workers > 1:
        command += ["--workers", str(workers)]
    if profile:
        spy = Path(sys.executable).parent / "py-spy"
        command = [str(spy), "record", "--format", "raw", "--rate", "200", "--subprocesses", "-o", str(profile),
                   "--", *command]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)  # its own process group: `stop` reaches every worker
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
    """Interrupt a server we started and all its processes (py-spy then writes its profile; uvicorn's
    workers stop with it rather than outlive a profiled run), wait for it, then kill any left over."""
    group = os.getpgid(process.pid)
    os.killpg(group, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


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
    """CPU time (user + system) a process and its live descendants (a server's workers) have used so far,
    from /proc (0 where there is none)."""
    try:
        own = _own_cpu(pid)
    except OSError:
        return 0.0
    return own + sum(cpu_seconds(child) for child in _children(pid))


def postgres_cpu_seconds() -> float:
    """CPU time used so far by the machine's PostgreSQL processes (server and backends; ended backends are
    not counted, so a phase's figure covers the connections that stay open, as a pool's do)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    total += _own_cpu(int(entry.name))
            except OSError:
                continue
    return total


def _own_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for t in Path(f"/proc/{pid}/task").iterdir()
                for c in (t / "children").read_text().split()]
    except OSError:
        return []


def phase(name: str, work: Callable[[int], int], lines: list, unit_count: Callable[[list[int]], int],
          server_pid: int) -> dict:
    """Time one concurrent phase over every line: mutations/s, requests and their latency, bytes received,
    the CPU the server process spent (its database's processes not included) and the CPU of the devices
    (this process: its threads share one interpreter lock, so the load it can offer has a ceiling)."""
    for line in lines:
        line.reset()
    cpu, client, database = cpu_seconds(server_pid), time.process_time(), postgres_cpu_seconds()
    seconds, results = concurrently(work, len(lines))
    cpu, client = cpu_seconds(server_pid) - cpu, time.process_time() - client
    database = postgres_cpu_seconds() - database
    latencies = sorted(t for line in lines for t in line.latencies)
    mutations = unit_count(results)
    return {"phase": name, "mutations": mutations, "seconds": seconds, "mps": mutations / seconds,
            "requests": len(latencies), "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0.0,
            "mb_received": sum(line.bytes for line in lines) / 1e6, "server_cpu_s": cpu, "client_cpu_s": client,
            "postgres_cpu_s": database}


def base_env(data_dir: Path, database_url: str | None) -> dict:
    """The server's and the seeding child's environment: a scratch data dir and the engine's database."""
    env = {**os.environ, "CHOUCHA_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("CHOUCHA_DATABASE_URL", None)
    if database_url:
        env["CHOUCHA_DATABASE_URL"] = database_url
    return env
