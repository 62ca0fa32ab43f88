"""Applying a mutation to a report's state (pure): per-field multi-value registers, add-only sets with
tombstones, write-once signatures, status intents through the lifecycle.

The state is plain JSON. Every write to a field is kept with the write ids it was based on, so the state is
a function of the *set* of writes, whatever order they arrive in: the heads (writes no other write was
based on) are the live values; the latest head by (stamp, device, write id) is current, the other heads
with a different value are visible conflicts; a write based on all heads resolves them. Nothing written is
ever dropped: it is current, a conflict, or history superseded by a write that saw it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sync import hlc, lifecycle
from sync.mutations import MEDIA_SETS, SETS, Mutation


@dataclass(frozen=True)
class Outcome:
    """What became of one mutation: applied, late (kept, not merged), attempt (signature), or rejected."""

    status: str
    code: str = ""
    zh: str = ""
    en: str = ""
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        """The JSON shape stored with the mutation and returned to the device."""
        out = {"status": self.status}
        if self.code:
            out.update(code=self.code, message={"zh": self.zh, "en": self.en})
        if self.errors:
            out["errors"] = self.errors
        return out


APPLIED = Outcome("applied")
AnswerCheck = Callable[[str, dict, dict], list]
"""(item, merged answers of that item, the fields just written) -> errors at those fields' paths."""
SubmitCheck = Callable[[dict], list]
"""(report state) -> errors that keep the report from being submitted."""


def new_state(status: str = "assigned") -> dict:
    """An empty report state."""
    return {"status": status, "fields": {}, "sets": {name: {"adds": {}, "tombs": {}} for name in SETS},
            "signatures": {}, "attempts": [], "late": []}


def apply(state: dict, mutation: Mutation, *, received_ms: int, user_id: int | None,
          check_answers: AnswerCheck, check_submit: SubmitCheck) -> Outcome:
    """Apply one mutation in place (after clamping its stamp) and say what became of it."""
    stamp = hlc.clamp(mutation.stamp, received_ms)
    if mutation.op == "intent":
        return _intent(state, mutation, stamp, check_submit)
    if not lifecycle.accepts_data(state["status"]):
        keep_late(state, mutation, stamp, reason=f"report {state['status']}")
        return Outcome("late", "sync.report_closed", "报告已审核通过，变更另行保存",
                       "report already approved; kept as late data")
    write = {"t": list(stamp), "d": mutation.device, "u": user_id}
    if mutation.op == "answers":
        return _answers(state, mutation, write, check_answers)
    if mutation.op == "add":
        return _add(state, mutation, write)
    if mutation.op == "remove":
        state["sets"][mutation.body["set"]]["tombs"].setdefault(mutation.body["id"], {**write, "w": mutation.write_id})
        return APPLIED
    return _sign(state, mutation, write)


def keep_late(state: dict, mutation: Mutation, stamp: hlc.Stamp, *, reason: str) -> None:
    """Keep a mutation that may no longer change the report, with why, so its data is never lost."""
    state["late"].append({"w": mutation.write_id, "op": mutation.op, "body": mutation.body, "t": list(stamp),
                          "d": mutation.device, "reason": reason})


def _answers(state: dict, mutation: Mutation, write: dict, check: AnswerCheck) -> Outcome:
    item, values, base = mutation.body["item"], mutation.body["values"], mutation.body.get("base", {})
    merged = {**current_answers(state, item), **values}
    errors = check(item, merged, values)
    if errors:
        return Outcome("rejected", "sync.invalid_answer", "答案未通过表单校验", "answers fail the form's validation",
                       errors)
    for name, value in values.items():
        writes = state["fields"].setdefault(f"{item}/{name}", {})
        writes.setdefault(mutation.write_id, {**write, "v": value, "b": sorted(set(base.get(name, [])))})
    return APPLIED


def _add(state: dict, mutation: Mutation, write: dict) -> Outcome:
    adds = state["sets"][mutation.body["set"]]["adds"]
    element = adds.get(mutation.body["id"])
    if element is not None and element["v"] != mutation.body["value"]:
        return Outcome("rejected", "sync.element_exists", "该编号的元素已存在且内容不同",
                       "an element with this id exists with other content")
    adds.setdefault(mutation.body["id"], {**write, "v": mutation.body["value"], "w": mutation.write_id})
    return APPLIED


def _sign(state: dict, mutation: Mutation, write: dict) -> Outcome:
    slot, value = f"{mutation.body['item']}/{mutation.body['field']}", mutation.body["value"]
    existing = state["signatures"].get(slot)
    if existing is None:
        state["signatures"][slot] = {**write, "v": value, "w": mutation.write_id}
        return APPLIED
    if existing["v"] == value:
        return APPLIED
    state["attempts"].append({**write, "slot": slot, "v": value, "w": mutation.write_id})
    return Outcome("attempt", "sync.signature_exists", "签名只能写入一次，本次签名已另行记录",
                   "a signature is written once; this one is recorded as an attempt")


def _intent(state: dict, mutation: Mutation, stamp: hlc.Stamp, check_submit: SubmitCheck) -> Outcome:
    act = mutation.body["act"]
    target = lifecycle.next_status(state["status"], act)
    if target is None:
        keep_late(state, mutation, stamp, reason=f"{act} from {state['status']}")
        return Outcome("late", "sync.intent_late", f"报告当前状态（{state['status']}）不允许该操作，已记录",
                       f"{act} is no longer valid from {state['status']}; recorded as late")
    if act == "submit":
        errors = check_submit(state)
        if errors:
            return Outcome("rejected", "sync.incomplete", "报告不完整，不能提交", "the report is incomplete", errors)
    state["status"] = target
    return APPLIED


def _heads(writes: dict) -> list[str]:
    """Write ids of a field that no other write was based on."""
    superseded = {b for w in writes.values() for b in w["b"]}
    return [wid for wid in writes if wid not in superseded]


def _recency(writes: dict):
    """The order of a field's writes: clock, then device, then write id."""
    return lambda wid: (tuple(writes[wid]["t"]), writes[wid]["d"], wid)


def field_heads(writes: dict) -> list[str]:
    """Write ids of a field that no other write was based on, latest first."""
    return sorted(_heads(writes), key=_recency(writes), reverse=True)


def current_write(writes: dict) -> dict:
    """The current write of a field: its latest head (`field_heads(writes)[0]`, without sorting them all)."""
    if len(writes) == 1:  # the usual field, written once: its write is the head unless it names itself
        (wid, write), = writes.items()
        if wid not in write["b"]:
            return write
    heads = _heads(writes)
    if not heads:  # every write based on another (a device named ids it never saw): fails as field_heads[0]
        raise IndexError("a field without a head")
    return writes[max(heads, key=_recency(writes))]


def current_answers(state: dict, item: str) -> dict:
    """One item's answers as its form reads them: each field's current value, then the photos and audio
    elements that answer its media fields, then its signatures (into repeat rows where the path says so)."""
    prefix = f"{item}/"
    cut = len(prefix)
    out = {}
    for key, writes in state["fields"].items():
        if key.startswith(prefix):
            out[key[cut:]] = current_write(writes)["v"]
    sets = state["sets"]
    for name in MEDIA_SETS:
        entry = sets[name]
        if not entry["adds"]:
            continue
        tombs = entry["tombs"]
        answering = [(eid, e) for eid, e in entry["adds"].items()
                     if eid not in tombs and e["v"].get("item") == item and "field" in e["v"]]
        for _, element in sorted(answering, key=lambda kv: (kv[1]["t"], kv[0])):
            _place(out, element["v"]["field"], element["v"]["sha256"], append=True)
    signatures = state["signatures"]
    if signatures:
        for slot in sorted(slot for slot in signatures if slot.startswith(prefix)):
            _place(out, slot[cut:], signatures[slot]["v"], append=False)
    return out


def _place(answers: dict, path: str, value: object, *, append: bool) -> None:
    """Put a value at `field` or `rows[2].field`; a row that does not exist (yet) leaves it out."""
    *steps, last = path.split(".")
    target = answers
    for step in steps:
        name, index = step[:-1].split("[")
        rows, row = target.get(name), int(index)
        if not isinstance(rows, list) or row >= len(rows) or not isinstance(rows[row], dict):
            return
        # copies down the path: the rows are the state's own values, which reading must never change
        rows = target[name] = list(rows)
        rows[row] = target = dict(rows[row])
    if append:
        listed = target.get(last)
        target[last] = [*listed, value] if isinstance(listed, list) and value not in listed else \
            listed if isinstance(listed, list) else [value]
    else:
        target[last] = value


def live_elements(state: dict, name: str) -> dict:
    """Elements of one set that were added and not removed, by id."""
    entry = state["sets"][name]
    return {eid: e for eid, e in entry["adds"].items() if eid not in entry["tombs"]}


def media_hashes(state: dict) -> set[str]:
    """SHA-256 of every media file the report references now (live photos and audio, signatures)."""
    hashes = {e["v"]["sha256"] for name in MEDIA_SETS for e in live_elements(state, name).values()}
    hashes |= {s["v"]["attachment"] for s in state["signatures"].values() if "attachment" in s["v"]}
    return hashes
