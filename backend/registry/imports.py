"""Importing and exporting the registers: validate the whole file, then upsert in one transaction.

Pass 1 (`check_file`) validates every row in a worker thread. Pass 2 reads the file again, checks what
only the database knows (department codes, user names) and upserts in batches inside one transaction:
any error there rolls everything back, so an import is written whole or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from litestar.concurrency import sync_to_thread

from backend.audit import service as audit
from backend.audit.chain import canonical_json
from backend.audit.service import Actor
from backend.auth.tables import User
from backend.db.tx import transaction
from backend.registry.importing import ImportReport, RowError, check_file, columns, iter_records, match_headers
from backend.registry.tabular import open_table
from backend.registry.tables import Department, Entity, Inspector

BATCH = 1000
TABLES = {"entities": Entity, "inspectors": Inspector}
KEYS = {"entities": "uscc", "inspectors": "credential_no"}


class _Rollback(Exception):
    """Raised inside the transaction to undo an import that met an error in pass 2."""


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


def _batches(kind: str, path: Path) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for item in iter_records(kind, path):
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


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


def _reject(report: ImportReport, problems: list[RowError]) -> None:
    """Count a row that pass 2 found invalid."""
    report.valid -= 1
    report.error_count += len(problems)
    report.errors.extend(problems[: max(0, report.limit - len(report.errors))])


def _written_fields(kind: str, record: dict[str, Any], present: set[str]) -> list[str]:
    """The fields an upsert compares and writes: those the file has, under their table names."""
    renamed = {"username": "user"}
    fields = {renamed.get(k, k) for k in present} | ({"legacy_id"} if kind == "entities" else set())
    return [k for k in record if k in fields and k != KEYS[kind]]


async def _upsert(kind: str, batch: list[dict[str, Any]], present: set[str], now: datetime) -> tuple[int, int, int]:
    """Insert new records, update changed ones (present columns only); counts created, updated, unchanged."""
    table, key = TABLES[kind], KEYS[kind]
    fields = _written_fields(kind, batch[0], present)
    existing = {r[key]: r for r in await table.select(*[getattr(table, f) for f in (key, *fields)]).where(
        getattr(table, key).is_in([r[key] for r in batch])).output(load_json=True).run()}
    new = [r for r in batch if r[key] not in existing]
    changed = [r for r in batch if r[key] in existing and any(existing[r[key]][f] != r[f] for f in fields)]
    if new:
        await table.insert(*[table(**r, created_at=now, updated_at=now) for r in new]).run()
    for record in changed:
        values = {getattr(table, f): record[f] for f in fields}
        values[table.updated_at] = now
        await table.update(values).where(getattr(table, key) == record[key]).run()
    return len(new), len(changed), len(batch) - len(new) - len(changed)


async def import_file(*, actor: Actor, kind: str, path: Path, dry_run: bool = False,
                      skip_invalid: bool = False, filename: str | None = None) -> dict[str, Any]:
    """Validate and (unless dry-run or invalid) upsert a register file; returns the report."""
    report: ImportReport = await sync_to_thread(check_file, kind, path)
    result = {**report.to_json(), "dry_run": dry_run, "written": False,
              "created": 0, "updated": 0, "unchanged": 0, "skipped": report.rows - report.valid}
    if report.fatal or (not report.ok and not skip_invalid):
        return result
    present = present_columns(kind, path)
    headers = {col.key: col.header for col in columns(kind)}
    refs = await _References.load()
    stream_digest = hashlib.sha256()
    counts = [0, 0, 0]
    try:
        async with transaction():
            for batch in _batches(kind, path):
                good = []
                for row, record in batch:
                    problems = refs.resolve(kind, row, record, headers)
                    if problems:
                        _reject(report, problems)
                    else:
                        good.append(record)
                # after the first error keep checking (to report every row) but stop writing
                if dry_run or not good or (report.error_count and not skip_invalid):
                    continue
                for record in good:
                    stream_digest.update(canonical_json(record).encode())
                for i, n in enumerate(await _upsert(kind, good, present, datetime.now(timezone.utc))):
                    counts[i] += n
            if dry_run or (report.error_count and not skip_invalid):
                raise _Rollback
            detail = {"file": filename or path.name, "sha256": file_sha256(path), "rows": report.rows,
                      "created": counts[0], "updated": counts[1], "unchanged": counts[2],
                      "skipped": report.rows - sum(counts)}
            await audit.record(actor=actor, action=f"{kind}.import", target_type=kind, target_id="*",
                               after={"records_sha256": stream_digest.hexdigest()}, detail=detail)
    except _Rollback:
        return {**result, **report.to_json(), "skipped": report.rows - report.valid}
    return {**result, **report.to_json(), "written": True, "created": counts[0], "updated": counts[1],
            "unchanged": counts[2], "skipped": report.rows - sum(counts)}
