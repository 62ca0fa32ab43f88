"""One hierarchy of domain errors with stable codes, turned into RFC 9457 problems by one handler."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.exceptions import NotFoundException as LitestarNotFound
from litestar.exceptions import ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from backend.planning.errors import PlanningError

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """A refusal the client can act on: HTTP status, stable code, messages in Chinese and English."""

    status = 400
    code = "bad_request"

    def __init__(self, message_zh: str, message_en: str, *, code: str | None = None,
                 status: int | None = None, **extra: Any) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        if code:
            self.code = code
        if status:
            self.status = status
        self.extra = extra


class InvalidInput(DomainError):
    status, code = 422, "invalid_input"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Unauthenticated(DomainError):
    status, code = 401, "auth.required"


class Forbidden(DomainError):
    status, code = 403, "auth.forbidden"


class TooMany(DomainError):
    status, code = 429, "rate_limited"


class TooLarge(DomainError):
    status, code = 413, "payload.too_large"


class UnsupportedMediaType(DomainError):
    status, code = 415, "media.type"


def problem(status: int, code: str, zh: str, en: str, **extra: Any) -> Response:
    """An application/problem+json response; `title` is the English message, `detail` the Chinese."""
    body = {"type": f"https://choucha.dev/problems/{code}", "title": en, "status": status,
            "code": code, "detail": zh, "message": {"zh": zh, "en": en}, **extra}
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON)


def domain_error_handler(_: Request, exc: DomainError) -> Response:
    """Map a DomainError to its problem response."""
    return problem(exc.status, exc.code, exc.message_zh, exc.message_en, **exc.extra)


_HTTP_TEXT = {
    400: ("bad_request", "请求格式错误", "malformed request"),
    401: ("auth.required", "请先登录", "authentication required"),
    403: ("auth.forbidden", "无权执行此操作", "not allowed for your role"),
    404: ("not_found", "资源不存在", "not found"),
    405: ("method_not_allowed", "不支持该请求方法", "method not allowed"),
    413: ("payload.too_large", "上传内容过大", "payload too large"),
    429: ("rate_limited", "请求过于频繁，请稍后再试", "too many requests, try again later"),
}


def http_error_handler(_: Request, exc: HTTPException) -> Response:
    """Map Litestar's own HTTP errors (validation, 404, 405 …) to problems with stable codes."""
    status = exc.status_code
    if isinstance(exc, ValidationException):
        return problem(400, "invalid_request", "请求参数无效", "invalid request parameters",
                       errors=exc.extra if isinstance(exc.extra, list) else [])
    if isinstance(exc, NotAuthorizedException):
        status = 401
    elif isinstance(exc, PermissionDeniedException):
        status = 403
    elif isinstance(exc, LitestarNotFound):
        status = 404
    code, zh, en = _HTTP_TEXT.get(status, ("http_error", "请求失败", str(exc.detail)))
    return problem(status, code, zh, en)


def internal_error_handler(_: Request, exc: Exception) -> Response:
    """Anything unexpected: a 500 problem without internals (the log has the traceback)."""
    import logging

    logging.getLogger("choucha").exception("unhandled error", exc_info=exc)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, "internal", "服务器内部错误", "internal server error")


def planning_error_handler(_: Request, exc: PlanningError) -> Response:
    """The pure draw code's refusals: 422 with their own codes."""
    return problem(exc.status, exc.code, exc.message_zh, exc.message_en, **exc.extra)


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    PlanningError: planning_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
