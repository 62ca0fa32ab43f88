"""Media samples made in the test: photos with EXIF (orientation, time, GPS), HEIC, WAV, WebM, Ogg Opus, MP4."""

from __future__ import annotations

import io
import struct
import wave

import pillow_heif
from PIL import Image

TAKEN = "2026:11:23 10:15:00"
GPS = {1: "N", 2: (31.0, 14.0, 30.5), 3: "E", 4: (121.0, 28.0, 1.25), 5: 0, 6: 12.5, 7: (2.0, 15.0, 0.0),
       29: "2026:11:23"}
RED, BLUE = (230, 20, 20), (20, 20, 230)


def upright(width: int = 600, height: int = 400) -> Image.Image:
    """Blue with a red top-left quadrant: which way is up stays visible after any turn or flip."""
    img = Image.new("RGB", (width, height), BLUE)
    img.paste(RED, (0, 0, width // 2, height // 2))
    return img


def exif(orientation: int = 1, *, gps: bool = True) -> Image.Exif:
    data = Image.Exif()
    data[0x0112], data[0x010F], data[0x0110] = orientation, "Huawei", "P60"
    details = data.get_ifd(0x8769)
    details[0x9003], details[0x9011] = TAKEN, "+08:00"
    if gps:
        data.get_ifd(0x8825).update(GPS)
    return data


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **params)
    return out.getvalue()


def jpeg(orientation: int = 1, *, gps: bool = True, size: tuple[int, int] = (600, 400)) -> bytes:
    """A JPEG whose stored pixels, turned as its EXIF orientation says, show `upright(size)`."""
    undo = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_270}
    stored = upright(*size)
    if orientation in undo:
        stored = stored.transpose(undo[orientation])
    return encode(stored, "JPEG", quality=95, exif=exif(orientation, gps=gps))


def heic(orientation: int = 1) -> bytes:
    pillow_heif.register_heif_opener()
    return encode(upright(), "HEIF", quality=90, exif=exif(orientation).tobytes())


def png(size: tuple[int, int] = (300, 120), mode: str = "RGBA") -> bytes:
    return encode(Image.new(mode, size, 0), "PNG")


def wav(seconds: float = 1.5, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return out.getvalue()


def _ebml(element_id: int, body: bytes) -> bytes:
    """An EBML element with an 8-byte size."""
    ident = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    return ident + (0x01 << 56 | len(body)).to_bytes(8, "big") + body


def _unknown_size(element_id: int, body: bytes) -> bytes:
    """An EBML element of "unknown" size, as live muxers (MediaRecorder) write Segments and Clusters."""
    return element_id.to_bytes(4, "big") + b"\x01\xff\xff\xff\xff\xff\xff\xff" + body


def webm(duration_ms: float | None = 2500.0, *, scale: int = 1_000_000, live: bool = True,
         clusters: tuple[tuple[int, int], ...] = ((0, 50), (1000, 75))) -> bytes:
    """EBML header, Segment, Info (scale, Duration unless None), clusters of 20 ms Opus-like SimpleBlocks.

    `clusters` gives (start time, block count); the last block starts at 1000 + 74 × 20 = 2480 by default.
    """
    header = _ebml(0x1A45DFA3, _ebml(0x4282, b"webm"))
    info = _ebml(0x2AD7B1, scale.to_bytes(3, "big"))
    if duration_ms is not None:
        info += _ebml(0x4489, struct.pack(">d", duration_ms))
    body = b""
    for start, count in clusters:
        blocks = b"".join(_ebml(0xA3, b"\x81" + struct.pack(">h", 20 * n) + b"\x80" + b"\xfc" * 40)
                         for n in range(count))
        content = _ebml(0xE7, start.to_bytes(2, "big")) + blocks
        body += _unknown_size(0x1F43B675, content) if live else _ebml(0x1F43B675, content)
    segment = _ebml(0x1549A966, info) + body
    return header + (_unknown_size(0x18538067, segment) if live else _ebml(0x18538067, segment))


def _ogg_page(granule: int, payload: bytes, header_type: int) -> bytes:
    return (b"OggS" + bytes([0, header_type]) + struct.pack("<qIII", granule, 1, 0, 0) + bytes([1, len(payload)])
            + payload)


def ogg_opus(seconds: float = 3.0, pre_skip: int = 312) -> bytes:
    head = b"OpusHead" + bytes([1, 1]) + struct.pack("<HIhB", pre_skip, 48000, 0, 0)
    body = b"".join(_ogg_page(0, b"\x00" * 200, 0) for _ in range(5))
    return _ogg_page(0, head, 2) + body + _ogg_page(int(seconds * 48000) + pre_skip, b"\x00" * 10, 4)


def _box(name: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), name) + body


def mp4(seconds: float = 4.2, *, version: int = 0, moov_last: bool = True) -> bytes:
    """ftyp M4A, an mdat, and moov/mvhd (version 0 or 1) before or after the mdat."""
    if version == 1:
        mvhd = bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", 0, 0, 1000, int(seconds * 1000)) + b"\x00" * 80
    else:
        mvhd = bytes([0, 0, 0, 0]) + struct.pack(">IIII", 0, 0, 44100, int(seconds * 44100)) + b"\x00" * 80
    ftyp = _box(b"ftyp", b"M4A \x00\x00\x00\x00M4A mp42isom")
    moov, mdat = _box(b"moov", _box(b"mvhd", mvhd)), _box(b"mdat", b"\x00" * 1000)
    return ftyp + (mdat + moov if moov_last else moov + mdat)


def mp3() -> bytes:
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400


MP3_FRAME = b"\xff\xfb\x90\x64"
"""An MPEG-1 layer III frame header: 128 kbit/s, 44.1 kHz, joint stereo (417-byte frames)."""


def mp3_cbr(frames: int = 100, *, id3v1: bool = False) -> bytes:
    """A constant-bit-rate MP3: an ID3v2 tag (its size syncsafe), `frames` frames, an ID3v1 tag if asked."""
    tag = b"ID3\x04\x00\x00\x00\x00\x01\x00" + b"\x00" * 128  # 128 bytes of tag body (size 0x0100 syncsafe)
    body = (MP3_FRAME + b"\x00" * 413) * frames
    return tag + body + (b"TAG" + b"\x00" * 125 if id3v1 else b"")


def mp3_xing(frames: int, *, header: bytes = MP3_FRAME, side: int = 32, vbri: bool = False) -> bytes:
    """A variable-bit-rate MP3 whose first frame holds a Xing (or VBRI) header naming `frames` frames."""
    first = bytearray(header + b"\x00" * 413)
    if vbri:
        first[36:40] = b"VBRI"
        first[50:54] = frames.to_bytes(4, "big")
    else:
        first[4 + side:8 + side] = b"Xing"
        first[8 + side:12 + side] = (1).to_bytes(4, "big")
        first[12 + side:16 + side] = frames.to_bytes(4, "big")
    return bytes(first) + (header + b"\x00" * 300) * 20
