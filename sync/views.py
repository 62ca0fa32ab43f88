"""What a device or reviewer sees of a report state (pure): answers, heads to base edits on, conflicts."""

from __future__ import annotations

from sync.merge import current_answers, field_heads, live_elements, media_hashes
from sync.mutations import MEDIA_SETS, SETS


def report_view(state: dict) -> dict:
    """The report as JSON for pull and review: answers as the forms read them (photos, audio and signatures
    in their fields), the heads of each field, open conflicts, live set elements, signatures, recorded
    signature attempts, late data and the media it needs."""
    heads: dict[str, list[str]] = {}
    conflicts = []
    for key in sorted(state["fields"]):
        writes = state["fields"][key]
        ids = field_heads(writes)
        item, name = key.split("/", 1)
        current = writes[ids[0]]
        heads[key] = ids
        others = [_write(wid, writes[wid]) for wid in ids[1:] if writes[wid]["v"] != current["v"]]
        if others:
            conflicts.append({"item": item, "field": name, "current": _write(ids[0], current), "others": others})
    answers = {item: current_answers(state, item) for item in _items(state)}
    view = {"status": state["status"], "answers": answers, "heads": heads, "conflicts": conflicts,
            "signatures": {slot: s["v"] for slot, s in sorted(state["signatures"].items())},
            "attempts": [{"slot": a["slot"], "value": a["v"], "write": a["w"], "device": a["d"], "hlc": a["t"]}
                         for a in state["attempts"]],
            "late": state["late"], "media": sorted(media_hashes(state))}
    for name in SETS:
        elements = live_elements(state, name)
        view[name] = [{"id": eid, **e["v"]} for eid, e in sorted(elements.items(), key=lambda kv: (kv[1]["t"], kv[0]))]
    return view


def _items(state: dict) -> list[str]:
    items = {key.split("/", 1)[0] for key in state["fields"]} | {slot.split("/", 1)[0] for slot in state["signatures"]}
    items |= {e["v"]["item"] for name in MEDIA_SETS for e in live_elements(state, name).values() if "item" in e["v"]}
    return sorted(items)


def history(state: dict, item: str, name: str) -> list[dict]:
    """Every write of one field, oldest first: what the reviewer sees when asking "what changed here"."""
    writes = state["fields"].get(f"{item}/{name}", {})
    return [_write(wid, w) for wid, w in sorted(writes.items(), key=lambda kv: (kv[1]["t"], kv[1]["d"], kv[0]))]


def _write(wid: str, write: dict) -> dict:
    return {"write": wid, "value": write["v"], "device": write["d"], "hlc": write["t"], "user": write.get("u"),
            "based_on": write["b"]}
