"""`validate_fields` reports exactly what `validate` reports at the named answers, for every vector case."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from forms.definition import parse_definition
from forms.validate import validate, validate_fields

VECTORS = Path(__file__).resolve().parents[3] / "forms" / "vectors"


def cases():
    for path in sorted(VECTORS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "definition" not in data or "cases" not in data:
            continue
        for case in data["cases"]:
            if isinstance(case.get("answers"), dict) and "errors" in case.get("expect", {}):
                yield pytest.param(data["definition"], case, id=f"{path.stem}:{case['name']}")


def top(path: str) -> str:
    return path.split("[", 1)[0].split(".", 1)[0]


@pytest.mark.parametrize("definition,case", list(cases()))
def test_the_errors_at_some_fields_are_the_full_validation_s_errors_there(definition, case):
    form = parse_definition(definition)
    names = sorted(set(case["answers"]) | set(form.answer_names))
    full = validate(form, case["answers"], today=case.get("today"))
    for size in (1, 2):
        for chosen in itertools.islice(itertools.combinations(names, size), 40):
            expected = sorted((e.path, e.code) for e in full if top(e.path) in chosen)
            found = sorted((e.path, e.code) for e in validate_fields(form, case["answers"], chosen,
                                                                     today=case.get("today")))
            assert found == expected, chosen
