"""Pages against the real stack (the API's fixtures: dev server, worker, uvicorn, SQLite).

``pages`` signs people in through the sign-in form, as a browser does, and keeps one
cookie jar per person; ``browser`` is Debian's chromium driven by Playwright.
"""

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from testkit.browser import Watch, chromium_path, launch
from testkit.browser import sign_in as sign_in_browser
from tests.api.conftest import PASSWORD

__all__ = ["Watch", "browser_sign_in", "chromium_path", "page_exists", "sign_in"]

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class PageClient:
    """One person's browser session without a browser: cookies, CSRF token, forms."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.csrf = ""

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        r = await self.http.get(path, **kwargs)
        self._remember(r)
        return r

    async def post(self, path: str, data: Any = None, **kwargs: Any) -> httpx.Response:
        """A form post carrying the session's CSRF token (``csrf=False`` leaves it out)."""
        with_token = kwargs.pop("csrf", True)
        fields: list[tuple[str, str]] = (
            list(data.items()) if isinstance(data, dict) else list(data or [])
        )
        if with_token:
            fields.append(("csrf_token", self.csrf))
        grouped: dict[str, list[str]] = {}
        for name, value in fields:
            grouped.setdefault(name, []).append(value)
        r = await self.http.post(path, data=grouped, **kwargs)
        self._remember(r)
        return r

    def _remember(self, r: httpx.Response) -> None:
        found = (
            CSRF.search(r.text)
            if r.headers.get("content-type", "").startswith("text/html")
            else None
        )
        if found:
            self.csrf = found.group(1)

    async def aclose(self) -> None:
        await self.http.aclose()


async def sign_in(
    base_url: str, username: str, password: str = PASSWORD, lang: str = "vi"
) -> PageClient:
    client = PageClient(
        httpx.AsyncClient(base_url=base_url, timeout=60, headers={"Accept-Language": lang})
    )
    await client.get("/sign-in")
    r = await client.post("/sign-in", {"username": username, "password": password, "next": "/"})
    assert r.status_code == 303, r.text
    await client.get("/sign-in?next=/")  # the new session's CSRF token
    r = await client.get("/notifications")
    assert r.status_code == 200, r.text
    return client


class Pages:
    """Signed-in page clients by username, made on first use and kept for the session."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._clients: dict[str, PageClient] = {}

    async def __call__(self, username: str) -> PageClient:
        if username not in self._clients:
            self._clients[username] = await sign_in(self.base_url, username)
        return self._clients[username]

    async def aclose(self) -> None:
        for c in self._clients.values():
            await c.aclose()


@pytest.fixture(scope="session")
async def pages(api: str) -> AsyncIterator[Pages]:
    p = Pages(api)
    yield p
    await p.aclose()


def page_exists(path: str) -> bool:
    """Whether a page route serves ``path`` (pages still being built answer 404 until then)."""
    from api.web.auth import routers

    return any(
        isinstance(route, APIRoute)
        and "GET" in (route.methods or ())
        and route.path_regex.match(path)
        for router in routers()
        for route in router.routes
    )


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await launch(p)
        yield b
        await b.close()


async def browser_sign_in(
    browser: Browser,
    base_url: str,
    username: str,
    *,
    lang: str = "vi",
    width: int = 1366,
    watch: Watch | None = None,
) -> tuple[BrowserContext, Page]:
    """A fresh browser context with ``username`` signed in through the sign-in page."""
    return await sign_in_browser(
        browser, base_url, username, PASSWORD, lang=lang, width=width, watch=watch
    )
