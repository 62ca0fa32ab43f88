"""The pure sync rules one by one: clocks, mutation shapes, the ledger, the lifecycle, sets, signatures."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import hlc, lifecycle, merge
from sync.ledger import Ledger
from sync.mutations import MutationError, canonical_text, digest, parse
from sync.views import report_view

DEVICE, OTHER = str(uuid.UUID(int=1)), str(uuid.UUID(int=2))
TASK = str(uuid.UUID(int=9))
NOW = 1_800_000_000_000


def raw(seq=1, device=DEVICE, **body) -> dict:
    return {"device": device, "seq": seq, "task": TASK, "hlc": [NOW, 0], **body}


def apply(state, mutation, check_submit=lambda s: []):
    return merge.apply(state, parse(mutation), received_ms=NOW, user_id=7, check_answers=lambda *a: [],
                       check_submit=check_submit)


def test_clock_stamps_move_forward_and_are_clamped():
    assert hlc.tick((5, 3), 4) == (5, 4) and hlc.tick((5, 3), 9) == (9, 0)
    assert hlc.observe((5, 0), (7, 2), 6) == (7, 3)
    assert hlc.clamp((NOW + 10 * 60_000, 4), NOW) == (NOW + hlc.MAX_SKEW_MS, 0)
    assert hlc.clamp((NOW, 4), NOW) == (NOW, 4)
    assert hlc.parse([1, 2]) == (1, 2) and hlc.parse([1.5, 2]) is None and hlc.parse("1-2") is None


@pytest.mark.parametrize("mutation,code,path", [
    ({"op": "answers", "item": "X", "values": {}}, "sync.malformed", "values"),
    ({"op": "answers", "item": "X", "values": {"../etc": 1}}, "sync.malformed", "values.../etc"),
    ({"op": "answers", "item": "_report", "values": {"anything": 1}}, "sync.malformed", "values.anything"),
    ({"op": "add", "set": "photos", "id": str(uuid.UUID(int=3)), "value": {"sha256": "zz"}}, "sync.malformed",
     "value.sha256"),
    ({"op": "add", "set": "secrets", "id": str(uuid.UUID(int=3)), "value": {}}, "sync.malformed", "set"),
    ({"op": "sign", "item": "X", "field": "sig", "value": {"refused": True}}, "sync.malformed", "value"),
    ({"op": "intent", "act": "approve"}, "sync.malformed", "act"),
    ({"op": "drop_table"}, "sync.unknown_op", "op"),
])
def test_malformed_mutations_name_their_code_and_path(mutation, code, path):
    with pytest.raises(MutationError) as error:
        parse(raw(**mutation))
    assert (error.value.code, error.value.path) == (code, path)
    assert error.value.zh and error.value.en


def test_the_ledger_replays_refuses_reuse_and_stops_at_gaps():
    ledger = Ledger(next_seq=1)
    first = raw(1, op="intent", act="start")
    assert ledger.classify(first) == ("new", None)
    ledger.take(first, {"status": "applied"})
    assert ledger.classify(first) == ("replay", {"status": "applied"})
    assert ledger.classify({**first, "act": "submit"})[0] == "reused"
    assert ledger.classify(raw(3, op="intent", act="start"))[0] == "gap"
    assert digest(first) == digest(dict(reversed(list(first.items()))))


def test_the_lifecycle_allows_only_its_transitions():
    assert lifecycle.next_status("assigned", "start") == "in_progress"
    assert lifecycle.next_status("submitted", "return") == "returned"
    assert lifecycle.next_status("returned", "submit") == "submitted"
    assert lifecycle.next_status("approved", "withdraw") is None
    assert lifecycle.next_status("in_progress", "approve") is None
    assert not lifecycle.accepts_data("approved") and lifecycle.accepts_data("submitted")


def test_sets_are_add_only_and_a_tombstone_wins_whenever_it_arrives():
    element = str(uuid.UUID(int=5))
    late_first, state = merge.new_state(), merge.new_state()
    add = raw(1, op="add", set="notes", id=element, value={"text": "门口有积水"})
    remove = raw(1, device=OTHER, op="remove", set="notes", id=element)
    for mutation in (add, remove):
        apply(state, mutation)
    for mutation in (remove, add):
        apply(late_first, mutation)
    assert report_view(state)["notes"] == report_view(late_first)["notes"] == []
    changed = apply(state, raw(2, op="add", set="notes", id=element, value={"text": "别的"}))
    assert changed.code == "sync.element_exists"


def test_a_signature_is_written_once_and_other_attempts_are_kept():
    state = merge.new_state()
    first = {"attachment": "a" * 64}
    assert apply(state, raw(1, op="sign", item="X", field="party_signature", value=first)).status == "applied"
    again = apply(state, raw(2, op="sign", item="X", field="party_signature", value=first))
    other = apply(state, raw(1, device=OTHER, op="sign", item="X", field="party_signature",
                             value={"attachment": "b" * 64}))
    assert again.status == "applied" and other.code == "sync.signature_exists"
    view = report_view(state)
    assert view["answers"]["X"]["party_signature"] == first
    assert [a["value"]["attachment"] for a in view["attempts"]] == ["b" * 64]
    assert view["media"] == ["a" * 64]


def test_media_elements_answer_their_fields_including_rows_of_repeats():
    state = merge.new_state()
    apply(state, raw(1, op="answers", item="X", values={"rows": [{"n": 1}, {"n": 2}]}))
    apply(state, raw(2, op="add", set="photos", id=str(uuid.UUID(int=11)),
                     value={"sha256": "c" * 64, "item": "X", "field": "rows[1].evidence"}))
    apply(state, raw(3, op="add", set="photos", id=str(uuid.UUID(int=12)),
                     value={"sha256": "d" * 64, "item": "X", "field": "shop_photos"}))
    apply(state, raw(4, op="add", set="photos", id=str(uuid.UUID(int=13)),
                     value={"sha256": "e" * 64, "item": "X", "field": "rows[7].evidence"}))
    answers = report_view(state)["answers"]["X"]
    assert answers["rows"] == [{"n": 1}, {"n": 2, "evidence": ["c" * 64]}]
    assert answers["shop_photos"] == ["d" * 64]
    assert set(report_view(state)["media"]) == {"c" * 64, "d" * 64, "e" * 64}  # nothing is lost


def test_reading_the_answers_never_changes_the_written_rows():
    # a signature or photo placed into a repeat row is placed into a copy: the answers write keeps its value
    state = merge.new_state()
    apply(state, raw(1, op="answers", item="X", values={"officers": [{"name": "甲"}, {"name": "乙"}]}))
    apply(state, raw(2, op="sign", item="X", field="officers[0].signature", value={"attachment": "a" * 64}))
    apply(state, raw(3, op="add", set="photos", id=str(uuid.UUID(int=11)),
                     value={"sha256": "c" * 64, "item": "X", "field": "officers[1].photos"}))
    written = json.dumps(state, sort_keys=True)
    answers = merge.current_answers(state, "X")
    assert answers["officers"] == [{"name": "甲", "signature": {"attachment": "a" * 64}},
                                   {"name": "乙", "photos": ["c" * 64]}]
    assert json.dumps(state, sort_keys=True) == written
    assert state["fields"]["X/officers"][f"{DEVICE}:1"]["v"] == [{"name": "甲"}, {"name": "乙"}]
    assert merge.current_answers(state, "X") == answers  # the same answers however often they are read


def test_concurrent_answers_become_a_conflict_that_a_write_seeing_both_resolves():
    state = merge.new_state()
    apply(state, raw(1, op="answers", item="X", values={"f": "是"}, base={"f": []}))
    apply(state, raw(1, device=OTHER, op="answers", item="X", values={"f": "否"}, base={"f": []}))
    view = report_view(state)
    assert view["conflicts"][0]["field"] == "f"
    assert {view["conflicts"][0]["current"]["value"], view["conflicts"][0]["others"][0]["value"]} == {"是", "否"}
    apply(state, raw(2, op="answers", item="X", values={"f": "否"}, base={"f": view["heads"]["X/f"]}))
    resolved = report_view(state)
    assert resolved["conflicts"] == [] and resolved["answers"]["X"]["f"] == "否"


def test_an_approved_report_keeps_later_data_aside_and_submit_checks_completeness():
    state = merge.new_state("in_progress")
    refused = apply(state, raw(1, op="intent", act="submit"), check_submit=lambda s: [{"path": "X.f"}])
    assert refused.code == "sync.incomplete" and state["status"] == "in_progress"
    assert apply(state, raw(2, op="intent", act="submit")).status == "applied"
    state["status"] = "approved"
    late = apply(state, raw(3, op="answers", item="X", values={"f": "改"}))
    assert late.status == "late" and state["late"][0]["body"]["values"] == {"f": "改"}
    assert "X/f" not in state["fields"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2 ** 80), max_value=2 ** 80)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(value=st.dictionaries(st.text(max_size=8), _JSON, max_size=6))
def test_the_digest_is_the_sha256_of_the_canonical_json_whatever_the_values(value):
    # the fast path (msgspec, without floats) must give json.dumps's bytes: a stored digest never changes
    try:
        expected = hashlib.sha256(canonical_text(value).encode()).hexdigest()
    except UnicodeEncodeError:  # a lone surrogate: no canonical bytes, refused either way
        with pytest.raises(UnicodeEncodeError):
            digest(value)
        return
    assert digest(value) == expected


def test_floats_in_exponent_form_keep_the_canonical_digest():
    value = {"values": {"tiny": 1.5e-05, "huge": 1e16, "plain": 32.06}, "seq": 1}
    assert digest(value) == hashlib.sha256(
        b'{"seq":1,"values":{"huge":1e+16,"plain":32.06,"tiny":1.5e-05}}').hexdigest()
