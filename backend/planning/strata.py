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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from backend.planning.errors import PlanningError
from backend.planning.sortition import RFC3797, derive_key, pool_hash, select

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


def canonical_pool(identifiers: Sequence[str]) -> list[str]:
    """The pool in canonical order (sorted by code point); duplicates are refused."""
    pool = sorted(identifiers)
    if len(set(pool)) != len(pool):
        twice = next(a for a, b in zip(pool, pool[1:]) if a == b)
        raise PlanningError("draw.pool", f"对象“{twice}”在对象库中重复", f"'{twice}' occurs twice in the pool")
    return pool


def draw_stratum(label: str, identifiers: Sequence[str], quota: int, public_key: str,
                 version: str = RFC3797) -> StratumDraw:
    """Draw `quota` objects of one stratum with its derived key."""
    pool = canonical_pool(identifiers)
    digest = pool_hash(pool)
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


def draw_strata(strata: Mapping[str, Sequence[str]], quotas: Mapping[str, int], public_key: str,
                version: str = RFC3797) -> list[StratumDraw]:
    """Draw every stratum, in label order; within a group an object may belong to one stratum only."""
    draws = [draw_stratum(label, strata[label], quotas[label], public_key, version) for label in sorted(strata)]
    seen: dict[str, set[str]] = {}
    for draw in draws:
        group = seen.setdefault(stratum_group(draw.label), set())
        overlap = group.intersection(draw.pool)
        if overlap:
            first = min(overlap)
            raise PlanningError("draw.pool", f"对象“{first}”同时属于多个分层", f"'{first}' is in two strata")
        group.update(draw.pool)
    return draws
