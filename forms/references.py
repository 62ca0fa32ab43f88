"""How expressions reach other fields: resolution rules, unknown names, cycles, and compilation per field.

A reference inside a repeat row reads the sibling in the same row; a form-level field reads the form-level
value; a repeat's field (or the repeat itself) can only be read from outside its rows through count(),
sum(), min() or max(). A field's value depends on its relevance, its containers' relevance and (calculate)
its calculation; those dependencies must not form a cycle.
"""

from __future__ import annotations

from forms.errors import FormError
from forms.evaluation import compile_expression
from forms.expressions import references
from forms.structure import error

VALUE_DEPENDENCIES = ("relevant", "calculation")


class ReferenceProblem(Exception):
    """A reference that breaks the rules: code and both messages."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def resolve(owner, name: str, in_aggregate: bool, fields: dict) -> tuple[str, str | None]:
    """Where `name` is read from an expression of `owner` (see forms.evaluation); raises ReferenceProblem."""
    target = fields.get(name)
    if target is None:
        raise ReferenceProblem("unknown_reference", f"{owner.name} 引用了不存在的字段 {name}",
                               f"{owner.name} refers to {name!r}, which does not exist")
    if target.type in ("section", "group", "note"):
        raise ReferenceProblem("not_a_value", f"{owner.name} 引用的 {name} 是{target.type}，没有值",
                               f"{owner.name} refers to {name!r}, a {target.type} that holds no value")
    if target.type == "repeat":
        if not in_aggregate:
            raise ReferenceProblem("repeat_reference", f"{owner.name} 只能通过 count() 等函数引用重复组 {name}",
                                   f"{owner.name} may refer to the repeat {name!r} only inside count/sum/min/max")
        return "rows", name
    if target.repeat is None:
        return "top", None
    if target.repeat == owner.repeat:
        return "row", None
    if in_aggregate:
        return "column", target.repeat
    raise ReferenceProblem("repeat_reference",
                           f"{owner.name} 只能通过 count/sum/min/max 引用重复组 {target.repeat} 中的 {name}",
                           f"{owner.name} may read {name!r} (in repeat {target.repeat!r}) "
                           "only inside count/sum/min/max")


def check_references(fields: dict) -> list[FormError]:
    """One error per reference that does not resolve, at the path of the expression holding it."""
    errors = []
    for owner in fields.values():
        for key, node in owner.expressions.items():
            for name, in_aggregate in references(node):
                try:
                    resolve(owner, name, in_aggregate, fields)
                except ReferenceProblem as problem:
                    errors.append(error(f"{owner.source}.{key}", problem.code, problem.zh, problem.en))
    return errors


def dependencies(node, fields: dict) -> list[str]:
    """The names whose values `node`'s own value depends on: its container and its relevance/calculation."""
    names = [node.parent] if node.parent else []
    for key in VALUE_DEPENDENCIES:
        if key in node.expressions:
            names += [name for name, _ in references(node.expressions[key]) if name in fields]
    return names


def find_cycles(fields: dict) -> list[FormError]:
    """An error per field that closes a cycle among relevance and calculations, naming the fields on it."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    errors, reported = [], set()
    for start in fields:
        if state.get(start):
            continue
        path, stack = [start], [iter(dependencies(fields[start], fields))]
        state[start] = 1
        while stack:
            name = next(stack[-1], None)
            if name is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(name) == 1 and name not in reported:
                loop = path[path.index(name):] + [name]
                reported.add(name)
                first = fields[loop[0]]
                errors.append(error(first.source, "cycle", f"循环引用：{' → '.join(loop)}",
                                    f"circular reference: {' → '.join(loop)}"))
            elif not state.get(name):
                state[name] = 1
                path.append(name)
                stack.append(iter(dependencies(fields[name], fields)))
    return errors


def compile_fields(fields: dict) -> None:
    """Attach compiled closures to every field of a checked definition (relevant, required, constraint, …)."""
    for owner in fields.values():
        def place(name: str, in_aggregate: bool, owner=owner) -> tuple[str, str | None]:
            return resolve(owner, name, in_aggregate, fields)

        compiled = {key: compile_expression(node, place) for key, node in owner.expressions.items()}
        owner.relevant = compiled.get("relevant")
        owner.constraint = compiled.get("constraint")
        owner.calculation = compiled.get("calculation")
        required = owner.spec.get("required", False)
        owner.required = compiled["required"] if isinstance(required, str) else required
        findings = owner.spec.get("findings") or []
        owner.findings = tuple((compiled[f"findings[{i}].when"], finding) for i, finding in enumerate(findings))
