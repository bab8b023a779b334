"""Error pages: the API's error codes and texts, shown as a page in the person's language.

A page a person may not see is the same 404 page as one that does not exist: the same
status, the same text, nothing that names what was asked for.
"""

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from api.errors import ERRORS, ErrorCode
from api.web.render import page
from api.web.session import read_session

PAGE_PREFIXES_EXCLUDED = ("/api/", "/docs", "/redoc", "/openapi.json", "/static/")


def wants_page(request: Request) -> bool:
    return not request.url.path.startswith(PAGE_PREFIXES_EXCLUDED)


def error_page(
    request: Request,
    code: ErrorCode,
    message: str,
    detail: Any,
    headers: Any = None,
    vi: str = "",
) -> Response | None:
    """The page for an error, or None where the API's JSON answer belongs."""
    if not wants_page(request):
        return None
    language = read_session(request).language
    text = ERRORS[code]
    status = text.status
    # The general text of the code: a page may be refused for reasons it must not tell
    # (a hidden inspection's 404 is the unknown one's); the specific Vietnamese where given.
    shown = text.en if language == "en" else (vi or text.vi)
    return page(
        request,
        "error.html",
        {"status": status, "message": shown, "code": code.value},
        status=status,
        headers={k: v for k, v in (headers or {}).items() if k.lower() == "retry-after"},
    )
