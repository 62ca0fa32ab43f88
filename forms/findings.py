"""Findings implied by answers, and the result codes they suggest (DOMAIN.md §26).

A field may declare findings: `{"when": ". = 'no'", "result_codes": ["A"], "summary": {...}}`. When the
field is shown and answered and `when` holds (`.` is the answer), the finding is reported with the field's
path, its summary, the suggested codes and the legal basis (the finding's, else the nearest field's or
container's, else the form's). No finding suggests code 1 (未发现问题); the officer's result-code answer is what counts.
"""

from __future__ import annotations

from datetime import date

from forms.definition import Form
from forms.result_codes import NO_PROBLEM, ordered_codes
from forms.scope import start, walk
from forms.values import truthy


def findings(definition: dict | Form, answers: object, *, today: date | str | None = None) -> list[dict]:
    """The findings implied by the answers, in form order: path, field, summary, result_codes, legal_basis."""
    form, scope = start(definition, answers, today)
    if scope is None:
        return []
    found = []
    for field, where, path, shown in walk(scope):
        if not shown or not field.findings:
            continue
        value = where.value(field.name)
        if value is None:
            continue
        for when, finding in field.findings:
            if truthy(when(where, value)):
                found.append({"path": path, "field": field.name, "summary": dict(finding["summary"]),
                              "result_codes": ordered_codes(finding["result_codes"]),
                              "legal_basis": _basis(form, field, finding)})
    return found


def _basis(form, field, finding: dict) -> list[str]:
    if finding.get("legal_basis"):
        return list(finding["legal_basis"])
    node = field
    while node is not None:
        if node.spec.get("legal_basis"):
            return list(node.spec["legal_basis"])
        node = form.fields.get(node.parent) if node.parent else None
    return list(form.definition.get("legal_basis", []))


def suggested_result_codes(definition: dict | Form, answers: object, *, today: date | str | None = None) -> list[str]:
    """The union of the findings' codes in table order, or ["1"] (未发现问题) when nothing was found."""
    codes = {code for finding in findings(definition, answers, today=today) for code in finding["result_codes"]}
    return ordered_codes(codes) if codes else [NO_PROBLEM]
