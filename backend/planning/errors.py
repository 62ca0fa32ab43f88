"""Refusals of the pure draw code: a stable code and messages in Chinese and English, no web framework."""

from __future__ import annotations

from typing import Any


class PlanningError(ValueError):
    """Bad draw input; the service turns it into the shared DomainError (HTTP 422) with the same code."""

    status = 422

    def __init__(self, code: str, message_zh: str, message_en: str, **extra: Any) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.extra = extra


class SourceError(PlanningError):
    """A public randomness source that is empty or does not parse (code `draw.sources`)."""

    def __init__(self, message_zh: str, message_en: str, **extra: Any) -> None:
        super().__init__("draw.sources", message_zh, message_en, **extra)
