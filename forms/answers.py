"""Answers as JSON carries them, per field type: read into expression values, or the code of what is wrong.

| type | answer | value in expressions |
| --- | --- | --- |
| yes_no_na | "yes" / "no" / "na" | text |
| select_one | a choice value | text |
| select_multiple | list of distinct choice values | list |
| text, time | text (time "HH:MM" or "HH:MM:SS") | text |
| integer, decimal | JSON number (integer: no fraction) | number |
| date | "YYYY-MM-DD" | date |
| photo, audio | list of attachment ids (the sync layer's content hashes) | list |
| signature | {"attachment": id} or {"refused": true, "reason": text} (+ "signer", "witness") | "signed" / "refused" |
| geopoint | {"lat": -90..90, "lon": -180..180, "accuracy": ≥ 0, "altitude": number} | text "lat lon" |
| result_code | list of distinct codes of the result-code table; 1 stands alone | list |
"""

from __future__ import annotations

import math
import re

from forms.result_codes import CODES, EXCLUSIVE
from forms.values import is_missing, number_text, parse_date

TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?")
MAX_ATTACHMENT_ID = 200
SIGNATURE_KEYS = frozenset({"attachment", "refused", "reason", "signer", "witness"})
GEOPOINT_KEYS = frozenset({"lat", "lon", "accuracy", "altitude"})
Reading = tuple[object, str | None]


def is_number(raw: object) -> bool:
    """A finite JSON number (booleans are not numbers)."""
    return type(raw) in (int, float) and math.isfinite(raw)


def _text(field, raw) -> Reading:
    return (raw, None) if type(raw) is str else (None, "type")


def _yes_no_na(field, raw) -> Reading:
    if type(raw) is not str:
        return None, "type"
    return (raw, None) if raw in ("yes", "no", "na") else (None, "choice")


def _select_one(field, raw) -> Reading:
    if type(raw) is not str:
        return None, "type"
    return (raw, None) if raw in field.choices else (None, "choice")


def _select_multiple(field, raw) -> Reading:
    if type(raw) is not list or not all(type(v) is str for v in raw):
        return None, "type"
    if len(set(raw)) != len(raw) or not all(v in field.choices for v in raw):
        return None, "choice"
    return tuple(raw), None


def _integer(field, raw) -> Reading:
    if not is_number(raw) or (type(raw) is float and not raw.is_integer()):
        return None, "type"
    return float(raw), None


def _decimal(field, raw) -> Reading:
    return (float(raw), None) if is_number(raw) else (None, "type")


def _date(field, raw) -> Reading:
    day = parse_date(raw) if type(raw) is str else None
    return (day, None) if day else (None, "type")


def _time(field, raw) -> Reading:
    return (raw, None) if type(raw) is str and TIME.fullmatch(raw) else (None, "type")


def _attachments(field, raw) -> Reading:
    if type(raw) is not list or not all(type(v) is str and 0 < len(v) <= MAX_ATTACHMENT_ID for v in raw):
        return None, "type"
    return (tuple(raw), None) if len(set(raw)) == len(raw) else (None, "type")


def _signature(field, raw) -> Reading:
    if type(raw) is not dict or not raw.keys() <= SIGNATURE_KEYS:
        return None, "type"
    if raw.get("refused") is True:
        reason = raw.get("reason")
        return "refused", None if type(reason) is str and reason.strip() else "refusal_reason"
    attachment = raw.get("attachment")
    if "refused" in raw and raw["refused"] is not False:
        return None, "type"
    return ("signed", None) if type(attachment) is str and 0 < len(attachment) <= MAX_ATTACHMENT_ID else (None, "type")


def _geopoint(field, raw) -> Reading:
    if type(raw) is not dict or not raw.keys() <= GEOPOINT_KEYS or not all(is_number(v) for v in raw.values()):
        return None, "type"
    lat, lon, accuracy = raw.get("lat"), raw.get("lon"), raw.get("accuracy", 0)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or accuracy < 0:
        return None, "type"
    return f"{number_text(float(lat))} {number_text(float(lon))}", None


def _result_codes(field, raw) -> Reading:
    if type(raw) is not list or not all(type(v) is str for v in raw) or len(set(raw)) != len(raw):
        return None, "type"
    if not all(code in CODES for code in raw):
        return None, "result_code"
    exclusive = [code for code in raw if code in EXCLUSIVE]
    return tuple(raw), "exclusive_code" if exclusive and len(raw) > 1 else None


READERS = {
    "yes_no_na": _yes_no_na, "select_one": _select_one, "select_multiple": _select_multiple, "text": _text,
    "integer": _integer, "decimal": _decimal, "date": _date, "time": _time, "photo": _attachments,
    "audio": _attachments, "signature": _signature, "geopoint": _geopoint, "result_code": _result_codes,
}
"""Field type → reader(field, raw) -> (value, error code or None)."""


def read_answer(field, raw: object) -> Reading:
    """(value for expressions, error code or None); a missing answer reads as (None, None)."""
    if is_missing(raw):
        return None, None
    reader = READERS.get(field.type)
    return reader(field, raw) if reader else (None, None)
