"""Pure media rules: kinds and their content types, object keys, the upload plan, upload refusals."""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("photo", "audio", "signature")
VARIANTS = ("original", "display", "thumb")

CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    "photo": ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"),
    "audio": ("audio/webm", "audio/ogg", "audio/mp4", "audio/wav", "audio/mpeg"),
    "signature": ("image/png",),
}
"""The content types each kind accepts (canonical names; ALIASES maps what browsers also send)."""

ALIASES = {
    "image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "audio/x-m4a": "audio/mp4", "audio/m4a": "audio/mp4",
    "audio/x-wav": "audio/wav", "audio/wave": "audio/wav", "audio/vnd.wave": "audio/wav", "audio/mp3": "audio/mpeg",
    "audio/opus": "audio/ogg",
}

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_PARTS = 10_000
"""S3's limit on the parts of one multipart upload."""


class MediaRefused(ValueError):
    """Content or a request the media rules refuse: a stable code, HTTP status, messages in Chinese and English."""

    def __init__(self, code: str, zh: str, en: str, *, status: int = 422) -> None:
        super().__init__(en)
        self.code, self.message_zh, self.message_en, self.status = code, zh, en, status


def canonical_type(declared: str) -> str:
    """The bare, lower-case content type (parameters such as `;codecs=opus` dropped), aliases resolved."""
    bare = declared.split(";", 1)[0].strip().lower()
    return ALIASES.get(bare, bare)


def check_declaration(*, sha256: str, size: int, content_type: str, kind: str, max_bytes: int) -> str:
    """Validate an upload request; returns the canonical content type or raises MediaRefused."""
    if not SHA256.match(sha256):
        raise MediaRefused("media.sha256", "SHA-256 须为64位小写十六进制", "sha256 must be 64 lower-case hex digits")
    if kind not in KINDS:
        raise MediaRefused("media.kind", "未知的媒体类别", f"kind must be one of {', '.join(KINDS)}")
    if size <= 0:
        raise MediaRefused("media.size", "文件大小须大于0", "size must be greater than 0")
    if size > max_bytes:
        raise MediaRefused("media.too_large", f"文件超过{max_bytes}字节的上限", f"file exceeds the {max_bytes} byte limit",
                           status=413)
    canonical = canonical_type(content_type)
    if canonical not in CONTENT_TYPES[kind]:
        raise MediaRefused("media.type", f"{kind}不接受类型{canonical}",
                           f"{kind} accepts {', '.join(CONTENT_TYPES[kind])}, not {canonical}", status=415)
    return canonical


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def clean_filename(name: str | None) -> str | None:
    """The client's file name as information only: the last path segment, control and path characters removed."""
    if not name:
        return None
    last = re.split(r"[/\\]", name)[-1]
    cleaned = _UNSAFE.sub("_", last).strip().lstrip(".")[:200]
    return cleaned or None


def original_key(sha256: str) -> str:
    """Where the verified bytes live: content addressed, fanned out by the first two hex digits."""
    return f"media/{sha256[:2]}/{sha256}"


def variant_key(sha256: str, variant: str) -> str:
    """The key of a variant: the original, or a derived JPEG (`display`, `thumb`)."""
    if variant == "original":
        return original_key(sha256)
    return f"{variant}/{sha256[:2]}/{sha256}.jpg"


def incoming_key(upload_uid: str) -> str:
    """Where a single-PUT upload lands before it is verified; a stale presigned URL can only write here."""
    return f"incoming/{upload_uid}"


@dataclass(frozen=True)
class PartPlan:
    """How an upload is sent: one PUT (part_count 0) or `part_count` parts of `part_size` (the last shorter)."""

    part_size: int
    part_count: int

    @property
    def multipart(self) -> bool:
        return self.part_count > 0


def plan_parts(size: int, *, threshold: int, part_size: int) -> PartPlan:
    """One PUT up to the threshold; above it parts, grown when needed to stay within S3's 10,000 parts."""
    if size <= threshold:
        return PartPlan(0, 0)
    part_size = max(part_size, -(-size // MAX_PARTS))
    return PartPlan(part_size, -(-size // part_size))


def part_length(size: int, plan: PartPlan, number: int) -> int:
    """The exact length part `number` (1-based) must have."""
    if not 1 <= number <= plan.part_count:
        raise MediaRefused("media.part_number", "分片序号超出范围", f"part number must be 1..{plan.part_count}")
    return min(plan.part_size, size - (number - 1) * plan.part_size)
