"""The pages' session: one signed cookie naming a sign-in session, its CSRF token and the
language; the sign-in session row stays the authority (sign-out or revocation ends it at once).

The cookie is signed (itsdangerous, keyed by the API's signing key with its own salt), never
encrypted: it holds no secret a person could misuse, only ids that the server checks against
its own records. A new cookie — new CSRF token included — is issued at every sign-in, so a
cookie planted before sign-in is worth nothing after it (session fixation).
"""

import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session

from api.deps import SessionDep
from api.errors import ApiError, ErrorCode, language_of
from api.signin import live_session
from store.tables import User

COOKIE = "kiemtra_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LANGUAGES = ("vi", "en")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class WebSession:
    """What the cookie says: the sign-in session (if any), the CSRF token, the language."""

    csrf: str
    language: str = "vi"
    sid: str | None = None
    uid: str | None = None
    fresh: bool = False  # not yet sent to the browser: set the cookie on the answer

    def to_cookie(self) -> dict[str, Any]:
        return {"c": self.csrf, "l": self.language, "s": self.sid, "u": self.uid}


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.signing_key, salt="kiemtra.web.session")


def new_session(language: str = "vi", sid: str | None = None, uid: str | None = None) -> WebSession:
    return WebSession(
        csrf=secrets.token_urlsafe(32), language=language, sid=sid, uid=uid, fresh=True
    )


def read_session(request: Request) -> WebSession:
    """The request's session; a missing, forged or expired cookie gives a fresh anonymous one."""
    cached: WebSession | None = getattr(request.state, "web_session", None)
    if cached is not None:
        return cached
    raw = request.cookies.get(COOKIE, "")
    max_age = request.app.state.settings.refresh_token_days * 86400
    found: WebSession | None = None
    if raw and len(raw) < 2048:
        try:
            data = _serializer(request).loads(raw, max_age=max_age)
            if isinstance(data, dict) and isinstance(data.get("c"), str):
                language = data.get("l") if data.get("l") in LANGUAGES else "vi"
                sid, uid = data.get("s"), data.get("u")
                found = WebSession(
                    csrf=data["c"],
                    language=str(language),
                    sid=sid if isinstance(sid, str) else None,
                    uid=uid if isinstance(uid, str) else None,
                )
        except BadSignature:
            found = None
    session = found or new_session(language=_accepted_language(request))
    request.state.web_session = session
    return session


def _accepted_language(request: Request) -> str:
    return language_of(request.headers.get("accept-language"))


def store_session(request: Request, response: Response, session: WebSession) -> None:
    """Send the cookie: HttpOnly, SameSite=Lax, Secure in production, path /."""
    settings = request.app.state.settings
    response.set_cookie(
        COOKIE,
        _serializer(request).dumps(session.to_cookie()),
        max_age=settings.refresh_token_days * 86400,
        httponly=True,
        samesite="lax",
        secure=bool(settings.production),
        path="/",
    )
    request.state.web_session = replace(session, fresh=False)


def forget_session(request: Request, response: Response) -> None:
    settings = request.app.state.settings
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=bool(settings.production)
    )


class SignInRequired(Exception):
    """The page needs a signed-in person; the handler sends them to the sign-in page."""


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's CSRF token (form field or, from
    htmx, header) and, when the browser says where it comes from, comes from here."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != _own_origin(request):
        raise _csrf_refused("cross-origin request")
    session = read_session(request)
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if session.fresh or not given or not hmac.compare_digest(given, session.csrf):
        raise _csrf_refused("missing or wrong CSRF token")


def _own_origin(request: Request) -> str:
    host = request.headers.get("host", "")
    return f"{request.url.scheme}://{host}"


def _csrf_refused(reason: str) -> ApiError:
    error = ApiError(ErrorCode.FORBIDDEN, f"refused: {reason}", {"csrf": True})
    error.reason = "csrf"
    return error


def page_user(request: Request, db: SessionDep) -> User:
    """The signed-in person; the sign-in page otherwise."""
    session = read_session(request)
    if session.sid is None or session.uid is None:
        raise SignInRequired()
    try:
        caller = live_session(db, session.sid, session.uid, datetime.now(UTC))
    except ApiError:
        raise SignInRequired() from None
    request.state.caller = (caller.user.id, caller.user.role)
    request.state.user = caller.user
    return caller.user


def optional_user(request: Request, db: Session) -> User | None:
    try:
        return page_user(request, db)
    except SignInRequired:
        return None


PageUser = Annotated[User, Depends(page_user)]
