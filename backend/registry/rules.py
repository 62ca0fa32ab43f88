"""Register rules for records entered through the API: normalise values, collect every problem at once."""

from __future__ import annotations

from typing import Any

from backend.errors import InvalidInput
from backend.registry.codes import CodeError, normalise_industry, normalise_region
from backend.registry.uscc import validate_uscc
from backend.registry.vocab import (
    QUALIFICATIONS, EntityKind, EntityScale, EntityStatus, InspectorStatus, Labelled, RiskClass,
)

ENUM_FIELDS: dict[str, type[Labelled]] = {
    "kind": EntityKind, "scale": EntityScale, "status": EntityStatus, "risk_class": RiskClass,
}


class Problems:
    """Field problems gathered while normalising one record."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, code: str, zh: str, en: str) -> None:
        self.items.append({"field": field, "code": code, "message": f"{zh} / {en}", "zh": zh, "en": en})

    def raise_if_any(self) -> None:
        if self.items:
            first = self.items[0]
            raise InvalidInput(first["zh"], first["en"], code=first["code"], errors=self.items)


def _enum(problems: Problems, field: str, enum: type[Labelled], raw: str) -> str | None:
    try:
        return enum.parse(raw).value
    except ValueError:
        problems.add(field, "value.enum", f"“{raw}”无效，可选：{enum.choices_text()}",
                     f"'{raw}' is not one of {', '.join(m.value for m in enum)}")
        return None


def normalise_entity(data: dict[str, Any], problems: Problems) -> dict[str, Any]:
    """Normalise the given entity fields (create: all; update: some) and record any problem."""
    out = dict(data)
    if "uscc" in data:
        result = validate_uscc(data["uscc"])
        out["uscc"], out["legacy_id"] = result.value, result.legacy
        if result.problem:
            problems.add("uscc", result.problem.code, result.problem.message_zh, result.problem.message_en)
    for field, enum in ENUM_FIELDS.items():
        if data.get(field) is not None:
            out[field] = _enum(problems, field, enum, data[field])
    for field, normalise in (("industry", normalise_industry), ("region", normalise_region)):
        if data.get(field) is not None:
            try:
                out[field] = normalise(data[field])
            except CodeError as exc:
                problems.add(field, exc.code, exc.message_zh, exc.message_en)
    if data.get("departments") is not None:
        out["departments"] = sorted({c.strip().upper() for c in data["departments"] if c.strip()})
    for field in ("name", "address"):
        if data.get(field) is not None:
            out[field] = data[field].strip()
    return out


def normalise_inspector(data: dict[str, Any], problems: Problems) -> dict[str, Any]:
    """Normalise inspector fields: status, qualification codes, credential dates, region."""
    out = dict(data)
    if data.get("status") is not None:
        out["status"] = _enum(problems, "status", InspectorStatus, data["status"])
    if data.get("qualifications") is not None:
        codes = []
        for raw in data["qualifications"]:
            code = next((k for k, (zh, en) in QUALIFICATIONS.items() if raw.strip() in (k, zh, en)), None)
            if code is None:
                problems.add("qualifications", "value.qualification", f"执法资质“{raw}”不存在",
                             f"unknown qualification '{raw}'")
            else:
                codes.append(code)
        out["qualifications"] = sorted(set(codes))
    if data.get("region") is not None:
        try:
            out["region"] = normalise_region(data["region"])
        except CodeError as exc:
            problems.add("region", exc.code, exc.message_zh, exc.message_en)
    if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
        problems.add("valid_to", "value.date_order", "证件有效期止不能早于有效期起",
                     "credential end date is before its start date")
    return out
