"""Validation of register imports: header matching, value rules, duplicate keys, a bilingual report.

Two passes over the stored upload, in bounded memory (only the hashes of seen keys grow with the file)::

    report = check_file("entities", path)              # pass 1: every row validated, nothing kept
    if report.ok:                                        # or accept the valid rows only: policy of the caller
        for row, record in iter_records("entities", path):   # pass 2: same rows, valid records only
            batch.append(record)                          # write in batches

A record is a plain dict holding every key of ``columns(kind)``: an absent optional column or an empty cell
gives the column's default (None, [], False, 0, 'normal' or 'active'). Entities also carry ``legacy_id``
(True for a 15-digit registration number). Enums are stored as their code values, dates as ``datetime.date``.
Header problems (unknown, missing, duplicate columns) are fatal: the report lists them and no row is
validated. A file problem (``TableError``) is fatal too: ``check_file`` reports it, ``iter_records`` raises it
(the writer must then roll back). Duplicate keys (USCC, credential number) are errors on the later rows.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend.registry.cell_values import (
    LIST_MAX, Invalid, Warned, as_bool, as_code, as_codes, as_count, as_date, as_list, as_qualifications,
    as_text, as_uscc, enum_parser,
)
from backend.registry.codes import CodeError, normalise_industry, normalise_region
from backend.registry.tabular import Table, TableError, open_table
from backend.registry.vocab import EntityKind, EntityScale, EntityStatus, InspectorStatus, RiskClass

KINDS = ("entities", "inspectors")
KEY_COLUMN = {"entities": "uscc", "inspectors": "credential_no"}


@dataclass(frozen=True, slots=True)
class Column:
    """One import column: record key (also its English header), Chinese header, rule, default, length."""

    key: str
    zh: str
    required: bool
    parse: Callable[[str], Any] = as_text
    default: Any = None
    max_len: int = 100

    @property
    def en(self) -> str:
        return self.key

    @property
    def header(self) -> str:
        return f"{self.zh}/{self.key}"


_COLUMNS: dict[str, tuple[Column, ...]] = {
    "entities": (
        Column("uscc", "统一社会信用代码", True, as_uscc),
        Column("name", "名称", True, max_len=200),
        Column("kind", "类型", True, enum_parser(EntityKind)),
        Column("industry", "行业代码", True, normalise_industry),
        Column("region", "区划代码", True, normalise_region),
        Column("address", "地址", True, max_len=300),
        Column("risk_class", "风险等级", True, enum_parser(RiskClass)),
        Column("scale", "规模", False, enum_parser(EntityScale)),
        Column("status", "状态", False, enum_parser(EntityStatus), default="normal"),
        Column("legal_person", "负责人", False),
        Column("contact_phone", "联系电话", False),
        Column("special_sector", "特殊行业", False, as_bool, default=False),
        Column("complaints_count", "投诉次数", False, as_count, default=0),
        Column("departments", "责任部门", False, as_codes, default=(), max_len=LIST_MAX),
    ),
    "inspectors": (
        Column("name", "姓名", True, max_len=200),
        Column("department", "部门", True, as_code),
        Column("credential_no", "执法证号", True, as_code),
        Column("valid_from", "证件有效期起", True, as_date),
        Column("valid_to", "证件有效期止", True, as_date),
        Column("qualifications", "执法资质", True, as_qualifications, default=(), max_len=LIST_MAX),
        Column("expertise", "业务专长", False, as_list, default=(), max_len=LIST_MAX),
        Column("region", "区划代码", False, normalise_region),
        Column("status", "状态", False, enum_parser(InspectorStatus), default="active"),
        Column("phone", "联系电话", False),
        Column("username", "用户名", False),
    ),
}


def columns(kind: str) -> tuple[Column, ...]:
    """The column specs of an import kind ('entities' or 'inspectors')."""
    if kind not in _COLUMNS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {KINDS}")
    return _COLUMNS[kind]


def template_headers(kind: str) -> list[str]:
    """The 'Chinese/English' headers of the downloadable template, in order."""
    return [col.header for col in columns(kind)]


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem in one row: the column as headed in the file, a stable code, bilingual text, severity."""

    row: int
    column: str
    code: str
    message_zh: str
    message_en: str
    severity: str = "error"

    def to_json(self) -> dict[str, Any]:
        """The problem as the API and CLI show it."""
        return {"row": self.row, "column": self.column, "code": self.code,
                "message": f"{self.message_zh} / {self.message_en}"}


@dataclass(slots=True)
class RowOutcome:
    """The result of one data row: its record when it has no error, and its problems."""

    row: int
    record: dict[str, Any] | None
    problems: list[RowError]
    fatal: bool = False


def _header_key(text: str) -> str:
    return re.sub(r"[\s_*\-]+", "", text.replace("\ufeff", "").replace("／", "/")).lower()


def match_headers(kind: str, headers: list[str], row: int = 1
                  ) -> tuple[list[tuple[Column, str]], list[RowError]]:
    """Each header's column (Chinese, English or 'Chinese/English', any case) and the header problems."""
    lookup = {_header_key(name): col for col in columns(kind) for name in (col.zh, col.key, col.header)}
    mapping: list[tuple[Column, str]] = []
    problems: list[RowError] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(headers, start=1):
        col = lookup.get(_header_key(header))
        if col is None and not header.strip():
            problems.append(RowError(row, header, "column.unknown", f"第{index}列没有表头",
                                     f"column {index} has no header"))
        elif col is None:
            problems.append(RowError(row, header, "column.unknown", f"第{index}列“{header}”不是可识别的列",
                                     f"column {index} '{header}' is not a known column"))
        elif col.key in seen:
            problems.append(RowError(row, header, "column.duplicate", f"列“{header}”与“{seen[col.key]}”重复",
                                     f"column '{header}' repeats '{seen[col.key]}'"))
        else:
            seen[col.key] = header
            mapping.append((col, header))
    for col in columns(kind):
        if col.required and col.key not in seen:
            problems.append(RowError(row, col.header, "column.missing", f"缺少必填列“{col.zh}”",
                                     f"required column '{col.key}' is missing"))
    return mapping, problems


class SeenKeys:
    """Rows where keys first appeared, as 64-bit hashes in flat arrays (about 24 bytes a key).

    A hash collision (odds about n²/2⁶⁵) would report a false duplicate, never miss a real one.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._hashes = array("q", bytes(8 * capacity))
        self._rows = array("I", bytes(array("I").itemsize * capacity))
        self._count = 0

    def first_row(self, key: str, row: int) -> int | None:
        """The row where `key` was seen first; None, and `row` remembered, when it is new."""
        digest = hash(key) or 1  # 0 marks an empty slot
        mask = len(self._hashes) - 1
        slot = digest & mask
        while (found := self._hashes[slot]) != 0:
            if found == digest:
                return self._rows[slot]
            slot = (slot + 1) & mask
        self._hashes[slot], self._rows[slot] = digest, row
        self._count += 1
        if self._count * 2 > len(self._hashes):
            self._grow()
        return None

    def _grow(self) -> None:
        old = zip(self._hashes, self._rows)
        capacity = len(self._hashes) * 2
        hashes, rows = array("q", bytes(8 * capacity)), array("I", bytes(self._rows.itemsize * capacity))
        mask = capacity - 1
        for digest, row in old:
            if digest:
                slot = digest & mask
                while hashes[slot]:
                    slot = (slot + 1) & mask
                hashes[slot], rows[slot] = digest, row
        self._hashes, self._rows = hashes, rows


def _parse_cell(col: Column, header: str, raw: str, row: int, problems: list[RowError]) -> Any:
    if not raw:
        if col.required:
            problems.append(RowError(row, header, "value.required", f"“{header}”不能为空",
                                     f"'{header}' is required"))
        return list(col.default) if isinstance(col.default, tuple) else col.default
    if len(raw) > col.max_len:
        problems.append(RowError(row, header, "value.too_long", f"“{header}”超过{col.max_len}个字符",
                                 f"'{header}' exceeds {col.max_len} characters"))
        return None
    try:
        value = col.parse(raw)
    except (Invalid, CodeError) as exc:
        problems.append(RowError(row, header, exc.code, exc.message_zh, exc.message_en))
        return None
    if isinstance(value, Warned):
        problems.append(RowError(row, header, value.code, value.message_zh, value.message_en, "warning"))
        value = value.value
    return value


def _check_record(kind: str, record: dict[str, Any], headers: dict[str, str], row: int) -> list[RowError]:
    if kind == "entities":
        record["legacy_id"] = record["uscc"] is not None and len(record["uscc"]) == 15
        return []
    start, end = record["valid_from"], record["valid_to"]
    if start is not None and end is not None and end < start:
        return [RowError(row, headers["valid_to"], "value.date_range",
                         f"证件有效期止（{end}）早于有效期起（{start}）",
                         f"valid_to ({end}) is before valid_from ({start})")]
    return []


Plan = list[tuple[Column, int | None, str]]  # column, its index in the file (None: absent), its header


def _validate_row(kind: str, plan: Plan, headers: dict[str, str], row: int, cells: list[str],
                  seen: SeenKeys) -> RowOutcome:
    problems: list[RowError] = []
    record = {}
    for col, index, header in plan:
        raw = cells[index].strip() if index is not None else ""
        record[col.key] = _parse_cell(col, header, raw, row, problems)
    problems += _check_record(kind, record, headers, row)
    key = record[KEY_COLUMN[kind]]
    if key is not None and (first := seen.first_row(key, row)) is not None:
        problems.append(RowError(row, headers[KEY_COLUMN[kind]], "key.duplicate",
                                 f"“{key}”与第{first}行重复", f"'{key}' repeats row {first}"))
    failed = any(p.severity == "error" for p in problems)
    return RowOutcome(row, None if failed else record, problems)


def validate_rows(kind: str, table: Table) -> Iterator[RowOutcome]:
    """One outcome per non-empty data row; header problems give one fatal outcome and nothing more."""
    mapping, problems = match_headers(kind, table.headers, table.header_row)
    if problems:
        yield RowOutcome(table.header_row, None, problems, fatal=True)
        return
    found = {col.key: (index, header) for index, (col, header) in enumerate(mapping)}
    plan = [(col, *found.get(col.key, (None, col.header))) for col in columns(kind)]
    headers = {col.key: header for col, _, header in plan}
    seen = SeenKeys()
    for row, cells in table:
        yield _validate_row(kind, plan, headers, row, cells, seen)


@dataclass(slots=True)
class ImportReport:
    """What an import check found; problem lists keep the first `limit` entries, the counts are exact."""

    kind: str = ""
    rows: int = 0
    valid: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    fatal: bool = False
    limit: int = 1000

    @property
    def ok(self) -> bool:
        """True when nothing stops the import (warnings allowed)."""
        return self.error_count == 0

    def add(self, outcome: RowOutcome) -> None:
        """Count one row outcome and keep its problems."""
        self.fatal = self.fatal or outcome.fatal
        if not outcome.fatal:
            self.rows += 1
            self.valid += outcome.record is not None
        for problem in outcome.problems:
            if problem.severity == "error":
                self.error_count += 1
                if len(self.errors) < self.limit:
                    self.errors.append(problem)
            else:
                self.warning_count += 1
                if len(self.warnings) < self.limit:
                    self.warnings.append(problem)

    def add_file_error(self, exc: TableError) -> None:
        """Record a fatal file problem."""
        row = exc.row or 0
        problem = RowError(row, "", exc.code, exc.message_zh, exc.message_en)
        self.add(RowOutcome(row, None, [problem], fatal=True))

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data: rows, valid, errors, warnings (and exact counts)."""
        return {"rows": self.rows, "valid": self.valid,
                "errors": [e.to_json() for e in self.errors],
                "warnings": [w.to_json() for w in self.warnings],
                "error_count": self.error_count, "warning_count": self.warning_count, "fatal": self.fatal}

    def to_text(self) -> str:
        """The report for people, Chinese first."""
        lines = [f"导入检查：共{self.rows}行，有效{self.valid}行，"
                 f"错误{self.error_count}个，警告{self.warning_count}个",
                 f"Import check: {self.rows} rows, {self.valid} valid, "
                 f"{self.error_count} errors, {self.warning_count} warnings"]
        for title, items, count in (("错误 / errors", self.errors, self.error_count),
                                    ("警告 / warnings", self.warnings, self.warning_count)):
            if items:
                lines.append(title + ":")
                lines += [f"  第{p.row}行 row {p.row} [{p.column}] {p.code}: {p.message_zh} / {p.message_en}"
                          for p in items]
            if count > len(items):
                lines.append(f"  另有{count - len(items)}条未列出 / {count - len(items)} more not listed")
        return "\n".join(lines)


def check_file(kind: str, path: Path, *, limit: int = 1000) -> ImportReport:
    """Pass 1: validate every row of a file and return the report; no record is kept."""
    report = ImportReport(kind=kind, limit=limit)
    try:
        with open_table(path) as table:
            for outcome in validate_rows(kind, table):
                report.add(outcome)
    except TableError as exc:
        report.add_file_error(exc)
    return report


def iter_records(kind: str, path: Path, report: ImportReport | None = None
                 ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Pass 2: the valid records as (row, record), in file order; raises TableError on a file problem."""
    with open_table(path) as table:
        for outcome in validate_rows(kind, table):
            if report is not None:
                report.add(outcome)
            if outcome.record is not None:
                yield outcome.row, outcome.record
