"""Register import throughput and entity list/search latency, on SQLite and PostgreSQL, beside naive baselines.

    python bench/import.py            # 200,000 import rows, searches over 1,000,000 entities
    python bench/import.py --quick    # 20,000 import rows, 100,000 entities: under a minute

Each database runs in its own subprocess (the Piccolo engine is chosen from the environment at import time).
Import: a generated CSV through `import_file` (validation, upsert, audit) against a plain executemany of the
same rows without validation. Search: p50/p95 of `entities.search` (the API's function) with the project's
indexes, and the same calls through a naive query (LIKE, exact count) on a table with only its primary key.
Prints a table, then one JSON line with every figure.

PostgreSQL: the server in CHOUCHA_BENCH_PG (default postgresql://postgres@127.0.0.1:5432), skipped when it does
not answer; each stage gets a scratch database choucha_bench_<pid>_<stage>, dropped afterwards, like the
temporary directory holding the CSV and the SQLite files.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _pg import PG_SERVER, admin, postgres_available  # noqa: E402 - the bench folder is the script's own

FULL = {"import_rows": 200_000, "search_rows": 1_000_000, "requests": 200, "baseline_requests": 40}
QUICK = {"import_rows": 20_000, "search_rows": 100_000, "requests": 100, "baseline_requests": 20}
CJK = range(0x4E00, 0xA000)
NO_FILTERS = dict.fromkeys(("q", "region", "industry", "kind", "risk_class", "status"))
SEARCHES = ("name", "uscc_prefix", "region_risk", "industry_prefix", "first_page", "deep_page")

# ----------------------------------------------------------------------------------------- generated data


def entity_records(n: int) -> Iterator[dict]:
    """n realistic entities (demo generator, one seed per 20,000) with unique, valid USCCs."""
    from backend.registry.demo_data import entities
    from backend.registry.uscc import ALPHABET, check_character

    for i in range(n):
        if i % 20_000 == 0:
            chunk = entities(min(20_000, n - i), seed=1000 + i // 20_000)
        record = dict(chunk[i % 20_000])
        body = "MA" + "".join(ALPHABET[(i // 31 ** k) % 31] for k in range(6))  # unique per i
        total = sum(int(ch, 36) * w for ch, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2)))
        first17 = record["uscc"][:8] + body + "0123456789X0"[11 - total % 11]
        record["uscc"] = first17 + check_character(first17)
        yield record


def csv_cell(value: object) -> object:
    """A record value as the import template writes it."""
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


def write_csv(path: Path, n: int) -> None:
    """The import file: n entities under the template's Chinese/English headers."""
    from backend.registry.importing import columns, template_headers
    from backend.registry.tabular import write_table

    keys = [col.key for col in columns("entities")]
    write_table(path, template_headers("entities"), ([csv_cell(r[k]) for k in keys] for r in entity_records(n)))


# ----------------------------------------------------------------------------------------- child: import


async def prepare() -> None:
    """Migrate the empty database and add the demo departments the CSV refers to."""
    from backend.db.migrate import migrate
    from backend.registry.demo_data import departments
    from backend.registry.tables import Department

    await migrate()
    await Department.insert(*[Department(code=d["code"], name=d["name"], level=d["level"],
                                         jurisdiction=d["jurisdiction"]) for d in departments()]).run()


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB.

    Linux's VmHWM, because getrusage's ru_maxrss keeps the parent's peak across fork and exec.
    """
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def timed_import(path: Path) -> tuple[float, dict]:
    """Seconds taken by `import_file` on `path`, and its report."""
    from backend.audit.service import SYSTEM
    from backend.registry.imports import import_file

    start = time.perf_counter()
    report = await import_file(actor=SYSTEM, kind="entities", path=path)
    elapsed = time.perf_counter() - start
    if not report["written"]:
        raise RuntimeError(f"import not written: {report['error_count']} errors {report['errors'][:3]}")
    return elapsed, report


def baseline_rows(path: Path) -> list[tuple]:
    """The CSV's rows as INSERT parameters: what a hand-written loader does, without any checks."""
    now = datetime.now(timezone.utc)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        return [(u, len(u) == 15, name, kind, industry, region, address, risk, scale or None, status,
                 person or None, phone or None, special == "是", int(complaints or 0),
                 json.dumps(depts.split(";") if depts else []), now, now)
                for (u, name, kind, industry, region, address, risk, scale, status, person, phone, special,
                     complaints, depts) in reader]


INSERT_COLUMNS = ("uscc", "legacy_id", "name", "kind", "industry", "region", "address", "risk_class", "scale",
                  "status", "legal_person", "contact_phone", "special_sector", "complaints_count",
                  "departments", "created_at", "updated_at")
INSERT = f"INSERT INTO entity ({', '.join(INSERT_COLUMNS)}) VALUES ({{}})"


def sqlite_insert(db: Path, chunks: Iterable[list[tuple]]) -> None:
    """sqlite3 executemany of rows of INSERT_COLUMNS, one transaction per chunk."""
    import sqlite3

    conn = sqlite3.connect(db)
    for rows in chunks:
        with conn:
            conn.executemany(INSERT.format(", ".join("?" * len(INSERT_COLUMNS))), rows)
    conn.close()


def baseline_sqlite(path: Path, db: Path) -> float:
    """Seconds for sqlite3 executemany of the CSV's rows, in one transaction, into a fresh copy of the schema."""
    start = time.perf_counter()
    sqlite_insert(db, [baseline_rows(path)])
    return time.perf_counter() - start


async def baseline_postgres(path: Path, url: str) -> float:
    """Seconds for asyncpg executemany of the CSV's rows, in one transaction, into the emptied table."""
    import asyncpg

    conn = await asyncpg.connect(url)
    await conn.execute("TRUNCATE entity RESTART IDENTITY CASCADE")
    start = time.perf_counter()
    rows = baseline_rows(path)
    async with conn.transaction():
        await conn.executemany(INSERT.format(", ".join(f"${i + 1}" for i in range(len(INSERT_COLUMNS)))), rows)
    elapsed = time.perf_counter() - start
    await conn.close()
    return elapsed


async def import_stage(path: Path, rows: int) -> dict:
    """Import the CSV twice (creates, then all unchanged), then the baseline; rows/s and peak RSS."""
    from backend.config import get_settings

    settings = get_settings()
    await prepare()
    rss_before = peak_rss_mb()
    empty_copy = settings.data_dir / "baseline.sqlite3"
    if not settings.is_postgres:
        shutil.copy(settings.sqlite_path, empty_copy)
    first, report = await timed_import(path)
    again, second = await timed_import(path)
    rss_peak = peak_rss_mb()
    if (report["created"], second["unchanged"]) != (rows, rows):
        raise RuntimeError(f"expected {rows} created then unchanged, got {report['created']}, {second['unchanged']}")
    if settings.is_postgres:
        base = await baseline_postgres(path, settings.database_url)
    else:
        base = baseline_sqlite(path, empty_copy)
    return {"rows": rows, "import_s": first, "import_rows_per_s": rows / first,
            "reimport_unchanged_rows_per_s": rows / again, "baseline_s": base,
            "baseline_rows_per_s": rows / base, "ratio_to_baseline": base / first,
            "rss_before_mb": rss_before, "rss_peak_mb": rss_peak}


# ----------------------------------------------------------------------------------------- child: search


def entity_chunks(n: int, sample: list[dict], size: int = 50_000) -> Iterator[list[tuple]]:
    """n generated entities as rows of INSERT_COLUMNS, in chunks; every (n / 5,000)th goes to `sample`."""
    now, chunk = datetime.now(timezone.utc), []
    for i, record in enumerate(entity_records(n)):
        if i % max(1, n // 5000) == 0:
            sample.append(record)
        chunk.append((*(record[c] for c in INSERT_COLUMNS[:-3]), json.dumps(record["departments"]), now, now))
        if len(chunk) == size or i == n - 1:
            yield chunk
            chunk = []


async def bulk_load(n: int, sample: list[dict]) -> None:
    """Load n generated entities fast: COPY (then VACUUM ANALYZE) on PostgreSQL, executemany on SQLite."""
    import asyncpg

    from backend.config import get_settings

    settings = get_settings()
    if not settings.is_postgres:
        return sqlite_insert(settings.sqlite_path, entity_chunks(n, sample))
    conn = await asyncpg.connect(settings.database_url)
    for rows in entity_chunks(n, sample):
        await conn.copy_records_to_table("entity", records=rows, columns=INSERT_COLUMNS)
    await conn.execute("VACUUM ANALYZE entity")  # a register in service has been analysed
    await conn.close()


def name_fragment(rng: random.Random, name: str) -> str | None:
    """A run of 2-4 Chinese characters from `name`, as people type them."""
    size = rng.choice((2, 2, 3, 4))
    starts = [i for i in range(len(name) - size + 1) if all(ord(c) in CJK for c in name[i:i + size])]
    return name[(start := rng.choice(starts)):start + size] if starts else None


def search_calls(kind: str, sample: list[dict], n: int, total: int, seed: int = 11) -> list[dict]:
    """n keyword-argument sets for `entities.search` of one search kind, drawn from loaded entities."""
    rng, calls = random.Random(f"{seed}:{kind}"), []
    while len(calls) < n:
        record, call = rng.choice(sample), {"page": 1}
        if kind == "name":
            call["q"] = name_fragment(rng, record["name"])
        elif kind == "uscc_prefix":
            call["q"] = record["uscc"][:rng.randint(8, 18)]
        elif kind == "region_risk":
            call.update(region=record["region"], risk_class=rng.choice("ABCD"))
        elif kind == "industry_prefix":
            call["industry"] = record["industry"][:rng.choice((1, 3, 4, 5))]
        elif kind == "deep_page":
            call["page"] = rng.randint(total // 1000, total // 500)
        if all(v is not None for v in call.values()):
            calls.append(call)
    return calls


async def naive_search(*, role: str, page: int, page_size: int, q: str | None, region: str | None,
                       industry: str | None, kind: str | None, risk_class: str | None,
                       status: str | None) -> tuple[list[dict], int]:
    """The obvious Piccolo version (the project's first): LIKE filters, OFFSET paging, an exact count."""
    from backend.registry.entities import COLUMNS
    from backend.registry.tables import Entity

    conditions = [getattr(Entity, name) == value for name, value in (
        ("region", region), ("kind", kind), ("risk_class", risk_class), ("status", status)) if value]
    if q:
        conditions.append(Entity.uscc.like(f"{q}%") if q.isascii() else Entity.name.like(f"%{q}%"))
    if industry:
        conditions.append(Entity.industry.like(f"{industry}%"))
    query, count = Entity.select(*[getattr(Entity, c) for c in COLUMNS]).output(load_json=True), Entity.count()
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    rows = await query.order_by(Entity.id).limit(page_size).offset((page - 1) * page_size).run()
    return rows, await count.run()


async def time_searches(search, calls: dict[str, list[dict]]) -> dict[str, dict]:
    """p50/p95/max in ms of `search` per search kind (after a few warm-up calls)."""
    figures = {}
    for kind, kind_calls in calls.items():
        for call in kind_calls[:3]:
            await search(role="platform_admin", page_size=50, **{**NO_FILTERS, **call})
        times = []
        for call in kind_calls:
            start = time.perf_counter()
            await search(role="platform_admin", page_size=50, **{**NO_FILTERS, **call})
            times.append((time.perf_counter() - start) * 1000)
        figures[kind] = summary(times)
    return figures


def summary(times: list[float]) -> dict:
    """Count, median, 95th percentile and maximum of timings in ms."""
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return {"n": len(times), "p50_ms": statistics.median(times), "p95_ms": cuts[18], "max_ms": max(times)}


async def time_round_trip(n: int = 100) -> dict:
    """Timings of `SELECT 1` through the engine: what a query costs before any work (a new connection each)."""
    from piccolo.engine import engine_finder

    engine, times = engine_finder(), []
    for _ in range(n):
        start = time.perf_counter()
        await engine.run_ddl("SELECT 1")
        times.append((time.perf_counter() - start) * 1000)
    return summary(times)


async def drop_secondary_indexes() -> list[str]:
    """Drop the indexes of `entity` but the primary key (SQLite's UNIQUE autoindex cannot go); their names."""
    from piccolo.engine import engine_finder

    engine, dropped = engine_finder(), []
    if engine.engine_type == "postgres":
        for row in await engine.run_ddl("SELECT conname AS name FROM pg_constraint "
                                        "WHERE conrelid = 'entity'::regclass AND contype = 'u'"):
            await engine.run_ddl(f'ALTER TABLE entity DROP CONSTRAINT "{row["name"]}"')
            dropped.append(row["name"])
        rows = await engine.run_ddl("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'entity' "
                                    "AND indexname <> 'entity_pkey'")
    else:
        rows = await engine.run_ddl("SELECT name FROM sqlite_master WHERE type = 'index' "
                                    "AND tbl_name = 'entity' AND sql IS NOT NULL")
    for row in rows:
        await engine.run_ddl(f'DROP INDEX "{row["name"]}"')
    return dropped + [row["name"] for row in rows]


async def search_stage(n: int, requests: int, baseline_requests: int) -> dict:
    """Load n entities; time every search kind as shipped, with a 10,000 count cap, then the naive baseline."""
    from backend.db.migrate import migrate
    from backend.registry import entities

    await migrate()
    sample: list[dict] = []
    start = time.perf_counter()
    await bulk_load(n, sample)
    load_s = time.perf_counter() - start
    calls = {kind: search_calls(kind, sample, requests, n) for kind in SEARCHES}
    ours = await time_searches(entities.search, calls)
    shipped_cap, entities.COUNT_CAP = entities.COUNT_CAP, 10_000
    try:
        cap_10k = await time_searches(entities.search, calls)
    finally:
        entities.COUNT_CAP = shipped_cap
    round_trip = await time_round_trip()
    dropped = await drop_secondary_indexes()
    base = await time_searches(naive_search, {kind: c[:baseline_requests] for kind, c in calls.items()})
    return {"rows": n, "load_s": load_s, "count_cap": shipped_cap, "indexes_dropped": sorted(dropped),
            "ours": ours, "ours_count_cap_10000": cap_10k, "baseline": base, "select_1": round_trip}

# ----------------------------------------------------------------------------------------- parent




def run_child(engine: str, stage: str, work: Path, extra: list[str]) -> dict:
    """Run one stage in a fresh subprocess on a fresh database; its last stdout line is the result."""
    env = {**os.environ, "CHOUCHA_DATA_DIR": str(work / f"{engine}-{stage}"), "PYTHONPATH": str(ROOT)}
    env.pop("CHOUCHA_DATABASE_URL", None)
    database = f"choucha_bench_{os.getpid()}_{stage}"
    if engine == "postgres":
        asyncio.run(admin(f'CREATE DATABASE "{database}"'))
        env["CHOUCHA_DATABASE_URL"] = f"{PG_SERVER}/{database}"
    try:
        done = subprocess.run([sys.executable, __file__, "--child", stage, *extra], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=False)
    finally:
        if engine == "postgres":
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    if done.returncode != 0:
        raise RuntimeError(f"{engine} {stage} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_imports(results: dict) -> None:
    """The import figures for people."""
    print("\nImport through import_file (validate + upsert + audit) vs executemany without checks")
    print(f"{'engine':10}{'rows':>9}{'ours rows/s':>13}{'re-import/s':>13}{'baseline/s':>12}{'ours/base':>11}"
          f"{'peak RSS MiB':>14}")
    for engine, r in results.items():
        if "import" in r:
            i = r["import"]
            print(f"{engine:10}{i['rows']:>9,}{i['import_rows_per_s']:>13,.0f}"
                  f"{i['reimport_unchanged_rows_per_s']:>13,.0f}{i['baseline_rows_per_s']:>12,.0f}"
                  f"{i['ratio_to_baseline']:>11.2f}{i['rss_peak_mb']:>8.0f} ({i['rss_before_mb']:.0f} idle)")


def print_searches(engine: str, s: dict) -> None:
    """The search figures of one engine for people."""
    print(f"\nentities.search on {engine}, {s['rows']:,} entities, ms (count capped at {s['count_cap']:,}; "
          f"'cap 10k': capped at 10,000; baseline: naive query, exact count, primary key only; "
          f"SELECT 1 p50 {s['select_1']['p50_ms']:.1f})")
    print(f"{'search':17}{'p50':>8}{'p95':>8}{'max':>8}{'cap 10k p95':>13}{'base p50':>10}{'base p95':>10}"
          f"{'p95 ratio':>11}")
    for kind in SEARCHES:
        o, t, b = s["ours"][kind], s["ours_count_cap_10000"][kind], s["baseline"][kind]
        print(f"{kind:17}{o['p50_ms']:>8.1f}{o['p95_ms']:>8.1f}{o['max_ms']:>8.1f}{t['p95_ms']:>13.1f}"
              f"{b['p50_ms']:>10.1f}{b['p95_ms']:>10.1f}{b['p95_ms'] / o['p95_ms']:>11.1f}")


def parent(args: argparse.Namespace) -> None:
    """Generate the CSV, run each stage per engine in a subprocess, print the table and the JSON line."""
    sizes = dict(QUICK if args.quick else FULL)
    engines = ["sqlite"] + (["postgres"] if postgres_available() else [])
    work = Path(tempfile.mkdtemp(prefix="choucha-bench-"))
    results: dict = {engine: {} for engine in engines}
    try:
        path = work / "entities.csv"
        write_csv(path, sizes["import_rows"])
        for engine in engines:
            if args.stage in ("all", "import"):
                results[engine]["import"] = run_child(engine, "import", work,
                                                      ["--csv", str(path), "--rows", str(sizes["import_rows"])])
            if args.stage in ("all", "search"):
                results[engine]["search"] = run_child(engine, "search", work, [
                    "--rows", str(sizes["search_rows"]), "--requests", str(sizes["requests"]),
                    "--baseline-requests", str(sizes["baseline_requests"])])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_imports(results)
    for engine, r in results.items():
        if "search" in r:
            print_searches(engine, r["search"])
    skipped = [] if "postgres" in engines else ["postgres: server unavailable"]
    print(json.dumps({"bench": "import", "quick": args.quick, "sizes": sizes, "results": results,
                      "skipped": skipped}, ensure_ascii=False))


def child(args: argparse.Namespace) -> None:
    """Run one stage in this process (its database comes from the environment) and print its JSON."""
    if args.child == "import":
        result = asyncio.run(import_stage(Path(args.csv), args.rows))
    else:
        result = asyncio.run(search_stage(args.rows, args.requests, args.baseline_requests))
    print(json.dumps(result))


def main() -> None:
    """Parse the command line; the parent drives, a child measures one stage on one database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20k import rows, 100k search rows")
    parser.add_argument("--stage", choices=("all", "import", "search"), default="all")
    parser.add_argument("--child", choices=("import", "search"), help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--baseline-requests", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
