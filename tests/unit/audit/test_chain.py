"""The hash-chain rules, without a database."""

from __future__ import annotations

import copy

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.audit.chain import GENESIS, LINK_MIDDLE, canonical_json, digest, entry_hash, link_parts, verify_chain


def chain(n: int) -> list[dict]:
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        entry = {"seq": seq, "at": f"2026-11-23T00:00:0{seq % 10}.000000+00:00", "actor_id": 1,
                 "actor_name": "admin", "action": "entity.update", "target_type": "entity",
                 "target_id": str(seq), "before_digest": digest({"n": seq}), "after_digest": digest({"n": seq + 1}),
                 "detail": {"字段": ["status"]}, "prev_hash": prev}
        entry["hash"] = entry_hash(entry)
        entries.append(entry)
        prev = entry["hash"]
    return entries


def test_canonical_json_is_order_independent_and_keeps_chinese():
    assert canonical_json({"b": 1, "a": "名"}) == canonical_json({"a": "名", "b": 1}) == '{"a":"名","b":1}'


def test_digest_of_nothing_is_none():
    assert digest(None) is None
    assert len(digest({})) == 64


def test_an_intact_chain_verifies():
    assert verify_chain(chain(10)) == (10, None)


@pytest.mark.parametrize("field,value", [
    ("actor_name", "mallory"), ("action", "entity.delete"), ("detail", {}), ("after_digest", "0" * 64),
    ("at", "2020-01-01T00:00:00+00:00"), ("target_id", "99"),
])
def test_any_changed_field_breaks_that_entry(field, value):
    entries = chain(6)
    entries[3][field] = value
    checked, broken = verify_chain(entries)
    assert checked == 3 and broken.seq == 4 and "hash" in broken.reason


def test_a_rehashed_forgery_breaks_the_next_link():
    entries = chain(6)
    entries[2]["actor_name"] = "mallory"
    entries[2]["hash"] = entry_hash(entries[2])
    checked, broken = verify_chain(entries)
    assert (checked, broken.seq) == (3, 4) and "previous" in broken.reason


def test_a_removed_entry_is_a_gap():
    entries = chain(6)
    del entries[2]
    checked, broken = verify_chain(entries)
    assert (checked, broken.seq) == (2, 4) and "gap" in broken.reason


def test_verification_can_resume_from_a_known_head():
    entries = chain(8)
    head = entries[4]
    assert verify_chain(copy.deepcopy(entries[5:]), prev_hash=head["hash"], prev_seq=head["seq"]) == (3, None)


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                       max_leaves=8)


@given(seq=st.integers(1, 10**9), actor_id=st.none() | st.integers(1, 10**6),
       names=st.lists(TEXT, min_size=5, max_size=5), detail=st.dictionaries(TEXT, JSONISH, max_size=4),
       digests=st.lists(st.none() | st.just("a" * 64), min_size=2, max_size=2))
def test_the_parts_around_the_link_rebuild_the_hashed_text(seq, actor_id, names, detail, digests):
    """What the database hashes (migration 15_10) is what entry_hash hashes, whatever the fields hold
    (quotes, backslashes, control characters, Chinese)."""
    entry = {"seq": seq, "at": names[0], "actor_id": actor_id, "actor_name": names[1], "action": names[2],
             "target_type": names[3], "target_id": names[4], "before_digest": digests[0],
             "after_digest": digests[1], "detail": detail, "prev_hash": hashlib.sha256(names[0].encode()).hexdigest()}
    head, tail = link_parts(entry)
    text = head + entry["prev_hash"] + LINK_MIDDLE + str(seq) + tail
    assert hashlib.sha256(text.encode()).hexdigest() == entry_hash(entry)
