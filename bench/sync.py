"""Offline sync throughput: 50 devices pushing and pulling through the real server, beside pouchdb-server.

    python bench/sync.py            # 50 devices × 40 tasks × 25 mutations = 50,000 mutations per system
    python bench/sync.py --quick    # 50 devices × 8 tasks: 10,000 mutations, under a minute

Each device is its own inspector (a user with a device token) on its own tasks, and runs on its own thread
with one keep-alive connection (`sync.client.Device`, the reference device). Per task it records a complete
report of market.public-info (25 mutations: answers with their bases, a correction, photos and a note with
sha256 references, three signatures, start and submit). Phases, all devices at once:
- push: the outbox in batches of 100 (`POST /api/v1/sync/push`); every mutation must come back applied;
- pull: with the cursor of its first pull, as a device syncs after pushing; what it receives is its tasks'
  merged reports, counted as the mutations they carry (report versions);
- fresh pull: a second phone of each inspector pulls from nothing (tasks whole, forms, reports).
The server is `backend.app` under uvicorn (as `choucha serve --workers N`, N one per core) on SQLite (a scratch
data dir) and on PostgreSQL (database choucha_bench_sync on CHOUCHA_BENCH_PG, dropped and created). Then
pouchdb-server (LevelDB, one database per device) takes the same mutations as documents through `_bulk_docs`
in batches of 100 and serves them through `_changes?include_docs=true` paged by 100. The server's tables
are counted afterwards. Prints a table (with the CPU spent by the server process and its workers, by the
PostgreSQL processes and by the devices' process: the machine is shared, so wall-clock figures move with
other work while CPU seconds hardly do), then one JSON line.

    --only sqlite,pouch      some systems only      --devices N --tasks K    other sizes
    --workers N              our server as `choucha serve --workers N` (default: one per core, as deployed;
                             pouchdb-server is one process whatever the cores)
    --profile DIR            the server under py-spy (`pip install py-spy`), collapsed stacks in DIR
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _sync_pouch as pouch  # noqa: E402 - the bench folder is the script's own
from _pg import PG_SERVER, admin, postgres_available  # noqa: E402
from _sync_load import Line, base_env, free_port, phase, start_server, stop  # noqa: E402
from _sync_work import PER_TASK, counts, record_report, seed  # noqa: E402

from sync.client import Device  # noqa: E402

FULL = {"devices": 50, "tasks": 40, "batch": 100}
QUICK = {"devices": 50, "tasks": 8, "batch": 100}
PG_DATABASE = "choucha_bench_sync"
APP = "backend.app:create_app"
WORKER_APP = "backend.app:create_worker_app"
STARTED = time.monotonic()
SHORT = {"sqlite": "sqlite", "postgres": "pg", "pouch": "pouch"}


def clock() -> int:
    return int(time.time() * 1000)


def note(text: str) -> None:
    """Progress on stderr, with the seconds since the start: where a run's time goes."""
    print(f"[{time.monotonic() - STARTED:6.1f}s] {text}", file=sys.stderr, flush=True)


def run_child(mode: str, env: dict, *extra: str) -> object:
    """Run `--child mode` with the engine's environment; its last stdout line is its JSON result."""
    note(f"{mode} ({env.get('CHOUCHA_DATABASE_URL', 'sqlite')})")
    done = subprocess.run([sys.executable, __file__, "--child", mode, *extra], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"child {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def queue_work(devices: list[Device], tasks: list[list[str]]) -> None:
    """Each device records a complete report on each of its tasks, one task after the other."""
    for d, (dev, uids) in enumerate(zip(devices, tasks)):
        for t, uid in enumerate(uids):
            record_report(dev, uid, d * 1000 + t)


def applied_check(devices: list[Device], expected: int) -> None:
    """Every mutation came back acknowledged and applied: the figure measures real work."""
    outcomes = [o for dev in devices for o in dev.outcomes.values()]
    wrong = [o for o in outcomes if o.get("status") != "applied"]
    if len(outcomes) != expected or wrong:
        raise RuntimeError(f"{len(outcomes)} outcomes of {expected}; not applied: {wrong[:3]}")


def pulled_versions(dev: Device) -> int:
    """Mutations the device's pulled reports carry (a report's version counts the mutations merged into it)."""
    return sum(report["version"] for report in dev.reports.values())


def server_phases(base_url: str, pid: int, seeded: list[dict], sizes: dict) -> dict:
    """First pull (untimed), then the timed push, pull and fresh pull of every device at once."""
    tokens = [{"Authorization": f"Bearer {s['token']}"} for s in seeded]
    devices = [Device(Line(base_url, headers), clock=clock) for headers in tokens]
    lines = [dev.transport for dev in devices]
    first = phase("first pull", lambda i: devices[i].pull(), lines, sum, pid)
    queue_work(devices, [s["tasks"] for s in seeded])
    total = sum(len(dev.outbox) for dev in devices)
    push = phase("push", lambda i: devices[i].push(batch=sizes["batch"]), lines, sum, pid)
    applied_check(devices, total)
    for dev in devices:
        dev.reports = {}

    def pull_again(i: int) -> int:
        devices[i].pull(limit=sizes["batch"])
        return pulled_versions(devices[i])

    pull = phase("pull", pull_again, lines, sum, pid)
    phones = [Device(Line(base_url, headers), clock=clock) for headers in tokens]

    def pull_fresh(i: int) -> int:
        phones[i].pull(limit=sizes["batch"])
        return pulled_versions(phones[i])

    fresh = phase("fresh pull", pull_fresh, [p.transport for p in phones], sum, pid)
    if pull["mutations"] != total or fresh["mutations"] != total:
        raise RuntimeError(f"pulled {pull['mutations']} / fresh {fresh['mutations']} of {total} mutations")
    return {"first_pull": first, "push": push, "pull": pull, "pull_fresh": fresh, "mutations": total}


def run_server(engine: str, sizes: dict, work: Path, args: argparse.Namespace) -> dict:
    """Seed a fresh database, serve it, run the phases, count what the server holds."""
    url = f"{PG_SERVER}/{PG_DATABASE}" if engine == "postgres" else None
    if url:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        asyncio.run(admin(f'CREATE DATABASE "{PG_DATABASE}"'))
    env = base_env(work / engine, url)
    seeded = run_child("seed", env, "--devices", str(sizes["devices"]), "--tasks", str(sizes["tasks"]))
    port = free_port()
    profile = Path(args.profile).resolve() / f"{engine}.txt" if args.profile else None
    note(f"{engine}: starting the server")
    server = start_server(env, port, WORKER_APP if args.workers > 1 else APP, profile, args.workers)
    note(f"{engine}: devices at work")
    try:
        result = server_phases(f"http://127.0.0.1:{port}", server.pid, seeded, sizes)
    finally:
        stop(server)
    result["server"] = run_child("verify", env)
    tasks, held = sizes["devices"] * sizes["tasks"], result["server"]
    expected = {"sync_mutation": result["mutations"], "applied": result["mutations"],
                "report_versions": result["mutations"], "submitted": tasks}
    if any(held[k] != v for k, v in expected.items()):
        raise RuntimeError(f"{engine}: the server holds {held}, expected {expected}")
    return result


def run_pouch(sizes: dict, work: Path) -> dict:
    """The same devices' mutations into pouchdb-server (a database each), then read back through _changes."""
    devices = [Device(lambda path, body: (500, {}), clock=clock) for _ in range(sizes["devices"])]
    queue_work(devices, [[f"{d:08d}-0000-7000-8000-{t:012d}" for t in range(sizes["tasks"])]
                         for d in range(sizes["devices"])])
    port = free_port()
    note("pouchdb-server: starting")
    server = pouch.start(port, work / "pouch")
    note("pouchdb-server: devices at work")
    try:
        lines = [Line(f"http://127.0.0.1:{port}") for _ in devices]
        names = [pouch.database_name(dev.device_id) for dev in devices]
        for line, name in zip(lines, names):
            line.client.put(f"/{name}").raise_for_status()
        push = phase("push", lambda i: pouch.push(lines[i], names[i], devices[i].outbox, sizes["batch"]), lines,
                     sum, server.pid)
        pull = phase("pull", lambda i: pouch.pull(lines[i], names[i], sizes["batch"]), lines, sum, server.pid)
        held = sum(line.client.get(f"/{name}").json()["doc_count"] for line, name in zip(lines, names))
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(dev.outbox) for dev in devices)
    if not push["mutations"] == pull["mutations"] == held == total:
        raise RuntimeError(f"pouch: pushed {push['mutations']}, pulled {pull['mutations']}, holds {held} of {total}")
    return {"push": push, "pull": pull, "mutations": total, "server": {"doc_count": held}}


def summary(results: dict) -> dict:
    """The flat figures of the JSON line: mutations/s per phase and system, and ratios to pouchdb-server."""
    flat: dict = {}
    for system, r in results.items():
        for name in ("push", "pull", "pull_fresh"):
            if name in r:
                flat[f"{name}_{SHORT[system]}_mps"] = round(r[name]["mps"], 1)
                flat[f"{name}_{SHORT[system]}_server_cpu_s"] = round(r[name]["server_cpu_s"], 2)
    if "pouch" in results:
        for system in ("postgres", "sqlite"):
            for name in ("push", "pull", "pull_fresh"):
                ours = flat.get(f"{name}_{SHORT[system]}_mps")
                base = flat[f"{name.split('_')[0]}_pouch_mps"]
                if ours is not None:
                    flat[f"ratio_{name}_{SHORT[system]}_vs_pouch"] = round(ours / base, 2)
    return flat


def print_table(results: dict, sizes: dict) -> None:
    """The figures for people."""
    print(f"\nOffline sync: {sizes['devices']} concurrent devices, batches of {sizes['batch']}, "
          f"{sizes['devices'] * sizes['tasks'] * PER_TASK:,} mutations per system")
    print(f"{'system':10}{'phase':12}{'mutations':>11}{'seconds':>9}{'mut/s':>9}{'requests':>10}{'p50 ms':>8}"
          f"{'p95 ms':>8}{'MB recv':>9}{'srv CPU s':>10}{'pg CPU s':>9}{'dev CPU s':>10}{'vs pouch':>10}")
    for system, r in results.items():
        for name in ("push", "pull", "pull_fresh"):
            if name not in r:
                continue
            p, base = r[name], results.get("pouch", {}).get(name.split("_")[0])
            ratio = f"{p['mps'] / base['mps']:.2f}×" if base and system != "pouch" else ""
            pg = f"{p['postgres_cpu_s']:.2f}" if system == "postgres" else ""
            print(f"{system:10}{p['phase']:12}{p['mutations']:>11,}{p['seconds']:>9.2f}{p['mps']:>9,.0f}"
                  f"{p['requests']:>10,}{p['p50_ms']:>8.0f}{p['p95_ms']:>8.0f}{p['mb_received']:>9.1f}"
                  f"{p['server_cpu_s']:>10.2f}{pg:>9}{p['client_cpu_s']:>10.2f}{ratio:>10}")
    for system, r in results.items():
        print(f"{system}: holds {r['server']}")


def parent(args: argparse.Namespace) -> None:
    """Run every system in turn in a scratch directory; print the table and the JSON line."""
    sizes = dict(QUICK if args.quick else FULL)
    sizes.update({k: v for k, v in (("devices", args.devices), ("tasks", args.tasks)) if v})
    systems = args.only.split(",") if args.only else ["sqlite", "postgres", "pouch"]
    skipped = []
    if "postgres" in systems and not postgres_available():
        systems.remove("postgres")
        skipped.append("postgres: server unavailable")
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    work, results = Path(tempfile.mkdtemp(prefix="choucha-bench-sync-")), {}
    try:
        for system in systems:
            results[system] = run_pouch(sizes, work) if system == "pouch" else run_server(system, sizes, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if "postgres" in systems:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
    print_table(results, sizes)
    durability = {s: r["server"].get("durability") for s, r in results.items() if s != "pouch"}
    total = sizes["devices"] * sizes["tasks"] * PER_TASK
    print(json.dumps({"bench": "sync", "quick": args.quick, "app": WORKER_APP if args.workers > 1 else APP,
                      "workers": args.workers, **sizes,
                      "mutations_per_system": total, **summary(results), "durability": durability,
                      "checks": "every mutation applied, stored, counted in report versions and pulled",
                      "skipped": skipped}, ensure_ascii=False))


def child(args: argparse.Namespace) -> None:
    """Seed or count in this process (its database comes from the environment) and print the JSON."""
    if args.child == "seed":
        print(json.dumps(asyncio.run(seed(args.devices, args.tasks))))
    else:
        print(json.dumps(asyncio.run(counts()), default=str))


def main() -> None:
    """Parse the command line; the parent drives, a child seeds or counts one database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 tasks per device instead of 40")
    parser.add_argument("--only", help="comma-separated systems among sqlite,postgres,pouch")
    parser.add_argument("--profile", metavar="DIR", help="run the server under py-spy; collapsed stacks in DIR")
    parser.add_argument("--child", choices=("seed", "verify"), help=argparse.SUPPRESS)
    parser.add_argument("--devices", type=int, help="devices instead of 50")
    parser.add_argument("--tasks", type=int, help="tasks per device instead of 40 (8 with --quick)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes (choucha serve --workers; default: one per core, as deployed)")
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
