"""Property: any interleaving, duplication, reordering and retry of several devices' deliveries (a lead's
edits among them) converges to one state, in which every value ever written is current, a visible
conflict, or history superseded by a write made by someone who saw it."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from sync import merge
from sync.ledger import Ledger
from sync.merge import field_heads
from sync.mutations import parse
from sync.views import history, report_view

DEVICES = [str(uuid.UUID(int=n)) for n in range(1, 5)]  # the last one is the team lead's
TASK = str(uuid.UUID(int=99))
FIELDS = ("a", "b", "c")
NOW = 1_800_000_000_000


def _ok(*_args) -> list:
    return []


class Server:
    """The server side of push, reduced to its rules: a ledger per device and one report state."""

    def __init__(self) -> None:
        self.state = merge.new_state("in_progress")
        self.ledgers = {d: Ledger() for d in DEVICES}

    def deliver(self, batch: list[dict]) -> None:
        for raw in batch:
            kind, _ = self.ledgers[raw["device"]].classify(raw)
            if kind == "gap":
                return
            if kind == "new":
                outcome = merge.apply(self.state, parse(raw), received_ms=NOW, user_id=1, check_answers=_ok,
                                      check_submit=_ok)
                self.ledgers[raw["device"]].take(raw, outcome.as_dict())


@st.composite
def histories(draw) -> dict[str, list[dict]]:
    """Each device's mutations in its own order; bases are the heads among the writes it had seen."""
    scripts: dict[str, list[dict]] = {d: [] for d in DEVICES}
    made: list[tuple[str, dict]] = []  # (field, write) in creation order
    for step in range(draw(st.integers(1, 24))):
        device = draw(st.sampled_from(DEVICES))
        seq = len(scripts[device]) + 1
        kind = draw(st.sampled_from(["answer", "answer", "add", "remove"]))
        raw = {"device": device, "seq": seq, "task": TASK, "hlc": [NOW - 1000 + draw(st.integers(0, 5)), step]}
        if kind == "answer":
            name = draw(st.sampled_from(FIELDS))
            seen = [w for f, w in made if f == name and (w["d"] == device or draw(st.booleans()))]
            known = {w["id"]: {"b": w["b"], "t": w["t"], "d": w["d"]} for w in seen}
            base = field_heads(known) if device != DEVICES[-1] else list(known)  # the lead resolves all it saw
            value = draw(st.sampled_from(["是", "否", "不适用", f"v{step}"]))
            raw.update(op="answers", item="X", values={name: value}, base={name: base})
            made.append((name, {"id": f"{device}:{seq}", "b": base, "t": raw["hlc"], "d": device, "v": value}))
        elif kind == "add":
            raw.update(op="add", set="notes", id=str(uuid.UUID(int=1000 + step)), value={"text": f"n{step}"})
        else:
            raw.update(op="remove", set="notes", id=str(uuid.UUID(int=1000 + draw(st.integers(0, step)))))
        scripts[device].append(raw)
    return {"scripts": scripts, "writes": made}


@st.composite
def schedules(draw, scripts: dict[str, list[dict]]) -> list[list[dict]]:
    """Batches as a flaky network delivers them: any device's slice, duplicated, out of order, retried."""
    batches = []
    for _ in range(draw(st.integers(0, 30))):
        device = draw(st.sampled_from(DEVICES))
        script = scripts[device]
        if script:
            start = draw(st.integers(0, len(script) - 1))
            batches.append(script[start:start + draw(st.integers(1, 4))])
    # every device eventually retries its whole outbox until the server has it all
    batches += [scripts[d] for d in draw(st.permutations(DEVICES))]
    return batches


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_deliveries_converge_and_nothing_written_is_lost(data):
    generated = data.draw(histories())
    scripts = generated["scripts"]
    servers = []
    for _ in range(2):
        server = Server()
        for batch in data.draw(schedules(scripts)):
            server.deliver(batch)
        servers.append(server)
    reference = Server()
    for device in DEVICES:
        reference.deliver(scripts[device])
    views = [report_view(s.state) for s in (*servers, reference)]
    assert views[0] == views[1] == views[2]
    for name, write in generated["writes"]:
        view = views[0]
        conflict_values = [o["value"] for c in view["conflicts"] if c["field"] == name for o in c["others"]]
        visible = view["answers"].get("X", {}).get(name) == write["v"] or write["v"] in conflict_values
        superseded = any(write["id"] in w["based_on"] for w in history(servers[0].state, "X", name))
        assert visible or superseded, (name, write)
        assert write["id"] in [w["write"] for w in history(servers[0].state, "X", name)]
