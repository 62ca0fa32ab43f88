"""Bilingual messages of answer errors, word for word the same as `pwa/forms/messages.js`."""

from __future__ import annotations

from forms.values import number_text

TEMPLATES = {
    "required": ("“{zh}”为必填项", "“{en}” is required"),
    "constraint": ("“{zh}”的取值不符合要求", "“{en}” does not satisfy its constraint"),
    "type": ("“{zh}”的答案类型不正确", "“{en}” has an answer of the wrong type"),
    "choice": ("“{zh}”的答案不在选项中", "“{en}” has an answer that is not one of its options"),
    "range": ("“{zh}”须在{low}至{high}之间", "“{en}” must be between {low} and {high}"),
    "too_few": ("“{zh}”至少需要{low}项", "“{en}” needs at least {low}"),
    "too_many": ("“{zh}”最多{high}项", "“{en}” allows at most {high}"),
    "result_code": ("“{zh}”含有结果代码表中没有的代码", "“{en}” holds a code that is not in the result-code table"),
    "exclusive_code": ("“{zh}”：代码 1（未发现问题）不能与其他代码同时选择",
                       "“{en}”: code 1 (no problem found) cannot be combined with other codes"),
    "refusal_reason": ("“{zh}”：拒绝签字须写明理由", "“{en}”: a refusal to sign must state its reason"),
    "unknown_field": ("表单中没有字段“{name}”", "the form has no field “{name}”"),
    "not_an_object": ("答案须为 JSON 对象", "answers must be a JSON object"),
}
"""Code → (中文, English) with {zh} {en} (the field's label), {low} {high} (limits), {name}."""


def label_texts(field) -> tuple[str, str]:
    """The field's label in Chinese and English, each falling back to the other, then to the name."""
    label = field.label if field is not None else {}
    zh = label.get("zh") or label.get("en") or field.name
    return zh, label.get("en") or label.get("zh") or field.name


def limit_text(value: object) -> str:
    """A limit as text ('' for none)."""
    return "" if value is None else number_text(float(value))


def answer_message(code: str, field=None, *, low: object = None, high: object = None,
                   name: str = "") -> tuple[str, str]:
    """(中文, English) for an answer error; a field's own constraint message wins for `constraint`."""
    if code == "constraint" and field is not None and field.spec.get("constraint_message"):
        custom = field.spec["constraint_message"]
        return custom.get("zh") or custom.get("en"), custom.get("en") or custom.get("zh")
    zh_label, en_label = label_texts(field) if field is not None else ("", "")
    values = {"zh": zh_label, "en": en_label, "low": limit_text(low), "high": limit_text(high), "name": name}
    if code == "range" and low is None:
        return (f"“{zh_label}”不能大于{values['high']}", f"“{en_label}” must be at most {values['high']}")
    if code == "range" and high is None:
        return (f"“{zh_label}”不能小于{values['low']}", f"“{en_label}” must be at least {values['low']}")
    zh, en = TEMPLATES[code]
    return zh.format(**values), en.format(**values)
