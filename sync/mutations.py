"""What a device sends: mutations, their shape, and their content digest (pure).

    {"device": "<uuid>", "seq": 17, "task": "<task uid>", "hlc": [wall_ms, counter], "op": "answers",
     "item": "SP-01", "values": {"licence_ok": "yes"}, "base": {"licence_ok": ["<device>:12"]}}

Ops: `answers` (values per field of one item's form, each with the write ids the device saw), `add` and
`remove` (an element of an add-only set: photos, audio, findings, notes), `sign` (a write-once signature
or refusal in a signature field), `intent` (start, submit, withdraw). Report-level answers (GPS, summary)
use item `_report`. A photo or audio element names the form field it answers (`item`, `field`, where a
field inside a repeat row is written `rows[2].photo`); photo, audio and signature fields are answered only
through these sets and signatures, never by `answers`, so two devices' photos never overwrite each other.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import msgspec

from sync import hlc
from sync.lifecycle import DEVICE_INTENTS

SETS = ("photos", "audio", "findings", "notes")
MEDIA_SETS = frozenset({"photos", "audio"})
REPORT_ITEM = "_report"
REPORT_FIELDS = frozenset({"location", "summary"})
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")
FIELD_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}(\[[0-9]{1,4}\]\.[A-Za-z_][A-Za-z0-9_]{0,99})*")
"""A field, or a field inside repeat rows: `officers[1].officer_signature`."""
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_VALUES = 200


class MutationError(ValueError):
    """A mutation that can never apply (malformed): stable code, both messages, the offending path."""

    def __init__(self, code: str, zh: str, en: str, path: str = "") -> None:
        super().__init__(en)
        self.code, self.zh, self.en, self.path = code, zh, en, path


@dataclass(frozen=True)
class Mutation:
    """One parsed mutation. `write_id` names the writes it makes (`device:seq`)."""

    device: str
    seq: int
    task: str
    stamp: hlc.Stamp
    op: str
    body: dict = field(default_factory=dict)

    @property
    def write_id(self) -> str:
        return f"{self.device}:{self.seq}"


def canonical_text(raw: object) -> str:
    """The canonical JSON a digest is taken over: sorted keys, no spaces, UTF-8 kept as is (`json.dumps`)."""
    return json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


_SORTED = msgspec.json.Encoder(order="sorted")
"""Writes the same bytes as `canonical_text` for JSON without floats (floats in exponent form differ: `1e+16`
against `1e16`), in a fifth of the time: the digest of every pushed mutation (bench/sync.py)."""


def _has_float(value: object) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float:
            return True
    return False


def digest(raw: dict) -> str:
    """SHA-256 of the mutation's canonical JSON: a replay must match it byte for byte in meaning."""
    if not _has_float(raw):
        try:
            return hashlib.sha256(_SORTED.encode(raw)).hexdigest()
        except (TypeError, UnicodeEncodeError, msgspec.EncodeError):
            pass  # what msgspec cannot write (a lone surrogate …) gets json's answer, or its error
    return hashlib.sha256(canonical_text(raw).encode()).hexdigest()


def key_of(raw: object) -> tuple[str, int] | None:
    """(device, seq) of a raw mutation when both are well formed, else None."""
    if isinstance(raw, dict) and isinstance(raw.get("device"), str) and UUID.fullmatch(raw["device"]) \
            and type(raw.get("seq")) is int and raw["seq"] >= 1:
        return raw["device"], raw["seq"]
    return None


def parse(raw: object) -> Mutation:
    """A Mutation from its JSON form, or MutationError naming what is wrong."""
    key = key_of(raw)
    if key is None:
        raise MutationError("sync.malformed", "变更缺少有效的设备号或序号", "mutation needs a device uuid and seq ≥ 1")
    if not isinstance(raw.get("task"), str) or not UUID.fullmatch(raw["task"]):
        raise MutationError("sync.malformed", "变更缺少有效的任务号", "mutation needs a task uid", "task")
    stamp = hlc.parse(raw.get("hlc"))
    if stamp is None:
        raise MutationError("sync.malformed", "混合逻辑时钟格式错误", "hlc must be [wall_ms, counter]", "hlc")
    op = raw.get("op")
    check = _CHECKS.get(op) if isinstance(op, str) else None
    if check is None:
        raise MutationError("sync.unknown_op", f"未知的变更类型：{op!r}", f"unknown mutation op: {op!r}", "op")
    body = {k: v for k, v in raw.items() if k not in ("device", "seq", "task", "hlc", "op")}
    check(body)
    return Mutation(key[0], key[1], raw["task"], stamp, op, body)


def _answers(body: dict) -> None:
    item, values, base = body.get("item"), body.get("values"), body.get("base", {})
    if not isinstance(item, str) or not (item == REPORT_ITEM or NAME.fullmatch(item)):
        raise MutationError("sync.malformed", "检查事项编码无效", "item must be an item code or _report", "item")
    if not isinstance(values, dict) or not values or len(values) > MAX_VALUES:
        raise MutationError("sync.malformed", "答案必须是非空对象",
                            f"values must be an object of 1–{MAX_VALUES} fields", "values")
    for name in values:
        if not NAME.fullmatch(name) or (item == REPORT_ITEM and name not in REPORT_FIELDS):
            raise MutationError("sync.malformed", f"字段名无效：{name}", f"invalid field name: {name}",
                                f"values.{name}")
    if not isinstance(base, dict) or any(
            not isinstance(ids, list) or not all(isinstance(i, str) and len(i) <= 60 for i in ids)
            for ids in base.values()):
        raise MutationError("sync.malformed", "base 必须是字段到写入编号列表的映射",
                            "base maps fields to write-id lists", "base")


def _element(body: dict) -> None:
    if body.get("set") not in SETS:
        raise MutationError("sync.malformed", "集合名称无效", f"set must be one of {', '.join(SETS)}", "set")
    if not isinstance(body.get("id"), str) or not UUID.fullmatch(body["id"]):
        raise MutationError("sync.malformed", "元素编号必须是UUID", "element id must be a uuid", "id")


def _add(body: dict) -> None:
    _element(body)
    value = body.get("value")
    if not isinstance(value, dict):
        raise MutationError("sync.malformed", "元素内容必须是对象", "element value must be an object", "value")
    if body["set"] in MEDIA_SETS:
        if not (isinstance(value.get("sha256"), str) and SHA256.fullmatch(value["sha256"])):
            raise MutationError("sync.malformed", "媒体元素需要SHA-256", "media elements need a sha256", "value.sha256")
        if "field" in value and not (_is_slot(value.get("item"), value["field"])):
            raise MutationError("sync.malformed", "媒体所属字段无效", "item and field of a media element are invalid",
                                "value.field")


def _is_slot(item: object, path: object) -> bool:
    return isinstance(item, str) and bool(NAME.fullmatch(item)) and isinstance(path, str) \
        and bool(FIELD_PATH.fullmatch(path))


def _sign(body: dict) -> None:
    if not _is_slot(body.get("item"), body.get("field")):
        raise MutationError("sync.malformed", "签名字段无效", "a signature names its item and field", "field")
    value = body.get("value")
    signed = isinstance(value, dict) and isinstance(value.get("attachment"), str) \
        and bool(SHA256.fullmatch(value["attachment"]))
    refused = isinstance(value, dict) and value.get("refused") is True and isinstance(value.get("reason"), str) \
        and 0 < len(value["reason"]) <= 1000
    if not (signed or refused):
        raise MutationError("sync.malformed", "签名须为签名图像的SHA-256，或拒签及理由",
                            "a signature is {attachment: sha256} or {refused: true, reason}", "value")


def _intent(body: dict) -> None:
    if body.get("act") not in DEVICE_INTENTS:
        raise MutationError("sync.malformed", "状态意图无效", "act must be start, submit or withdraw", "act")


_CHECKS = {"answers": _answers, "add": _add, "remove": _element, "sign": _sign, "intent": _intent}
