"""Debian's chromium driven by Playwright, for the page tests and ``make screenshots``.

``playwright install`` is never used: the distribution's browser (``apt-get install -y
chromium``) is the one tested. ``sign_in`` fills the sign-in form as a person does;
``Watch`` collects what the browser itself complains about on a page — console errors,
uncaught script errors and Content-Security-Policy violations — so that a test can fail on
any of them.
"""

import shutil
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
)

SIGN_IN_LABELS = {
    "vi": ("Tên đăng nhập", "Mật khẩu", "Đăng nhập"),
    "en": ("Username", "Password", "Sign in"),
}
# Reports every CSP violation to the test through the exposed binding (init scripts are
# injected by the browser's debugging protocol, so the page's own CSP does not block them).
_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__kiemtraViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


def chromium_path() -> str:
    """Debian's chromium; a clear message if it is missing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError(
            "Debian's chromium is needed for the page tests and screenshots: "
            "apt-get install -y chromium (never `playwright install`)"
        )
    return found


async def launch(playwright: Playwright) -> Browser:
    """Headless chromium; without its sandbox, which needs privileges containers lack."""
    return await playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])


@dataclass
class Watch:
    """Everything the browser complained about in one context, by page address."""

    problems: list[str] = field(default_factory=list)
    # Statuses a test asks for on purpose (a refused sign-in, a refused request); any other
    # answer of 400 or more — page, stylesheet, script, fetch — is a problem.
    expected_statuses: set[int] = field(default_factory=set)
    # Paths whose 404 page is expected (a page not built yet, an address that is no page).
    not_found_paths: set[str] = field(default_factory=set)

    async def attach(self, context: BrowserContext) -> None:
        await context.expose_binding("__kiemtraViolation", self._violation)
        await context.add_init_script(_VIOLATIONS)
        context.on("page", self.page)
        for page in context.pages:
            self.page(page)

    def page(self, page: Page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: error: {error}"))
        page.on("response", self._response)

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        # A failed load is judged by its response (below), which knows what was asked for.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"{page.url}: console: {message.text}")

    def _response(self, response: Response) -> None:
        status = response.status
        if status < 400 or status in self.expected_statuses:
            return
        if status == 404 and urlsplit(response.url).path in self.not_found_paths:
            return
        request = response.request
        self.problems.append(f"{request.method} {response.url}: answered {status}")

    def _violation(self, source: dict[str, Any], report: str) -> None:
        frame = source.get("frame")
        where = frame.url if frame is not None else "?"
        self.problems.append(f"{where}: CSP violation: {report}")

    def take(self) -> list[str]:
        """The problems so far, forgotten once taken."""
        found, self.problems = self.problems, []
        return found


async def new_context(
    browser: Browser, base_url: str, *, lang: str = "vi", width: int = 1366, height: int = 900
) -> BrowserContext:
    return await browser.new_context(
        base_url=base_url,
        locale=lang,
        viewport={"width": width, "height": height},
        extra_http_headers={"Accept-Language": lang},
    )


async def sign_in(
    browser: Browser,
    base_url: str,
    username: str,
    password: str,
    *,
    lang: str = "vi",
    width: int = 1366,
    height: int = 900,
    watch: Watch | None = None,
) -> tuple[BrowserContext, Page]:
    """A fresh context with ``username`` signed in through the sign-in form."""
    context = await new_context(browser, base_url, lang=lang, width=width, height=height)
    if watch is not None:
        await watch.attach(context)
    page = await context.new_page()
    await fill_sign_in(page, username, password, lang=lang)
    return context, page


async def fill_sign_in(page: Page, username: str, password: str, *, lang: str = "vi") -> None:
    """Open the sign-in page, fill it and send it; waits for the page that follows."""
    user_label, password_label, button = SIGN_IN_LABELS[lang]
    await page.goto("/sign-in")
    await page.get_by_label(user_label).fill(username)
    await page.get_by_label(password_label).fill(password)
    async with page.expect_navigation():
        await page.get_by_role("button", name=button, exact=True).click()
