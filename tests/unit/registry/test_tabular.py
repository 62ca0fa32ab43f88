"""Streaming CSV/XLSX reading and writing."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from backend.registry import tabular
from backend.registry.tabular import TableError, escape_formula, open_table, unescape_formula, write_table

HEADERS = ["统一社会信用代码", "名称", "地址"]


def read_all(path):
    with open_table(path) as table:
        return table.encoding, table.headers, list(table)


def table_error(path):
    with pytest.raises(TableError) as caught:
        read_all(path)
    return caught.value


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff名称,地址\r\n甲,南通\r\n".encode())
    assert read_all(path) == ("utf-8-sig", ["名称", "地址"], [(2, ["甲", "南通"])])


def test_utf8_without_bom(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("name,address\n甲,南通\n", encoding="utf-8")
    assert read_all(path) == ("utf-8", ["name", "address"], [(2, ["甲", "南通"])])


def test_gb18030_with_chinese_headers(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(",".join(HEADERS).encode("gb18030") + b"\r\n" + "x,南通市通州区,金沙镇\r\n".encode("gb18030"))
    encoding, headers, rows = read_all(path)
    assert encoding == "gb18030"
    assert headers == HEADERS
    assert rows == [(2, ["x", "南通市通州区", "金沙镇"])]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_character_cut_at_the_sniffed_block_end(tmp_path, encoding):
    head = "名称\n".encode(encoding)
    filler = b"a" * (tabular.BLOCK - len(head) - 1)  # the next character straddles the block end
    path = tmp_path / "cut.csv"
    path.write_bytes(head + filler + "通州\n".encode(encoding))
    found, _, rows = read_all(path)
    assert found == encoding
    assert rows[0][1][0].endswith("通州")


def test_non_ascii_after_a_long_ascii_prefix(tmp_path):
    path = tmp_path / "late.csv"
    ascii_rows = b"".join(b"%d,ok\n" % i for i in range(20000))
    path.write_bytes(b"n,name\n" + ascii_rows + "1,南通\n".encode("gb18030"))
    encoding, _, rows = read_all(path)
    assert encoding == "gb18030"
    assert rows[-1] == (20002, ["1", "南通"])


@pytest.mark.parametrize("data", [b"\xff\xfe\x00n\x00a\x00", b"name\n\x80\x80abc\n", b"a,b\n\xfe\xff\xfe\n"])
def test_neither_utf8_nor_gb18030(tmp_path, data):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    assert table_error(path).code == "file.encoding"


def test_bad_bytes_after_the_sniffed_block(tmp_path):
    path = tmp_path / "late-bad.csv"
    good = "名称\n" + "".join(f"南通{i}\n" for i in range(20000))
    path.write_bytes(good.encode() + b"\xff\xff\n")
    error = table_error(path)
    assert error.code == "file.encoding"
    assert error.row is not None and error.row > 2


@pytest.mark.parametrize("data", [b"", b"\n\n\r\n", b",,,\n"])
def test_empty_file(tmp_path, data):
    path = tmp_path / "empty.csv"
    path.write_bytes(data)
    assert table_error(path).code == "file.empty"


def test_blank_rows_are_skipped_but_counted(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("a,b\n1,2\n\n,\n3,4\n", encoding="utf-8")
    assert read_all(path)[2] == [(2, ["1", "2"]), (5, ["3", "4"])]


def test_quoted_newline_is_one_spreadsheet_row(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('a,b\n"line 1\nline 2",x\ny,z\n', encoding="utf-8")
    assert read_all(path)[2] == [(2, ["line 1\nline 2", "x"]), (3, ["y", "z"])]


def test_short_rows_are_padded_and_empty_extra_cells_dropped(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c,,\n1\n1,2,3,,\n", encoding="utf-8")
    assert read_all(path)[1:] == (["a", "b", "c"], [(2, ["1", "", ""]), (3, ["1", "2", "3"])])


def test_extra_cells_are_an_error_with_the_row(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a,b\n1,2\n1,2\n1,2,3\n", encoding="utf-8")
    error = table_error(path)
    assert (error.code, error.row) == ("file.columns", 4)
    assert "第4行" in error.message_zh


def test_nul_byte_is_malformed(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"a,b\n1,2\n3,\x004\n")
    error = table_error(path)
    assert (error.code, error.row) == ("file.malformed", 3)


def test_unterminated_quote_is_malformed(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('a,b\n1,2\n3,"4\n5,6\n', encoding="utf-8")
    error = table_error(path)
    assert (error.code, error.row) == ("file.malformed", 3)


def test_endless_line_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_LINE", 1000)
    path = tmp_path / "long.csv"
    path.write_text("a\n" + "x" * 5000, encoding="utf-8")
    error = table_error(path)
    assert (error.code, error.row) == ("file.malformed", 2)


@pytest.mark.parametrize("name, data", [("list.xls", b"\xd0\xcf\x11\xe0"), ("notes.txt", b"a,b\n"),
                                        ("broken.xlsx", b"PK\x03\x04 not really a zip"),
                                        ("text.xlsx", b"a,b\n1,2\n")])
def test_unsupported_or_corrupt_format(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    assert table_error(path).code == "file.format"


def test_xlsx_round_trip(tmp_path):
    path = tmp_path / "round.xlsx"
    rows = [["91350100M000100Y43", 12, dt.date(2024, 1, 31)],
            [None, None, None],
            ["南通市通州区", 2.5, dt.datetime(2024, 2, 1, 8, 30)],
            ["320612000012345", 3.0, ["TZ01", "TZ02"]]]
    write_table(path, HEADERS, rows)
    encoding, headers, read = read_all(path)
    assert (encoding, headers) == ("xlsx", HEADERS)
    assert read == [(2, ["91350100M000100Y43", "12", "2024-01-31"]),
                    (4, ["南通市通州区", "2.5", "2024-02-01 08:30:00"]),
                    (5, ["320612000012345", "3", "TZ01;TZ02"])]


def test_xlsx_first_sheet_and_typed_cells(tmp_path):
    path = tmp_path / "typed.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "日期", "数量", "特殊"])
    sheet.append(["甲", dt.datetime(2023, 12, 5), 320612000012345, True])
    book.create_sheet("second").append(["ignored"])
    book.save(path)
    assert read_all(path)[1:] == (["名称", "日期", "数量", "特殊"],
                                  [(2, ["甲", "2023-12-05", "320612000012345", "true"])])


def test_empty_xlsx(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    assert table_error(path).code == "file.empty"


DANGEROUS = ["=1+1", "+86 513 1234", "-2", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_escape_formula():
    assert [escape_formula(v) for v in DANGEROUS] == ["'" + v for v in DANGEROUS]
    assert escape_formula("南通 = ok") == "南通 = ok"
    assert all(unescape_formula(escape_formula(v)) == v for v in DANGEROUS + ["'quoted", "x"])


def test_csv_output_escapes_formulas(tmp_path):
    path = tmp_path / "out.csv"
    write_table(path, ["名称", "数"], [[v, -1] for v in DANGEROUS])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    for value in ["'=1+1", "'+86 513 1234", "'-2", "'@SUM(A1)", "'\tcmd"]:
        assert f"\n{value}," in text or f"\n\"{value}\"," in text
    assert text.count(",-1\r\n") == len(DANGEROUS) and "'-1" not in text  # numbers are left alone
    assert [cells[0] for _, cells in read_all(path)[2]] == DANGEROUS


def test_xlsx_output_escapes_formulas(tmp_path):
    path = tmp_path / "out.xlsx"
    write_table(path, ["=HEADER", "数"], [[v, -1] for v in DANGEROUS])
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "'=HEADER"
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # XML turns a stored carriage return into a newline, hence the last value is compared loosely
    assert [c.value for c in cells[:-1]] == ["'" + v for v in DANGEROUS[:-1]]
    assert cells[-1].value in ("'\rcmd", "'\ncmd")
    assert all(c.data_type == "s" for c in cells)
    assert sheet["B2"].value == -1
    assert [cells[0] for _, cells in read_all(path)[2]][:-1] == DANGEROUS[:-1]


def test_unknown_output_format(tmp_path):
    with pytest.raises(TableError) as caught:
        write_table(tmp_path / "out.ods", ["a"], [])
    assert caught.value.code == "file.format"
