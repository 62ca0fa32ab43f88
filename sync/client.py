"""A reference device (pure protocol, transport passed in): what the PWA does, in Python, for the tests
and the load benchmark.

    device = Device(transport, device_id=uuid, clock=lambda: time_ms)
    device.pull()                      # tasks, reports, forms
    device.answer(task, "SP-01", {"licence_ok": "yes"})
    device.add(task, "photos", {"sha256": h, "item": "SP-01", "field": "licence_photos"})
    device.push()                      # in order; an item leaves the outbox only once acknowledged

`transport(path, body) -> (status, json)` sends one request; it may raise (connection cut), and the device
simply keeps its outbox for the next try. Mutations already acknowledged are kept too (`retained`), so a
device can push again what a server restored from a backup lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sync import hlc

Transport = Callable[[str, dict], tuple[int, dict]]
RETAIN = 10_000


class SyncRefused(RuntimeError):
    """The server refused a request as a whole (a 4xx): the outbox is kept, a person must look."""

    def __init__(self, status: int, body: dict) -> None:
        super().__init__(f"{status}: {body.get('code')}")
        self.status, self.body = status, body


class Device:
    """One phone: its outbox, its clock, its cursor and its copy of tasks, reports and forms."""

    def __init__(self, transport: Transport, *, device_id: str | None = None,
                 clock: Callable[[], int]) -> None:
        self.transport, self.clock = transport, clock
        self.device_id = device_id or str(uuid.uuid4())
        self.next_seq, self.stamp = 1, (0, 0)
        self.outbox: list[dict] = []
        self.retained: list[dict] = []
        self.outcomes: dict[int, dict] = {}
        self.cursor: str | None = None
        self.tasks: dict[str, dict] = {}
        self.reports: dict[str, dict] = {}
        self.forms: dict[tuple[str, int], dict] = {}
        self.local_heads: dict[tuple[str, str], list[str]] = {}

    # -- recording offline -------------------------------------------------------------------------
    def _queue(self, task: str, op: str, **body) -> dict:
        self.stamp = hlc.tick(self.stamp, self.clock())
        mutation = {"device": self.device_id, "seq": self.next_seq, "task": task, "hlc": list(self.stamp),
                    "op": op, **body}
        self.next_seq += 1
        self.outbox.append(mutation)
        return mutation

    def answer(self, task: str, item: str, values: dict) -> dict:
        """Answer fields of one item, based on the values this device last saw of them."""
        base = {name: self.heads(task, item, name) for name in values}
        mutation = self._queue(task, "answers", item=item, values=values, base=base)
        for name in values:
            self.local_heads[(task, f"{item}/{name}")] = [f"{self.device_id}:{mutation['seq']}"]
        return mutation

    def heads(self, task: str, item: str, name: str) -> list[str]:
        """The write ids of a field this device knows as live (its own newer write first)."""
        key = f"{item}/{name}"
        if (task, key) in self.local_heads:
            return self.local_heads[(task, key)]
        return list(self.reports.get(task, {}).get("heads", {}).get(key, []))

    def add(self, task: str, set_name: str, value: dict, element_id: str | None = None) -> dict:
        """Add an element (photo, audio, finding, note) to one of the report's sets."""
        return self._queue(task, "add", set=set_name, id=element_id or str(uuid.uuid4()), value=value)

    def remove(self, task: str, set_name: str, element_id: str) -> dict:
        """Remove an element for good (a tombstone)."""
        return self._queue(task, "remove", set=set_name, id=element_id)

    def sign(self, task: str, item: str, field: str, value: dict) -> dict:
        """Write a signature (or a refusal) into a signature field; a field is signed once."""
        return self._queue(task, "sign", item=item, field=field, value=value)

    def intent(self, task: str, act: str) -> dict:
        """Ask for a status change: start, submit or withdraw."""
        return self._queue(task, "intent", act=act)

    # -- talking to the server ---------------------------------------------------------------------
    def push(self, batch: int = 100) -> int:
        """Send the outbox in order; returns how many were acknowledged. Stops at a refusal it cannot fix."""
        acknowledged = 0
        while self.outbox:
            status, body = self.transport("/api/v1/sync/push", {"device": self.device_id,
                                                                 "mutations": self.outbox[:batch]})
            if status >= 400:
                raise SyncRefused(status, body)
            done = {r["seq"]: r for r in body["results"] if r["ack"]}
            self.outcomes.update(done)
            kept = [m for m in self.outbox if m["seq"] not in done]
            self.retained = (self.retained + [m for m in self.outbox if m["seq"] in done])[-RETAIN:]
            acknowledged += len(self.outbox) - len(kept)
            self.outbox = kept
            if body["gap"] and self.outbox and self.outbox[0]["seq"] > body["next_seq"]:
                self._resend_from(body["next_seq"])
            elif not done:
                break  # nothing more the server will take now (a reused key): keep it for a person
        return acknowledged

    def _resend_from(self, seq: int) -> None:
        """The server lacks mutations from `seq` on (restored from a backup): queue them again, in order."""
        lost = [m for m in self.retained if m["seq"] >= seq]
        self.retained = [m for m in self.retained if m["seq"] < seq]
        self.outbox = sorted(lost + self.outbox, key=lambda m: m["seq"])

    def pull(self, limit: int = 100) -> int:
        """Pull until the server has nothing more; returns how many documents arrived."""
        received = 0
        while True:
            status, body = self.transport("/api/v1/sync/pull", {"device": self.device_id, "cursor": self.cursor,
                                                                 "limit": limit})
            if status >= 400:
                raise SyncRefused(status, body)
            if body.get("reset"):
                self._reset(body)
                continue
            received += self._take(body)
            self.cursor = body["cursor"]
            if not body["more"]:
                return received

    def _reset(self, body: dict) -> None:
        if body["reset"] == "server_behind":
            self._resend_from(body["device_next"])
            self.push()
        for uid in body.get("removed", []):
            self.tasks.pop(uid, None)
            self.reports.pop(uid, None)
        self.cursor = None

    def _take(self, body: dict) -> int:
        for task in body["tasks"]:
            self.tasks[task["uid"]] = task
        for report in body["reports"]:
            self.reports[report["task"]] = report
            if not self._pending(report["task"]):  # the server's heads now include this device's writes
                self.local_heads = {k: v for k, v in self.local_heads.items() if k[0] != report["task"]}
        for form in body["forms"]:
            self.forms[(form["form"], form["version"])] = form["definition"]
        return len(body["tasks"]) + len(body["reports"])

    def _pending(self, task: str) -> bool:
        return any(m["task"] == task for m in self.outbox)

    def sync(self) -> None:
        """Push what is waiting, then pull what changed."""
        self.push()
        self.pull()
