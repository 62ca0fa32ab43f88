"""Pools frozen once (canonical texts and their hashes) and records stored without them: same digest, same record."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.audit.chain import canonical_json
from backend.planning import stored
from backend.planning.errors import PlanningError
from backend.planning.record import DrawSpec, StratumSpec, execute_draw, verify_record
from backend.planning.sortition import key_string, pool_hash
from backend.planning.strata import CanonicalPool, canonical_pool, draw_stratum
from tests.unit.planning.test_draw_record import make_spec


def test_a_canonical_pool_is_sorted_hashed_and_refuses_duplicates():
    pool = CanonicalPool.of(["b", "c", "a"])
    assert pool.items == ["a", "b", "c"] and pool.text == "a\nb\nc\n" and len(pool) == 3
    assert pool.sha256 == pool_hash(["c", "a", "b"]) == hashlib.sha256(b"a\nb\nc\n").hexdigest()
    assert canonical_pool(["a", "b"]) == ["a", "b"]
    with pytest.raises(PlanningError, match="twice"):
        CanonicalPool.of(["b", "a", "b"])
    with pytest.raises(PlanningError, match="twice"):
        canonical_pool(["a", "a"])
    with pytest.raises(PlanningError):
        CanonicalPool.of(["a", "x\ny"])
    assert CanonicalPool.of([]).text == "" and CanonicalPool.of([]).sha256 == pool_hash([])


def test_an_announced_pool_must_hash_to_its_announced_hash():
    pool = CanonicalPool.of(["E2", "E1", "E3"])
    again = CanonicalPool.announced(pool.text, pool.sha256, "P1-A")
    assert again.items == pool.items and again.sha256 == pool.sha256
    assert CanonicalPool.announced(["E3", "E1", "E2"], pool.sha256).items == pool.items  # stored as a list
    assert CanonicalPool.announced("", pool_hash([])).items == []
    for changed in ("E1\nE2\n", "E1\nE2\nE4\n", pool.text + "E5\n"):
        with pytest.raises(PlanningError) as refused:
            CanonicalPool.announced(changed, pool.sha256, "P1-A")
        assert refused.value.code == "draw.pool_changed" and "P1-A" in refused.value.message_en


def test_a_stratum_drawn_from_its_announced_pool_draws_as_from_the_list():
    key = key_string(["1 2 3"])
    identifiers = [f"E{n:04d}" for n in range(500, 0, -3)]
    pool = CanonicalPool.of(identifiers)
    assert draw_stratum("P1-B", CanonicalPool.announced(pool.text, pool.sha256), 17, key) == \
        draw_stratum("P1-B", identifiers, 17, key)


def pooled_record() -> dict:
    """The record of test_draw_record's spec, its pools given as CanonicalPools."""
    pools = [StratumSpec(s.label, CanonicalPool.of(s.pool), s.ratio, s.count, s.public) for s in make_spec().strata]
    return execute_draw(make_spec(strata=pools))


def test_the_stored_form_leaves_out_the_pools_and_keeps_the_whole_records_digest():
    record = pooled_record()
    assert record == execute_draw(make_spec())  # a CanonicalPool draws exactly as the list
    compact, digest = stored.encode(record)
    assert digest == hashlib.sha256(canonical_json(record).encode()).hexdigest()
    without = copy.deepcopy(record)
    for stratum in without["strata"]:
        del stratum["pool"]
    assert compact == canonical_json(without)
    texts = {s["label"]: CanonicalPool.of(s["pool"]).text for s in record["strata"]}
    assert stored.with_pools(json.loads(compact), texts) == record
    assert verify_record(stored.with_pools(json.loads(compact), texts)) is None
    partly = stored.with_pools(json.loads(compact), texts, {"B"})
    assert [("pool" in s) for s in partly["strata"]] == [False, True, False]
    assert stored.with_pools(record, {}) == record  # stored whole: nothing to put back


def test_a_changed_announcement_pool_is_refused_when_put_back():
    record = pooled_record()
    compact, _ = stored.encode(record)
    texts = {s["label"]: CanonicalPool.of(s["pool"]).text for s in record["strata"]}
    texts["B"] = texts["B"].replace("B003\n", "")
    with pytest.raises(PlanningError) as refused:
        stored.with_pools(json.loads(compact), texts)
    assert refused.value.code == "draw.pool_changed"


@settings(max_examples=60, deadline=None)
@given(pool=st.lists(st.text(min_size=1, max_size=6).filter(lambda t: "\n" not in t), unique=True, max_size=8),
       note=st.text(max_size=20))
def test_the_digest_is_the_whole_records_for_any_identifiers_and_parameters(pool, note):
    record = execute_draw(DrawSpec(sources=["7 8 9"], strata=[StratumSpec("A", pool, ratio="1/2")], roster=None,
                                   parameters={"note": note, "pool": "x"}))
    compact, digest = stored.encode(record)
    assert digest == hashlib.sha256(canonical_json(record).encode()).hexdigest()
    assert json.loads(compact)["strata"][0].keys() == record["strata"][0].keys() - {"pool"}
    assert stored.with_pools(json.loads(compact), {"A": CanonicalPool.of(pool).text}) == record
