"""Ordering a device's pushed mutations (pure): replay, key reuse, gaps, and what is new.

Each device numbers its mutations 1, 2, 3, … The server keeps, per device, the next number it expects and
the digest and outcome of every mutation it took. Each pushed mutation, in order, is one of:
- `replay`: a number already taken with the same digest: answer the stored outcome, change nothing;
- `reused`: a number already taken with a different digest: refused with its own code, never ignored;
- `new`: the expected number: apply it, then remember it (`Ledger.take`);
- `gap`: a number past the expected one: the batch stops there and the answer names the expected number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sync.mutations import digest


@dataclass
class Ledger:
    """One device's numbering as the server knows it, during one push."""

    next_seq: int = 1
    taken: dict[int, tuple[str, dict]] = field(default_factory=dict)
    """seq -> (digest, outcome) of the numbers below next_seq this push may see again."""

    def classify(self, raw: dict) -> tuple[str, dict | None]:
        """(kind, stored outcome for a replay) of the next mutation of the batch."""
        seq = raw["seq"]
        if seq == self.next_seq:
            return "new", None
        if seq > self.next_seq:
            return "gap", None
        stored = self.taken.get(seq)
        if stored is not None and stored[0] == digest(raw):
            return "replay", stored[1]
        return "reused", None

    def take(self, raw: dict, outcome: dict) -> None:
        """Remember a new mutation as taken; the next number is expected after it."""
        self.taken[raw["seq"]] = (digest(raw), outcome)
        self.next_seq = raw["seq"] + 1
