"""The web pages: server-rendered Jinja2 with htmx, beside the JSON API in one application.

Pages call the same services as the API (``api.services``, ``store.queries``), so a person
sees exactly what the API would answer them: scope, secrecy and every rule included.
"""

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.web import auth, errors
from api.web.render import STATIC
from api.web.session import SignInRequired

# No inline script or style anywhere, nothing from elsewhere, never inside a frame.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI (/docs) loads its scripts from a CDN; the JSON API answers no HTML.
_NO_CSP = ("/api/", "/docs", "/redoc", "/openapi.json")


class PageHeaders:
    """CSP and X-Frame-Options on every answer that is not the JSON API's or Swagger's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        pages = not path.startswith(_NO_CSP)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                if pages and "content-security-policy" not in headers:
                    # A download or an image keeps the stricter policy it was sent with.
                    headers["Content-Security-Policy"] = CSP
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    """Add the pages, their static files and their error pages to ``app``."""
    app.state.error_page = errors.error_page
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(SignInRequired)
    async def _sign_in_first(request: Request, exc: SignInRequired) -> Response:
        target = request.url.path
        if request.url.query:
            target += f"?{request.url.query}"
        location = f"/sign-in?next={auth.quote_next(target)}"
        if request.headers.get("hx-request") == "true":
            return Response(status_code=200, headers={"HX-Redirect": location})
        return RedirectResponse(location, status_code=303)

    for router in auth.routers():
        app.include_router(router, include_in_schema=False)
    app.add_middleware(PageHeaders)
