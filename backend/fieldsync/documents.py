"""The documents a device pulls: tasks with what the inspector needs on site, reports as merged views."""

from __future__ import annotations

from backend.fieldsync import queries
from forms.definition import Form, parse_definition
from sync import lifecycle
from sync.merge import new_state
from sync.views import report_view


def task_document(task: dict, entities: dict, items: dict, inspectors: dict) -> dict:
    """A task as the field app shows it: the object, the items with their legal basis, the team, the forms."""
    entity = entities.get(task["entity"], {})
    return {
        "uid": task["uid"], "status": task["status"], "year": task["year"], "due_on": str(task["due_on"]),
        "entity": {k: entity.get(k) for k in ("uscc", "name", "address", "region", "kind")},
        "items": [{k: items[i][k] for k in ("id", "code", "name", "legal_basis", "content", "method", "department")}
                  for i in task["items"] if i in items],
        "team": [{"id": p, "name": inspectors.get(p, {}).get("name"),
                  "credential_no": inspectors.get(p, {}).get("credential_no"),
                  "role": "lead" if p == task["lead_inspector"] else "member"} for p in task["team"]],
        "experts": [{"id": p, "name": inspectors.get(p, {}).get("name")} for p in task["experts"]],
        "forms": task["forms"],
    }


def report_document(task: dict, report: dict | None) -> dict:
    """The report of a task as its merged view (an untouched task has an empty report)."""
    state = report["state"] if report else new_state(initial_status(task))
    return {"task": task["uid"], "version": report["version"] if report else 0,
            "return_reasons": report["return_reasons"] if report else [], **report_view(state)}


def initial_status(task: dict) -> str:
    """The status of a task's report before its first change: the task's, when it is a report status."""
    return task["status"] if task["status"] in lifecycle.STATUSES else "assigned"


def pins_of(tasks: list[dict]) -> set[tuple[str, int]]:
    """(form id, version) pinned by the tasks."""
    return {(f["form"], f["version"]) for t in tasks for f in t["forms"].values() if f.get("version")}


_PARSED: dict[tuple[str, int], Form] = {}
"""Parsed form versions: a pinned version never changes, so its parse is kept for the process's life."""


async def task_forms(task: dict) -> dict[str, Form]:
    """Item code -> parsed form of the version the task pinned."""
    pins = {code: (f["form"], f["version"]) for code, f in task["forms"].items() if f.get("version")}
    missing = set(pins.values()) - set(_PARSED)
    if missing:
        for pin, definition in (await queries.form_definitions(missing)).items():
            _PARSED[pin] = parse_definition(definition)
    return {code: _PARSED[pin] for code, pin in pins.items() if pin in _PARSED}
