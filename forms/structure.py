"""Structural checks of a definition's nodes: keys, value types, labels, choice lists (no expressions here)."""

from __future__ import annotations

import re

from forms.errors import FormError
from forms.result_codes import CODES, EXCLUSIVE

FORMAT = "choucha-form/1"
FORM_ID = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
CHOICE_VALUE = re.compile(r"[^\s]{1,100}")
LANGUAGES = ("zh", "en")
INPUT_TYPES = ("yes_no_na", "select_one", "select_multiple", "text", "integer", "decimal", "date", "time",
               "photo", "audio", "signature", "geopoint", "result_code")
FIELD_TYPES = INPUT_TYPES + ("note", "calculate", "group", "repeat")
BASE = {"name", "type", "label", "hint", "relevant", "legal_basis"}
INPUT = BASE | {"required", "constraint", "constraint_message", "findings", "personal_data", "trade_secret"}
EXTRA = {"select_one": {"choices"}, "select_multiple": {"choices"}, "integer": {"unit", "min", "max"},
         "decimal": {"unit", "min", "max"}, "photo": {"min_count", "max_count"},
         "audio": {"min_count", "max_count"}}
KEYS = {kind: INPUT | EXTRA.get(kind, set()) for kind in INPUT_TYPES} | {
    "note": BASE, "calculate": BASE | {"calculation", "personal_data", "trade_secret"},
    "group": BASE | {"fields"}, "repeat": BASE | {"fields", "min_rows", "max_rows"},
    "section": {"name", "title", "hint", "relevant", "legal_basis", "fields"},
}
"""The keys each node type may carry; anything else is refused (a typo must not pass silently)."""
HEAD_KEYS = {"format", "id", "version", "title", "description", "items", "legal_basis", "choices", "sections"}
FINDING_KEYS = {"when", "result_codes", "summary", "legal_basis"}


def error(path: str, code: str, zh: str, en: str) -> FormError:
    """Shorthand for a FormError."""
    return FormError(path, code, zh, en)


def is_count(value: object) -> bool:
    """A non-negative JSON integer (not a boolean)."""
    return type(value) is int and value >= 0


def join(path: str, key: str | int) -> str:
    """`sections[0]` + `fields` → `sections[0].fields`; + 3 → `sections[0].fields[3]`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def check_keys(node: dict, allowed: set, path: str) -> list[FormError]:
    """One error per key not in `allowed`."""
    return [error(join(path, key), "unknown_key", f"不认识的键 {key}", f"unknown key {key!r}")
            for key in node if key not in allowed]


def check_label(value: object, path: str, *, required: bool = True) -> list[FormError]:
    """A label is {"zh": …, "en": …} with at least one non-empty text."""
    if value is None:
        return [error(path, "missing", "缺少标题/标签", "label is missing")] if required else []
    if not isinstance(value, dict) or not value or any(k not in LANGUAGES for k in value):
        return [error(path, "label", "标签须为 {\"zh\": …, \"en\": …}", 'a label must be {"zh": …, "en": …}')]
    return [error(join(path, k), "label", "标签文字不能为空", "label text must not be empty")
            for k, text in value.items() if not isinstance(text, str) or not text.strip()]


def check_texts(value: object, path: str) -> list[FormError]:
    """A list of non-empty strings (legal basis, item codes)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return [error(path, "texts", "须为非空字符串的列表", "must be a list of non-empty strings")]
    return []


def check_head(data: dict) -> list[FormError]:
    """The form's own keys: format, id, version, title, items, legal basis."""
    errors = check_keys(data, HEAD_KEYS, "")
    if data.get("format") != FORMAT:
        errors.append(error("format", "format", f"format 须为 {FORMAT}", f"format must be {FORMAT!r}"))
    form_id = data.get("id")
    if not isinstance(form_id, str) or len(form_id) > 100 or not FORM_ID.fullmatch(form_id):
        errors.append(error("id", "id", "id 须由小写字母、数字、点和连字符组成，如 market.public-info",
                            "id must be lower-case letters, digits, dots and hyphens, e.g. market.public-info"))
    version = data.get("version")
    if type(version) is not int or version < 1:
        errors.append(error("version", "version", "version 须为正整数", "version must be a positive integer"))
    errors += check_label(data.get("title"), "title")
    errors += check_label(data.get("description"), "description", required=False)
    errors += check_texts(data.get("items"), "items") + check_texts(data.get("legal_basis"), "legal_basis")
    return errors


def check_choices(choices: object) -> list[FormError]:
    """Choice lists: {list_name: [{"value", "label"}, …]} with unique values without spaces."""
    if choices is None:
        return []
    if not isinstance(choices, dict):
        return [error("choices", "choices", "choices 须为对象", "choices must be an object")]
    errors = []
    for list_name, options in choices.items():
        path = join("choices", list_name)
        if not NAME.fullmatch(list_name):
            errors.append(error(path, "name", "选项列表名无效", "invalid choice list name"))
        if not isinstance(options, list) or not options:
            errors.append(error(path, "choices", "选项列表须为非空数组", "a choice list must be a non-empty array"))
            continue
        seen = set()
        for i, option in enumerate(options):
            where = join(path, i)
            if not isinstance(option, dict):
                errors.append(error(where, "choices", "选项须为对象", "an option must be an object"))
                continue
            errors += check_keys(option, {"value", "label"}, where)
            errors += check_label(option.get("label"), join(where, "label"))
            value = option.get("value")
            if not isinstance(value, str) or not CHOICE_VALUE.fullmatch(value):
                errors.append(error(join(where, "value"), "choice_value", "选项值须为不含空格的字符串",
                                    "an option value must be text without spaces"))
            elif value in seen:
                errors.append(error(join(where, "value"), "duplicate_choice", f"选项值 {value} 重复",
                                    f"duplicate option value {value!r}"))
            seen.add(value)
    return errors


def check_findings(findings: object, path: str) -> list[FormError]:
    """Findings: [{"when": expression, "result_codes": [...], "summary": label, "legal_basis": [...]}]."""
    if not isinstance(findings, list):
        return [error(path, "findings", "findings 须为数组", "findings must be an array")]
    errors = []
    for i, finding in enumerate(findings):
        where = join(path, i)
        if not isinstance(finding, dict):
            errors.append(error(where, "findings", "问题项须为对象", "a finding must be an object"))
            continue
        errors += check_keys(finding, FINDING_KEYS, where) + check_label(finding.get("summary"), join(where, "summary"))
        errors += check_texts(finding.get("legal_basis"), join(where, "legal_basis"))
        codes = finding.get("result_codes")
        if not isinstance(codes, list) or not codes or not all(c in CODES and c not in EXCLUSIVE for c in codes):
            errors.append(error(join(where, "result_codes"), "result_code",
                                "result_codes 须为结果代码表中表示问题的代码（不能是 1）",
                                "result_codes must be codes of the result-code table that report a problem (not 1)"))
        if not isinstance(finding.get("when"), str):
            errors.append(error(join(where, "when"), "missing", "缺少条件 when", "the condition `when` is missing"))
    return errors
