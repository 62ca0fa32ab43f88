"""Importing the registers: validate the whole file and upsert it in one transaction, or write nothing.

A worker thread reads the file once: it validates every row (as `check_file`), checks what only the database
knows (department codes, user names, loaded beforehand) and hands batches of good records to the writer,
which upserts them meanwhile, inside one transaction, through the driver connection (COPY on PostgreSQL).
After the first error the thread goes on checking, to report every row, but sends nothing more; at the end
any error rolls the transaction back, and the report reads as if nothing had been tried: rows that fail
validation hide the reference problems, as when the references were only checked after a clean pass.
"""

from __future__ import annotations

import asyncio
import hashlib
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any

from litestar.concurrency import sync_to_thread
from piccolo.columns import JSON, JSONB, Column
from piccolo.engine import engine_finder
from piccolo.table import Table
from piccolo.utils.encoding import dump_json, load_json

from backend.audit import service as audit
from backend.audit.chain import canonical_json
from backend.audit.service import Actor
from backend.auth.tables import User
from backend.db.tx import transaction
from backend.registry.importing import ImportReport, RowError, columns, match_headers, validate_rows
from backend.registry.tabular import TableError, open_table
from backend.registry.tables import Department, Entity, Inspector

BATCH = 5000
TABLES = {"entities": Entity, "inspectors": Inspector}
KEYS = {"entities": "uscc", "inspectors": "credential_no"}


class _Rollback(Exception):
    """Raised inside the transaction to undo an import that met an error, or a dry run."""


def file_sha256(path: Path) -> str:
    """The SHA-256 of the uploaded file, kept in the audit entry."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def present_columns(kind: str, path: Path) -> set[str]:
    """Keys of the columns the file has: an update changes only those."""
    with open_table(path) as table:
        mapping, _ = match_headers(kind, table.headers)
    return {col.key for col, _ in mapping}


class _References:
    """Department codes and user names known to the database, loaded once per import."""

    def __init__(self, departments: dict[str, int], users: dict[str, int]) -> None:
        self.departments, self.users = departments, users

    @classmethod
    async def load(cls) -> "_References":
        depts = await Department.select(Department.id, Department.code).run()
        users = await User.select(User.id, User.username).run()
        return cls({d["code"]: d["id"] for d in depts}, {u["username"]: u["id"] for u in users})

    def resolve(self, kind: str, row: int, record: dict[str, Any], headers: dict[str, str]) -> list[RowError]:
        """Replace codes by ids in `record`; the problems of codes that do not exist."""
        problems = []
        if kind == "entities":
            for code in record.get("departments") or []:
                if code not in self.departments:
                    problems.append(RowError(row, headers.get("departments", "departments"), "department.unknown",
                                             f"部门代码“{code}”不存在", f"unknown department '{code}'"))
            return problems
        code = record.pop("department")
        record["department"] = self.departments.get(code)
        if record["department"] is None:
            problems.append(RowError(row, headers.get("department", "department"), "department.unknown",
                                     f"部门代码“{code}”不存在", f"unknown department '{code}'"))
        username = record.pop("username", None)
        record["user"] = self.users.get(username) if username else None
        if username and record["user"] is None:
            problems.append(RowError(row, headers.get("username", "username"), "user.unknown",
                                     f"用户“{username}”不存在", f"unknown user '{username}'"))
        return problems


@dataclass
class _Checked:
    """What the checking thread found: the validation report, the rows whose references failed, a digest."""

    report: ImportReport
    rejected_rows: int = 0
    rejected_count: int = 0
    rejected: list[RowError] = field(default_factory=list)
    digest: Any = field(default_factory=hashlib.sha256)

    def reject(self, problems: list[RowError]) -> None:
        """Count a valid row whose references do not exist; keep its problems up to the report's limit."""
        self.rejected_rows += 1
        self.rejected_count += len(problems)
        self.rejected.extend(problems[: max(0, self.report.limit - len(self.rejected))])

    def writable(self, skip_invalid: bool) -> bool:
        """Whether records still go to the writer: not after an error, unless invalid rows are skipped."""
        return skip_invalid or not (self.report.error_count or self.rejected_rows)

    def merged(self) -> ImportReport:
        """The report with the reference problems added after the validation ones, counts exact."""
        report = self.report
        report.valid -= self.rejected_rows
        report.error_count += self.rejected_count
        report.errors.extend(self.rejected[: max(0, report.limit - len(report.errors))])
        return report


class _Pipe:
    """Batches from the checking thread to the writer, a few at most in flight (bounded memory)."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=3)
        self.cancelled = threading.Event()

    def put(self, batch: list[dict[str, Any]] | None) -> None:
        """Hand a batch over (None: no more); gives up once the writer has cancelled."""
        while not self.cancelled.is_set():
            try:
                return self._queue.put(batch, timeout=0.1)
            except queue.Full:
                continue

    def get(self) -> list[dict[str, Any]] | None:
        """The next batch, or None at the end."""
        return self._queue.get()


def _check(kind: str, path: Path, refs: _References, pipe: _Pipe, *, writing: bool,
           skip_invalid: bool) -> _Checked:
    """In a thread: validate each row, resolve its references, send good records on while writable."""
    checked, batch = _Checked(ImportReport(kind=kind)), []
    headers = {col.key: col.header for col in columns(kind)}
    try:
        with open_table(path) as table:
            for outcome in validate_rows(kind, table):
                if pipe.cancelled.is_set():
                    break
                if outcome.row % 100 == 0:
                    time.sleep(0)  # yield the GIL: the writer resumes as soon as the database answers
                checked.report.add(outcome)
                if outcome.record is None:
                    continue
                if problems := refs.resolve(kind, outcome.row, outcome.record, headers):
                    checked.reject(problems)
                    continue
                checked.digest.update(canonical_json(outcome.record).encode())
                batch.append(outcome.record)
                if len(batch) >= BATCH:
                    if writing and checked.writable(skip_invalid):
                        pipe.put(batch)
                    batch = []
    except TableError as exc:
        checked.report.add_file_error(exc)
    finally:
        if batch and writing and checked.writable(skip_invalid):
            pipe.put(batch)
        pipe.put(None)
    return checked


def _written_fields(kind: str, record: dict[str, Any], present: set[str]) -> list[str]:
    """The fields an upsert compares and writes: those the file has, under their table names."""
    renamed = {"username": "user"}
    fields = {renamed.get(k, k) for k in present} | ({"legacy_id"} if kind == "entities" else set())
    return [k for k in record if k in fields and k != KEYS[kind]]


def _connection() -> tuple[str, Any]:
    """The engine type and the driver connection (asyncpg or aiosqlite) of the current transaction."""
    engine = engine_finder()
    return engine.engine_type, engine.current_transaction.get().connection


def _json_names(columns: Iterable[Column]) -> set[str]:
    return {c._meta.db_column_name for c in columns if isinstance(c, (JSON, JSONB))}


def _db_rows(records: Iterable[dict[str, Any]], names: list[str], json_names: set[str]) -> list[tuple]:
    """The records' values of `names` as the driver takes them: JSON as text, the way Piccolo writes it."""
    values = itemgetter(*names)
    rows = []
    for record in records:
        for name in json_names:
            if not isinstance(record[name], (str, type(None))):
                record[name] = dump_json(record[name])
        rows.append(values(record))
    return rows


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


async def _existing(table: type[Table], key: str, fields: list[str], keys: list[str]) -> dict[str, dict]:
    """The stored values of `fields` for the rows whose `key` is in `keys`, JSON decoded, by key."""
    engine_type, conn = _connection()
    select = f'SELECT {_quoted((key, *fields))} FROM "{table._meta.tablename}" WHERE "{key}"'
    if engine_type == "postgres":
        rows = [dict(r) for r in await conn.fetch(f"{select} = ANY($1::text[])", keys)]
    else:
        async with conn.execute(f"{select} IN ({', '.join('?' * len(keys))})", keys) as cursor:
            rows = [dict(r) for r in await cursor.fetchall()]
    decode = [f for f in fields if isinstance(table._meta.get_column_by_name(f), (JSON, JSONB))]
    for row in rows:
        for f in decode:
            if isinstance(row[f], str):
                row[f] = load_json(row[f])
    return {row[key]: row for row in rows}


async def _insert(table: type[Table], records: list[dict[str, Any]], now: datetime) -> None:
    """Insert whole records (absent columns take their default): COPY on PostgreSQL, executemany on SQLite."""
    engine_type, conn = _connection()
    columns = [c for c in table._meta.columns if not c._meta.primary_key]
    names = [c._meta.db_column_name for c in columns]
    defaults = {n: c.get_default_value() for c, n in zip(columns, names)}
    stamps = {"created_at": now, "updated_at": now}
    rows = _db_rows(({**defaults, **record, **stamps} for record in records), names, _json_names(columns))
    if engine_type == "postgres":
        await conn.copy_records_to_table(table._meta.tablename, records=rows, columns=names)
    else:
        await conn.executemany(f'INSERT INTO "{table._meta.tablename}" ({_quoted(names)}) '
                               f"VALUES ({', '.join('?' * len(names))})", rows)


async def _update(table: type[Table], key: str, fields: list[str], records: list[dict[str, Any]],
                  now: datetime) -> None:
    """Write `fields` and updated_at of existing records, found by `key`, in one executemany."""
    engine_type, conn = _connection()
    marks = [f"${i}" if engine_type == "postgres" else "?" for i in range(1, len(fields) + 3)]
    assignments = ", ".join(f'"{name}" = {mark}' for name, mark in zip((*fields, "updated_at"), marks))
    json_names = _json_names(table._meta.get_column_by_name(f) for f in fields)
    rows = _db_rows(({**record, "updated_at": now} for record in records), [*fields, "updated_at", key], json_names)
    await conn.executemany(f'UPDATE "{table._meta.tablename}" SET {assignments} WHERE "{key}" = {marks[-1]}',
                           rows)


async def _upsert(kind: str, batch: list[dict[str, Any]], present: set[str], now: datetime) -> tuple[int, int, int]:
    """Insert new records, update changed ones (present columns only); counts created, updated, unchanged.

    Bypasses the ORM's per-row objects (the cost of an import) for the transaction's driver connection.
    """
    table, key = TABLES[kind], KEYS[kind]
    fields = _written_fields(kind, batch[0], present)
    async with transaction():
        existing = await _existing(table, key, fields, [r[key] for r in batch])
        new = [r for r in batch if r[key] not in existing]
        changed = [r for r in batch if r[key] in existing and any(existing[r[key]][f] != r[f] for f in fields)]
        if new:
            await _insert(table, new, now)
        if changed:
            await _update(table, key, fields, changed, now)
    return len(new), len(changed), len(batch) - len(new) - len(changed)


async def _pipeline(kind: str, path: Path, present: set[str], *, writing: bool,
                    skip_invalid: bool) -> tuple[_Checked, list[int]]:
    """Run the checking thread and upsert the batches it sends as they come; counts created/updated/unchanged.

    The thread's Python work overlaps the database's own (index upkeep, on its own core).
    """
    pipe, counts = _Pipe(), [0, 0, 0]
    refs = await _References.load()
    checking = asyncio.ensure_future(sync_to_thread(_check, kind, path, refs, pipe, writing=writing,
                                                    skip_invalid=skip_invalid))
    try:
        while (batch := await sync_to_thread(pipe.get)) is not None:
            for i, n in enumerate(await _upsert(kind, batch, present, datetime.now(timezone.utc))):
                counts[i] += n
    except BaseException:
        pipe.cancelled.set()
        await asyncio.gather(checking, return_exceptions=True)
        raise
    return await checking, counts


def _present(kind: str, path: Path) -> set[str]:
    """The file's columns; none when the file cannot be read (the checking thread reports why)."""
    try:
        return present_columns(kind, path)
    except TableError:
        return set()


async def import_file(*, actor: Actor, kind: str, path: Path, dry_run: bool = False,
                      skip_invalid: bool = False, filename: str | None = None) -> dict[str, Any]:
    """Validate and (unless dry-run or invalid) upsert a register file; returns the report."""
    try:
        async with transaction():
            checked, counts = await _pipeline(kind, path, _present(kind, path), writing=not dry_run,
                                              skip_invalid=skip_invalid)
            invalid = checked.report.fatal or (checked.report.error_count and not skip_invalid)
            report = checked.report if invalid else checked.merged()
            if invalid or dry_run or (report.error_count and not skip_invalid):
                raise _Rollback
            detail = {"file": filename or path.name, "sha256": file_sha256(path), "rows": report.rows,
                      "created": counts[0], "updated": counts[1], "unchanged": counts[2],
                      "skipped": report.rows - sum(counts)}
            await audit.record(actor=actor, action=f"{kind}.import", target_type=kind, target_id="*",
                               after={"records_sha256": checked.digest.hexdigest()}, detail=detail)
    except _Rollback:
        return {**report.to_json(), "dry_run": dry_run, "written": False, "created": 0, "updated": 0,
                "unchanged": 0, "skipped": report.rows - report.valid}
    return {**report.to_json(), "dry_run": dry_run, "written": True, "created": counts[0],
            "updated": counts[1], "unchanged": counts[2], "skipped": report.rows - sum(counts)}
