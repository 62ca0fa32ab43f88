"""What a report's answers must satisfy (pure): per-field checks on push, completeness on submit."""

from __future__ import annotations

from datetime import date

from forms.definition import Form
from forms.validate import validate, validate_fields
from sync.merge import current_answers
from sync.mutations import REPORT_ITEM

THROUGH_SETS = frozenset({"photo", "audio", "signature"})
"""Field types answered through set elements and signatures (merged without loss), never by `answers`."""
SUMMARY_LIMIT = 4000


def _problem(path: str, code: str, zh: str, en: str) -> dict:
    return {"path": path, "code": code, "message": {"zh": zh, "en": en}}


def _at(item: str, errors: list) -> list[dict]:
    return [{**e.as_dict(), "path": f"{item}.{e.path}"} for e in errors]


def answer_errors(form: Form | None, item: str, merged: dict, written: dict, *, today: date) -> list[dict]:
    """Errors at the fields just written, judged with the item's merged answers ("required" waits for submit)."""
    if item == REPORT_ITEM:
        return report_field_errors(written)
    if form is None:
        return [_problem(item, "unknown_item", "任务不包含该检查事项", "the task has no such item")]
    through_sets = [name for name in written if name in form.fields and form.fields[name].type in THROUGH_SETS]
    if through_sets:
        return [_problem(f"{item}.{name}", "use_sets", "照片、录音和签名字段须通过媒体或签名变更提交",
                         "photo, audio and signature fields are answered by add/sign mutations")
                for name in through_sets]
    errors = validate_fields(form, merged, sorted(written), today=today)
    return _at(item, [e for e in errors if e.code != "required"])


def report_field_errors(values: dict) -> list[dict]:
    """Checks of the report-level fields: the place of the inspection and a summary."""
    errors = []
    location = values.get("location")
    if location is not None and not _valid_location(location):
        errors.append(_problem("_report.location", "type", "位置须为 {lat, lon, accuracy}",
                               "location is {lat, lon, accuracy}"))
    summary = values.get("summary")
    if summary is not None and not (isinstance(summary, str) and len(summary) <= SUMMARY_LIMIT):
        errors.append(_problem("_report.summary", "type", f"摘要须为不超过{SUMMARY_LIMIT}字的文本",
                               f"summary is text of at most {SUMMARY_LIMIT} characters"))
    return errors


def _valid_location(value: object) -> bool:
    if not isinstance(value, dict) or set(value) - {"lat", "lon", "accuracy", "at"}:
        return False
    lat, lon = value.get("lat"), value.get("lon")
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon))
    return numbers and -90 <= lat <= 90 and -180 <= lon <= 180


def submit_errors(state: dict, forms: dict[str, Form], *, today: date) -> list[dict]:
    """Why the report may not be submitted yet: every error of every item's form (result codes, the party's
    signature or the recorded refusal are the forms' own required fields)."""
    errors = []
    for item, form in sorted(forms.items()):
        errors += _at(item, validate(form, current_answers(state, item), today=today))
    return errors
