"""Media use cases: request an upload, receive bytes, complete it (verify, process), read media, list the missing.

Store I/O (boto3 or files) runs in worker threads and outside database transactions; each state change of a
media row is one short transaction with its audit entry. The upload uid works like a presigned URL: whoever
got it from `request_upload` (which checks the task) may send its bytes; they count only once verified.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import IO, Any

from litestar.concurrency import sync_to_thread
from piccolo.columns.combination import WhereRaw

from backend.audit import service as audit
from backend.auth.service import CurrentUser
from backend.config import get_settings
from backend.db.tx import transaction
from backend.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    TooLarge,
    UnsupportedMediaType,
)
from backend.fieldsync.tables import Report
from backend.fieldwork.access import may_edit, scope_of
from backend.fieldwork.tables import Task
from backend.ids import uuid7
from backend.storage.factory import get_store
from backend.storage.ingest import HashMismatch, Incomplete, ingest
from backend.storage.rules import (
    SHA256,
    VARIANTS,
    MediaRefused,
    check_declaration,
    clean_filename,
    incoming_key,
    original_key,
    part_length,
    plan_parts,
    variant_key,
)
from backend.storage.schemas import UploadCreate
from backend.storage.tables import Media
from backend.storage.uploads import arrival_of, pending_plan, spool_body

log = logging.getLogger("choucha")
ROW = (Media.id, Media.uid, Media.sha256, Media.size, Media.content_type, Media.kind, Media.status,
       Media.upload_id, Media.part_size, Media.meta, Media.task, Media.uploaded_by)
LOOKUP_BATCH = 5000


def _domain(exc: MediaRefused) -> DomainError:
    """The problem a media refusal becomes."""
    kind = {409: Conflict, 413: TooLarge, 415: UnsupportedMediaType}.get(exc.status, InvalidInput)
    extra = {"missing_parts": exc.missing} if isinstance(exc, Incomplete) and exc.missing else {}
    return kind(exc.message_zh, exc.message_en, code=exc.code, **extra)


async def _row(**where: str) -> dict | None:
    ((column, value),) = where.items()
    return await Media.select(*ROW).where(getattr(Media, column) == value).first().output(load_json=True).run()


async def _upload(uid: str) -> dict:
    row = await _row(uid=uid)
    if row is None:
        raise NotFound("上传不存在", "no such upload", code="media.upload_not_found")
    return row


def summary(row: dict) -> dict[str, Any]:
    """The fields of a media row that answers and audit entries show."""
    return {k: row[k] for k in ("uid", "sha256", "status", "size", "content_type", "kind")}


async def request_upload(*, user: CurrentUser, data: UploadCreate) -> dict:
    """Check the declaration and the task; answer "stored" (nothing to send) or the plan of a pending upload."""
    settings, sha256 = get_settings(), data.sha256.lower()
    try:
        content_type = check_declaration(sha256=sha256, size=data.size, content_type=data.content_type,
                                         kind=data.kind, max_bytes=settings.media_max_bytes)
    except MediaRefused as exc:
        raise _domain(exc) from None
    task = await Task.select(Task.id, Task.uid, Task.team, Task.departments).where(
        Task.uid == data.task).first().output(load_json=True).run()
    if task is None:
        raise NotFound("任务不存在", "no such task", code="media.task_not_found")
    if not may_edit(await scope_of(user), task):
        await _refuse(user, task, sha256)
    row = await _row(sha256=sha256) or await _create(
        user, task, sha256=sha256, size=data.size, content_type=content_type, kind=data.kind,
        filename=clean_filename(data.filename))
    if row["status"] == "stored":
        return summary(row)  # deduplicated: these bytes are here already
    if (row["size"], row["content_type"], row["kind"]) != (data.size, content_type, data.kind):
        raise Conflict("该文件已有一个声明不同（大小或类型）的上传", "a pending upload of this SHA-256 declares "
                       "another size, type or kind", code="media.declaration_conflict")
    return {**summary(row), **await sync_to_thread(pending_plan, get_store(settings), row, settings)}


async def _refuse(user: CurrentUser, task: dict, sha256: str) -> None:
    """Record the refusal (the audit entry only: no media row is written) and raise 403."""
    log.warning("media upload refused: user %s may not edit task %s", user.username, task["uid"])
    async with transaction():
        await audit.record(actor=user.actor, action="media.upload_refused", target_type="task",
                           target_id=task["uid"], detail={"sha256": sha256})
    raise Forbidden("您不能为该任务上传材料", "you may not add media to this task", code="media.forbidden")


async def _create(user: CurrentUser, task: dict, *, sha256: str, size: int, content_type: str, kind: str,
                  filename: str | None) -> dict:
    """A pending row (and, for large files, its multipart upload); a concurrent twin's row wins a race."""
    settings, store, uid = get_settings(), get_store(get_settings()), uuid7()
    plan = plan_parts(size, threshold=settings.media_multipart_threshold, part_size=settings.media_part_size)
    upload_id = await sync_to_thread(store.start_multipart, original_key(sha256),
                                     content_type=content_type) if plan.multipart else None
    values = {"uid": uid, "sha256": sha256, "size": size, "content_type": content_type, "kind": kind,
              "status": "pending", "upload_id": upload_id, "part_size": plan.part_size, "meta": {},
              "filename": filename, "task": task["id"], "uploaded_by": user.id,
              "created_at": datetime.now(UTC)}
    async with transaction():
        await Media.insert(Media(**values)).on_conflict(target=Media.sha256, action="DO NOTHING").run()
        row = await _row(sha256=sha256)
        if row["uid"] == uid:
            await audit.record(actor=user.actor, action="media.upload_requested", target_type="media", target_id=uid,
                               after={**summary(row), "task": task["uid"]},
                               detail={"kind": kind, "size": size, "task": task["uid"], "parts": plan.part_count})
    if row["uid"] != uid and upload_id:
        await sync_to_thread(store.abort_multipart, original_key(sha256), upload_id)
    return row


async def upload_status(*, uid: str) -> dict:
    """Where a pending upload stands (parts arrived, fresh URLs for the rest), or that it is stored."""
    row = await _upload(uid)
    if row["status"] == "stored":
        return summary(row)
    settings = get_settings()
    return {**summary(row), **await sync_to_thread(pending_plan, get_store(settings), row, settings)}


async def receive_content(*, uid: str, chunks: AsyncIterator[bytes]) -> dict:
    """The whole body of a single-PUT upload, through the server (local storage)."""
    row = await _upload(uid)
    if row["status"] == "stored":
        return summary(row)
    if row["upload_id"]:
        raise Conflict("该上传须分片发送", "this upload is sent in parts", code="media.multipart")
    spool = await spool_body(chunks, row["size"])
    with spool:
        await sync_to_thread(get_store(get_settings()).put, incoming_key(uid), spool,
                             content_type=row["content_type"])
    return {**summary(row), "received": row["size"]}


async def receive_part(*, uid: str, number: int, chunks: AsyncIterator[bytes]) -> dict:
    """One part of a multipart upload, through the server; it must have the exact length of its place."""
    row = await _upload(uid)
    if row["status"] == "stored":
        return summary(row)
    if not row["upload_id"]:
        raise Conflict("该上传须整体发送", "this upload is sent whole, not in parts", code="media.single")
    arrival = arrival_of(row)
    try:
        expected = part_length(arrival.size, arrival.plan, number)
    except MediaRefused as exc:
        raise _domain(exc) from None
    spool = await spool_body(chunks, expected)
    with spool:
        try:
            part = await sync_to_thread(get_store(get_settings()).upload_part, original_key(row["sha256"]),
                                        row["upload_id"], number, spool)
        except KeyError:
            raise Conflict("分片上传已结束，请查询上传状态", "the multipart upload is over: ask for its status",
                           code="media.upload_restarted") from None
    return {"uid": uid, "number": part.number, "size": part.size, "etag": part.etag}


async def complete_upload(*, user: CurrentUser, uid: str) -> dict:
    """Join, verify (size, SHA-256), check and process; the media counts from here. Idempotent."""
    row = await _upload(uid)
    if row["status"] == "stored":
        return {**summary(row), "meta": row["meta"]}
    settings = get_settings()
    store = get_store(settings)
    try:
        meta = await sync_to_thread(ingest, store, arrival_of(row), max_pixels=settings.max_image_pixels)
    except HashMismatch as exc:
        await _restart(user, row, exc)
        raise _domain(exc) from None
    except Incomplete as exc:
        raise _domain(exc) from None
    except MediaRefused as exc:
        await _reject(user, row, exc)
        raise _domain(exc) from None
    async with transaction():
        done = await Media.update({Media.status: "stored", Media.meta: meta, Media.upload_id: None,
                                   Media.stored_at: datetime.now(UTC)}).where(
            (Media.uid == uid) & (Media.status == "pending")).returning(Media.id).run()
        if done:
            await audit.record(actor=user.actor, action="media.stored", target_type="media", target_id=uid,
                               before=summary(row), after={**summary(row), "status": "stored", "meta": meta},
                               detail={"kind": row["kind"], "size": row["size"]})
    if not row["upload_id"]:
        await sync_to_thread(store.delete, incoming_key(uid))
    return {**summary(row), "status": "stored", "meta": meta}


async def _restart(user: CurrentUser, row: dict, exc: HashMismatch) -> None:
    """After a hash mismatch the row stays pending; a multipart upload starts over with a new upload id."""
    upload_id = row["upload_id"]
    if upload_id:
        upload_id = await sync_to_thread(get_store(get_settings()).start_multipart, original_key(row["sha256"]),
                                         content_type=row["content_type"])
    async with transaction():
        await Media.update({Media.upload_id: upload_id}).where(
            (Media.uid == row["uid"]) & (Media.status == "pending")).run()
        await audit.record(actor=user.actor, action="media.verification_failed", target_type="media",
                           target_id=row["uid"], detail={"code": exc.code, "restarted": bool(upload_id)})


async def _reject(user: CurrentUser, row: dict, exc: MediaRefused) -> None:
    """Content that can never be accepted under this declaration: the row goes (the bytes went in ingest)."""
    async with transaction():
        await Media.delete().where((Media.uid == row["uid"]) & (Media.status == "pending")).run()
        await audit.record(actor=user.actor, action="media.rejected", target_type="media", target_id=row["uid"],
                           before=summary(row), detail={"code": exc.code})


async def may_read(user: CurrentUser, media: dict) -> bool:
    """The one read rule: whoever may work on or review a task that references the media (its uploader was
    such a person when uploading; one taken off the task loses access like everyone else)."""
    scope = await scope_of(user)
    # the task it was uploaded for answers most reads; only otherwise are the reports searched
    return await _may_edit_any(scope, [media["task"]]) or await _may_edit_any(
        scope, await _tasks_referencing(media))


async def _may_edit_any(scope, task_ids: list[int]) -> bool:
    tasks = await Task.select(Task.id, Task.team, Task.departments).where(
        Task.id.is_in(task_ids or [-1])).output(load_json=True).run()
    return any(may_edit(scope, task) for task in tasks)


async def _tasks_referencing(media: dict) -> list[int]:
    """Tasks whose report references the media's hash (a photo, recording or signature); a hash is 64 hex
    digits, so text search is exact."""
    rows = await Report.select(Report.task).where(
        WhereRaw("CAST(report.state AS TEXT) LIKE {}", f'%"{media["sha256"]}"%')).run()
    return sorted({r["task"] for r in rows} - {media["task"]})


async def media_file(*, user: CurrentUser, sha256: str, variant: str) -> tuple[str, str, int]:
    """(store key, content type, size) of a stored variant; NotFound also when the user may not see it."""
    row = await _row(sha256=sha256) if SHA256.match(sha256) and variant in VARIANTS else None
    if row is None or row["status"] != "stored" or not await may_read(user, row) or (
            variant != "original" and row["kind"] != "photo"):
        raise NotFound("材料不存在", "no such media", code="media.not_found")
    key = variant_key(sha256, variant)
    info = await sync_to_thread(get_store(get_settings()).stat, key)
    if info is None:
        raise NotFound("材料文件缺失", "the media file is missing from the store", code="media.file_missing")
    return key, row["content_type"] if variant == "original" else "image/jpeg", info.size


async def open_stored(key: str, first: int = 0, last: int | None = None) -> IO[bytes]:
    """A stream of a stored object (of its bytes `first`..`last` when given), opened in a worker thread."""
    return await sync_to_thread(get_store(get_settings()).open, key, first, last)


async def missing_media(sha256s: Iterable[str]) -> set[str]:
    """The hashes among those given that are not stored (yet): a report is complete only without any."""
    wanted = set(sha256s)
    ordered, found = sorted(wanted), set()
    for start in range(0, len(ordered), LOOKUP_BATCH):
        rows = await Media.select(Media.sha256).where(
            Media.sha256.is_in(ordered[start:start + LOOKUP_BATCH]) & (Media.status == "stored")).run()
        found.update(r["sha256"] for r in rows)
    return wanted - found
