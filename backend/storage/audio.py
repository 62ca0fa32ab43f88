"""Audio as sent, with its duration where the container states it cheaply (no decoding, no ffmpeg).

WAV: the data chunk's length over the byte rate. WebM/Matroska: the Segment Info's Duration, else the last
block's time (webm.py). Ogg Opus: the last page's granule position less the pre-skip, at 48 kHz. MP4/M4A:
the movie header box (mvhd). MP3: none.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from backend.storage.webm import webm_duration

OGG_TAIL = 64 * 1024


def wav_duration(data: BinaryIO) -> float | None:
    """Seconds of a RIFF/WAVE file from its fmt byte rate and data chunk size."""
    data.seek(0)
    header = data.read(12)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        return None
    byte_rate = None
    while chunk := data.read(8):
        if len(chunk) < 8:
            return None
        name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
        if name == b"fmt ":
            fmt = data.read(size + size % 2)
            byte_rate = struct.unpack("<I", fmt[8:12])[0] if len(fmt) >= 12 else None
        elif name == b"data":
            return round(size / byte_rate, 3) if byte_rate else None
        else:
            data.seek(size + size % 2, os.SEEK_CUR)
    return None


def ogg_opus_duration(data: BinaryIO) -> float | None:
    """Seconds of an Ogg Opus stream: last granule position minus the pre-skip, over 48,000."""
    data.seek(0)
    head = data.read(64)
    at = head.find(b"OpusHead")
    if not head.startswith(b"OggS") or at < 0 or len(head) < at + 12:
        return None
    pre_skip = struct.unpack("<H", head[at + 10:at + 12])[0]
    size = data.seek(0, os.SEEK_END)
    data.seek(max(0, size - OGG_TAIL))
    tail = data.read()
    last = tail.rfind(b"OggS")
    if last < 0 or len(tail) < last + 14:
        return None
    granule = struct.unpack("<q", tail[last + 6:last + 14])[0]
    return round(max(0, granule - pre_skip) / 48_000, 3) if granule >= 0 else None


def mp4_duration(data: BinaryIO) -> float | None:
    """Seconds from the moov/mvhd box (the movie's timescale and duration), wherever moov sits in the file."""
    data.seek(0)
    end = data.seek(0, os.SEEK_END)
    for start, stop in _boxes(data, 0, end, b"moov"):
        for m_start, _ in _boxes(data, start, stop, b"mvhd"):
            data.seek(m_start)
            body = data.read(32)
            if not body:
                return None
            if body[0] == 1 and len(body) >= 32:
                scale, duration = struct.unpack(">IQ", body[20:32])
            elif len(body) >= 20:
                scale, duration = struct.unpack(">II", body[12:20])
            else:
                return None
            return round(duration / scale, 3) if scale else None
    return None


def _boxes(data: BinaryIO, start: int, end: int, wanted: bytes):
    """(data start, end) of the boxes named `wanted` between start and end, skipping the others."""
    pos = start
    while pos + 8 <= end:
        data.seek(pos)
        header = data.read(16)
        size, name = struct.unpack(">I4s", header[:8])
        body = pos + 8
        if size == 1 and len(header) == 16:
            size, body = struct.unpack(">Q", header[8:16])[0], pos + 16
        elif size == 0:
            size = end - pos
        if size < body - pos:
            return
        if name == wanted:
            yield body, min(pos + size, end)
        pos += size


DURATIONS = {"audio/wav": wav_duration, "audio/webm": webm_duration, "audio/ogg": ogg_opus_duration,
             "audio/mp4": mp4_duration}


def duration(data: BinaryIO, content_type: str) -> float | None:
    """Seconds of audio where its container says so cheaply, else None (MP3, live WebM, damaged files)."""
    reader = DURATIONS.get(content_type)
    try:
        return reader(data) if reader else None
    except (struct.error, ValueError, OSError):
        return None
