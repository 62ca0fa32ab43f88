"""Turning arrived bytes into stored media (synchronous; services run it in a worker thread).

The object is streamed back from the store and hashed here: RGW has no SHA-256 checksums and a presigned
PUT carries whatever the client sent. Only bytes whose size and SHA-256 match the declaration, whose content
is the declared type, and which Pillow can process within the pixel limit reach the content-addressed key.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from dataclasses import dataclass
from typing import IO, Any

from backend.storage import audio, images
from backend.storage.rules import (
    MediaRefused,
    PartPlan,
    incoming_key,
    original_key,
    part_length,
    variant_key,
)
from backend.storage.sniff import HEAD_BYTES, check_content
from backend.storage.store import MediaStore

CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024


class HashMismatch(MediaRefused):
    """The bytes that arrived are not the ones declared: deleted, the upload may be sent again."""

    def __init__(self, size: int, expected_size: int) -> None:
        super().__init__("media.hash_mismatch", "上传内容的大小或SHA-256与声明不符，已丢弃，请重新上传",
                         f"the uploaded bytes ({size} bytes) do not match the declared size ({expected_size}) "
                         "and SHA-256: discarded, upload again")


class Incomplete(MediaRefused):
    """Parts (or the single body) have not all arrived."""

    def __init__(self, missing: list[int]) -> None:
        what = f"parts {missing[:20]}" if missing else "the file"
        super().__init__("media.incomplete", "上传尚未完成，请先上传缺少的部分", f"{what} not uploaded yet", status=409)
        self.missing = missing


@dataclass(frozen=True)
class Arrival:
    """What the row says is coming."""

    uid: str
    sha256: str
    size: int
    content_type: str
    kind: str
    upload_id: str | None
    part_size: int

    @property
    def plan(self) -> PartPlan:
        return PartPlan(self.part_size, -(-self.size // self.part_size) if self.upload_id else 0)

    @property
    def source_key(self) -> str:
        """Where the bytes are before verification: multipart joins straight into the final key."""
        return original_key(self.sha256) if self.upload_id else incoming_key(self.uid)


def join_parts(store: MediaStore, arrival: Arrival) -> None:
    """Join a multipart upload whose parts have all arrived with their exact sizes; Incomplete otherwise."""
    key = original_key(arrival.sha256)
    try:
        parts = {p.number: p for p in store.list_parts(key, arrival.upload_id)}
    except KeyError:  # already joined by an earlier attempt that stopped before the database said so
        if store.stat(key) is None:
            raise Incomplete(list(range(1, arrival.plan.part_count + 1))) from None
        return
    wanted = range(1, arrival.plan.part_count + 1)
    missing = [n for n in wanted if n not in parts or parts[n].size != part_length(arrival.size, arrival.plan, n)]
    if missing:
        raise Incomplete(missing)
    store.complete_multipart(key, arrival.upload_id, [parts[n] for n in wanted])


def fetch_verified(store: MediaStore, arrival: Arrival) -> IO[bytes]:
    """The arrived object, copied into a local temporary file while hashed; HashMismatch deletes it."""
    if store.stat(arrival.source_key) is None:
        raise Incomplete([])
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - returned to the caller
    sha, size = hashlib.sha256(), 0
    with store.open(arrival.source_key) as stream:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > arrival.size:
                break  # no need to read the rest of an oversized object
            sha.update(chunk)
            spool.write(chunk)
    if size != arrival.size or sha.hexdigest() != arrival.sha256:
        spool.close()
        store.delete(arrival.source_key)
        raise HashMismatch(size, arrival.size)
    spool.seek(0)
    return spool


def describe(spool: IO[bytes], arrival: Arrival, *, max_pixels: int) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Check the content type and process: (meta, derived copies by variant). MediaRefused when unfit."""
    spool.seek(0)
    check_content(spool.read(HEAD_BYTES), arrival.content_type)
    spool.seek(0)
    if arrival.kind == "photo":
        photo = images.process_photo(spool, max_pixels=max_pixels)
        return photo.meta, {"display": photo.display, "thumb": photo.thumb}
    if arrival.kind == "signature":
        return images.check_signature(spool, max_pixels=max_pixels), {}
    return {"format": arrival.content_type, "duration": audio.duration(spool, arrival.content_type)}, {}


def ingest(store: MediaStore, arrival: Arrival, *, max_pixels: int) -> dict[str, Any]:
    """Join, verify, check and process an upload, then write the original and its copies; returns the meta.

    On a refusal of the content itself (wrong type, unreadable, too many pixels) the arrived bytes are deleted
    and MediaRefused propagates; on HashMismatch they are deleted too and the client may send them again.
    """
    if arrival.upload_id:
        join_parts(store, arrival)
    with fetch_verified(store, arrival) as spool:
        try:
            meta, copies = describe(spool, arrival, max_pixels=max_pixels)
        except MediaRefused:
            store.delete(arrival.source_key)
            raise
        for variant, data in copies.items():
            store.put(variant_key(arrival.sha256, variant), io.BytesIO(data), content_type="image/jpeg")
        if not arrival.upload_id:
            spool.seek(0)
            store.put(original_key(arrival.sha256), spool, content_type=arrival.content_type)
    return meta

