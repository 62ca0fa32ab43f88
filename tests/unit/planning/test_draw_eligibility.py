"""Eligibility: deregistered and revoked never drawn, the yearly cap, its exemptions, the exclusion log."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.planning.eligibility import (
    EXCLUSION_REASONS, EXEMPTION_REASONS, EntityFacts, ExemptRules, build_pools, eligible,
)


def facts(**kwargs) -> EntityFacts:
    return EntityFacts(**{"id": "E1", "stratum": "B", **kwargs})


@pytest.mark.parametrize(("entity", "year_count", "expected"), [
    (facts(), 0, (True, None)),
    (facts(), 1, (True, None)),
    (facts(), 2, (False, "excluded.frequency_cap")),
    (facts(status="deregistered"), 0, (False, "excluded.deregistered")),
    (facts(status="revoked", complaints=9), 0, (False, "excluded.revoked")),
    (facts(complaints=3), 2, (True, "exempt.complaints")),
    (facts(complaints=2), 5, (False, "excluded.frequency_cap")),
    (facts(status="abnormal"), 3, (True, "exempt.abnormal")),
    (facts(status="blacklisted"), 2, (True, "exempt.blacklisted")),
    (facts(serious_violation=True), 2, (True, "exempt.serious_violation")),
    (facts(special_sector=True), 2, (True, "exempt.special_sector")),
    (facts(special_sector=True, complaints=4), 2, (True, "exempt.complaints")),
])
def test_eligible(entity, year_count, expected):
    assert eligible(entity, year_count=year_count) == expected


def test_rules_are_configurable():
    strict = ExemptRules(frequency_cap=1, complaint_threshold=10, special_sector=False, abnormal=False)
    assert eligible(facts(), year_count=1, exempt_rules=strict) == (False, "excluded.frequency_cap")
    assert eligible(facts(special_sector=True, status="abnormal"), year_count=1, exempt_rules=strict)[0] is False
    assert eligible(facts(complaints=10), year_count=1, exempt_rules=strict) == (True, "exempt.complaints")


statuses = st.sampled_from(["normal", "abnormal", "blacklisted", "deregistered", "revoked"])
entities = st.lists(st.builds(EntityFacts, id=st.text("ABC0123", min_size=1, max_size=5),
                              stratum=st.sampled_from("ABCD"), status=statuses, complaints=st.integers(0, 5),
                              special_sector=st.booleans(), serious_violation=st.booleans()),
                    unique_by=lambda e: e.id, max_size=40)


@settings(max_examples=200)
@given(entities=entities, counts=st.lists(st.integers(0, 4), min_size=40, max_size=40),
       cap=st.integers(1, 3), threshold=st.integers(1, 6))
def test_nobody_over_the_cap_unless_exempt(entities, counts, cap, threshold):
    rules = ExemptRules(frequency_cap=cap, complaint_threshold=threshold)
    year_counts = {e.id: counts[i] for i, e in enumerate(entities)}
    pools = build_pools(entities, year_counts=year_counts, exempt_rules=rules)
    pooled = {i for pool in pools.strata.values() for i in pool}
    excluded = {x.id: x.reason for x in pools.excluded}
    exempted = {x.id: x.reason for x in pools.exempted}
    assert pooled.isdisjoint(excluded) and len(pooled) + len(excluded) == len(entities)
    assert set(exempted) <= pooled
    for entity in entities:
        if entity.status in ("deregistered", "revoked"):
            assert excluded[entity.id] == f"excluded.{entity.status}"
        elif year_counts[entity.id] >= cap:
            assert (entity.id in pooled) == (entity.id in exempted)
            assert exempted.get(entity.id, excluded.get(entity.id)) in EXEMPTION_REASONS + EXCLUSION_REASONS
        else:
            assert entity.id in pooled and entity.id not in exempted
        if entity.id in pooled:
            assert entity.id in pools.strata[entity.stratum]
    assert [x.id for x in pools.excluded] == sorted(excluded)
