"""The double-random draw at scale, on SQLite and PostgreSQL, beside the naive `ORDER BY random() LIMIT k`.

    python bench/draw.py            # 1,000,000 entities, 10,000 inspectors, 50,000 recusals (issue 3)
    python bench/draw.py --quick    # 100,000 entities, 1,000 inspectors, 5,000 recusals: under a minute
    python bench/draw.py --cache /tmp/choucha-draw-cache   # seed once, measure a copy on later runs

Per engine, a fresh database is bulk-loaded by one subprocess (setup, not a figure; with --cache, seeded once
and copied for each run: a SQLite data directory, a PostgreSQL template database) and measured by another
(the engine is chosen from the environment at import): `draw_service.announce` (pool building: scope query,
eligibility, canonical order, hashes, the frozen announcement) and `draw_service.execute` (the announced
pools proved by their hashes, roster, recusals, sortition, team matching, the record, one task per selected
object, the inspectors' notifications), each with its time, the time of its steps, the CPU time of this
process (steadier than wall time on a shared machine), and its peak RSS (VmHWM, reset per phase; the
PostgreSQL server's own time and memory are not counted). Then, in the same process, what a user would otherwise
write: per stratum `SELECT id … ORDER BY random() LIMIT k` with the same scope and quotas, and per object a
random pick of qualified inspectors (`ORDER BY random() LIMIT 1` per uncovered qualification, then fill to
the team size; timed on --team-objects objects and extrapolated, since each object costs the same).
The naive version is neither verifiable nor frequency-capped nor recusal-aware, and writes no tasks.
Prints a table, then one JSON line with every figure; the record's SHA-256 is the same on both engines.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import inspect
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import _draw_data as data  # noqa: E402 - the bench folder is the script's own
from _pg import PG_SERVER, admin, postgres_available  # noqa: E402

FULL = {"entities": 1_000_000, "inspectors": 10_000, "recusals": 50_000, "workload_cap": 30}
QUICK = {"entities": 100_000, "inspectors": 1_000, "recusals": 5_000, "workload_cap": 30}
SOURCES = ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]
GOAL_S, GOAL_MB = 5.0, 1024

# ----------------------------------------------------------------------------------------- measuring


def rss_mb(field: str = "VmHWM") -> float:
    """This process's peak (VmHWM) or current (VmRSS) resident set size, in MiB."""
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith(field + ":")) / 1024


def reset_peak() -> None:
    """Start a new VmHWM measurement at the current RSS (Linux clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")


class Stopwatch:
    """Seconds spent in wrapped functions, by phase and label: the breakdown of a phase."""

    def __init__(self) -> None:
        self.seconds: Counter = Counter()
        self.cpu: dict[str, float] = {}
        self.phase = ""

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)
        if inspect.iscoroutinefunction(original):
            async def timed(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    self.seconds[f"{self.phase}.{label}"] += time.perf_counter() - start
        else:
            def timed(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    self.seconds[f"{self.phase}.{label}"] += time.perf_counter() - start
        setattr(owner, name, timed)


def instrument() -> Stopwatch:
    """Time the steps of announce and execute (module attributes, so the code under test is unchanged)."""
    from backend.fieldwork import tasks
    from backend.planning import draw_service, queries
    from backend.planning.strata import CanonicalPool

    watch = Stopwatch()
    for owner, name, label in (
            (queries, "pools_in_scope", "scope_query"), (draw_service, "build_pools", "eligibility"),
            (CanonicalPool, "of", "canonical_pool"), (CanonicalPool, "announced", "pool_check"),
            (queries, "inspectors_of", "roster_query"), (queries, "loads", "loads_query"),
            (queries, "recusal_pairs", "recusal_query"), (draw_service, "_spec", "spec"),
            (draw_service, "select_objects", "sortition"), (tasks.TaskWriter, "open", "task_prep"),
            (draw_service, "_staff_while_writing", "teams_and_tasks"), (draw_service, "staff", "teams_thread"),
            (tasks.TaskWriter, "write", "task_writes"), (tasks.TaskWriter, "close", "last_tasks"),
            (tasks, "_notify_assigned", "notify"), (draw_service, "encode_record", "record_digest"),
            (draw_service, "get_draw", "reread_draw")):
        watch.wrap(owner, name, label)
    return watch


async def phase(name: str, watch: Stopwatch, coro_fn, profile: cProfile.Profile | None):
    """Run one phase: (result, seconds, peak RSS MiB, RSS at start MiB)."""
    watch.phase = name
    reset_peak()
    before = rss_mb("VmRSS")
    if profile:
        profile.enable()
    start, cpu = time.perf_counter(), time.process_time()
    result = await coro_fn()
    elapsed = time.perf_counter() - start
    watch.cpu[name] = time.process_time() - cpu
    if profile:
        profile.disable()
    return result, elapsed, rss_mb(), before


OVERLAPPED = ("record_digest", "teams_thread", "task_prep", "task_writes")
"""Steps that run beside others (their own threads, or inside teams_and_tasks): shown, not summed."""


def breakdown(watch: Stopwatch, prefix: str, total: float) -> dict:
    """The phase's labelled steps, plus what is left (the draw row's JSON columns written and read, audit)."""
    steps = {k.split(".", 1)[1]: v for k, v in watch.seconds.items() if k.startswith(prefix)}
    if prefix == "execute.":
        inside = steps.get("spec", 0)
        steps = {k: v for k, v in steps.items() if k not in ("spec",)}
        steps["spec_other"] = inside - sum(steps.get(k, 0) for k in ("roster_query", "loads_query", "recusal_query",
                                                                     "pool_check"))
        steps["last_tasks"] = steps.get("last_tasks", 0) - steps.get("notify", 0)  # notify runs inside close
    # inside teams_and_tasks, teams are matched in a thread while the tasks of matched ones are written; the
    # record is encoded in a thread while the last tasks are written: those times overlap the phase's
    steps["rest"] = total - sum(v for k, v in steps.items() if k not in OVERLAPPED)
    return steps


async def ours(plan_id: int, profile: cProfile.Profile | None) -> tuple[dict, dict]:
    """announce + execute through the service layer; figures and the executed draw."""
    from backend.audit.service import SYSTEM
    from backend.planning import draw_service

    watch = instrument()
    announced, a_s, a_mb, a_base = await phase("announce", watch, lambda: draw_service.announce(
        actor=SYSTEM, plan_ids=[plan_id], sources_description="体彩排列5 2026年3月2日开奖号码",
        draw_date=data.DRAW_DATE), profile)
    executed, e_s, e_mb, e_base = await phase("execute", watch, lambda: draw_service.execute(
        actor=SYSTEM, draw_id=announced["id"], sources=SOURCES, observers=["公证员 王某"]), profile)
    figures = {"announce_s": a_s, "announce_peak_rss_mb": a_mb, "announce_start_rss_mb": a_base,
               "execute_s": e_s, "execute_peak_rss_mb": e_mb, "execute_start_rss_mb": e_base,
               "total_s": a_s + e_s, "peak_rss_mb": max(a_mb, e_mb),
               # CPU seconds of this process (all its threads, not the PostgreSQL server): steadier than wall
               # time on a shared machine
               "announce_cpu_s": watch.cpu["announce"], "execute_cpu_s": watch.cpu["execute"],
               "announce_steps": breakdown(watch, "announce.", a_s),
               "execute_steps": breakdown(watch, "execute.", e_s)}
    return figures, executed


async def outcome(draw_id: int) -> dict:
    """What the draw produced (checked, not timed), and how long verifying its record takes."""
    from backend.fieldwork.tables import Task, TaskMember
    from backend.notify.tables import Notification
    from backend.planning import draw_service
    from backend.planning.record import verify_record

    record = await draw_service.full_record(draw_id=draw_id)
    reset_peak()
    start = time.perf_counter()
    difference = verify_record(record)
    verify_s = time.perf_counter() - start
    teams = Counter(t["status"] if t["status"] == "staffed" else t["reason"] for t in record["teams"])
    sizes = Counter(len(t["members"]) for t in record["teams"] if t["status"] == "staffed")
    selected = sum(len(s["selected"]) for s in record["strata"])
    assert selected == sum(s["quota"] for s in record["strata"]) == await Task.count().where(Task.draw == draw_id)
    return {"strata": {s["label"][-1]: {"pool": s["pool_size"], "quota": s["quota"]} for s in record["strata"]},
            "pool_total": sum(s["pool_size"] for s in record["strata"]), "selected": selected,
            "excluded": len(record["exclusions"]["entities"]), "teams": dict(teams),
            "team_sizes": {str(k): v for k, v in sorted(sizes.items())},
            "task_members": await TaskMember.count(), "notifications": await Notification.count(),
            "record_mb": len(json.dumps(record)) / 2 ** 20,
            "verify": "MATCH" if difference is None else str(difference), "verify_s": verify_s,
            "verify_peak_rss_mb": rss_mb(), "algorithm": record["algorithm"]}

# ----------------------------------------------------------------------------------------- naive baseline

NAIVE_OBJECTS = ("SELECT id FROM entity WHERE region LIKE ? AND CAST(departments AS TEXT) LIKE ? "
                 "AND status NOT IN ('deregistered', 'revoked') AND risk_class = ? ORDER BY random() LIMIT ?")
NAIVE_INSPECTORS = ("SELECT id, qualifications FROM inspector WHERE department = ? AND status = 'active' "
                    "AND valid_from <= ? AND valid_to >= ? AND CAST(qualifications AS TEXT) LIKE ? AND {not_in} "
                    "ORDER BY random() LIMIT ?")
NOT_IN = {"postgres": "NOT (id = ANY(?::int[]))", "sqlite": "id NOT IN (SELECT value FROM json_each(?))"}


class RawDb:
    """The driver itself (asyncpg or sqlite3), as a hand-written draw would use it; `?` placeholders."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.engine = "postgres" if settings.is_postgres else "sqlite"

    async def __aenter__(self) -> "RawDb":
        if self.engine == "postgres":
            import asyncpg

            self.conn = await asyncpg.connect(self.settings.database_url)
        else:
            import sqlite3

            self.conn = sqlite3.connect(self.settings.sqlite_path)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.conn.close() if self.engine == "postgres" else self.conn.close()

    async def rows(self, sql: str, *params) -> list[tuple]:
        if self.engine == "postgres":
            parts = sql.split("?")
            sql = "".join(p + (f"${i + 1}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))
            return [tuple(r) for r in await self.conn.fetch(sql, *params)]
        return self.conn.execute(sql, params).fetchall()


async def naive_objects(db: RawDb, quotas: dict[str, int]) -> list[int]:
    """Per risk class, k random entities in scope: the whole "draw" a user would otherwise write."""
    from backend.planning.queries import jurisdiction_prefix

    scope = (jurisdiction_prefix(data.DEPARTMENT[3]) + "%", f'%"{data.DEPARTMENT[0]}"%')
    chosen = []
    for risk_class, k in quotas.items():
        chosen += [r[0] for r in await db.rows(NAIVE_OBJECTS, *scope, risk_class, k)]
    return chosen


async def naive_team(db: RawDb, department_id: int, team_size: int) -> list[int]:
    """One random holder per qualification not yet covered, then random fill-ups: no cap, no recusal."""
    sql = NAIVE_INSPECTORS.format(not_in=NOT_IN[db.engine])
    on = data.DRAW_DATE if db.engine == "postgres" else str(data.DRAW_DATE)
    team, covered = [], set()
    for qualification in [*data.QUALIFICATIONS, *["%"] * team_size]:
        if qualification in covered or (qualification == "%" and len(team) >= team_size):
            continue
        pattern = "%" if qualification == "%" else f'%"{qualification}"%'
        excluded = team if db.engine == "postgres" else json.dumps(team)
        rows = await db.rows(sql, department_id, on, on, pattern, excluded, 1)
        team.append(rows[0][0])
        covered.update(json.loads(rows[0][1]))
    return team


async def naive(quotas: dict[str, int], team_objects: int | None) -> dict:
    """Time the naive draw: objects per stratum, then teams (for `team_objects` of them when given)."""
    from backend.config import get_settings
    from backend.registry.tables import Department

    dept = await Department.select(Department.id).where(Department.code == data.DEPARTMENT[0]).first().run()
    async with RawDb(get_settings()) as db:
        start = time.perf_counter()
        objects = await naive_objects(db, quotas)
        objects_s = time.perf_counter() - start
        staffed = objects[:team_objects] if team_objects else objects  # per-object cost: linear
        start = time.perf_counter()
        for _ in staffed:
            await naive_team(db, dept["id"], 2)
        teams_s = time.perf_counter() - start
    teams_all_s = teams_s * len(objects) / max(1, len(staffed))
    return {"objects_s": objects_s, "objects": len(objects), "teams_s": teams_all_s,
            "teams_measured_objects": len(staffed), "teams_extrapolated": len(staffed) < len(objects),
            "total_s": objects_s + teams_all_s}

# ----------------------------------------------------------------------------------------- children


async def measure_stage(plan_id: int, profile_path: str | None, team_objects: int | None) -> dict:
    """ours (announce, execute) with its outcome, then the naive draw, in this fresh process."""
    from backend.config import get_settings
    from backend.db.migrate import migrate

    await migrate()  # a clone of a cached seed may predate the newest (additive) migrations
    async with RawDb(get_settings()) as db:
        if db.engine == "postgres":
            # the clone's pages are written out before anything is timed, not during the draw (a checkpoint
            # the clone's WAL set off made the first run after a pause slower by half a second or more)
            await db.rows("CHECKPOINT")
        # the same warm cache for both: one pass over the register's rows (not only an index of it)
        await db.rows("SELECT count(*), max(uscc), max(region), max(status) FROM entity")
    idle = rss_mb("VmRSS")
    profile = cProfile.Profile() if profile_path else None
    figures, executed = await ours(plan_id, profile)
    if profile:
        profile.dump_stats(profile_path)
    figures["idle_rss_mb"] = idle
    result = await outcome(executed["id"])
    result["record_sha256"] = executed["record_sha256"]
    quotas = {label[-1]: s["quota"] for label, s in result["strata"].items()}
    return {"ours": figures, "outcome": result, "naive": await naive(quotas, team_objects)}


def child(args: argparse.Namespace) -> None:
    """Run one stage in this process (its database comes from the environment) and print its JSON."""
    if args.child == "seed":
        sizes = json.loads(args.sizes)
        start = time.perf_counter()
        result = asyncio.run(data.seed(**sizes))
        result["seed_s"] = time.perf_counter() - start
    else:
        result = asyncio.run(measure_stage(args.plan_id, args.profile_to, args.team_objects))
    print(json.dumps(result))


# ----------------------------------------------------------------------------------------- parent




def run_child(env: dict, args: list[str]) -> dict:
    """One stage in a fresh subprocess; its last stdout line is the result."""
    done = subprocess.run([sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{args[:2]} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cache_key(sizes: dict) -> str:
    """What a seeded database depends on: the sizes and the generator (newer migrations are applied to a clone)."""
    digest = hashlib.sha256(json.dumps(sizes, sort_keys=True).encode())
    digest.update((ROOT / "bench" / "_draw_data.py").read_bytes())
    return digest.hexdigest()[:12]


def seeded(engine: str, sizes: dict, work: Path, cache: Path | None) -> tuple[dict, dict]:
    """A freshly seeded database for one run: (env pointing at it, seed figures); cloned from the cache if kept.

    The cache holds one seeded copy per engine and key (SQLite: its data directory; PostgreSQL: a template
    database); each run measures a clone, so a run never sees another run's draw or tasks.
    """
    key = cache_key(sizes)
    env = {**os.environ, "CHOUCHA_DATA_DIR": str(work / engine), "PYTHONPATH": str(ROOT)}
    env.pop("CHOUCHA_DATABASE_URL", None)
    template = f"choucha_bench_draw_tpl_{key}"
    stamp = cache / f"{engine}-{key}.json" if cache else None
    if stamp is not None and stamp.exists():
        if engine == "postgres":
            try:
                asyncio.run(admin(f'CREATE DATABASE "{run_database()}" TEMPLATE "{template}"'))
            except Exception:  # noqa: BLE001 - the template is gone (server reset): seed it again
                stamp.unlink()
                return seeded(engine, sizes, work, cache)
            env["CHOUCHA_DATABASE_URL"] = f"{PG_SERVER}/{run_database()}"
        else:
            shutil.copytree(cache / f"sqlite-{key}", work / engine)
        return env, {**json.loads(stamp.read_text()), "cached": True}
    target = template if stamp is not None and engine == "postgres" else run_database()
    seed_env = dict(env)
    if stamp is not None and engine == "sqlite":
        seed_env["CHOUCHA_DATA_DIR"] = str(cache / f"sqlite-{key}")
    if engine == "postgres":
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        asyncio.run(admin(f'CREATE DATABASE "{target}"'))
        seed_env["CHOUCHA_DATABASE_URL"] = f"{PG_SERVER}/{target}"
    result = run_child(seed_env, ["--child", "seed", "--sizes", json.dumps(sizes)])
    if stamp is None:
        env.update(seed_env)
        return env, result
    stamp.write_text(json.dumps(result))
    return seeded(engine, sizes, work, cache)


def run_database() -> str:
    """This run's scratch PostgreSQL database."""
    return f"choucha_bench_draw_{os.getpid()}"


def run_engine(engine: str, sizes: dict, work: Path, args: argparse.Namespace) -> dict:
    """Seed (or clone from the cache) a database of `engine`, measure it in a fresh subprocess, drop it."""
    cache = Path(args.cache).resolve() if args.cache else None
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
    try:
        env, seed = seeded(engine, sizes, work, cache)
        # what earlier runs wrote (the other engine's database copy and draw) reaches the disk now, not while
        # this one is timed (PostgreSQL's scope query took 1.3 s instead of 0.6 s behind that write-back)
        os.sync()
        extra = ["--profile-to", str(work / f"{engine}.prof")] if args.profile else []
        extra += ["--team-objects", str(args.team_objects)]
        measured = run_child(env, ["--child", "measure", "--plan-id", str(seed["plan_id"]), *extra])
    finally:
        if engine == "postgres":
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{run_database()}" WITH (FORCE)'))
        # this run's copy of the database goes at once, so its pages leave the page cache to the next engine
        shutil.rmtree(work / engine, ignore_errors=True)
    if args.profile:
        print_profile(engine, work / f"{engine}.prof")
    return {"seed": seed, **measured}


def print_profile(engine: str, path: Path) -> None:
    """The top of the cProfile of announce + execute, on stderr."""
    out = io.StringIO()
    pstats.Stats(str(path), stream=out).sort_stats("cumulative").print_stats(40)
    print(f"\n===== cProfile {engine} (announce + execute), cumulative =====\n{out.getvalue()}", file=sys.stderr)
    out = io.StringIO()
    pstats.Stats(str(path), stream=out).sort_stats("tottime").print_stats(25)
    print(f"===== cProfile {engine}, own time =====\n{out.getvalue()}", file=sys.stderr)


def _row(label: str, values: list[str]) -> None:
    print(f"{label:46}" + "".join(f"{v:>18}" for v in values))


def print_table(sizes: dict, results: dict) -> None:
    """The figures for people."""
    engines = list(results)
    shares = " ".join(f"{c} {s:.0%}" for c, s in data.RISK_SHARES.items())
    ratios = " ".join(f"{c} {float(r):.0%}" for c, r in data.RATIOS.items())
    print(f"\nDraw at scale (issue 3): {sizes['entities']:,} entities ({shares}); ratios {ratios} = "
          f"{data.overall_ratio():.2%} overall;\n{sizes['inspectors']:,} inspectors with accounts; 3 items each "
          f"needing its own qualification; {sizes['recusals']:,} recusal pairs; team size 2, workload cap "
          f"{sizes['workload_cap']}")
    _row("", engines)

    def get(path: str, fmt: str) -> list[str]:
        return [fmt.format(_dig(results[e], path)) for e in engines]
    _row("selected objects (tasks)", get("outcome.selected", "{:,}"))
    _row("announce: pools (s)", get("ours.announce_s", "{:.2f}"))
    _row("  peak RSS (MiB)", get("ours.announce_peak_rss_mb", "{:.0f}"))
    _row("execute: draw + teams + tasks (s)", get("ours.execute_s", "{:.2f}"))
    _row("  peak RSS (MiB)", get("ours.execute_peak_rss_mb", "{:.0f}"))
    _row(f"TOTAL ours (s)  [goal <= {GOAL_S:.0f} s]", get("ours.total_s", "{:.2f}"))
    _row(f"PEAK RSS ours (MiB)  [goal <= {GOAL_MB}]", get("ours.peak_rss_mb", "{:.0f}"))
    _row("  (RSS of the idle process, MiB)", get("ours.idle_rss_mb", "{:.0f}"))
    _row("  (CPU s of this process: announce, execute)",
         [f"{_dig(results[e], 'ours.announce_cpu_s'):.2f}, {_dig(results[e], 'ours.execute_cpu_s'):.2f}"
          for e in engines])
    _row("naive: ORDER BY random() LIMIT k x4 (s)", get("naive.objects_s", "{:.2f}"))
    _row("naive: + random team per object (s)", get("naive.teams_s", "{:.2f}"))
    _row("  naive teams timed on (objects)", get("naive.teams_measured_objects", "{:,}"))
    _row("naive total (s)", get("naive.total_s", "{:.2f}"))
    _row("ratio ours / naive objects only", get("ratio_to_naive_objects", "{:.2f}"))
    _row("ratio ours / naive objects + teams", [f"{_dig(results[e], 'ratio_to_naive'):.2f}" for e in engines])
    print("naive = neither verifiable, nor frequency-capped, nor recusal-aware, nor load balanced; writes no tasks"
          + ("; team time extrapolated" if any(results[e]["naive"]["teams_extrapolated"] for e in engines) else ""))
    print("\nwhere the time goes (s)")
    for phase_name in ("announce_steps", "execute_steps"):
        for step in results[engines[0]]["ours"][phase_name]:
            _row(f"  {phase_name.split('_')[0]}.{step}",
                 [f"{results[e]['ours'][phase_name].get(step, 0):.2f}" for e in engines])
    print("\noutcome")
    _row("  teams", [" ".join(f"{k}={v}" for k, v in results[e]["outcome"]["teams"].items()) for e in engines])
    _row("  team sizes", [" ".join(f"{k}:{v}" for k, v in results[e]["outcome"]["team_sizes"].items())
                          for e in engines])
    _row("  task members", get("outcome.task_members", "{:,}"))
    _row("  notifications queued", get("outcome.notifications", "{:,}"))
    _row("  excluded entities", get("outcome.excluded", "{:,}"))
    _row("  record (MiB of JSON)", get("outcome.record_mb", "{:.1f}"))
    _row("  verify_record from the record (s)", get("outcome.verify_s", "{:.2f}"))
    _row("  verify result", get("outcome.verify", "{}"))
    _row("  record SHA-256", [results[e]["outcome"]["record_sha256"][:16] for e in engines])


def _dig(value: dict, path: str):
    for part in path.split("."):
        value = value[part]
    return value


def parent(args: argparse.Namespace) -> None:
    """Seed and measure each engine in subprocesses, print the table and the JSON line."""
    sizes = dict(QUICK if args.quick else FULL)
    engines = [e for e in ("sqlite", "postgres") if args.engine in ("all", e)]
    skipped = []
    if "postgres" in engines and not postgres_available():
        engines.remove("postgres")
        skipped.append("postgres: server unavailable")
    work = Path(tempfile.mkdtemp(prefix="choucha-bench-draw-"))
    results = {}
    try:
        for engine in engines:
            results[engine] = run_engine(engine, sizes, work, args)
            r = results[engine]
            r["ratio_to_naive"] = r["ours"]["total_s"] / r["naive"]["total_s"]
            r["ratio_to_naive_objects"] = r["ours"]["total_s"] / r["naive"]["objects_s"]
            r["goals_met"] = {"time": r["ours"]["total_s"] <= GOAL_S, "memory": r["ours"]["peak_rss_mb"] <= GOAL_MB,
                              "faster_than_naive": r["ratio_to_naive"] < 1}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(sizes, results)
    print(json.dumps({"bench": "draw", "quick": args.quick, "sizes": sizes, "risk_shares": data.RISK_SHARES,
                      "ratios": data.RATIOS, "overall_ratio": data.overall_ratio(), "goal_s": GOAL_S,
                      "goal_mb": GOAL_MB, "results": results, "skipped": skipped}, ensure_ascii=False))


def main() -> None:
    """Parse the command line; the parent drives, a child seeds or measures one database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k entities, 1k inspectors, 5k recusals")
    parser.add_argument("--engine", choices=("all", "sqlite", "postgres"), default="all")
    parser.add_argument("--profile", action="store_true", help="cProfile announce + execute (slower), on stderr")
    parser.add_argument("--team-objects", type=int, default=3000,
                        help="time the naive team picks on this many objects and extrapolate (0: all; default 3000)")
    parser.add_argument("--cache", metavar="DIR",
                        help="keep the seeded databases in DIR (SQLite) and as PostgreSQL templates; later runs "
                             "measure a copy instead of seeding again")
    parser.add_argument("--child", choices=("seed", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", help=argparse.SUPPRESS)
    parser.add_argument("--plan-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    child(args) if args.child else parent(args)


if __name__ == "__main__":
    main()
