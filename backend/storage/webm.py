"""The duration of a WebM/Matroska file from its EBML structure, read by seeking (no decoding).

The Segment Info's Duration element gives it when the muxer wrote one. Browsers' MediaRecorder writes none
(it streams, and sizes are "unknown"): then the duration is the start of the last block, found by walking
the clusters' element headers and skipping their payloads (one short read per block).
"""

from __future__ import annotations

import io
import os
import struct
from typing import BinaryIO

EBML, SEGMENT, INFO, CLUSTER = 0x1A45DFA3, 0x18538067, 0x1549A966, 0x1F43B675
TIMECODE_SCALE, DURATION = 0x2AD7B1, 0x4489
TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, BLOCK = 0xE7, 0xA3, 0xA0, 0xA1
CLUSTER_CHILDREN = {TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, 0xA7, 0xAB, 0xAF, 0x5854}
"""Elements a Cluster may hold: anything else ends a cluster of unknown size."""
MAX_BLOCKS = 1_000_000
"""Headers walked at most (5.5 hours of 20 ms Opus frames): a crafted file of tiny blocks gets no duration
instead of minutes of a worker thread."""


def _vint(data: BinaryIO, *, keep_marker: bool) -> int:
    """An EBML variable-length integer; IDs keep their length marker; -1 for an "unknown" size."""
    first = data.read(1)
    if not first or not first[0]:
        raise ValueError("bad EBML variable-length integer")
    length = 9 - first[0].bit_length()
    rest = data.read(length - 1)
    if len(rest) != length - 1:
        raise ValueError("truncated EBML")
    value = first[0] if keep_marker else first[0] & (0xFF >> length)
    for byte in rest:
        value = (value << 8) | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return -1
    return value


def _header(data: BinaryIO) -> tuple[int, int, int]:
    """(element id, payload size or -1, payload start)."""
    element = _vint(data, keep_marker=True)
    size = _vint(data, keep_marker=False)
    return element, size, data.tell()


def _info(payload: bytes) -> tuple[int, float | None]:
    """(TimecodeScale in ns, Duration in scale units or None) from an Info element's payload."""
    scale, duration, buf = 1_000_000, None, io.BytesIO(payload)
    while buf.tell() < len(payload):
        element, size, start = _header(buf)
        raw = payload[start:start + size]
        if element == TIMECODE_SCALE and raw:
            scale = int.from_bytes(raw, "big")
        elif element == DURATION and len(raw) in (4, 8):
            duration = struct.unpack(">f" if len(raw) == 4 else ">d", raw)[0]
        buf.seek(start + size)
    return scale, duration if duration is not None and duration >= 0 else None


def _block_time(data: BinaryIO, cluster_time: int) -> int:
    """A (Simple)Block's time: the cluster's plus the block's signed 16-bit offset after its track number."""
    _vint(data, keep_marker=False)
    return cluster_time + struct.unpack(">h", data.read(2))[0]


def _count(walked: list[int]) -> None:
    walked[0] += 1
    if walked[0] > MAX_BLOCKS:  # a ValueError: duration() answers None
        raise ValueError("too many WebM elements to walk")


def _last_block(data: BinaryIO, end: int, walked: list[int]) -> int | None:
    """The latest block time in one cluster; leaves the stream at the cluster's end. `walked` counts headers."""
    cluster_time, last = 0, None
    while data.tell() < end:
        _count(walked)
        at = data.tell()
        element, size, start = _header(data)
        if element not in CLUSTER_CHILDREN:
            data.seek(at)  # the next top-level element: an unknown-size cluster ends here
            break
        if element == TIMECODE:
            cluster_time = int.from_bytes(data.read(size), "big")
        elif element == SIMPLE_BLOCK:
            last = max(last or 0, _block_time(data, cluster_time))
        elif element == BLOCK_GROUP:
            inner, _, _ = _header(data)
            if inner == BLOCK:
                last = max(last or 0, _block_time(data, cluster_time))
        data.seek(start + size)
    return last


def webm_duration(data: BinaryIO) -> float | None:
    """Seconds: Info's Duration × TimecodeScale, else the start of the last block; None when unreadable."""
    end = data.seek(0, os.SEEK_END)
    data.seek(0)
    element, size, start = _header(data)
    if element != EBML or size < 0:
        return None
    data.seek(start + size)
    element, size, start = _header(data)
    if element != SEGMENT:
        return None
    segment_end = end if size < 0 else min(start + size, end)
    scale, last, walked = 1_000_000, None, [0]
    while data.tell() < segment_end:
        _count(walked)
        element, size, start = _header(data)
        if element == CLUSTER:
            found = _last_block(data, segment_end if size < 0 else start + size, walked)
            last = found if last is None or (found is not None and found > last) else last
            continue
        if size < 0:
            return None
        if element == INFO:
            scale, duration = _info(data.read(size))
            if duration is not None:
                return round(duration * scale / 1e9, 3)
        data.seek(start + size)
    return round(last * scale / 1e9, 3) if last is not None else None

