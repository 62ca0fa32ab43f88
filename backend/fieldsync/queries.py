"""Every query of reports and sync: devices, taken mutations, tasks with their documents, the change feed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec
from piccolo.columns.combination import WhereRaw

from backend.audit.service import Event, record_many
from backend.auth.service import CurrentUser
from backend.checklists.tables import FormVersion
from backend.db.bulk import insert_rows, run_prebuilt, run_prebuilt_many
from backend.fieldsync.tables import Report, SyncChange, SyncMutation
from backend.fieldwork.access import SCOPE_COLUMNS, FieldScope, scope_from, scope_of
from backend.fieldwork.tables import Task
from backend.registry.tables import Entity, InspectionItem, Inspector

TASK_FIELDS = ("id", "uid", "entity", "status", "team", "departments", "items", "forms", "due_on", "year",
               "lead_inspector", "experts")

DEVICE_CLAIM = ('INSERT INTO "sync_device" ("device", "user", "next_seq", "scope", "created_at", "seen_at") '
                "VALUES ($1, $2, 1, '[]', $3, $3) "
                'ON CONFLICT ("device") DO UPDATE SET "seen_at" = COALESCE($4, "sync_device"."seen_at") '
                'RETURNING "user", "next_seq", "scope"')
DEVICE_CLAIM_SCOPED = ("WITH claimed AS (" + DEVICE_CLAIM + ') SELECT "user", "next_seq", "scope", '
                       + SCOPE_COLUMNS.format(user="$2", department="$5") + " FROM claimed")
DEVICE_SAVE = ('UPDATE "sync_device" SET "seen_at" = $1, "next_seq" = COALESCE($2, "next_seq"), '
               '"scope" = COALESCE($3, "scope") WHERE "device" = $4')
_TASK_COLUMNS = 'SELECT t."id", t."uid", t."status", t."team", t."departments", t."forms"'
_REPORT_COLUMNS = 'r."id", r."status", r."state", r."version", r."submitted_at"'
PUSH_TASKS = _TASK_COLUMNS + ' FROM "task" t WHERE t."uid" = ANY($1::varchar[]) ORDER BY t."id" FOR UPDATE'
PUSH_REPORTS = 'SELECT r."task", ' + _REPORT_COLUMNS + ' FROM "report" r WHERE r."task" = ANY($1::int[])'
PUSH_TARGETS_SQLITE = (_TASK_COLUMNS + ", " + _REPORT_COLUMNS + ' FROM "task" t '
                       'LEFT JOIN "report" r ON r."task" = t."id" '
                       'WHERE t."uid" IN (SELECT value FROM json_each($1)) ORDER BY t."id"')
REPORT_UPDATE = ('UPDATE "report" SET "status" = $1, "state" = $2, "version" = $3, "submitted_at" = $4, '
                 '"updated_at" = $5 WHERE "id" = $6')
TASK_STATUS_UPDATE = 'UPDATE "task" SET "status" = $1, "updated_at" = $2 WHERE "id" = $3 AND "status" <> $1'
REPORTS_UPDATE = ('UPDATE "report" SET "status" = v.status, "state" = v.state::json, "version" = v.version, '
                  '"submitted_at" = v.submitted_at, "updated_at" = $1 FROM unnest($2::varchar[], $3::text[], '
                  '$4::int[], $5::timestamptz[], $6::int[]) AS v(status, state, version, submitted_at, id) '
                  'WHERE "report"."id" = v.id')
TASKS_STATUS_UPDATE = ('UPDATE "task" SET "status" = v.status, "updated_at" = $1 FROM unnest($2::varchar[], '
                       '$3::int[]) AS v(status, id) WHERE "task"."id" = v.id AND "task"."status" <> v.status')
"""PostgreSQL: REPORT_UPDATE and TASK_STATUS_UPDATE for many rows, as one statement each (arrays by column)."""


async def lock_device(*, device_id: str, user_id: int, now: datetime, touch: bool = False) -> dict:
    """The device's row, registered to `user_id` on its first sync (one upsert), locked until the transaction
    ends so two pushes of one device take turns (SQLite's BEGIN IMMEDIATE already does). With `touch` (a
    push, which sets `seen_at` before it commits anyway) it is marked seen now."""
    row = (await run_prebuilt(DEVICE_CLAIM, device_id, user_id, now, now if touch else None))[0]
    return {"device": device_id, "user": row[0], "next_seq": row[1], "scope": _json(row[2])}


async def claim_device(*, device_id: str, user: CurrentUser, now: datetime, touch: bool = False
                       ) -> tuple[dict, FieldScope]:
    """`lock_device` and the user's field scope (`access.scope_of`): on PostgreSQL in one statement, since
    every push and pull needs both."""
    if Task._meta.db.engine_type != "postgres":
        return await lock_device(device_id=device_id, user_id=user.id, now=now, touch=touch), await scope_of(user)
    row = (await run_prebuilt(DEVICE_CLAIM_SCOPED, device_id, user.id, now, now if touch else None,
                              user.department_id))[0]
    device = {"device": device_id, "user": row[0], "next_seq": row[1], "scope": _json(row[2])}
    return device, scope_from(user, row[3], row[4])


async def save_device(*, device_id: str, now: datetime, next_seq: int | None = None,
                      scope: list[int] | None = None) -> None:
    """Record what the device was last answered: its next number, the tasks it holds (in the transaction)."""
    await run_prebuilt(DEVICE_SAVE, now, next_seq, None if scope is None else _text(sorted(scope)), device_id)


async def taken(device_id: str, seqs: list[int]) -> dict[int, tuple[str, dict]]:
    """seq -> (digest, outcome) of the given numbers the device already pushed."""
    if not seqs:
        return {}
    rows = await SyncMutation.select(SyncMutation.seq, SyncMutation.digest, SyncMutation.outcome).where(
        (SyncMutation.device == device_id) & SyncMutation.seq.is_in(seqs)).output(load_json=True).run()
    return {r["seq"]: (r["digest"], r["outcome"]) for r in rows}


async def push_targets(uids: list[str]) -> tuple[dict[str, dict], dict[int, dict]]:
    """The tasks a push names (the fields access and merging need) by uid, and their reports by task id. On
    PostgreSQL the tasks stay locked, in id order, until the transaction ends, as with `tasks_by_uid(lock=True)`,
    and the reports are read after the lock is granted (a statement that waited for it still sees what its
    own snapshot saw: a report read in it could miss the push it waited for). SQLite's BEGIN IMMEDIATE already
    serialises writers, so one statement reads both."""
    tasks: dict[str, dict] = {}
    reports: dict[int, dict] = {}
    if not uids:
        return tasks, reports
    if Task._meta.db.engine_type == "postgres":
        locked = await run_prebuilt(PUSH_TASKS, uids)
        found = {r[0]: r[1:] for r in await run_prebuilt(PUSH_REPORTS, [t[0] for t in locked])} if locked else {}
        rows = [(*task, *found.get(task[0], (None,) * 5)) for task in locked]
    else:
        rows = await run_prebuilt(PUSH_TARGETS_SQLITE, _text(uids))
    for task_id, uid, status, team, departments, forms, report_id, *report in rows:
        tasks[uid] = {"id": task_id, "uid": uid, "status": status, "team": _json(team),
                      "departments": _json(departments), "forms": _json(forms)}
        if report_id is not None:
            reports[task_id] = {"id": report_id, "task": task_id, "status": report[0], "state": _json(report[1]),
                                "version": report[2], "submitted_at": report[3]}
    return tasks, reports


async def save_push(taken: list[dict], reports: list[dict], *, device_id: str, next_seq: int, now: datetime,
                    task_status: dict[int, str], changed, events: Sequence[Event]) -> None:
    """Write a push: its taken mutations (their key is unique: a concurrent duplicate push fails here), its
    changed reports (the new ones inserted, the others updated), the tasks whose status follows theirs and the
    device's next number, then, under the audit chain's lock, the audit entries and the change feed rows of the
    changed tasks.

    On PostgreSQL all of it is one statement (`record_many` with the mutations and new reports `along`, the
    updates `beside`): one round trip instead of seven, each a wake-up of both processes (bench/sync.py)."""
    new_rows = [{"task": r["task"], "return_reasons": [], "submitted_at": r.get("submitted_at"), "reviewed_at": None,
                 "reviewed_by": None, "created_at": now, "status": r["status"], "state": r["state"],
                 "version": r["version"], "updated_at": now} for r in reports if not r.get("id")]
    updated = [r for r in reports if r.get("id")]
    following = [r for r in reports if task_status.get(r["task"]) != r["status"]]
    if Report._meta.db.engine_type == "postgres":
        beside = [(DEVICE_SAVE, [now, next_seq, None, device_id])]
        if updated:
            beside.append((REPORTS_UPDATE, [now, [r["status"] for r in updated], [_text(r["state"]) for r in updated],
                                            [r["version"] for r in updated],
                                            [r.get("submitted_at") for r in updated], [r["id"] for r in updated]]))
        if following:
            beside.append((TASKS_STATUS_UPDATE, [now, [r["status"] for r in following],
                                                 [r["task"] for r in following]]))
        # JSON columns of the inserted rows as values: they travel as JSON
        await append_changes(changed, kind="report", now=now, events=events,
                             along=[(SyncMutation, taken), (Report, new_rows)], beside=beside)
        return
    if taken:
        await insert_rows(SyncMutation, [{**row, "outcome": _text(row["outcome"])} for row in taken])
    if new_rows:
        await insert_rows(Report, [{**row, "state": _text(row["state"])} for row in new_rows])
    await run_prebuilt_many(REPORT_UPDATE, [(r["status"], _text(r["state"]), r["version"], r.get("submitted_at"), now,
                                             r["id"]) for r in updated])
    await run_prebuilt_many(TASK_STATUS_UPDATE, [(r["status"], now, r["task"]) for r in following])
    await save_device(device_id=device_id, now=now, next_seq=next_seq)
    await append_changes(changed, kind="report", now=now, events=events)


async def tasks_by_uid(uids: list[str], *, lock: bool = False) -> dict[str, dict]:
    """Task rows (the fields access and merging need) by uid. With `lock` (PostgreSQL), the rows stay locked,
    in id order, until the transaction ends: two pushes (or a push and a review) of one report take turns
    instead of both merging into the same version; SQLite's BEGIN IMMEDIATE already serialises them."""
    if not uids:
        return {}
    query = Task.select(*[getattr(Task, f) for f in TASK_FIELDS]).where(Task.uid.is_in(uids)).order_by(
        Task.id).output(load_json=True)
    if lock and Task._meta.db.engine_type == "postgres":
        query = query.lock_rows("UPDATE", of=(Task,))
    return {r["uid"]: r for r in await query.run()}


async def tasks_by_id(ids: list[int]) -> list[dict]:
    """Task rows by id, ascending."""
    if not ids:
        return []
    return await Task.select(*[getattr(Task, f) for f in TASK_FIELDS]).where(Task.id.is_in(ids)).order_by(
        Task.id).output(load_json=True).run()


async def reports_of(task_ids: list[int]) -> dict[int, dict]:
    """Report rows by task id (tasks without a report yet are absent)."""
    if not task_ids:
        return {}
    rows = await Report.select().where(Report.task.is_in(task_ids)).output(load_json=True).run()
    return {r["task"]: r for r in rows}


async def save_report(*, report: dict, now: datetime, task_status: str | None = None) -> dict:
    """Insert or update a report's state, status and version; the task's status follows the report's
    (`task_status`, the task's status as the caller read it in this transaction, spares a no-op update)."""
    values = {"status": report["status"], "state": report["state"], "version": report["version"], "updated_at": now}
    for key in ("return_reasons", "submitted_at", "reviewed_at", "reviewed_by"):
        if key in report:
            values[key] = report[key]
    if report.get("id"):
        await Report.update({getattr(Report, k): v for k, v in values.items()}).where(Report.id == report["id"]).run()
    else:  # plain values: building a Report instance's INSERT cost more than the JSON of its state
        row = await insert_rows(Report, [{"task": report["task"], "return_reasons": [], "submitted_at": None,
                                          "reviewed_at": None, "reviewed_by": None, "created_at": now, **values}],
                                returning=("id",))
        report["id"] = row[0]["id"]
    if task_status != report["status"]:
        await Task.update({Task.status: report["status"], Task.updated_at: now}).where(
            (Task.id == report["task"]) & (Task.status != report["status"])).run()
    return report


async def reports_in_status(*, status: str, department: str | None, page: int,
                            page_size: int) -> tuple[list[dict], int]:
    """Reports in `status` (of one department's tasks, or all), with their task and entity, oldest first."""
    query = Report.select(Report.id, Report.status, Report.version, Report.submitted_at, Report.updated_at,
                          Report.task.uid.as_alias("task"), Report.task.due_on.as_alias("due_on"),
                          Report.task.entity.name.as_alias("entity_name"),
                          Report.task.entity.uscc.as_alias("uscc")).where(Report.status == status)
    count = Report.count().where(Report.status == status)
    if department is not None:
        condition = WhereRaw('"report"."task" IN (SELECT id FROM task WHERE CAST(departments AS TEXT) LIKE {})',
                             f'%"{department}"%')
        query, count = query.where(condition), count.where(condition)
    rows = await query.order_by(Report.updated_at).order_by(Report.id).limit(page_size).offset(
        (page - 1) * page_size).run()
    return rows, await count.run()


async def append_changes(task_ids, *, kind: str, now: datetime, events: Sequence[Event] = (), along=(),
                         beside=()) -> None:
    """Add these tasks to the change feed, one row each in task order, with the audit entries of the changes
    (and other rows `along`, inserted first; statements `beside`, see `record_many`): written under the chain's
    lock, so feed numbers follow commit order on PostgreSQL."""
    rows = [{"task": t, "kind": kind, "at": now} for t in sorted(set(task_ids))]
    await record_many(list(events), along=[*along, (SyncChange, rows)], beside=beside)


async def head() -> int:
    """The newest committed change number (0 when the feed is empty)."""
    rows = await SyncChange.raw("SELECT MAX(id) AS head FROM sync_change").run()
    return rows[0]["head"] or 0


IN_LIST_LIMIT = 1000
"""Scopes up to this many tasks filter the feed in SQL; larger ones (reviewers of a whole department) scan
it in order and filter here, since bind-parameter lists are capped (32,767 on asyncpg)."""


async def changed_tasks(after: int, task_ids: list[int], limit: int) -> list[dict]:
    """Change numbers and tasks after `after`, among `task_ids`, in feed order, at most `limit`."""
    if not task_ids:
        return []
    if len(task_ids) <= IN_LIST_LIMIT:
        return await _feed(after, limit).where(SyncChange.task.is_in(task_ids)).run()
    wanted, found, position = set(task_ids), [], after
    while len(found) < limit:
        rows = await _feed(position, limit * 4).run()
        if not rows:
            break
        found += [r for r in rows if r["task"] in wanted]
        position = rows[-1]["id"]
    return found[:limit]


def _feed(after: int, limit: int):
    return SyncChange.select(SyncChange.id, SyncChange.task).where(SyncChange.id > after).order_by(
        SyncChange.id).limit(limit)


async def form_definitions(pins: set[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    """(form id, version) -> definition of each pinned form version."""
    out: dict[tuple[str, int], dict] = {}
    for form_id in sorted({f for f, _ in pins}):
        versions = sorted(v for f, v in pins if f == form_id)
        rows = await FormVersion.select(FormVersion.form_id, FormVersion.version, FormVersion.definition).where(
            (FormVersion.form_id == form_id) & FormVersion.version.is_in(versions)).output(load_json=True).run()
        out.update(((r["form_id"], r["version"]), r["definition"]) for r in rows)
    return out


async def task_context(tasks: list[dict]) -> tuple[dict, dict, dict]:
    """Entities, items and team members the task documents name: three dicts by id."""
    entity_ids = sorted({t["entity"] for t in tasks})
    item_ids = sorted({i for t in tasks for i in t["items"]})
    people = sorted({p for t in tasks for p in t["team"] + t["experts"]})
    entities = {r["id"]: r for r in await Entity.select(
        Entity.id, Entity.uscc, Entity.name, Entity.address, Entity.region, Entity.kind).where(
        Entity.id.is_in(entity_ids or [-1])).run()}
    items = {r["id"]: r for r in await InspectionItem.select(
        InspectionItem.id, InspectionItem.code, InspectionItem.name, InspectionItem.legal_basis, InspectionItem.content,
        InspectionItem.method, InspectionItem.department.code.as_alias("department")).where(
        InspectionItem.id.is_in(item_ids or [-1])).run()}
    inspectors = {r["id"]: r for r in await Inspector.select(
        Inspector.id, Inspector.name, Inspector.credential_no, Inspector.department.code.as_alias("department")).where(
        Inspector.id.is_in(people or [-1])).run()}
    return entities, items, inspectors


_encode, _decode = msgspec.json.Encoder(), msgspec.json.Decoder()


def _text(value: object) -> str:
    """JSON text of plain data (the same values as Piccolo's json.dumps, without its cost on a report state)."""
    return _encode.encode(value).decode()


def _json(text: str | None) -> object:
    """Plain data from a JSON column (the values json.loads gives for what the server stored)."""
    return None if text is None else _decode.decode(text)
