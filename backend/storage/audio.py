"""Audio as sent, with its duration where the container states it cheaply (no decoding, no ffmpeg).

WAV: the data chunk's length over the byte rate. WebM/Matroska: the Segment Info's Duration, else the last
block's time (webm.py). Ogg Opus: the last page's granule position less the pre-skip, at 48 kHz. MP4/M4A:
the movie header box (mvhd). MP3: the frame count of a Xing/Info or VBRI header (variable bit rate), else the
audio bytes over the first frame's bit rate (constant bit rate).
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


MP3_SCAN = 64 * 1024
"""Bytes searched for the first frame after the ID3 tag."""
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
"""Sample rates by MPEG version bits (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5) and rate index."""
_MP3_KBPS = {
    (3, 3): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),  # MPEG-1 layer I
    (3, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),  # MPEG-1 layer II
    (3, 1): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 layer III
    (2, 3): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),  # MPEG-2/2.5 layer I
    (2, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2/2.5 layers II and III
    (2, 1): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
"""Bit rates (kbit/s) by (version: 3 MPEG-1, 2 MPEG-2 and 2.5; layer bits: 3 I, 2 II, 1 III) and index 1..14."""


def mp3_duration(data: BinaryIO) -> float | None:
    """Seconds of an MPEG audio file: frames × samples per frame / rate from a Xing/Info or VBRI header, or
    for a constant bit rate the audio bytes (without ID3 tags) over the first frame's bit rate."""
    size = data.seek(0, os.SEEK_END)
    data.seek(0)
    start = 0
    head = data.read(10)
    if head[:3] == b"ID3" and len(head) == 10:  # ID3v2: a syncsafe size, plus a footer when flagged
        start = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10])) + (10 if head[5] & 0x10 else 0)
    data.seek(start)
    window = data.read(MP3_SCAN)
    for offset in range(len(window) - 3):
        frame = _mp3_frame(window[offset:offset + 4])
        if frame is not None:
            break
    else:
        return None
    version, layer, kbps, rate, mono = frame
    samples = 384 if layer == 3 else 1152 if layer == 2 or version == 3 else 576
    first = window[offset:offset + 200]
    side = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    frames = None
    if first[4 + side:8 + side] in (b"Xing", b"Info") and len(first) >= 16 + side:
        flags = struct.unpack(">I", first[8 + side:12 + side])[0]
        frames = struct.unpack(">I", first[12 + side:16 + side])[0] if flags & 1 else None
    elif first[36:40] == b"VBRI" and len(first) >= 54:
        frames = struct.unpack(">I", first[50:54])[0]
    if frames:
        return round(frames * samples / rate, 3)
    data.seek(max(size - 128, 0))
    audio_bytes = size - start - offset - (128 if data.read(3) == b"TAG" else 0)
    return round(audio_bytes * 8 / (kbps * 1000), 3) if audio_bytes > 0 else None


def _mp3_frame(header: bytes) -> tuple[int, int, int, int, bool] | None:
    """(version bits, layer bits, kbit/s, sample rate, mono) of a valid MPEG audio frame header, else None."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate, rate = header[2] >> 4, (header[2] >> 2) & 3
    if version == 1 or layer == 0 or bitrate in (0, 15) or rate == 3:  # reserved or free-format values
        return None
    table = _MP3_KBPS[(3 if version == 3 else 2, layer)]
    return version, layer, table[bitrate - 1], _MP3_RATES[version][rate], header[3] >> 6 == 3


DURATIONS = {"audio/wav": wav_duration, "audio/webm": webm_duration, "audio/ogg": ogg_opus_duration,
             "audio/mp4": mp4_duration, "audio/mpeg": mp3_duration}


def duration(data: BinaryIO, content_type: str) -> float | None:
    """Seconds of audio where its container says so cheaply, else None (live WebM, damaged files)."""
    reader = DURATIONS.get(content_type)
    try:
        return reader(data) if reader else None
    except (struct.error, ValueError, OSError):
        return None
