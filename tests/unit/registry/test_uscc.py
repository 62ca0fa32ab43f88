"""Unified social credit code validation (GB 32100-2015)."""

from __future__ import annotations

import pytest

from backend.registry.uscc import WEIGHTS, check_character, normalise, validate_uscc

VALID = "91350100M000100Y43"


def test_weights_are_the_published_ones():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_known_valid_code():
    result = validate_uscc(VALID)
    assert result.ok
    assert result.value == VALID
    assert result.legacy is False
    assert check_character(VALID[:17]) == "3"


def test_pasted_code_is_normalised():
    assert normalise(" 9135 0100m000100y43\t") == VALID
    assert validate_uscc(" 91350100m000100y43 ").value == VALID


@pytest.mark.parametrize("last", [ch for ch in "0124ABY"])
def test_wrong_check_character_names_the_expected_one(last):
    result = validate_uscc(VALID[:17] + last)
    assert not result.ok
    problem = result.problem
    assert problem.code == "uscc.check"
    assert problem.position == 18
    assert problem.expected == "3"
    assert "“3”" in problem.message_zh and f"“{last}”" in problem.message_zh
    assert "expected '3'" in problem.message_en


@pytest.mark.parametrize("letter", list("IOSVZ"))
@pytest.mark.parametrize("position", [1, 9, 17, 18])
def test_forbidden_letters_are_reported_with_their_position(letter, position):
    code = VALID[: position - 1] + letter + VALID[position:]
    problem = validate_uscc(code).problem
    assert problem is not None
    assert problem.code == "uscc.character"
    assert problem.position == position
    assert f"第{position}位" in problem.message_zh
    assert f"character {position} '{letter}'" in problem.message_en


@pytest.mark.parametrize("code", ["", "9135010", VALID[:17], VALID + "0", "1234567890123456"])
def test_wrong_length(code):
    problem = validate_uscc(code).problem
    assert problem.code == "uscc.length"
    assert f"{len(code)}位" in problem.message_zh


def test_region_part_must_be_digits():
    code = VALID[:4] + "A" + VALID[5:]
    problem = validate_uscc(code).problem
    assert problem.code == "uscc.region"
    assert problem.position == 5


def test_every_generated_code_validates():
    for serial in range(200):
        base = f"91320612{serial:09d}"
        assert validate_uscc(base + check_character(base)).ok


def test_legacy_fifteen_digit_number_is_flagged():
    result = validate_uscc("320612000012345")
    assert result.ok and result.legacy
    assert validate_uscc("320612000012345", allow_legacy=False).problem.code == "uscc.length"
    assert validate_uscc("32061200001234X").problem.code == "uscc.length"
