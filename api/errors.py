"""Every error leaves the API as ``{"error", "message", "detail"}``; status mapped here only."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from states.errors import DomainError, ErrorType
from store.tables import SecurityLog

log = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """Every error code the API answers with; its status and texts are in ``ERRORS``."""

    # The procedure's refusals (``states.errors.ErrorType``), the same strings.
    INVALID_TRANSITION = "invalid_transition"
    GUARD_FAILED = "guard_failed"
    NOT_ALLOWED = "not_allowed"
    INVALID_COMMAND = "invalid_command"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    NOT_FOUND = "not_found"
    # The API's own.
    INVALID_PAYLOAD = "invalid_payload"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    UNAUTHORIZED = "unauthorized"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_TOKEN = "invalid_token"
    TOKEN_EXPIRED = "token_expired"
    SESSION_EXPIRED = "session_expired"
    SESSION_REVOKED = "session_revoked"
    ACCOUNT_LOCKED = "account_locked"
    TOO_MANY_REQUESTS = "too_many_requests"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"
    HTTP_ERROR = "http_error"


@dataclass(frozen=True)
class ErrorText:
    status: int
    vi: str
    en: str


ERRORS: dict[ErrorCode, ErrorText] = {
    ErrorCode.INVALID_TRANSITION: ErrorText(
        409,
        "Không thể thực hiện thao tác này ở bước hiện tại của cuộc kiểm tra.",
        "This action is not possible at the inspection's current step.",
    ),
    ErrorCode.GUARD_FAILED: ErrorText(
        409,
        "Chưa đủ điều kiện để thực hiện thao tác này.",
        "The conditions for this action are not met yet.",
    ),
    ErrorCode.NOT_ALLOWED: ErrorText(
        403,
        "Bạn không có quyền thực hiện thao tác này với cuộc kiểm tra này.",
        "You may not do this in this inspection.",
    ),
    ErrorCode.INVALID_COMMAND: ErrorText(
        422,
        "Nội dung gửi lên không phù hợp với cuộc kiểm tra; vui lòng kiểm tra lại.",
        "What was sent does not fit the inspection; please check it.",
    ),
    ErrorCode.CONFLICT_OF_INTEREST: ErrorText(
        409,
        "Có thành viên thuộc bên được kiểm tra (xung đột lợi ích).",
        "A member belongs to the inspected side (conflict of interest).",
    ),
    ErrorCode.NOT_FOUND: ErrorText(404, "Không tìm thấy trang hoặc dữ liệu yêu cầu.", "Not found."),
    ErrorCode.INVALID_PAYLOAD: ErrorText(
        422,
        "Dữ liệu nhập chưa hợp lệ; vui lòng kiểm tra các trường được đánh dấu.",
        "The input is not valid; please check the marked fields.",
    ),
    ErrorCode.CONFLICT: ErrorText(
        409,
        "Dữ liệu đã thay đổi hoặc đã tồn tại; vui lòng tải lại và thử lại.",
        "It already exists or has changed; reload and try again.",
    ),
    ErrorCode.FORBIDDEN: ErrorText(
        403, "Bạn không có quyền thực hiện thao tác này.", "You may not do this."
    ),
    ErrorCode.UNAUTHORIZED: ErrorText(401, "Vui lòng đăng nhập.", "Please sign in."),
    ErrorCode.INVALID_CREDENTIALS: ErrorText(
        401, "Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."
    ),
    ErrorCode.INVALID_TOKEN: ErrorText(
        401,
        "Phiên đăng nhập không hợp lệ; vui lòng đăng nhập lại.",
        "Invalid session; sign in again.",
    ),
    ErrorCode.TOKEN_EXPIRED: ErrorText(
        401, "Phiên đăng nhập đã hết hạn.", "The session token has expired."
    ),
    ErrorCode.SESSION_EXPIRED: ErrorText(
        401,
        "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.",
        "The session has expired; sign in again.",
    ),
    ErrorCode.SESSION_REVOKED: ErrorText(
        401,
        "Phiên đăng nhập đã kết thúc; vui lòng đăng nhập lại.",
        "The session has ended; sign in again.",
    ),
    ErrorCode.ACCOUNT_LOCKED: ErrorText(
        429,
        "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau.",
        "Too many failed sign-ins; try again later.",
    ),
    ErrorCode.TOO_MANY_REQUESTS: ErrorText(
        429, "Quá nhiều yêu cầu; vui lòng thử lại sau.", "Too many requests; try again later."
    ),
    ErrorCode.METHOD_NOT_ALLOWED: ErrorText(
        405, "Thao tác không được hỗ trợ.", "Method not allowed."
    ),
    ErrorCode.PAYLOAD_TOO_LARGE: ErrorText(
        413, "Dữ liệu gửi lên quá lớn.", "The request is too large."
    ),
    ErrorCode.UNAVAILABLE: ErrorText(
        503,
        "Hệ thống đang bận hoặc tạm thời gián đoạn; vui lòng thử lại.",
        "The service is busy or briefly unavailable; please retry.",
    ),
    ErrorCode.INTERNAL: ErrorText(500, "Đã xảy ra lỗi hệ thống.", "Internal error."),
    ErrorCode.HTTP_ERROR: ErrorText(400, "Yêu cầu không hợp lệ.", "Bad request."),
}

# The status of each of the procedure's refusals (states.errors), from the same table.
STATUS: dict[ErrorType, int] = {t: ERRORS[ErrorCode(t.value)].status for t in ErrorType}
assert set(ERRORS) == set(ErrorCode)


def language_of(accept_language: str | None) -> str:
    """``en`` when the caller prefers English to Vietnamese (Accept-Language, q-values
    honoured), else ``vi``: kiemtra speaks Vietnamese unless asked otherwise."""
    best, best_q = "vi", 0.0
    for part in (accept_language or "")[:256].split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("vi", "en") and q > best_q:
            best, best_q = primary, q
    return best


def message_for(code: ErrorCode, language: str, specific: str, specific_vi: str = "") -> str:
    """The text people read: in Vietnamese the refusal's own Vietnamese (when it has one)
    or the code's, in English the specific message (``detail`` names the same things)."""
    if language == "en":
        return specific or ERRORS[code].en
    return specific_vi or ERRORS[code].vi


class ApiError(Exception):
    """A refusal or fault with its code (which gives its HTTP status) and a message."""

    def __init__(
        self,
        error: ErrorCode,
        message: str,
        detail: Any = None,
        headers: dict[str, str] | None = None,
        vi: str = "",
    ) -> None:
        super().__init__(message)
        self.error = error
        self.vi = vi  # the specific message in Vietnamese, when there is one
        self.status = ERRORS[error].status
        self.message = message
        self.detail = detail
        self.headers = headers
        # Why a refusal happened, for the security log only (never sent to the caller).
        self.reason = ""

    @classmethod
    def from_domain(cls, error: DomainError) -> "ApiError":
        return cls(ErrorCode(error.type.value), error.message, error.detail, vi=error.vi)

    @classmethod
    def from_type(
        cls, type_name: str | None, message: str, detail: Any, vi: str = ""
    ) -> "ApiError":
        try:
            kind = ErrorType(type_name or "")
        except ValueError:
            return cls(ErrorCode.INTERNAL, message, detail)
        return cls(ErrorCode(kind.value), message, detail, vi=vi)


def unavailable(message: str) -> ApiError:
    return ApiError(ErrorCode.UNAVAILABLE, message, None, {"Retry-After": "5"})


def not_found(what: str, key: str) -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, f"{what} {key} not found", {"id": key})


def _body(
    request: Request,
    error: ErrorCode,
    message: str,
    detail: Any,
    headers: Any = None,
    vi: str = "",
) -> Response:
    page = getattr(request.app.state, "error_page", None)
    if page is not None:
        # The web pages answer with a page of their own (api.web.errors); the API with JSON.
        shown: Response | None = page(request, error, message, detail, headers, vi)
        if shown is not None:
            return shown
    language = language_of(request.headers.get("accept-language"))
    text = message_for(error, language, message, vi)
    return JSONResponse(
        {"error": error.value, "message": text, "detail": detail},
        status_code=ERRORS[error].status,
        headers={**(headers or {}), "Content-Language": language},
    )


# Starlette's own refusals (unknown path, wrong method, …) by status.
HTTP_CODES: dict[int, ErrorCode] = {
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}

# 404 too: probing for ids is worth seeing, and a hidden id must log exactly as an unknown one.
AUDITED = frozenset({401, 403, 404, 409})
# The longest each field of a security log row may be. Callers choose the path and the
# request id: the log holds evidence, not whatever a caller wants stored.
LOG_FIELD_MAX = {
    "user_id": 64,
    "role": 32,
    "source_ip": 64,
    "request_id": 64,
    "method": 16,
    "path": 512,
    "error": 64,
    "reason": 64,
}


def _cut(field: str, value: str) -> str:
    return value[: LOG_FIELD_MAX[field]]


def audit(request: Request, status: int, error: str, reason: str = "") -> None:
    """Record a refused call in the security log (never lets the log break the answer)."""
    if status not in AUDITED and not reason:
        return
    user_id, role = getattr(request.state, "caller", (None, ""))
    row = SecurityLog(
        at=datetime.now(UTC),
        user_id=None if user_id is None else _cut("user_id", user_id),
        role=_cut("role", role),
        source_ip=_cut("source_ip", request.client.host if request.client else ""),
        request_id=_cut("request_id", getattr(request.state, "request_id", "")),
        method=_cut("method", request.method),
        path=_cut("path", request.url.path),
        status=status,
        error=_cut("error", error),
        reason=_cut("reason", reason),
    )
    try:
        with Session(request.app.state.engine) as session:
            session.add(row)
            session.commit()
    except Exception:
        log.exception("security log not written")


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the same shape."""

    # audit() writes to the database: in a thread, so a slow or locked database never stalls
    # the event loop every other request runs on.
    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> Response:
        await run_in_threadpool(audit, request, exc.status, exc.error, exc.reason)
        return _body(request, exc.error, exc.message, exc.detail, exc.headers, exc.vi)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        e = ApiError.from_domain(exc)
        await run_in_threadpool(audit, request, e.status, e.error)
        return _body(request, e.error, e.message, e.detail, None, e.vi)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        message = "the request does not match its schema"
        return _body(request, ErrorCode.INVALID_PAYLOAD, message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = HTTP_CODES.get(exc.status_code, ErrorCode.HTTP_ERROR)
        await run_in_threadpool(audit, request, exc.status_code, code)
        return _body(request, code, str(exc.detail), None, getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError) -> Response:
        log.warning("database unavailable: %s", exc)
        message = "the database is not reachable"
        return _body(request, ErrorCode.UNAVAILABLE, message, None, {"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _fault(request: Request, exc: Exception) -> Response:
        log.exception("unhandled fault")
        return _body(request, ErrorCode.INTERNAL, "internal error", None)
