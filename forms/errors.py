"""The one error shape of the forms package: a path, a stable code, a message in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FormError:
    """One problem: `path` into the definition, the answers or a spreadsheet; `code`; both messages."""

    path: str
    code: str
    zh: str
    en: str

    def as_dict(self) -> dict:
        """The JSON shape shared with the PWA: {"path", "code", "message": {"zh", "en"}}."""
        return {"path": self.path, "code": self.code, "message": {"zh": self.zh, "en": self.en}}

    def at(self, prefix: str) -> FormError:
        """The same error with `prefix` put in front of its path (a file name, a sheet)."""
        path = f"{prefix}#{self.path}" if self.path else prefix
        return FormError(path, self.code, self.zh, self.en)


class InvalidDefinition(ValueError):
    """A definition (or spreadsheet) refused: every error found, not only the first."""

    def __init__(self, errors: list[FormError]) -> None:
        first = errors[0] if errors else FormError("", "invalid", "定义无效", "invalid definition")
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first.path}: {first.en}{more}")
        self.errors = errors


class ExpressionError(ValueError):
    """An expression that does not parse: code, both messages and the character offset."""

    def __init__(self, code: str, zh: str, en: str, position: int = 0) -> None:
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en
        self.position = position
