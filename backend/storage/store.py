"""The media store interface: one protocol, two backends (a local directory and S3 through boto3).

Keys are content addresses (`media/ab/abcdef…` for an original, `display/….jpg`, `thumb/….jpg` for derived
copies; `backend/storage/rules.py` names them) plus `incoming/<upload uid>`, where a single PUT lands until it
is verified. Uploads are either one PUT or multipart (joined straight into the original's key: its upload id,
and so its part URLs, die at completion); on S3 the client talks to presigned URLs, on local storage to the
server's own upload endpoints, which call `put` / `upload_part` here. Methods are synchronous (boto3 is);
services call them through a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, Protocol


@dataclass(frozen=True)
class PresignedRequest:
    """An HTTP request the client may send straight to the object store until `expires_at` (epoch seconds)."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    expires_at: int = 0


@dataclass(frozen=True)
class ObjectInfo:
    """What the store knows of a stored object."""

    size: int
    etag: str = ""


@dataclass(frozen=True)
class PartInfo:
    """One part of an unfinished multipart upload that has arrived."""

    number: int
    size: int
    etag: str


class MediaStore(Protocol):
    """Where media bytes live. Both backends pass the same contract tests."""

    name: str
    """"local" or "s3"."""

    def put(self, key: str, data: BinaryIO, *, content_type: str) -> None:
        """Store a whole object from a stream (replacing any object at `key`)."""

    def open(self, key: str, first: int = 0, last: int | None = None) -> BinaryIO:
        """A readable stream of the object, or of its bytes `first`..`last` (inclusive, within the object);
        raises KeyError when it does not exist."""

    def stat(self, key: str) -> ObjectInfo | None:
        """Size and ETag of the object, or None."""

    def delete(self, key: str) -> None:
        """Remove the object; no error when it is already gone."""

    def presign_put(self, key: str, *, content_type: str, size: int, expires: int,
                    sha256: str | None = None) -> PresignedRequest | None:
        """A presigned single PUT bound to this type and size (and with `sha256` to exactly these bytes), or None
        when the client must upload through the server (local storage)."""

    def start_multipart(self, key: str, *, content_type: str) -> str:
        """Begin a multipart upload; returns its upload id."""

    def presign_part(self, key: str, upload_id: str, number: int, *, expires: int) -> PresignedRequest | None:
        """A presigned PUT of part `number` (1-based), or None for uploads through the server."""

    def upload_part(self, key: str, upload_id: str, number: int, data: BinaryIO) -> PartInfo:
        """Store one part sent through the server."""

    def list_parts(self, key: str, upload_id: str) -> list[PartInfo]:
        """The parts that have arrived, by number: what a resuming client need not send again."""

    def complete_multipart(self, key: str, upload_id: str, parts: list[PartInfo]) -> None:
        """Join the parts (in number order) into the object at `key`."""

    def abort_multipart(self, key: str, upload_id: str) -> None:
        """Drop an unfinished upload and its parts."""
