"""Templates: one Jinja2 environment per language, whole pages or, for htmx, one block.

htmx asks for a part of a page (``HX-Request``); the route names the block that holds it
and ``jinja2-fragments`` renders just that block of the same template, so a page and its
fragments cannot drift apart.
"""

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block

from api.web.i18n import translations
from api.web.labels import field_label, label_of
from api.web.session import CSRF_FIELD, read_session, store_session
from states.triggers import Text

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
# Offices read times in Vietnam's time zone, whatever the server's.
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


@cache
def static_version(name: str) -> str:
    """A content hash in the static file's URL: browsers may keep it for a year."""
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"/static/{name}?v={static_version(name)}"


def day(value: date | datetime | None) -> str:
    """dd/mm/yyyy, as Vietnamese documents write dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return value.strftime("%d/%m/%Y")


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TIME)


def moment(value: datetime | None) -> str:
    return "" if value is None else local(value).strftime("%d/%m/%Y %H:%M")


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["day"] = day
    env.filters["moment"] = moment
    env.filters["label"] = lambda value, kind=None: label_of(value, language, kind)
    env.filters["text"] = lambda value: value.in_(language) if isinstance(value, Text) else value
    env.globals["field_label"] = lambda name, hints=None: field_label(name, language, hints)
    env.globals["static_url"] = static_url
    env.globals["language"] = language
    env.globals["csrf_field"] = CSRF_FIELD
    return env


def is_htmx(request: Request) -> bool:
    """A request for a part of a page: htmx, but neither a boosted link nor going back to a
    pushed URL (htmx then asks for the whole page again)."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def page(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    block: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` (or, for an htmx request, its ``block``) in the caller's language."""
    session = read_session(request)
    env = environment(session.language)
    values = {
        "request": request,
        "csrf_token": session.csrf,
        "user": getattr(request.state, "user", None),
        "header": getattr(request.state, "header", None),
        "path": request.url.path,
        **(context or {}),
    }
    if block is not None and is_htmx(request):
        html = render_block(env, template, block, **values)
    else:
        html = env.get_template(template).render(**values)
    response = HTMLResponse(html, status_code=status, headers=dict(headers or {}))
    response.headers["Content-Language"] = session.language
    response.headers["Vary"] = "HX-Request, Cookie"
    # A person's pages are theirs: no shared cache keeps them, and after sign-out the back
    # button asks the server again instead of showing what the last person saw.
    response.headers["Cache-Control"] = "no-store"
    if session.fresh:
        store_session(request, response, session)
    return response
