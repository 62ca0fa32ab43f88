"""Industry (GB/T 4754-2017) and region (GB/T 2260) reference codes."""

from __future__ import annotations

import pytest

from backend.registry.codes import (
    DEMO_COUNTIES, INDUSTRY_DIVISIONS, INDUSTRY_SECTIONS, PROVINCES, CodeError, industry_name,
    normalise_industry, normalise_region, region_name,
)


def test_sections_a_to_t():
    assert "".join(INDUSTRY_SECTIONS) == "ABCDEFGHIJKLMNOPQRST"


def test_divisions_01_to_97_in_section_order():
    assert list(INDUSTRY_DIVISIONS) == [f"{i:02d}" for i in range(1, 98)]
    sections = [section for section, _ in INDUSTRY_DIVISIONS.values()]
    assert sections == sorted(sections)
    assert set(sections) == set(INDUSTRY_SECTIONS)


@pytest.mark.parametrize("division, section, name", [
    ("01", "A", "农业"), ("05", "A", "农、林、牧、渔专业及辅助性活动"), ("06", "B", "煤炭开采和洗选业"),
    ("13", "C", "农副食品加工业"), ("14", "C", "食品制造业"), ("27", "C", "医药制造业"),
    ("43", "C", "金属制品、机械和设备修理业"), ("44", "D", "电力、热力生产和供应业"), ("47", "E", "房屋建筑业"),
    ("52", "F", "零售业"), ("62", "H", "餐饮业"), ("70", "K", "房地产业"), ("83", "P", "教育"),
    ("84", "Q", "卫生"), ("96", "S", "基层群众自治组织及其他组织"), ("97", "T", "国际组织"),
])
def test_division_spot_checks(division, section, name):
    assert INDUSTRY_DIVISIONS[division] == (section, name)


@pytest.mark.parametrize("raw, canonical", [
    ("C", "C"), ("c", "C"), ("C13", "C13"), (" c131 ", "C131"), ("C1311", "C1311"),
    ("13", "C13"), ("1311", "C1311"), ("0111", "A0111"), ("F 5261", "F5261"), ("H62", "H62"),
])
def test_normalise_industry(raw, canonical):
    assert normalise_industry(raw) == canonical


@pytest.mark.parametrize("raw", ["", "  ", "1", "C1", "CC13", "C13111", "13C", "１３", "C-13"])
def test_malformed_industry(raw):
    with pytest.raises(CodeError) as caught:
        normalise_industry(raw)
    assert caught.value.code == "industry.invalid"
    assert caught.value.message_zh and caught.value.message_en


@pytest.mark.parametrize("raw, fragment", [
    ("00", "00"), ("98", "98"), ("Z", "Z"), ("U", "U"), ("A13", "属于门类C"), ("D1311", "belongs to section C"),
])
def test_unknown_industry(raw, fragment):
    with pytest.raises(CodeError) as caught:
        normalise_industry(raw)
    assert caught.value.code == "industry.unknown"
    assert fragment in caught.value.message_zh + caught.value.message_en


def test_code_error_is_a_value_error():
    with pytest.raises(ValueError):
        normalise_industry("99")


def test_industry_name():
    assert industry_name("C1311") == "农副食品加工业"
    assert industry_name("F") == "批发和零售业"


def test_provinces():
    assert len(PROVINCES) == 34
    assert PROVINCES["32"] == "江苏省" and PROVINCES["82"] == "澳门特别行政区"
    assert all(len(code) == 2 and code.isdigit() for code in PROVINCES)


def test_demo_counties_are_nantong():
    for code in ("320602", "320612", "320613", "320614", "320623", "320681", "320682", "320685"):
        assert code in DEMO_COUNTIES
    assert all(code.startswith("3206") for code in DEMO_COUNTIES)
    assert DEMO_COUNTIES["320612"] == "通州区"


@pytest.mark.parametrize("raw, canonical", [
    ("320612", "320612"), (" 320685 ", "320685"), ("110000", "110000"),
    ("320699", "320699"),  # well-formed, not in our table: accepted
])
def test_normalise_region(raw, canonical):
    assert normalise_region(raw) == canonical


@pytest.mark.parametrize("raw", ["", "32061", "3206120", "32061a", "３２０６１２", "320 612"])
def test_malformed_region(raw):
    with pytest.raises(CodeError) as caught:
        normalise_region(raw)
    assert caught.value.code == "region.invalid"


@pytest.mark.parametrize("raw", ["990000", "100000", "000000", "660101"])
def test_unknown_province(raw):
    with pytest.raises(CodeError) as caught:
        normalise_region(raw)
    assert caught.value.code == "region.unknown"
    assert raw[:2] in caught.value.message_zh


def test_region_name():
    assert region_name("320612") == "通州区"
    assert region_name("320000") == "江苏省"
    assert region_name("320699") is None
