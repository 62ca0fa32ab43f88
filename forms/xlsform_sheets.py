"""Reading XLSForm sheets: headers with languages (`label::Chinese (zh)`), cells, and where an error sits.

Errors from an imported spreadsheet carry the path `sheet!C12` (or `sheet!12:12` for a whole row) and say
the sheet, row and column in both languages, so an author can go straight to the cell.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from forms.errors import FormError, InvalidDefinition

LANGUAGE_NAMES = {"chinese": "zh", "中文": "zh", "english": "en", "英文": "en"}
LANGUAGE_CODE = re.compile(r"\(([A-Za-z-]+)\)")


def column_key(header: str, default_language: str) -> tuple[str, str | None]:
    """`label::Chinese (zh)` → ("label", "zh"); `label` → ("label", default); `read only` → ("read_only", None)."""
    base, _, language = header.partition("::")
    base = re.sub(r"\s+", "_", base.strip().lower())
    if not language:
        return base, default_language if base in LANGUAGE_COLUMNS else None
    code = LANGUAGE_CODE.search(language)
    word = (code[1] if code else language).strip().lower()
    return base, LANGUAGE_NAMES.get(word, word.split("-")[0])


LANGUAGE_COLUMNS = frozenset({"label", "hint", "constraint_message", "form_title", "summary", "description", "title"})


def cell_text(value: object) -> str:
    """A cell as text: numbers without a needless '.0', surrounding spaces removed, empty for None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class Sheet:
    """One sheet: column keys with their letters, and the data rows as (row number, {key: text})."""

    def __init__(self, name: str, rows: list[tuple], default_language: str) -> None:
        self.name = name
        header = rows[0] if rows else ()
        self.columns: dict[tuple[str, str | None], str] = {}
        for index, title in enumerate(header):
            if cell_text(title):
                self.columns.setdefault(column_key(cell_text(title), default_language), get_column_letter(index + 1))
        keys = [column_key(cell_text(t), default_language) if cell_text(t) else None for t in header]
        self.rows = []
        for number, cells in enumerate(rows[1:], start=2):
            record = {key: cell_text(v) for key, v in zip(keys, cells, strict=False) if key and cell_text(v)}
            if record:
                self.rows.append((number, record))

    def has(self, column: str) -> bool:
        """Whether the sheet has the column (in any language)."""
        return any(key == column for key, _ in self.columns)

    def letter(self, column: str) -> str | None:
        """The letter of the column (its first language when it has several)."""
        return next((letter for (key, _), letter in self.columns.items() if key == column), None)

    def error(self, row: int, column: str | None, code: str, zh: str, en: str) -> FormError:
        """An error at a cell (or a whole row when the column is unknown or absent)."""
        letter = self.letter(column) if column else None
        path = f"{self.name}!{letter}{row}" if letter else f"{self.name}!{row}:{row}"
        where_zh = f"{self.name} 表第{row}行" + (f"“{column}”列" if column else "")
        where_en = f"sheet {self.name}, row {row}" + (f", column {column}" if column else "")
        return FormError(path, code, f"{where_zh}：{zh}", f"{where_en}: {en}")


def open_sheets(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's rows as tuples of cell values; raises InvalidDefinition for a file that is not XLSX."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidDefinition([FormError(Path(path).name, "not_xlsx", f"不是可读取的 XLSX 文件：{exc}",
                                           f"not a readable XLSX file: {exc}")]) from None
    try:
        return {sheet.title.strip().lower(): [tuple(row) for row in sheet.iter_rows(values_only=True)]
                for sheet in workbook.worksheets}
    finally:
        workbook.close()


def language_of(settings: Sheet | None) -> str:
    """The default language of unlabelled columns: settings' default_language (zh unless it says English)."""
    if settings is None or not settings.rows:
        return "zh"
    value = settings.rows[0][1].get(("default_language", None), "")
    code = LANGUAGE_CODE.search(value)
    word = (code[1] if code else value).strip().lower()
    return "en" if LANGUAGE_NAMES.get(word, word) == "en" else "zh"


class Locator:
    """Remembers which sheet row produced each definition path, to report definition errors at cells."""

    COLUMN_OF = {"name": "name", "type": "type", "choices": "type", "label": "label", "title": "label",
                 "hint": "hint", "value": "name", "result_codes": "result_codes", "summary": "summary",
                 "when": "when", "fields": "type", "min_rows": "min_rows", "max_rows": "max_rows"}
    HEAD = {"id": "form_id", "version": "version", "title": "form_title", "items": "items",
            "legal_basis": "legal_basis", "format": None, "description": "description"}

    def __init__(self, settings: Sheet | None) -> None:
        self.settings = settings
        self.origins: dict[str, tuple[Sheet, int]] = {}

    def remember(self, path: str, sheet: Sheet, row: int) -> None:
        """Record that `path` came from `row` of `sheet`."""
        self.origins[path] = (sheet, row)

    def place(self, error: FormError) -> FormError:
        """The definition error moved to the cell it came from (the sheet's own words, same code)."""
        path = error.path
        while path:
            if path in self.origins:
                sheet, row = self.origins[path]
                rest = error.path[len(path):].lstrip(".").split(".")[0].split("[")[0]
                column = self.COLUMN_OF.get(rest, rest) if rest else None
                column = column if column and sheet.has(column) else None
                return sheet.error(row, column, error.code, error.zh, error.en)
            path = path.rsplit(".", 1)[0] if "." in path else ""
        head = error.path.split(".")[0].split("[")[0]
        if self.settings is not None and head in self.HEAD:
            column = self.HEAD[head] if self.settings.has(self.HEAD[head] or "") else None
            return self.settings.error(2, column, error.code, error.zh, error.en)
        return error
