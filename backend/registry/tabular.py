"""Streaming CSV/XLSX tables: read row by row in bounded memory, write with formula injection escaped.

Reading::

    with open_table(path) as table:          # raises TableError for an empty/unreadable file
        table.headers, table.encoding        # ['统一社会信用代码', ...], 'gb18030'
        for row, cells in table:              # row as a spreadsheet shows it (header = 1)
            ...                               # may raise TableError (malformed, encoding, columns)

CSV encoding: a UTF-8 BOM means ``utf-8-sig``; otherwise the first block holding non-ASCII bytes is
tried as strict UTF-8, then GB18030 (what Chinese Excel writes). Bytes are decoded incrementally; a
physical line longer than ``MAX_LINE`` characters is refused, so no input makes memory grow with file size.
XLSX is read with openpyxl's read-only mode: rows stream, but the workbook's table of distinct strings is
loaded whole (openpyxl's limit, not ours).
A cell written by ``write_table`` with a protective leading quote is read back without it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

BLOCK = 64 * 1024
SNIFF_LIMIT = 8 * 1024 * 1024
MAX_LINE = 1024 * 1024
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """A file that cannot be read as a table: stable code, bilingual message, spreadsheet row if known."""

    def __init__(self, code: str, message_zh: str, message_en: str, row: int | None = None) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.row = row


def escape_formula(value: str) -> str:
    """Prefix a quote to a cell that a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def unescape_formula(value: str) -> str:
    """Undo ``escape_formula``: drop the quote in front of a formula trigger."""
    return value[1:] if value[:1] == "'" and value[1:].startswith(FORMULA_TRIGGERS) else value


class Table:
    """An open table: ``headers``, ``encoding``, and iteration over ``(row_number, cells)``."""

    def __init__(self, rows: Iterator[tuple[int, list[str]]], encoding: str, closer: Any) -> None:
        self.encoding = encoding
        self._rows = rows
        self._closer = closer
        self.headers: list[str] = []
        self.header_row = 0
        for number, cells in rows:
            self.header_row, self.headers = number, _trim_trailing(cells)
            break
        if not self.headers:
            self.close()
            raise TableError("file.empty", "文件没有表头行", "the file has no header row")

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.headers)
        for number, cells in self._rows:
            if len(cells) > width:
                if any(cells[width:]):
                    raise TableError(
                        "file.columns",
                        f"第{number}行有{len(_trim_trailing(cells))}个单元格，多于表头的{width}列",
                        f"row {number} has {len(_trim_trailing(cells))} cells, more than the {width} headers",
                        row=number,
                    )
                cells = cells[:width]
            yield number, cells + [""] * (width - len(cells))

    def close(self) -> None:
        """Release the underlying file."""
        self._closer.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _trim_trailing(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def open_table(path: Path) -> Table:
    """Open a .csv or .xlsx file for streaming; the header row is read at once."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise TableError("file.format", f"不支持的文件类型“{suffix or path.name}”，请使用CSV或XLSX",
                         f"unsupported file type '{suffix or path.name}': use CSV or XLSX")
    if path.stat().st_size == 0:
        raise TableError("file.empty", "文件为空", "the file is empty")
    return _open_xlsx(path) if suffix == ".xlsx" else _open_csv(path)


def _encoding_error(row: int | None = None) -> TableError:
    where_zh, where_en = (f"第{row}行：", f"row {row}: ") if row else ("", "")
    return TableError("file.encoding",
                      f"{where_zh}文件编码无法识别，请另存为UTF-8或GB18030编码的CSV",
                      f"{where_en}unknown text encoding: save the CSV as UTF-8 or GB18030", row=row)


def detect_encoding(raw: BinaryIO) -> str:
    """The encoding of a CSV byte stream ('utf-8-sig', 'utf-8' or 'gb18030'); rewinds the stream."""
    try:
        head = raw.read(BLOCK)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        scanned = 0
        while head and head.isascii() and scanned < SNIFF_LIMIT:
            scanned += len(head)
            head = raw.read(BLOCK)
        if not head or head.isascii():
            return "utf-8"
        # The block before was pure ASCII, so this block starts on a character boundary;
        # final=False lets its last character be cut in the middle.
        final = not raw.read(1)
        for encoding in ("utf-8", "gb18030"):
            try:
                codecs.getincrementaldecoder(encoding)().decode(head, final=final)
                return encoding
            except UnicodeDecodeError:
                continue
        raise _encoding_error()
    finally:
        raw.seek(0)


def _open_csv(path: Path) -> Table:
    raw = open(path, "rb")  # noqa: SIM115 - closed by Table.close
    try:
        encoding = detect_encoding(raw)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        return Table(_csv_rows(text), encoding, text)
    except BaseException:
        raw.close()
        raise


def _csv_rows(text: io.TextIOWrapper) -> Iterator[tuple[int, list[str]]]:
    state = {"row": 1}
    reader = csv.reader(_physical_lines(text, state), strict=True)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row = state["row"]
            raise TableError("file.malformed", f"第{row}行CSV格式错误：{exc}",
                             f"row {row}: malformed CSV: {exc}", row=row) from exc
        number = state["row"]
        state["row"] += 1
        if any(cells):
            yield number, [unescape_formula(c) for c in cells]


def _physical_lines(text: io.TextIOWrapper, state: dict[str, int]) -> Iterator[str]:
    while True:
        try:
            line = text.readline(MAX_LINE)
        except UnicodeDecodeError as exc:
            raise _encoding_error(state["row"]) from exc
        if not line:
            return
        if "\x00" in line:
            raise TableError("file.malformed", f"第{state['row']}行含有空字符（NUL），文件可能已损坏",
                             f"row {state['row']} contains a NUL byte: the file may be corrupt",
                             row=state["row"])
        if len(line) >= MAX_LINE and not line.endswith("\n"):
            raise TableError("file.malformed", f"第{state['row']}行过长（超过{MAX_LINE}个字符）",
                             f"row {state['row']} is longer than {MAX_LINE} characters", row=state["row"])
        yield line


def _open_xlsx(path: Path) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise TableError("file.format", "XLSX文件已损坏或不是有效的Excel工作簿",
                         "the XLSX file is corrupt or not an Excel workbook") from exc
    try:
        if not book.worksheets:
            raise TableError("file.empty", "工作簿没有工作表", "the workbook has no worksheet")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # trust the cells, not the declared sheet size
        return Table(_xlsx_rows(sheet), "xlsx", book)
    except BaseException:
        book.close()
        raise


def _xlsx_rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        if any(cells):
            yield number, [unescape_formula(c) for c in cells]


def cell_text(value: Any) -> str:
    """A spreadsheet value as text: integers without '.0', dates as ISO yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _out(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        value = ";".join(str(v) for v in value)
    if isinstance(value, str):
        return escape_formula(value)
    return value


def write_table(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> None:
    """Write a .csv (UTF-8 with BOM, for Excel) or .xlsx table, escaping formula-like strings."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([_out(h) for h in headers])
            for row in rows:
                writer.writerow([_csv_value(_out(v)) for v in row])
    elif suffix == ".xlsx":
        _write_xlsx(path, headers, rows)
    else:
        raise TableError("file.format", f"不支持的文件类型“{suffix}”", f"unsupported file type '{suffix}'")


def _csv_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _write_xlsx(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> None:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()

    def clean(value: Any) -> Any:
        value = _out(value)
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    sheet.append([clean(h) for h in headers])
    for row in rows:
        sheet.append([clean(v) for v in row])
    book.save(path)
