"""XLSForm import: the common subset ODK and KoboToolbox write, read into a checked definition dict.

Sheets `survey`, `choices`, `settings` (+ our optional `findings`). Types: text integer decimal date time
select_one select_multiple image audio geopoint note calculate begin_group end_group begin_repeat
end_repeat, plus ours: signature, result_code, yes_no_na (`image` with appearance `signature` is a
signature). Metadata types (start, end, today, deviceid, …) are skipped: the field app records them itself.
Columns: name, label, label::zh, label::en, hint, required, relevant, constraint, constraint_message,
calculation, plus ours: unit, min, max, min_count, max_count, min_rows, max_rows, personal_data,
trade_secret, legal_basis. Expressions may use `${field}`; they are stored in canonical form. Every error
names its sheet, row and column; unknown references and cycles are refused naming the field.
"""

from __future__ import annotations

import re
from pathlib import Path

from forms.definition import definition_errors
from forms.errors import ExpressionError, FormError, InvalidDefinition
from forms.expressions import expression_text, parse_expression
from forms.xlsform_columns import labels, lines, read_columns, read_finding
from forms.xlsform_sheets import Locator, Sheet, language_of, open_sheets

TYPES = {"text": "text", "integer": "integer", "int": "integer", "decimal": "decimal", "date": "date",
         "time": "time", "image": "photo", "photo": "photo", "audio": "audio", "geopoint": "geopoint",
         "note": "note", "calculate": "calculate", "signature": "signature", "result_code": "result_code",
         "yes_no_na": "yes_no_na"}
METADATA = {"start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber",
            "audit", "start-geopoint", "background-audio", "email"}


def read_xlsform(path: str | Path) -> dict:
    """The definition dict of an XLSForm file; raises InvalidDefinition (errors name sheet, row, column)."""
    path = Path(path)
    raw = open_sheets(path)
    if "survey" not in raw:
        raise InvalidDefinition([FormError(path.name, "not_xlsform",
                                           f"不是 XLSForm：没有 survey 表（有：{'、'.join(raw)}）",
                                           f"not an XLSForm: no survey sheet (found: {', '.join(raw)})")])
    settings = Sheet("settings", raw["settings"], "zh") if "settings" in raw else None
    language = language_of(settings)
    settings = Sheet("settings", raw["settings"], language) if settings else None
    survey = Sheet("survey", raw["survey"], language)
    if not (survey.has("type") and survey.has("name")):
        raise InvalidDefinition([survey.error(1, None, "not_xlsform", "不是 XLSForm：survey 表须有 type 和 name 列",
                                              "not an XLSForm: the survey sheet needs type and name columns")])
    reader = _Reader(Locator(settings), language)
    definition = reader.head(settings, path)
    if "choices" in raw:
        definition["choices"] = reader.choices(Sheet("choices", raw["choices"], language))
    definition["sections"] = reader.survey(survey, definition["title"])
    if "findings" in raw:
        reader.findings(Sheet("findings", raw["findings"], language))
    if reader.errors:
        raise InvalidDefinition(reader.errors)
    errors = [reader.locator.place(e) for e in definition_errors(definition)]
    if errors:
        raise InvalidDefinition(errors)
    return definition


class _Reader:
    """Turns sheet rows into definition parts, collecting errors and where each part came from."""

    def __init__(self, locator: Locator, language: str) -> None:
        self.locator, self.language, self.errors = locator, language, []
        self.fields: dict[str, tuple[dict, str]] = {}

    def head(self, settings: Sheet | None, path: Path) -> dict:
        """format, id, version, title, items, legal basis from the settings sheet (defaults from the file)."""
        record = settings.rows[0][1] if settings and settings.rows else {}
        get = lambda column: record.get((column, None), "")  # noqa: E731 - a local shorthand
        form_id = get("form_id") or re.sub(r"[^a-z0-9.]+", "-", path.stem.lower()).strip("-.")
        version = get("version") or "1"
        definition = {"format": "choucha-form/1", "id": form_id,
                      "version": int(version) if version.isdigit() else version,
                      "title": labels(record, "form_title") or {self.language: form_id}}
        if labels(record, "description"):
            definition["description"] = labels(record, "description")
        for key in ("items", "legal_basis"):
            if get(key):
                definition[key] = lines(get(key))
        return definition

    def choices(self, sheet: Sheet) -> dict:
        """{list_name: [{"value", "label"}]} in sheet order."""
        lists: dict[str, list] = {}
        for row, record in sheet.rows:
            name, value = record.get(("list_name", None), ""), record.get(("name", None), "")
            if not name or not value:
                self.errors.append(sheet.error(row, "list_name" if not name else "name", "missing",
                                               "缺少 list_name 或 name", "list_name or name is missing"))
                continue
            options = lists.setdefault(name, [])
            if not options:
                self.locator.remember(f"choices.{name}", sheet, row)
            self.locator.remember(f"choices.{name}[{len(options)}]", sheet, row)
            options.append({"value": value, "label": labels(record, "label") or {self.language: value}})
        return lists

    def survey(self, sheet: Sheet, title: dict) -> list[dict]:
        """Sections (top-level groups; loose rows form implicit sections) with their fields."""
        sections: list[dict] = []
        stack: list[tuple[dict, int, str, str]] = []  # open groups/repeats: (node, row, kind, JSON path)
        for row, record in sheet.rows:
            kind, _, argument = re.sub(r"\s+", " ", record.get(("type", None), "")).partition(" ")
            if kind in ("begin", "end") and argument in ("group", "repeat"):
                kind, argument = f"{kind}_{argument}", ""
            if kind in METADATA:
                continue
            if kind in ("end_group", "end_repeat"):
                self.close(sheet, row, kind, stack)
                continue
            node = self.node(sheet, row, record, kind, argument)
            if node is None:
                continue
            path = self.place(node, stack, sections, title)
            self.locator.remember(path, sheet, row)
            if kind in ("begin_group", "begin_repeat"):
                stack.append((node, row, kind, path))
            elif node.get("name"):
                self.fields[node["name"]] = (node, path)
        for _, row, kind, _ in stack:
            self.errors.append(sheet.error(row, "type", "unclosed", f"{kind} 没有对应的结束行",
                                           f"{kind} is never closed"))
        for section in sections:
            section.pop("_loose", None)
        return sections

    def place(self, node: dict, stack: list, sections: list, title: dict) -> str:
        """Append the node where it belongs (a top-level group is a section); returns its JSON path."""
        if stack:
            parent, parent_path = stack[-1][0], stack[-1][3]
            parent["fields"].append(node)
            return f"{parent_path}.fields[{len(parent['fields']) - 1}]"
        if node.get("type") == "group":
            node.pop("type")
            node["title"] = node.pop("label", None) or {self.language: node.get("name", "")}
            sections.append(node)
            return f"sections[{len(sections) - 1}]"
        if not sections or not sections[-1].get("_loose"):
            sections.append({"name": f"section_{len(sections) + 1}", "title": dict(title), "fields": [],
                             "_loose": True})
        sections[-1]["fields"].append(node)
        return f"sections[{len(sections) - 1}].fields[{len(sections[-1]['fields']) - 1}]"

    def close(self, sheet: Sheet, row: int, kind: str, stack: list) -> None:
        """An end_group/end_repeat row: it must close the innermost open group or repeat."""
        wanted = "begin_" + kind[4:]
        if not stack or stack[-1][2] != wanted:
            self.errors.append(sheet.error(row, "type", "unbalanced", f"{kind} 没有对应的开始行",
                                           f"{kind} has no matching begin"))
            return
        stack.pop()

    def node(self, sheet: Sheet, row: int, record: dict, kind: str, argument: str) -> dict | None:
        """One survey row as a field dict (None when the row is refused)."""
        appearance = record.get(("appearance", None), "")
        if kind == "image" and "signature" in appearance.split():
            kind = "signature"
        if kind in ("select_one", "select_multiple"):
            if not argument:
                self.errors.append(sheet.error(row, "type", "missing", f"{kind} 后须写选项列表名",
                                               f"{kind} needs a choice list name"))
                return None
            node = {"name": record.get(("name", None), ""), "type": kind, "choices": argument}
        elif kind in ("begin_group", "begin_repeat"):
            node = {"name": record.get(("name", None), ""), "type": kind[6:], "fields": []}
        elif kind in TYPES:
            node = {"name": record.get(("name", None), ""), "type": TYPES[kind]}
        else:
            shown = kind or "（空）"
            self.errors.append(sheet.error(row, "type", "unknown_type", f"不支持的类型 {shown}",
                                           f"unsupported type {kind or '(empty)'!r}"))
            return None
        return read_columns(self, sheet, row, record, node)


    def findings(self, sheet: Sheet) -> None:
        """Rows of the `findings` sheet attached to their fields."""
        for row, record in sheet.rows:
            read_finding(self, sheet, row, record)

    def expression(self, sheet: Sheet, row: int, column: str, text: str) -> str | None:
        """The canonical text of an XLSForm expression, or None (error recorded) when it does not parse."""
        try:
            return expression_text(parse_expression(text))
        except ExpressionError as exc:
            self.errors.append(sheet.error(row, column, exc.code, f"表达式 {text!r}：{exc.zh}",
                                           f"expression {text!r}: {exc.en}"))
            return None
