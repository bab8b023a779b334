"""Every error leaves the API as ``{"error", "message", "detail"}``; status mapped here only."""

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from states.errors import DomainError, ErrorType
from store.tables import SecurityLog

log = logging.getLogger(__name__)

STATUS: dict[ErrorType, int] = {
    ErrorType.INVALID_TRANSITION: 409,
    ErrorType.GUARD_FAILED: 409,
    ErrorType.CONFLICT_OF_INTEREST: 409,
    ErrorType.NOT_ALLOWED: 403,
    ErrorType.INVALID_COMMAND: 422,
    ErrorType.NOT_FOUND: 404,
}


class ApiError(Exception):
    """A refusal or fault with its HTTP status and a stable error code."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        detail: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.detail = detail
        self.headers = headers
        # Why a refusal happened, for the security log only (never sent to the caller).
        self.reason = ""

    @classmethod
    def from_domain(cls, error: DomainError) -> "ApiError":
        return cls(STATUS[error.type], error.type.value, error.message, error.detail)

    @classmethod
    def from_type(cls, type_name: str | None, message: str, detail: Any) -> "ApiError":
        try:
            kind = ErrorType(type_name or "")
        except ValueError:
            return cls(500, "internal", message, detail)
        return cls(STATUS[kind], kind.value, message, detail)


def unavailable(message: str) -> ApiError:
    return ApiError(503, "unavailable", message, None, {"Retry-After": "5"})


def not_found(what: str, key: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} {key} not found", {"id": key})


def _body(status: int, error: str, message: str, detail: Any, headers: Any = None) -> JSONResponse:
    return JSONResponse(
        {"error": error, "message": message, "detail": detail}, status_code=status, headers=headers
    )


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
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        await run_in_threadpool(audit, request, exc.status, exc.error, exc.reason)
        return _body(exc.status, exc.error, exc.message, exc.detail, exc.headers)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        e = ApiError.from_domain(exc)
        await run_in_threadpool(audit, request, e.status, e.error)
        return _body(e.status, e.error, e.message, e.detail)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return _body(422, "invalid_payload", "the request does not match its schema", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
        }
        await run_in_threadpool(
            audit, request, exc.status_code, code.get(exc.status_code, "http_error")
        )
        return _body(
            exc.status_code,
            code.get(exc.status_code, "http_error"),
            str(exc.detail),
            None,
            getattr(exc, "headers", None),
        )

    @app.exception_handler(OperationalError)
    async def _database(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return _body(
            503, "unavailable", "the database is not reachable", None, {"Retry-After": "5"}
        )

    @app.exception_handler(Exception)
    async def _fault(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled fault")
        return _body(500, "internal", "internal error", None)
