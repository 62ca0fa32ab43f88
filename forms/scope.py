"""What expressions see while a form is checked: visible, typed values, computed lazily and remembered.

A field's value is missing while it is hidden (its own relevance or a container's is false), so relevance
chains cascade; calculations are computed on first use. The form-level scope owns one RowScope per row of
each repeat. Definitions are checked for cycles before they get here, so the lazy order always ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from forms.answers import read_answer
from forms.definition import Form, parse_definition
from forms.values import parse_date, truthy


class FormScope:
    """The form-level scope over an answers dict, for one evaluation (`today` is passed in, never read)."""

    __slots__ = ("form", "raw", "today", "top", "values", "shown", "rows")

    def __init__(self, form, answers: dict, today: date | None) -> None:
        self.form, self.raw, self.today, self.top = form, answers, today, self
        self.values: dict = {}
        self.shown: dict = {}
        self.rows: dict = {}

    def visible(self, name: str) -> bool:
        """Whether the field (section, group, repeat) is shown: its containers and its relevance hold."""
        shown = self.shown.get(name)
        if shown is None:
            field = self.form.fields[name]
            shown = (field.parent is None or self.visible(field.parent)) and (
                field.relevant is None or truthy(field.relevant(self, None)))
            self.shown[name] = shown
        return shown

    def value(self, name: str) -> object:
        """The field's value for expressions: missing when hidden, unanswered or of the wrong type."""
        if name in self.values:
            return self.values[name]
        field = self.form.fields[name]
        if not self.visible(name):
            value = None
        elif field.calculation is not None:
            value = field.calculation(self, None)
        else:
            value = read_answer(field, self.raw.get(name))[0]
        self.values[name] = value
        return value

    def row_scopes(self, repeat: str) -> list:
        """One scope per row of a visible repeat; rows that are not objects are left out (and reported)."""
        scopes = self.rows.get(repeat)
        if scopes is None:
            rows = self.raw.get(repeat) if self.visible(repeat) else None
            rows = rows if type(rows) is list else []
            scopes = [RowScope(self, repeat, row, i) for i, row in enumerate(rows) if type(row) is dict]
            self.rows[repeat] = scopes
        return scopes

    def row_count(self, repeat: str) -> int:
        """The number of rows of the repeat (0 when hidden)."""
        return len(self.row_scopes(repeat))

    def column(self, repeat: str, name: str) -> list:
        """The field's value in every row of the repeat."""
        return [row.value(name) for row in self.row_scopes(repeat)]


class RowScope:
    """One row of a repeat: siblings are read here, everything else in the form-level scope."""

    __slots__ = ("top", "repeat", "raw", "index", "values", "shown")

    def __init__(self, top: FormScope, repeat: str, raw: dict, index: int) -> None:
        self.top, self.repeat, self.raw, self.index = top, repeat, raw, index
        self.values: dict = {}
        self.shown: dict = {}

    @property
    def form(self):
        """The form being evaluated."""
        return self.top.form

    def visible(self, name: str) -> bool:
        """Whether the field is shown in this row (the repeat itself is visible, or the row would not exist)."""
        shown = self.shown.get(name)
        if shown is None:
            relevant = self.top.form.fields[name].relevant
            shown = relevant is None or truthy(relevant(self, None))
            self.shown[name] = shown
        return shown

    def value(self, name: str) -> object:
        """The sibling's value in this row: missing when hidden, unanswered or of the wrong type."""
        if name in self.values:
            return self.values[name]
        field = self.top.form.fields[name]
        if not self.visible(name):
            value = None
        elif field.calculation is not None:
            value = field.calculation(self, None)
        else:
            value = read_answer(field, self.raw.get(name))[0]
        self.values[name] = value
        return value


def start(definition: dict | Form, answers: object, today: date | str | None) -> tuple[Form, FormScope | None]:
    """The parsed form and a fresh scope (None when the answers are not a JSON object)."""
    form = parse_definition(definition)
    if isinstance(today, str):
        day = parse_date(today)
        if day is None:
            raise ValueError(f"today must be YYYY-MM-DD, not {today!r}")
        today = day
    return form, FormScope(form, answers, today) if type(answers) is dict else None


def walk(scope: FormScope, *, hidden: bool = False,
         roots: list | None = None) -> Iterator[tuple[object, object, str, bool]]:
    """Every node as (field, scope, answer path, shown), in form order; hidden subtrees only if `hidden`.
    `roots` (fields of the form level) walks only their subtrees."""
    stack = [(section, scope, section.name) for section in reversed(roots or scope.form.sections)]
    while stack:
        field, where, path = stack.pop()
        shown = where.visible(field.name)
        yield field, where, path, shown
        if not shown and not hidden:
            continue
        if field.type == "repeat":
            rows = where.row_scopes(field.name)
            stack.extend((child, row, f"{path}[{row.index}].{child.name}")
                         for row in reversed(rows) for child in reversed(field.children))
        elif field.children:
            stack.extend((child, where, child.name) for child in reversed(field.children))
