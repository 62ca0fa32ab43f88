"""RFC 3797 sortition: the §6 vector, key strings, pool hashes, derived keys and the >65,536 extension."""

from __future__ import annotations

import hashlib

import pytest

from backend.planning.errors import PlanningError, SourceError
from backend.planning.sortition import (
    EXT1, RFC3797, check_version, counter_bytes, derive_key, draw_digest, key_string, pool_hash, select,
    selection_steps, version_for,
)

RFC_SOURCES = ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]
RFC_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"
# RFC 3797 §6: the first digests and the selection from the pool 1..25.
RFC_DIGESTS = ["990DD0A5692A029A98B5E01AA28F3459", "3691E55CB63FCC37914430B2F70B5EC6",
               "FE814EDF564C190AC1D25753979990FA", "1863CCACEB568C31D7DDBDF1D4E91387"]
RFC_SELECTION = [17, 7, 2, 16, 25, 23, 8, 24, 19, 13, 22]


def test_rfc3797_section_6_vector():
    key = key_string(RFC_SOURCES)
    assert key == RFC_KEY
    assert [p + 1 for p in select(25, 11, key)] == RFC_SELECTION
    steps = list(selection_steps(25, 11, key))
    assert [s.digest for s in steps[:4]] == RFC_DIGESTS
    assert [s.remaining for s in steps] == list(range(25, 14, -1))
    assert [s.position + 1 for s in steps] == RFC_SELECTION


@pytest.mark.parametrize(("sources", "expected"), [
    (["2 5 12 8 10"], "2.5.8.10.12./"),
    (["10,9,  8"], "8.9.10./"),
    (["007 0 00"], "0.0.7./"),
    (["0012", "03"], "12./3./"),
    (["1.50, 0.25"], "0.251.5/"),
    (["2.0 1"], "1.2./"),
    (["Red  Rum", "9"], "Red Rum./9./"),
    (["  Kentucky Derby 2025 winner "], "Kentucky Derby 2025 winner./"),
    (["１２　５，３"], "3.5.12./"),
])
def test_key_string_cases(sources, expected):
    assert key_string(sources) == expected


@pytest.mark.parametrize("bad", [[], [""], ["   "], ["12a"], ["4-1"], ["-3"], ["1.2.3"], [".5"], ["5."],
                                 ["win/loss"], ["双色球"], ["٣"], ["9", "tab\there ok", "x\x00"]])
def test_sources_that_do_not_parse_are_refused(bad):
    with pytest.raises(SourceError) as info:
        key_string(bad)
    assert info.value.code == "draw.sources"
    assert info.value.message_zh and info.value.message_en


def test_pool_hash_is_order_free_and_documented():
    assert pool_hash(["b", "a"]) == pool_hash(["a", "b"]) == hashlib.sha256(b"a\nb\n").hexdigest()
    assert pool_hash([]) == hashlib.sha256(b"").hexdigest()
    for bad in ([""], ["a\nb"], ["a", ""]):
        with pytest.raises(PlanningError):
            pool_hash(bad)


def test_derive_key_is_key_label_hash():
    digest = pool_hash(["91350100M000100Y43"])
    assert derive_key(RFC_KEY, "A", digest) == f"{RFC_KEY}A/{digest}/"
    for label in ("", "A/B", "甲"):
        with pytest.raises(PlanningError):
            derive_key(RFC_KEY, label, digest)
    with pytest.raises(PlanningError):
        derive_key(RFC_KEY, "A", "ABC")


def test_count_and_version_errors():
    with pytest.raises(PlanningError) as info:
        select(5, 6, RFC_KEY)
    assert info.value.code == "draw.count"
    with pytest.raises(PlanningError) as info:
        select(5, 1, RFC_KEY, version="rfc9999")
    assert info.value.code == "draw.version"
    with pytest.raises(PlanningError) as info:
        select(70_000, 65_537, RFC_KEY, version=RFC3797)
    assert info.value.code == "draw.count"
    assert select(0, 0, RFC_KEY) == []
    assert check_version(EXT1) == 1 << 32


def test_version_rule_prefers_the_rfc():
    assert version_for(0) == version_for(65_536) == RFC3797
    assert version_for(65_537) == EXT1


def test_extension_counter_is_two_bytes_then_four():
    assert counter_bytes(65_535, EXT1) == b"\xff\xff"
    assert counter_bytes(65_536, EXT1) == b"\x00\x01\x00\x00"
    assert draw_digest("k/", 70_000, EXT1) == hashlib.md5(b"\x00\x01\x11\x70k/\x00\x01\x11\x70").digest()
    with pytest.raises(PlanningError):
        counter_bytes(65_536, RFC3797)


def test_extension_equals_the_rfc_up_to_65536_and_continues_past_it():
    key = "extension./"
    size = 70_000
    rfc = select(size, 65_536, key, version=RFC3797)
    extended = select(size, size, key, version=EXT1)
    assert extended[:65_536] == rfc
    assert sorted(extended) == list(range(size))
    # What a naive 2-byte implementation would do past 65,536: wrap the counter. The extension differs.
    pick = 65_536
    wrapped = int.from_bytes(hashlib.md5(b"\x00\x00" + key.encode() + b"\x00\x00").digest(), "big")
    assert int.from_bytes(draw_digest(key, pick, EXT1), "big") != wrapped
    steps = list(selection_steps(size, 65_540, key, version=EXT1))
    assert [s.position for s in steps] == extended[:65_540]
    assert steps[pick].digest == draw_digest(key, pick, EXT1).hex().upper()


def test_fifty_thousand_of_a_million():
    picks = select(1_000_000, 50_000, "quick./")
    assert len(set(picks)) == 50_000
    assert 0 <= min(picks) and max(picks) < 1_000_000
