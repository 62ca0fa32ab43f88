"""The columns of one XLSForm row (survey or findings sheet) read into definition keys."""

from __future__ import annotations

import re

EXPRESSIONS = ("relevant", "constraint", "calculation")
NUMBERS = ("min", "max", "min_count", "max_count", "min_rows", "max_rows")
LABELS = {"label": "label", "hint": "hint", "constraint_message": "constraint_message"}
TRUE, FALSE = {"yes", "true", "true()", "1"}, {"no", "false", "false()", "0", ""}
UNSUPPORTED_COLUMNS = ("choice_filter",)
INTEGER, DECIMAL = re.compile(r"-?[0-9]+"), re.compile(r"-?[0-9]+\.[0-9]+")
FLAGS = ("personal_data", "trade_secret")


def labels(record: dict, column: str) -> dict | None:
    """{"zh": …, "en": …} from `column::zh` / `column::en` cells (None when all are empty)."""
    found = {lang: text for (key, lang), text in record.items() if key == column and lang in ("zh", "en")}
    return dict(sorted(found.items(), key=lambda item: item[0] != "zh")) or None


def lines(text: str) -> list[str]:
    """The non-empty lines of a cell (legal bases are written one per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_columns(reader, sheet, row: int, record: dict, node: dict) -> dict:
    """Labels, required, expressions, numbers, flags, unit and legal basis of a survey row into `node`."""
    cell = lambda column: record.get((column, None), "")  # noqa: E731 - a local shorthand
    for column, key in LABELS.items():
        if labels(record, column):
            node[key] = labels(record, column)
    required = cell("required")
    if required.lower() in TRUE:
        node["required"] = True
    elif required.lower() not in FALSE and (text := reader.expression(sheet, row, "required", required)):
        node["required"] = text
    for column in EXPRESSIONS:
        if cell(column) and (text := reader.expression(sheet, row, column, cell(column))):
            node[column] = text
    for column in NUMBERS:
        if cell(column):
            _number(reader, sheet, row, column, cell(column), node)
    if cell("repeat_count"):
        if INTEGER.fullmatch(cell("repeat_count")):
            node["min_rows"] = node["max_rows"] = int(cell("repeat_count"))
        else:
            reader.errors.append(sheet.error(row, "repeat_count", "unsupported", "repeat_count 只支持固定整数",
                                             "repeat_count must be a fixed integer"))
    for column in FLAGS:
        value = cell(column).lower()
        if value in TRUE:
            node[column] = True
        elif value not in FALSE:
            reader.errors.append(sheet.error(row, column, "type", f"{column} 须为 yes 或 no",
                                             f"{column} must be yes or no"))
    if cell("unit"):
        node["unit"] = cell("unit")
    if cell("legal_basis"):
        node["legal_basis"] = lines(cell("legal_basis"))
    for column in UNSUPPORTED_COLUMNS:
        if cell(column):
            reader.errors.append(sheet.error(row, column, "unsupported", f"不支持 {column} 列",
                                             f"the {column} column is not supported"))
    return node


def _number(reader, sheet, row: int, column: str, text: str, node: dict) -> None:
    if INTEGER.fullmatch(text):
        node[column] = int(text)
    elif DECIMAL.fullmatch(text):
        node[column] = float(text)
    else:
        reader.errors.append(sheet.error(row, column, "type", f"{column} 须为数值", f"{column} must be a number"))


def read_finding(reader, sheet, row: int, record: dict) -> None:
    """One row of the findings sheet: field, when, result_codes, summary, legal_basis, attached to its field."""
    cell = lambda column: record.get((column, None), "")  # noqa: E731 - a local shorthand
    name = cell("field")
    if name not in reader.fields:
        reader.errors.append(sheet.error(row, "field", "unknown_reference", f"survey 表中没有字段 {name!r}",
                                         f"no field {name!r} in the survey sheet"))
        return
    node, path = reader.fields[name]
    finding = {"when": reader.expression(sheet, row, "when", cell("when")) if cell("when") else None,
               "result_codes": [code for code in re.split(r"[\s,，]+", cell("result_codes")) if code],
               "summary": labels(record, "summary")}
    if cell("legal_basis"):
        finding["legal_basis"] = lines(cell("legal_basis"))
    finding = {key: value for key, value in finding.items() if value is not None}
    findings = node.setdefault("findings", [])
    reader.locator.remember(f"{path}.findings[{len(findings)}]", sheet, row)
    findings.append(finding)
