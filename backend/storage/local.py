"""The embedded media store: objects as files under one directory, written atomically, parts staged per upload."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import BinaryIO

from backend.storage.store import ObjectInfo, PartInfo, PresignedRequest

KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}(/[a-z0-9][a-z0-9._-]{0,127}){0,7}$")
"""Keys are lower-case path segments that cannot start with a dot: no `..`, no absolute path, no hidden file."""
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
CHUNK = 1024 * 1024
_PART = re.compile(r"^(\d{5})-([0-9a-f]{32})$")


def _copy_hashing(data: BinaryIO, out: BinaryIO) -> tuple[int, str]:
    """Copy a stream in chunks; returns the byte count and the MD5 (the S3-style ETag of a part)."""
    md5, size = hashlib.md5(usedforsecurity=False), 0
    while chunk := data.read(CHUNK):
        out.write(chunk)
        md5.update(chunk)
        size += len(chunk)
    return size, md5.hexdigest()


class LocalStore:
    """A directory: `<root>/<key>` per object; `.uploads/<id>/` holds the parts of a multipart upload."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        for folder in (".tmp", ".uploads"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError(f"invalid media key {key!r}")
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):  # defence in depth: symlinks planted in the tree
            raise ValueError(f"media key {key!r} leaves the store")
        return path

    def _staging(self, key: str, upload_id: str) -> Path:
        """The folder of an upload, which must have been started for this same key."""
        if not UPLOAD_ID.match(upload_id):
            raise KeyError(upload_id)
        folder = self.root / ".uploads" / upload_id
        try:
            started_for = (folder / "key").read_text()
        except FileNotFoundError:
            raise KeyError(upload_id) from None
        if started_for != key:
            raise KeyError(upload_id)
        return folder

    def _spool(self, data: BinaryIO) -> tuple[Path, int, str]:
        """Write the stream to a synced temporary file on the store's file system: (path, size, MD5)."""
        with tempfile.NamedTemporaryFile(dir=self.root / ".tmp", delete=False) as tmp:
            try:
                size, md5 = _copy_hashing(data, tmp)
                tmp.flush()
                os.fsync(tmp.fileno())
            except BaseException:
                os.unlink(tmp.name)
                raise
        return Path(tmp.name), size, md5

    def _write_atomically(self, target: Path, data: BinaryIO) -> None:
        """Spool, then rename into place: readers never see half a file."""
        tmp, _, _ = self._spool(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)

    def put(self, key: str, data: BinaryIO, *, content_type: str) -> None:
        """Store a whole object (the content type is implied by the media row, not kept here)."""
        self._write_atomically(self._path(key), data)

    def open(self, key: str, first: int = 0, last: int | None = None) -> BinaryIO:
        """The object's file opened for reading (from `first`, up to `last` when given); KeyError when absent."""
        try:
            stream = self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise KeyError(key) from None
        if first == 0 and last is None:
            return stream
        stream.seek(first)
        return _Slice(stream, None if last is None else last - first + 1)

    def stat(self, key: str) -> ObjectInfo | None:
        """Size and a version tag (size and modification time: the local store computes no MD5 of objects)."""
        try:
            info = self._path(key).stat()
        except FileNotFoundError:
            return None
        return ObjectInfo(size=info.st_size, etag=f"{info.st_size:x}-{info.st_mtime_ns:x}")

    def delete(self, key: str) -> None:
        """Remove the object if present."""
        self._path(key).unlink(missing_ok=True)

    def presign_put(self, key: str, *, content_type: str, size: int, expires: int,
                    sha256: str | None = None) -> PresignedRequest | None:
        """Always None: local uploads go through the server's upload endpoint."""
        self._path(key)
        return None

    def start_multipart(self, key: str, *, content_type: str) -> str:
        """A new staging folder remembering its key; returns its id."""
        self._path(key)
        upload_id = uuid.uuid4().hex
        folder = self.root / ".uploads" / upload_id
        folder.mkdir()
        (folder / "key").write_text(key)
        return upload_id

    def presign_part(self, key: str, upload_id: str, number: int, *, expires: int) -> PresignedRequest | None:
        """Always None: parts go through the server's part endpoint."""
        return None

    def upload_part(self, key: str, upload_id: str, number: int, data: BinaryIO) -> PartInfo:
        """Store part `number` (replacing an earlier copy of it); its ETag is its MD5, as on S3."""
        if not 1 <= number <= 10_000:
            raise ValueError("part number must be 1..10000")
        folder = self._staging(key, upload_id)
        tmp, size, md5 = self._spool(data)
        for stale in folder.glob(f"{number:05d}-*"):
            stale.unlink(missing_ok=True)
        os.replace(tmp, folder / f"{number:05d}-{md5}")
        return PartInfo(number=number, size=size, etag=md5)

    def list_parts(self, key: str, upload_id: str) -> list[PartInfo]:
        """The parts that arrived, by number; KeyError for an unknown upload."""
        folder = self._staging(key, upload_id)
        parts = {}
        for path in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns):
            if match := _PART.match(path.name):
                number = int(match[1])
                parts[number] = PartInfo(number=number, size=path.stat().st_size, etag=match[2])
        return [parts[n] for n in sorted(parts)]

    def complete_multipart(self, key: str, upload_id: str, parts: list[PartInfo]) -> None:
        """Concatenate the named parts in number order into the object; ValueError when one is missing."""
        folder = self._staging(key, upload_id)
        paths = []
        for part in sorted(parts, key=lambda p: p.number):
            path = folder / f"{part.number:05d}-{part.etag}"
            if not path.is_file():
                raise ValueError(f"part {part.number} with ETag {part.etag} has not arrived")
            paths.append(path)
        self._write_atomically(self._path(key), _Concatenated(paths))
        shutil.rmtree(folder, ignore_errors=True)

    def abort_multipart(self, key: str, upload_id: str) -> None:
        """Drop the staging folder; no error when it is already gone."""
        try:
            shutil.rmtree(self._staging(key, upload_id), ignore_errors=True)
        except KeyError:
            pass


class _Concatenated:
    """A read-only stream over several files, one after another."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths, self._current = list(paths), None

    def read(self, size: int = -1) -> bytes:
        while True:
            if self._current is None:
                if not self._paths:
                    return b""
                self._current = self._paths.pop(0).open("rb")
            chunk = self._current.read(size)
            if chunk:
                return chunk
            self._current.close()
            self._current = None


class _Slice(io.RawIOBase):
    """At most `length` bytes of an open file, from where it stands (a byte range of a local object)."""

    def __init__(self, stream: BinaryIO, length: int | None) -> None:
        self._stream, self._left = stream, length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer)
        if self._left is not None:
            view = view[:self._left]
        count = self._stream.readinto(view)
        if self._left is not None:
            self._left -= count
        return count

    def close(self) -> None:
        self._stream.close()
        super().close()
