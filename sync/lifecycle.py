"""The report state machine (pure): which status intent or review act is valid from which status.

    assigned → in_progress → submitted → approved
                    ↑   ↖ withdraw ↙ │
                    └──── returned ←─┘ (return, with reasons)

An approved report is final: nothing a device sends afterwards changes it (it is kept as late data).
"""

from __future__ import annotations

TRANSITIONS: dict[str, dict[str, str]] = {
    "start": {"assigned": "in_progress", "returned": "in_progress"},
    "submit": {"assigned": "submitted", "in_progress": "submitted", "returned": "submitted"},
    "withdraw": {"submitted": "in_progress"},
    "approve": {"submitted": "approved"},
    "return": {"submitted": "returned"},
}
"""act -> {from status: to status}. Submitting a returned report resubmits it."""

DEVICE_INTENTS = frozenset({"start", "submit", "withdraw"})
"""Acts a field device may send as intents; approve and return are the reviewer's, through the API."""

EDITABLE = frozenset({"assigned", "in_progress", "submitted", "returned"})
"""Statuses in which answers, media and signatures still merge. A submitted report still takes a second
device's offline edits (the reviewer then sees them, and any conflict); only approval closes it."""

STATUSES = ("assigned", "in_progress", "submitted", "returned", "approved")


def next_status(status: str, act: str) -> str | None:
    """The status after `act`, or None when the act is not valid from `status`."""
    return TRANSITIONS.get(act, {}).get(status)


def accepts_data(status: str) -> bool:
    """Whether data mutations still merge into the report (else they are kept as late data)."""
    return status in EDITABLE
