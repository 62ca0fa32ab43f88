"""Validate answers against a form (pure): required, types, options, ranges, counts, constraints, repeats.

    errors = validate(definition, answers, today=date(2025, 3, 1))   # [] when the answers may be submitted

`definition` is a definition dict or a parsed `Form` (parse once with `parse_definition` when validating
many answer sets). Hidden fields (relevance false, or inside a hidden section, group or repeat) are neither
required nor checked. Paths name answers: `licence_no`, `products[3].batch_no` (rows count from 0).
`findings` and `suggested_result_codes` (re-exported from `forms.findings`) read the same answers.
"""

from __future__ import annotations

from datetime import date

from forms.answers import read_answer
from forms.definition import Form
from forms.errors import FormError
from forms.findings import findings, suggested_result_codes
from forms.messages import answer_message
from forms.scope import start, walk
from forms.values import is_missing, truthy

__all__ = ["validate", "validate_fields", "visibility", "calculated_values", "findings", "suggested_result_codes",
           "walk"]
HARD = frozenset({"type", "choice", "result_code"})
"""Answer errors after which the value is unusable (no range or constraint check follows)."""
ANSWERED = frozenset({"yes_no_na", "select_one", "select_multiple", "text", "integer", "decimal", "date", "time",
                      "photo", "audio", "signature", "geopoint", "result_code"})


def validate(definition: dict | Form, answers: object, *, today: date | str | None) -> list[FormError]:
    """Every error of the answers, in form order, then answers the form does not know (sorted)."""
    form, scope = start(definition, answers, today)
    if scope is None:
        return [_error("", "not_an_object")]
    errors = _check_shown(walk(scope))
    errors += [_error(name, "unknown_field", name=name) for name in sorted(answers) if name not in form.answer_names]
    return errors


def validate_fields(definition: dict | Form, answers: object, names, *, today: date | str | None) -> list[FormError]:
    """The errors `validate` reports at the named answers (and inside them, for repeats), found without walking
    the rest of the form: what a server checks when a device changes a few fields."""
    form, scope = start(definition, answers, today)
    if scope is None:
        return [_error("", "not_an_object")]
    unknown = [_error(name, "unknown_field", name=name) for name in names if name not in form.answer_names]
    roots = [form.fields[name] for name in names if name in form.answer_names]
    return unknown + _check_shown(walk(scope, roots=roots))


def _check_shown(nodes) -> list[FormError]:
    """The errors of the shown answers and repeats among walked nodes."""
    errors: list[FormError] = []
    for field, where, path, shown in nodes:
        if not shown:
            continue
        if field.type in ANSWERED:
            _check_answer(field, where, path, errors)
        elif field.type == "repeat":
            _check_rows(field, where, path, errors)
    return errors


def _error(path: str, code: str, field=None, **details) -> FormError:
    zh, en = answer_message(code, field, **details)
    return FormError(path, code, zh, en)


def _check_answer(field, scope, path: str, errors: list[FormError]) -> None:
    raw = scope.raw.get(field.name)
    if is_missing(raw):
        required = field.required
        if required is True or (required is not False and truthy(required(scope, None))):
            errors.append(_error(path, "required", field))
        return
    value, code = read_answer(field, raw)
    if code:
        errors.append(_error(path, code, field))
        if code in HARD:
            return
    spec = field.spec
    if field.type in ("integer", "decimal"):
        low, high = spec.get("min"), spec.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            errors.append(_error(path, "range", field, low=low, high=high))
    elif field.type in ("photo", "audio"):
        _check_count(field, len(value), spec.get("min_count"), spec.get("max_count"), path, errors)
    if field.constraint is not None and not truthy(field.constraint(scope, value)):
        errors.append(_error(path, "constraint", field))


def _check_count(field, count: int, low, high, path: str, errors: list[FormError]) -> None:
    if low is not None and count < low:
        errors.append(_error(path, "too_few", field, low=low))
    elif high is not None and count > high:
        errors.append(_error(path, "too_many", field, high=high))


def _check_rows(field, scope, path: str, errors: list[FormError]) -> None:
    """The repeat's own answer: a list of objects, within min_rows/max_rows, holding only its fields."""
    raw = scope.raw.get(field.name)
    if raw is not None and type(raw) is not list:
        errors.append(_error(path, "type", field))
        return
    rows = raw or []
    _check_count(field, len(rows), field.spec.get("min_rows"), field.spec.get("max_rows"), path, errors)
    names = {child.name for child in field.children}
    for index, row in enumerate(rows):
        if type(row) is not dict:
            errors.append(_error(f"{path}[{index}]", "type", field))
            continue
        errors += [_error(f"{path}[{index}].{key}", "unknown_field", name=key)
                   for key in sorted(row) if key not in names]


def visibility(definition: dict | Form, answers: object, *, today: date | str | None) -> dict[str, bool]:
    """Answer path → shown, for every section, group, repeat, question (per row) of the form."""
    _, scope = start(definition, answers if type(answers) is dict else {}, today)
    return {path: shown for _, _, path, shown in walk(scope, hidden=True)}


def calculated_values(definition: dict | Form, answers: object, *, today: date | str | None) -> dict[str, object]:
    """Answer path → value of every calculate field, as JSON (dates 'YYYY-MM-DD', lists, null when missing)."""
    _, scope = start(definition, answers if type(answers) is dict else {}, today)
    return {path: json_value(where.value(field.name))
            for field, where, path, _ in walk(scope, hidden=True) if field.type == "calculate"}


def json_value(value: object) -> object:
    """An expression value as JSON: dates as text, lists as arrays, integral numbers stay numbers."""
    if isinstance(value, date):
        return value.isoformat()
    if type(value) is tuple:
        return list(value)
    if type(value) is float and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value
