"""The real type of media bytes from their first bytes, and the refusal of content that is not what it claims."""

from __future__ import annotations

from backend.storage.rules import MediaRefused

HEAD_BYTES = 64
"""How many leading bytes `sniff` needs."""

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
NOT_AUDIO_BRANDS = {b"avif", b"avis", b"crx ", b"jp2 ", b"qt  "}
SAME_AS = {"image/heif": "image/heic"}
"""Declared types that name the same container as a sniffed one."""


def _ftyp(head: bytes) -> str | None:
    """ISO base media files: HEIF images by brand; other brands (M4A, isom, mp42, dash…) are MP4 audio."""
    size = int.from_bytes(head[:4], "big")
    brands = {head[8:12]} | {head[i:i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    if brands & HEIF_BRANDS:
        return "image/heic"
    if head[8:12] in NOT_AUDIO_BRANDS:
        return None
    return "audio/mp4"


def _mp3(head: bytes) -> bool:
    """An ID3 tag, or an MPEG audio frame sync with a real layer (ADTS AAC has layer bits 00)."""
    if head.startswith(b"ID3"):
        return True
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


def sniff(head: bytes) -> str | None:
    """The content type the leading bytes show (canonical names of rules.CONTENT_TYPES), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return _ftyp(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM or Matroska
        return "audio/webm"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if _mp3(head):
        return "audio/mpeg"
    return None


def check_content(head: bytes, declared: str) -> str:
    """The sniffed type when it is the declared one; otherwise MediaRefused("media.content_mismatch")."""
    found = sniff(head)
    if found is None or found != SAME_AS.get(declared, declared):
        raise MediaRefused("media.content_mismatch", f"文件内容({found or '未知'})与声明的类型{declared}不符",
                           f"the content ({found or 'unknown'}) does not match the declared type {declared}")
    return found
