"""Sign-in, sign-out and the language switch; the list of every page router."""

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.deps import SessionDep
from api.errors import ERRORS, ApiError, ErrorCode
from api.signin import open_sign_in
from api.throttle import limit_signins
from api.web.render import page
from api.web.session import (
    LANGUAGES,
    check_csrf,
    forget_session,
    new_session,
    optional_user,
    read_session,
    store_session,
)
from states.bounds import NAME_MAX
from store.logins import revoke_session
from store.tables import User

router = APIRouter(dependencies=[Depends(check_csrf)])

PASSWORD_MAX = 256


def quote_next(target: str) -> str:
    return quote(target, safe="/?=&")


def safe_next(target: str | None) -> str:
    """Only a path on this site: ``//evil.example`` or ``https://…`` go to the work page."""
    if not target or len(target) > 1000:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target:
        return "/"
    return target


@router.get("/sign-in")
def sign_in_page(request: Request, db: SessionDep, next: str | None = None) -> Response:
    if optional_user(request, db) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(request, "sign_in.html", {"next": safe_next(next), "error": None})


@router.post("/sign-in", dependencies=[Depends(limit_signins)])
def sign_in(
    request: Request,
    db: SessionDep,
    username: Annotated[str, Form(max_length=NAME_MAX)],
    password: Annotated[str, Form(max_length=PASSWORD_MAX)],
    next: Annotated[str, Form(max_length=1000)] = "/",
) -> Response:
    try:
        user, session_id, _ = open_sign_in(
            db, request.app.state.settings, username, password, datetime.now(UTC)
        )
    except ApiError as refused:
        language = read_session(request).language
        text = ERRORS[refused.error]
        status = text.status
        return page(
            request,
            "sign_in.html",
            {
                "next": safe_next(next),
                "error": text.en if language == "en" else text.vi,
                "username": username,
            },
            status=status,
            headers={k: v for k, v in (refused.headers or {}).items() if k == "Retry-After"},
        )
    # A new cookie — new CSRF token — for the new sign-in; the person's own language.
    language = user.language if user.language in LANGUAGES else read_session(request).language
    response = RedirectResponse(safe_next(next), status_code=303)
    store_session(request, response, new_session(language, sid=session_id, uid=user.id))
    return response


@router.post("/sign-out")
def sign_out(request: Request, db: SessionDep) -> Response:
    session = read_session(request)
    if session.sid is not None:
        revoke_session(db, session.sid, datetime.now(UTC))
    response = RedirectResponse("/sign-in", status_code=303)
    forget_session(request, response)
    return response


@router.post("/language")
def switch_language(
    request: Request,
    db: SessionDep,
    language: Annotated[str, Form(max_length=2)],
    next: Annotated[str, Form(max_length=1000)] = "/",
) -> Response:
    """Switch the pages' language; a signed-in person keeps it for their next sign-in."""
    if language not in LANGUAGES:
        raise ApiError(ErrorCode.INVALID_PAYLOAD, "unknown language", {"language": language})
    session = read_session(request)
    user = optional_user(request, db)
    if user is not None:
        _remember_language(db, user, language)
    response = RedirectResponse(safe_next(next), status_code=303)
    store_session(
        request,
        response,
        type(session)(csrf=session.csrf, language=language, sid=session.sid, uid=session.uid),
    )
    return response


def _remember_language(db: Session, user: User, language: str) -> None:
    row = db.get(User, user.id)
    if row is not None and row.language != language:
        row.language = language
        db.add(row)
        db.commit()


@router.get("/")
def home(request: Request, db: SessionDep) -> Response:
    if optional_user(request, db) is None:
        return RedirectResponse("/sign-in", status_code=303)
    return RedirectResponse("/work", status_code=303)


def routers() -> list[APIRouter]:
    from api.web import (
        admin,
        checklist,
        complaints,
        discipline,
        doc_templates,
        documents,
        evidence,
        inspection,
        inspections,
        notifications,
        plans,
        reports,
        teams,
        work,
    )

    return [
        router,
        work.router,
        inspections.router,
        inspection.router,
        plans.router,
        reports.router,
        notifications.router,
        admin.router,
        doc_templates.router,
        documents.router,
        evidence.router,
        complaints.router,
        teams.router,
        discipline.router,
        checklist.router,
    ]
