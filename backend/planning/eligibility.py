"""Which entities may be drawn: the yearly frequency cap, its exemptions and the exclusion log (DOMAIN.md §13).

Rule, checked in this order:
1. Deregistered (注销) or revoked (吊销) entities are never drawn: `excluded.deregistered`,
   `excluded.revoked`.
2. An entity with fewer than `frequency_cap` inspections (default 2) in the calendar year, counting
   completed and pending tasks, is eligible with no note.
3. An entity at or over the cap is eligible only when exempt, noted with the first reason that applies:
   `exempt.complaints` (complaints ≥ `complaint_threshold`, default 3), `exempt.abnormal` (经营异常名录),
   `exempt.blacklisted` (严重违法失信名单), `exempt.serious_violation` (a serious violation on record),
   `exempt.special_sector` (food and drug, production, public safety, environment); otherwise it is
   excluded with `excluded.frequency_cap`. Each exemption can be switched off per plan (`ExemptRules`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

DEREGISTERED, REVOKED = "deregistered", "revoked"
ABNORMAL, BLACKLISTED = "abnormal", "blacklisted"
EXCLUSION_REASONS = ("excluded.deregistered", "excluded.revoked", "excluded.frequency_cap")
EXEMPTION_REASONS = ("exempt.complaints", "exempt.abnormal", "exempt.blacklisted", "exempt.serious_violation",
                     "exempt.special_sector")


@dataclass(frozen=True, slots=True)
class EntityFacts:
    """What eligibility needs to know of one entity; `stratum` is its risk class (internal)."""

    id: str
    stratum: str
    status: str = "normal"
    complaints: int = 0
    special_sector: bool = False
    serious_violation: bool = False


@dataclass(frozen=True, slots=True)
class ExemptRules:
    """The frequency cap and which exemptions a plan applies (defaults: DOMAIN.md §13, all on)."""

    frequency_cap: int = 2
    complaint_threshold: int = 3
    abnormal: bool = True
    blacklisted: bool = True
    serious_violation: bool = True
    special_sector: bool = True


@dataclass(frozen=True, slots=True)
class Exclusion:
    """One line of the exclusion log: who, and the reason code."""

    id: str
    reason: str


@dataclass(slots=True)
class Pools:
    """Eligible identifiers per stratum, with the exclusions and the exemptions used."""

    strata: dict[str, list[str]] = field(default_factory=dict)
    excluded: list[Exclusion] = field(default_factory=list)
    exempted: list[Exclusion] = field(default_factory=list)


def exemption(entity: EntityFacts, rules: ExemptRules) -> str | None:
    """The first exemption from the frequency cap that applies to the entity, if any."""
    checks = (
        ("exempt.complaints", entity.complaints >= rules.complaint_threshold),
        ("exempt.abnormal", rules.abnormal and entity.status == ABNORMAL),
        ("exempt.blacklisted", rules.blacklisted and entity.status == BLACKLISTED),
        ("exempt.serious_violation", rules.serious_violation and entity.serious_violation),
        ("exempt.special_sector", rules.special_sector and entity.special_sector),
    )
    return next((reason for reason, applies in checks if applies), None)


def eligible(entity: EntityFacts, *, year_count: int, exempt_rules: ExemptRules = ExemptRules()
             ) -> tuple[bool, str | None]:
    """Whether the entity may be drawn, with the exclusion or exemption reason code (None when plain)."""
    if entity.status == DEREGISTERED:
        return False, "excluded.deregistered"
    if entity.status == REVOKED:
        return False, "excluded.revoked"
    if year_count < exempt_rules.frequency_cap:
        return True, None
    reason = exemption(entity, exempt_rules)
    return (True, reason) if reason else (False, "excluded.frequency_cap")


def _fields(entity: EntityFacts | tuple) -> tuple:
    """The entity as a tuple in EntityFacts field order."""
    if type(entity) is tuple:
        return entity
    return (entity.id, entity.stratum, entity.status, entity.complaints, entity.special_sector,
            entity.serious_violation)


def build_pools(entities: Iterable[EntityFacts | tuple], *, year_counts: Mapping[str, int],
                exempt_rules: ExemptRules = ExemptRules()) -> Pools:
    """Split the entities in scope into eligible pools per stratum and log every exclusion and exemption.

    Entities are EntityFacts or tuples in its field order; the plain case (not deregistered or revoked,
    under the cap) is decided inline, EntityFacts is built only for the others.
    """
    pools = Pools()
    strata, count_of, cap = pools.strata, year_counts.get, exempt_rules.frequency_cap
    for entity in entities:
        row = _fields(entity)
        uid, stratum, status = row[0], row[1], row[2]
        if status != DEREGISTERED and status != REVOKED and count_of(uid, 0) < cap:
            pool = strata.get(stratum)
            if pool is None:
                pool = strata[stratum] = []
            pool.append(uid)
            continue
        ok, reason = eligible(EntityFacts(*row), year_count=count_of(uid, 0), exempt_rules=exempt_rules)
        if not ok:
            pools.excluded.append(Exclusion(uid, reason or ""))
            continue
        strata.setdefault(stratum, []).append(uid)
        if reason:
            pools.exempted.append(Exclusion(uid, reason))
    pools.excluded.sort(key=lambda e: e.id)
    pools.exempted.sort(key=lambda e: e.id)
    return pools
