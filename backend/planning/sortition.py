"""Publicly verifiable selection after RFC 3797, with a versioned extension past 65,536 picks.

Key string (RFC 3797 §4). Each source is a string of values separated by spaces or commas, first
normalised with Unicode NFKC so that full-width digits, commas and spaces from a Chinese input method
read as their ASCII forms.
- A numeric source: every value is a non-negative decimal number (`007`, `12`, `3.50`). Each value is
  written without leading zeros (a single `0` when the integer part is zero) and, if it has a fractional
  part, with a period between integer and fraction and no trailing zeros; otherwise terminated by a
  period. The values are sorted ascending by numeric value and concatenated; the source is closed by
  `/`. `"2 5 12 8 10"` gives `2.5.8.10.12./`, `"9319"` gives `9319./`, `"1.50, 0.25"` gives `0.251.5/`.
- A text source (RFC 3797 defines only numeric values; its §4 asks for "a precise algorithm" and its
  §5.2 for unambiguous sources): a source with at least one word that does not start with a digit is
  taken as one value, verbatim - no case folding - with runs of white space collapsed to one space,
  followed by `.` and closed by `/`: `"Red  Rum"` gives `Red Rum./`. It must be printable ASCII (the key
  is hashed as ASCII, RFC 3797 §4 step 3) and must not contain `/`. A word that starts with a digit or
  a sign but is not a number (`12a`, `4-1`, `-3`, `1.2.3`) is refused rather than read as text, so a
  mistyped lottery number cannot silently become a different key.
- The key string is the concatenation of the sources' strings in the order given.

Selection. For pick i = 0, 1, …: D_i = MD5(C(i) ‖ key ‖ C(i)) read as a 128-bit big-endian unsigned
integer; the pick is the item at 0-based position D_i mod m_i among the m_i items still in the pool, kept
in their original order; that item is removed. C(i) is the counter encoding fixed by the version:

| version                 | C(i)                                                                   | picks   |
|-------------------------|------------------------------------------------------------------------|---------|
| `rfc3797`               | i as 2 bytes big-endian (RFC 3797 exactly)                             | ≤ 2**16 |
| `choucha-rfc3797-ext-1` | i < 65,536: 2 bytes big-endian (identical to RFC 3797); i ≥ 65,536: 4  | ≤ 2**32 |
|                         | bytes big-endian, the same 4 bytes before and after the key            |         |

The two encodings never collide: for the same key the hashed inputs differ in length by 4 bytes. A draw
uses `rfc3797` whenever every stream in it needs at most 65,536 picks (`version_for`), so the record's
version is itself checkable. RFC 3797 §6: pool 1..25, sources "9319", "2 5 12 8 10",
"9 18 26 34 41 45" select 17 7 2 16 25 23 8 24 19 13 22.

Derived keys and pool hashes (Choucha): the key of one stream (a stratum) is
`public key ‖ label ‖ "/" ‖ pool SHA-256 (64 lowercase hex) ‖ "/"`, and a pool's SHA-256 is taken over its
identifiers sorted by code point, each followed by `\\n` (UTF-8; the empty pool hashes the empty string).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from backend.planning.errors import PlanningError, SourceError
from backend.planning.order_statistic import FenwickSet

RFC3797 = "rfc3797"
EXT1 = "choucha-rfc3797-ext-1"
VERSIONS: dict[str, int] = {RFC3797: 1 << 16, EXT1: 1 << 32}
"""Known selection versions and the most picks one stream may make under each."""

_SEPARATORS = re.compile(r"[\s,]+")
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?", re.ASCII)
_NUMBERISH = re.compile(r"[+\-]?\.?\d", re.ASCII)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SMALL = 1 << 16


@dataclass(frozen=True, slots=True)
class Step:
    """One pick: its counter, the MD5 digest (hex), the items left before it and the chosen position."""

    counter: int
    digest: str
    remaining: int
    position: int


def _format_number(match: re.Match[str]) -> tuple[Decimal, str]:
    whole, fraction = match.group(1).lstrip("0") or "0", (match.group(2) or "").rstrip("0")
    text = f"{whole}.{fraction}" if fraction else f"{whole}."
    return Decimal(f"{whole}.{fraction or '0'}"), text


def _source_string(source: str, index: int) -> str:
    if not isinstance(source, str) or not source.strip():
        raise SourceError(f"第{index + 1}个随机源为空", f"source {index + 1} is empty", source=index)
    source = unicodedata.normalize("NFKC", source)
    words = [w for w in _SEPARATORS.split(source.strip()) if w]
    matches = [_NUMBER.fullmatch(w) for w in words]
    if all(matches):
        values = sorted(_format_number(m) for m in matches)
        return "".join(text for _, text in values) + "/"
    bad = next((w for w, m in zip(words, matches) if not m and _NUMBERISH.match(w)), None)
    if bad is not None:
        raise SourceError(f"第{index + 1}个随机源中的“{bad}”不是有效数字",
                          f"source {index + 1}: '{bad}' is not a number", source=index)
    text = " ".join(source.split())
    if not text.isascii() or not text.isprintable() or "/" in text:
        raise SourceError(f"第{index + 1}个随机源只能包含可打印ASCII字符且不含“/”",
                          f"source {index + 1} must be printable ASCII without '/'", source=index)
    return text + "./"


def key_string(sources: Iterable[str]) -> str:
    """The RFC 3797 key string of the public sources, in the order given."""
    parts = [_source_string(source, i) for i, source in enumerate(sources)]
    if not parts:
        raise SourceError("至少需要一个公开随机源", "at least one public source is needed")
    return "".join(parts)


def pool_text(identifiers: Iterable[str]) -> str:
    """The text a pool's hash is taken over: the identifiers sorted by code point, each followed by a newline."""
    items = sorted(identifiers)
    text = "\n".join(items) + "\n" if items else ""
    # One newline per identifier and no empty line: no identifier is empty or spans lines.
    if text.count("\n") != len(items) or text.startswith("\n") or "\n\n" in text:
        raise PlanningError("draw.pool", "抽查对象标识不能为空或含换行", "identifiers must be non-empty, one line")
    return text


def pool_hash(identifiers: Iterable[str]) -> str:
    """SHA-256 (hex) of the identifiers sorted by code point, each followed by a newline."""
    return hashlib.sha256(pool_text(identifiers).encode()).hexdigest()


def derive_key(public_key: str, label: str, pool_sha256: str) -> str:
    """The key of one stream: public key ‖ label ‖ "/" ‖ pool hash ‖ "/" (all ASCII)."""
    if not label or not label.isascii() or not label.isprintable() or "/" in label:
        raise PlanningError("draw.label", f"分层标签“{label}”须为不含“/”的可打印ASCII",
                            f"label '{label}' must be printable ASCII without '/'")
    if not _HEX64.fullmatch(pool_sha256):
        raise PlanningError("draw.pool", "对象库哈希须为64位小写十六进制", "pool hash must be 64 lowercase hex digits")
    return f"{public_key}{label}/{pool_sha256}/"


def version_for(picks: int) -> str:
    """The plainest version that allows `picks` picks in one stream: RFC 3797 whenever it suffices."""
    return RFC3797 if picks <= VERSIONS[RFC3797] else EXT1


def check_version(version: str) -> int:
    """The pick limit of a known version; refuse unknown ones."""
    if version not in VERSIONS:
        raise PlanningError("draw.version", f"未知的抽取算法版本“{version}”", f"unknown algorithm version '{version}'")
    return VERSIONS[version]


def counter_bytes(i: int, version: str = RFC3797) -> bytes:
    """C(i): the counter bracketing the key for pick i under `version`."""
    if i < _SMALL:
        return i.to_bytes(2, "big")
    if i >= check_version(version):
        raise PlanningError("draw.count", "抽取次数超出算法版本上限", f"pick {i} is beyond what {version} allows")
    return i.to_bytes(4, "big")


def draw_digest(key: str, i: int, version: str = RFC3797) -> bytes:
    """MD5(C(i) ‖ key ‖ C(i)) for pick i."""
    counter = counter_bytes(i, version)
    return hashlib.md5(counter + key_bytes(key) + counter).digest()


def draw_number(key: str, i: int, version: str = RFC3797) -> int:
    """The digest of pick i as a big-endian unsigned integer."""
    return int.from_bytes(draw_digest(key, i, version), "big")


def key_bytes(key: str) -> bytes:
    """The key string as the bytes it is hashed as (RFC 3797 §4 step 3: ASCII)."""
    if not key.isascii():
        raise SourceError("密钥串须为ASCII", "the key string must be ASCII")
    return key.encode("ascii")


def _check_count(pool_size: int, count: int, version: str) -> None:
    limit = check_version(version)
    if pool_size < 0 or not 0 <= count <= pool_size:
        raise PlanningError("draw.count", f"抽取数量{count}超出对象库规模{pool_size}",
                            f"cannot pick {count} of {pool_size}", count=count, pool_size=pool_size)
    if count > limit:
        raise PlanningError("draw.count", f"算法{version}最多抽取{limit}个", f"{version} allows at most {limit} picks")


def selection_steps(pool_size: int, count: int, key: str, *, version: str = RFC3797) -> Iterator[Step]:
    """Each pick of a selection with its digest, for verbose output and audits."""
    _check_count(pool_size, count, version)
    encoded, present = key_bytes(key), FenwickSet(pool_size)
    for i in range(count):
        counter = i.to_bytes(2 if i < _SMALL else 4, "big")
        digest = hashlib.md5(counter + encoded + counter).digest()
        remaining = pool_size - i
        position = present.pop_kth(int.from_bytes(digest, "big") % remaining)
        yield Step(i, digest.hex().upper(), remaining, position)


def select(pool_size: int, count: int, key: str, *, version: str = RFC3797) -> list[int]:
    """The 0-based pool positions picked, in order of selection."""
    _check_count(pool_size, count, version)
    encoded, present, md5 = key_bytes(key), FenwickSet(pool_size), hashlib.md5
    positions = []
    for i in range(count):
        # _check_count has bounded count by the version, so a 4-byte counter only occurs under the extension.
        counter = i.to_bytes(2 if i < _SMALL else 4, "big")
        digest = md5(counter + encoded + counter).digest()
        positions.append(present.pop_kth(int.from_bytes(digest, "big") % (pool_size - i)))
    return positions
