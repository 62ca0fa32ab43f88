"""Answering a device's pull: new tasks whole, then changes after its cursor, in commit order, paged.

The cursor is opaque to the device: the last feed number it was sent. The server keeps which tasks each
device holds (`sync_device.scope`): a task newly in the user's scope is sent whole (task, report, forms);
a task that left it (reassigned, cancelled) makes the answer a resync, and the device starts again without
a cursor. A cursor past the feed's head means the server lost changes (restored from a backup): the answer
says so, and the device pushes again what the server lacks (`device_next` names where to start).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from backend.auth.service import CurrentUser
from backend.db.tx import transaction
from backend.errors import InvalidInput
from backend.fieldsync import queries
from backend.fieldsync.documents import pins_of, report_document, task_document
from backend.fieldsync.push import owned_device
from backend.fieldwork.access import visible_task_ids
from forms.result_codes import RESULT_CODES, TABLE_VERSION

CURSOR_VERSION = 1


def encode_cursor(seq: int) -> str:
    """The opaque cursor of feed number `seq`."""
    return base64.urlsafe_b64encode(json.dumps({"v": CURSOR_VERSION, "s": seq}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The feed number in a cursor, or a 422 problem for one this server never made."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if data.get("v") == CURSOR_VERSION and type(data.get("s")) is int and data["s"] >= 0:
            return data["s"]
    except (ValueError, binascii.Error, AttributeError):
        pass
    raise InvalidInput("同步游标无效", "invalid sync cursor", code="sync.cursor")


async def pull(*, user: CurrentUser, device_id: str, cursor: str | None, limit: int, now: datetime) -> dict:
    """One page of what the device lacks; `more` says whether to pull again at once."""
    after = decode_cursor(cursor) if cursor else None
    async with transaction():  # short: registering the device is the only write before the page is read
        device, scope = await owned_device(device_id, user, now)
    # the page is read outside any write transaction (SQLite writers and other pulls do not wait for it);
    # the head is read first, so every change numbered up to it has committed (see _page)
    head = await queries.head()
    visible = set(await visible_task_ids(scope))
    base = {"head": head, "device_next": device["next_seq"], "server_time": now.isoformat()}
    if after is not None and after > head:
        return {**base, "reset": "server_behind", "cursor": None, "more": True}
    held = set(device["scope"]) if after is not None else set()
    if held - visible:  # answered again until the device comes back without a cursor: a lost answer is harmless
        gone = await queries.tasks_by_id(sorted(held - visible))
        return {**base, "reset": "scope_changed", "removed": [t["uid"] for t in gone], "cursor": None,
                "more": True}
    page = await _page(visible, held, after if after is not None else head, limit, head)
    async with transaction():
        await queries.save_device(device_id=device_id, now=now, scope=sorted(held | page.pop("sent")))
    if after is None:
        codes = [{"code": code, "zh": zh, "en": en} for code, zh, en in RESULT_CODES]
        page["codes"] = {"version": TABLE_VERSION, "codes": codes}
    return {**base, **page}


async def _page(visible: set[int], held: set[int], after: int, limit: int, head: int) -> dict:
    """New tasks first (whole), then the feed after `after`; the cursor moves only past what was sent.

    `head` was read before the feed: every change numbered up to it had committed (numbers follow commit
    order), so a page that reaches the end of the feed may move the cursor to it."""
    waiting = sorted(visible - held)
    new_ids = waiting[:limit]
    cursor, changed_ids = after, []
    if len(new_ids) < limit:
        rows = await queries.changed_tasks(after, sorted(visible), limit - len(new_ids))
        changed_ids = [r["task"] for r in rows]
        last = rows[-1]["id"] if rows else after
        cursor = last if len(rows) == limit - len(new_ids) else max(head, last)
    more = len(waiting) > len(new_ids) or cursor < head
    tasks = await queries.tasks_by_id(sorted(set(new_ids) | set(changed_ids)))
    reports = await queries.reports_of([t["id"] for t in tasks])
    entities, items, inspectors = await queries.task_context(tasks)
    definitions = await queries.form_definitions(pins_of([t for t in tasks if t["id"] in set(new_ids)]))
    return {
        "cursor": encode_cursor(cursor), "more": more, "sent": set(new_ids),
        "tasks": [task_document(t, entities, items, inspectors) for t in tasks],
        "reports": [report_document(t, reports.get(t["id"])) for t in tasks],
        "forms": [{"form": f, "version": v, "definition": d} for (f, v), d in sorted(definitions.items())],
    }
