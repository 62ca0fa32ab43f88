"""Strata of a draw: how many objects each stratum draws (the rounding rule) and the draw of each stratum.

Rounding rule (documented, versioned with the record format): a stratum of n objects with ratio r draws
ceil(r × n) objects, computed exactly on the ratio as written (`"0.03"` is 3/100, never a binary float),
so a nonzero ratio on a nonempty stratum draws at least one object and the plan's ratio is a floor.
A count instead of a ratio draws exactly that count. Every stratum is ordered canonically (identifiers
sorted by code point, e.g. USCC), hashed (`pool_hash`) and drawn with its own derived key
(`derive_key(public key, label, pool hash)`). A stratum whose quota equals its size is taken whole, in
canonical order, without digests: only the inspector side is random there (one-sided, DOMAIN.md §12).
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import islice, pairwise

from backend.planning.errors import PlanningError
from backend.planning.sortition import RFC3797, derive_key, pool_text, select

Ratio = str | int | Decimal | Fraction | float


@dataclass(frozen=True, slots=True)
class StratumDraw:
    """One stratum drawn: canonical pool, its hash, derived key, quota and the selection in order."""

    label: str
    pool: list[str]
    pool_sha256: str
    derived_key: str
    quota: int
    selected: list[str]
    one_sided: str | None


def _ratio_error(raw: object) -> PlanningError:
    return PlanningError("plan.ratio", f"抽查比例“{raw}”须在0到1之间", f"ratio '{raw}' must be between 0 and 1",
                         ratio=str(raw))


def parse_ratio(raw: Ratio) -> Fraction:
    """A ratio as an exact fraction in [0, 1]; text may be a decimal ("0.03") or a fraction ("1/3")."""
    try:
        if isinstance(raw, bool):
            raise TypeError(raw)
        if isinstance(raw, float):
            raw = repr(raw)  # the shortest decimal that round-trips, i.e. what the user wrote
        value = Fraction(raw.strip()) if isinstance(raw, str) else Fraction(raw)
    except (TypeError, ValueError, ZeroDivisionError, InvalidOperation):
        raise _ratio_error(raw) from None
    if not 0 <= value <= 1:
        raise _ratio_error(raw)
    return value


def ratio_text(value: Fraction) -> str:
    """The canonical text of a ratio: a terminating decimal when there is one, else "n/d"."""
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def stratum_quota(pool_size: int, ratio: Ratio | None = None, count: int | None = None) -> int:
    """How many objects a stratum of `pool_size` draws: ceil(ratio × size), or exactly `count`."""
    if (ratio is None) == (count is None):
        raise PlanningError("plan.quota", "须给出抽查比例或抽查数量之一", "give either a ratio or a count")
    if ratio is not None:
        value = parse_ratio(ratio)
        return -(-value.numerator * pool_size // value.denominator)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= pool_size:
        raise PlanningError("draw.count", f"抽查数量{count}超出对象库规模{pool_size}",
                            f"count {count} exceeds the pool of {pool_size}", count=count, pool_size=pool_size)
    return count


def _strictly_increasing(items: Sequence[str]) -> bool:
    """Whether each identifier sorts after the one before it (compared in C: 0.1 s for a million)."""
    return all(map(operator.lt, items, islice(items, 1, None)))


def canonical_pool(identifiers: Sequence[str]) -> list[str]:
    """The pool in canonical order (sorted by code point); duplicates are refused.

    A pool that is already canonical (as the database's pools mostly are) is checked, not sorted again.
    """
    pool = list(identifiers)
    if _strictly_increasing(pool):
        return pool
    pool.sort()
    if not _strictly_increasing(pool):
        twice = next(a for a, b in pairwise(pool) if a == b)
        raise PlanningError("draw.pool", f"对象“{twice}”在对象库中重复", f"'{twice}' occurs twice in the pool")
    return pool


@dataclass(frozen=True, slots=True)
class CanonicalPool:
    """A pool in canonical order with its text (`pool_text`) and SHA-256, established once: `of` sorts and checks,
    `announced` proves that a stored pool is the one announced (its hash) without sorting or checking it again."""

    items: list[str]
    sha256: str
    text: str

    @classmethod
    def of(cls, identifiers: Sequence[str]) -> CanonicalPool:
        """Sort (if needed), refuse duplicates, hash."""
        items = canonical_pool(identifiers)
        text = pool_text(items)
        return cls(items, hashlib.sha256(text.encode()).hexdigest(), text)

    @classmethod
    def announced(cls, stored: str | Sequence[str], sha256: str, label: str = "") -> CanonicalPool:
        """The pool an announcement stored (its text; a list before texts were stored), which must hash to the
        announced `sha256`: the announcement checked the order when it hashed the text, and the same hash
        proves the same text."""
        if isinstance(stored, str):
            pool = cls(stored[:-1].split("\n") if stored else [], hashlib.sha256(stored.encode()).hexdigest(), stored)
        else:
            pool = cls.of(stored)
        if pool.sha256 != sha256:
            raise PlanningError("draw.pool_changed", f"分层{label}的对象库与公告的哈希不符",
                                f"the stored pool of stratum {label} does not match its announced hash")
        return pool

    def __len__(self) -> int:
        return len(self.items)


def draw_stratum(label: str, identifiers: Sequence[str] | CanonicalPool, quota: int, public_key: str,
                 version: str = RFC3797) -> StratumDraw:
    """Draw `quota` objects of one stratum with its derived key."""
    canonical = identifiers if isinstance(identifiers, CanonicalPool) else CanonicalPool.of(identifiers)
    pool, digest = canonical.items, canonical.sha256
    key = derive_key(public_key, label, digest)
    if quota == len(pool) and pool:
        return StratumDraw(label, pool, digest, key, quota, list(pool), "objects")
    positions = select(len(pool), quota, key, version=version)
    return StratumDraw(label, pool, digest, key, quota, [pool[p] for p in positions], None)


def stratum_group(label: str) -> str:
    """The group of a stratum: `P12-A` is stratum A of group `P12` (one plan of a joint draw); no dash, one group.

    An object may be in one stratum of each group: the plans of a joint draw draw from overlapping
    registers, and an object drawn by several of them becomes one visit.
    """
    return label.rsplit("-", 1)[0] if "-" in label else ""


def draw_strata(strata: Mapping[str, Sequence[str] | CanonicalPool], quotas: Mapping[str, int], public_key: str,
                version: str = RFC3797) -> list[StratumDraw]:
    """Draw every stratum, in label order; within a group an object may belong to one stratum only."""
    draws = [draw_stratum(label, strata[label], quotas[label], public_key, version) for label in sorted(strata)]
    seen: dict[str, set[str]] = {}
    for k, draw in enumerate(draws):
        group = seen.setdefault(stratum_group(draw.label), set())
        before = len(group)
        group.update(draw.pool)  # one pass: a canonical pool has no duplicates, so only an overlap loses size
        if len(group) != before + len(draw.pool):
            earlier = {i for d in draws[:k] if stratum_group(d.label) == stratum_group(draw.label) for i in d.pool}
            first = min(earlier.intersection(draw.pool))
            raise PlanningError("draw.pool", f"对象“{first}”同时属于多个分层", f"'{first}' is in two strata")
    return draws
