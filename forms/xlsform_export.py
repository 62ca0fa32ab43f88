"""XLSForm export: a definition written back as survey, choices, settings (and findings) sheets.

Expressions are written in XLSForm style (`${field}`), sections become top-level groups, photo becomes
`image`; reading the file back with `read_xlsform` gives the same definition.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from forms.definition import parse_definition
from forms.expressions import expression_text, parse_expression

SURVEY_COLUMNS = ("type", "name", "label::zh", "label::en", "hint::zh", "hint::en", "required", "relevant",
                  "constraint", "constraint_message::zh", "constraint_message::en", "calculation", "unit", "min",
                  "max", "min_count", "max_count", "min_rows", "max_rows", "personal_data", "trade_secret",
                  "legal_basis")
EXPORTED_TYPES = {"photo": "image"}


def xlsform_expression(text: str) -> str:
    """An expression in XLSForm style: references as ${name}."""
    return expression_text(parse_expression(text), xlsform=True)


def survey_row(node: dict, kind: str) -> dict:
    """The survey cells of one field, group, repeat or section (kind `begin_group` for a section)."""
    label = node.get("label") or node.get("title") or {}
    cells = {"type": kind, "name": node["name"], "label::zh": label.get("zh"), "label::en": label.get("en")}
    for key in ("hint", "constraint_message"):
        cells |= {f"{key}::{lang}": text for lang, text in (node.get(key) or {}).items()}
    required = node.get("required")
    cells["required"] = "yes" if required is True else None
    if isinstance(required, str):
        cells["required"] = xlsform_expression(required)
    for key in ("relevant", "constraint", "calculation"):
        cells[key] = xlsform_expression(node[key]) if key in node else None
    for key in ("unit", "min", "max", "min_count", "max_count", "min_rows", "max_rows"):
        cells[key] = node.get(key)
    for key in ("personal_data", "trade_secret"):
        cells[key] = "yes" if node.get(key) else None
    cells["legal_basis"] = "\n".join(node["legal_basis"]) if node.get("legal_basis") else None
    return cells


def survey_rows(nodes: list[dict], rows: list[dict], findings: list[dict]) -> None:
    """Rows for `nodes` (recursively), collecting each field's findings on the way."""
    for node in nodes:
        kind = node["type"]
        if kind in ("group", "repeat"):
            rows.append(survey_row(node, f"begin_{kind}"))
            survey_rows(node["fields"], rows, findings)
            rows.append({"type": f"end_{kind}"})
            continue
        name = EXPORTED_TYPES.get(kind, kind)
        if kind in ("select_one", "select_multiple"):
            name = f"{kind} {node['choices']}"
        rows.append(survey_row(node, name))
        for finding in node.get("findings", []):
            findings.append({"field": node["name"], "when": xlsform_expression(finding["when"]),
                             "result_codes": " ".join(finding["result_codes"]),
                             "summary::zh": finding["summary"].get("zh"), "summary::en": finding["summary"].get("en"),
                             "legal_basis": "\n".join(finding.get("legal_basis", [])) or None})


def write_sheet(workbook: Workbook, title: str, columns: tuple, rows: list[dict]) -> None:
    """A sheet with the columns that hold at least one value (and always the first two)."""
    used = [c for i, c in enumerate(columns) if i < 2 or any(row.get(c) not in (None, "") for row in rows)]
    sheet = workbook.create_sheet(title)
    sheet.append(used)
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(used, start=1):
            value = row.get(column)
            if value not in (None, ""):
                cell = sheet.cell(row=number, column=index, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: a leading = is never stored as a formula


def write_xlsform(definition: dict, path: str | Path) -> None:
    """Write a (valid) definition as an XLSForm workbook at `path`."""
    parse_definition(definition)
    rows: list[dict] = []
    findings: list[dict] = []
    for section in definition["sections"]:
        rows.append(survey_row(section, "begin_group"))
        survey_rows(section["fields"], rows, findings)
        rows.append({"type": "end_group"})
    choices = [{"list_name": name, "name": option["value"], "label::zh": option["label"].get("zh"),
                "label::en": option["label"].get("en")}
               for name, options in definition.get("choices", {}).items() for option in options]
    title, description = definition["title"], definition.get("description") or {}
    settings = [{"form_id": definition["id"], "version": str(definition["version"]), "form_title": title.get("zh"),
                 "form_title::en": title.get("en"), "default_language": "zh", "description": description.get("zh"),
                 "description::en": description.get("en"), "items": "\n".join(definition.get("items", [])),
                 "legal_basis": "\n".join(definition.get("legal_basis", []))}]
    workbook = Workbook()
    workbook.remove(workbook.active)
    write_sheet(workbook, "survey", SURVEY_COLUMNS, rows)
    write_sheet(workbook, "choices", ("list_name", "name", "label::zh", "label::en"), choices)
    write_sheet(workbook, "settings", ("form_id", "version", "form_title", "form_title::en", "default_language",
                                       "description", "description::en", "items", "legal_basis"), settings)
    if findings:
        write_sheet(workbook, "findings", ("field", "when", "result_codes", "summary::zh", "summary::en",
                                           "legal_basis"), findings)
    workbook.save(path)
