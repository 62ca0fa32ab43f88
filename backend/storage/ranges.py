"""HTTP byte ranges of a media read (RFC 9110 §14): pure. Browsers ask for them to play audio (Safari plays
nothing without them) and to resume a download; one range is served, several are answered whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ONE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Bytes `first`..`last` (inclusive) of an object of `size` bytes."""

    first: int
    last: int
    size: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.first}-{self.last}/{self.size}"


class Unsatisfiable(ValueError):
    """The range starts past the end: answered 416 with `Content-Range: bytes */size`."""


def requested(header: str | None, size: int, *, if_range: str | None = None, etag: str = "") -> ByteRange | None:
    """The one range to serve, or None to serve the whole object (no Range header, one this server does not
    serve — several ranges, another unit, a malformed one — or an If-Range naming another version).
    Raises Unsatisfiable when the range cannot be served from an object of `size` bytes."""
    if not header or (if_range is not None and if_range.strip() != etag):
        return None
    match = _ONE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    start, end = match.groups()
    if not start:  # a suffix: the last `end` bytes
        if not end:
            return None
        if int(end) == 0 or size == 0:
            raise Unsatisfiable(header)
        return ByteRange(max(size - int(end), 0), size - 1, size)
    first = int(start)
    if first >= size:
        raise Unsatisfiable(header)
    last = min(int(end), size - 1) if end else size - 1
    if last < first:
        return None  # invalid syntax (last before first): ignored, as RFC 9110 says
    return ByteRange(first, last, size)
