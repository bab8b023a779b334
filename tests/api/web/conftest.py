"""Pages against the real stack (the API's fixtures: dev server, worker, uvicorn, SQLite).

``pages`` signs people in through the sign-in form, as a browser does, and keeps one
cookie jar per person; ``browser`` is Debian's chromium driven by Playwright.
"""

import re
import shutil
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.api.conftest import PASSWORD

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


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Debian's chromium is needed for the page tests: apt-get install -y chromium"
    return found


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield b
        await b.close()


async def browser_sign_in(
    browser: Browser, base_url: str, username: str, *, lang: str = "vi", width: int = 1366
) -> tuple[BrowserContext, Page]:
    """A fresh browser context with ``username`` signed in through the sign-in page."""
    context = await browser.new_context(
        base_url=base_url, locale=lang, viewport={"width": width, "height": 900}
    )
    page = await context.new_page()
    await page.goto("/sign-in")
    await page.get_by_label("Tên đăng nhập" if lang == "vi" else "Username").fill(username)
    await page.get_by_label("Mật khẩu" if lang == "vi" else "Password").fill(PASSWORD)
    await page.get_by_role("button", name="Đăng nhập" if lang == "vi" else "Sign in").click()
    await page.wait_for_load_state()
    return context, page
