"""Joint inspections (部门联合抽查, 进一次门、查多项事): one task per object with every department's items.

Objects drawn by several departments in one period merge into one task: one visit, one team, one
publication (DOMAIN.md §14). The merged task keeps each item with its department; its team must cover
the department-scoped tokens of every item (`roster.required_tokens(..., scoped=True)`), so each
department's items are checked by that department's own qualified officers and each participating
department sends at least one officer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from backend.planning.roster import required_tokens


@dataclass(frozen=True, slots=True)
class Item:
    """An inspection item of a department's list, with the qualifications it needs."""

    code: str
    qualifications: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ObjectTask:
    """One department's task on one object: the items it will check there."""

    object_id: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class JointTask:
    """The merged task of an object: departments and (department, item) pairs, both sorted."""

    object_id: str
    departments: tuple[str, ...]
    items: tuple[tuple[str, Item], ...]

    @property
    def joint(self) -> bool:
        """Whether more than one department takes part."""
        return len(self.departments) > 1

    def required(self, *, scoped: bool = True) -> frozenset[str]:
        """The coverage tokens the object's team must hold."""
        return required_tokens(((d, item.qualifications) for d, item in self.items), scoped=scoped)


def merge_joint(tasks_by_department: Mapping[str, Iterable[ObjectTask]]) -> list[JointTask]:
    """One task per object over all departments' tasks, sorted by object id; repeated items kept once."""
    merged: dict[str, dict[tuple[str, str], Item]] = {}
    for department, tasks in tasks_by_department.items():
        for task in tasks:
            items = merged.setdefault(task.object_id, {})
            for item in task.items:
                known = items.get((department, item.code))
                quals = tuple(sorted({*item.qualifications, *(known.qualifications if known else ())}))
                items[(department, item.code)] = Item(item.code, quals)
    result = []
    for object_id in sorted(merged):
        pairs = tuple((d, merged[object_id][(d, code)]) for d, code in sorted(merged[object_id]))
        departments = tuple(sorted({d for d, _ in pairs}))
        result.append(JointTask(object_id, departments, pairs))
    return result
