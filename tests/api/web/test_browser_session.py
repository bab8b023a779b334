"""The pages in Debian's chromium: sign-in and out, language, CSRF, phones, keyboard, CSP.

Every test watches the browser (``testkit.browser.Watch``): a console error, an uncaught
script error or a Content-Security-Policy violation on any page visited fails it.
"""

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from testkit.browser import Watch, new_context
from tests.api.web.conftest import browser_sign_in, page_exists

# The pages everyone signed in has, and those being built (until then: the 404 page).
MAIN_PAGES = ["/notifications", "/work", "/inspections", "/plans", "/reports", "/documents"]
NO_PAGE = "/khong-co-trang-nay"


@pytest.fixture
async def watch() -> AsyncIterator[Watch]:
    """Fails the test on anything the browser complained about, listed one per line."""
    w = new_watch()
    yield w
    problems = w.take()
    assert not problems, "the browser complained:\n" + "\n".join(problems)


def new_watch() -> Watch:
    return Watch(not_found_paths={p for p in MAIN_PAGES if not page_exists(p)} | {NO_PAGE})


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


async def signed_in(
    browser: Browser, api: str, username: str, watch: Watch, **kw: object
) -> tuple[BrowserContext, Page]:
    return await browser_sign_in(browser, api, username, watch=watch, **kw)  # type: ignore[arg-type]


async def test_signing_in_through_the_form_lands_on_the_work_page(
    browser: Browser, api: str, watch: Watch
) -> None:
    context, page = await signed_in(browser, api, "coordinator", watch)
    assert path_of(page) == "/work"
    assert await page.get_by_label("Mật khẩu").count() == 0
    if page_exists("/work"):
        assert await page.get_by_role("heading", name="Việc cần làm", level=1).is_visible()
    # Signed in: the header names the person on every page.
    await page.goto("/notifications")
    assert await page.get_by_role("button", name="Đăng xuất").is_visible()
    assert await page.get_by_role("navigation", name="Trình đơn chính").is_visible()
    await context.close()


async def test_a_page_before_sign_in_comes_back_after_it(
    browser: Browser, api: str, watch: Watch
) -> None:
    context = await new_context(browser, api)
    await watch.attach(context)
    page = await context.new_page()
    await page.goto("/notifications?unread=true")
    assert path_of(page) == "/sign-in"
    await page.get_by_label("Tên đăng nhập").fill("viewer")
    await page.get_by_label("Mật khẩu").fill("matkhau-2025")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Đăng nhập", exact=True).click()
    assert page.url.endswith("/notifications?unread=true")
    assert await page.get_by_role("heading", name="Thông báo", level=1).is_visible()
    await context.close()


async def test_a_wrong_password_shows_the_vietnamese_message(
    browser: Browser, api: str, watch: Watch
) -> None:
    watch.expected_statuses.add(401)
    context = await new_context(browser, api)
    await watch.attach(context)
    page = await context.new_page()
    await page.goto("/sign-in")
    await page.get_by_label("Tên đăng nhập").fill("coordinator")
    await page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Đăng nhập", exact=True).click()
    alert = page.get_by_role("alert")
    assert await alert.inner_text() == "Sai tên đăng nhập hoặc mật khẩu."
    # Still on the sign-in form, the username kept, the password not.
    assert path_of(page) == "/sign-in"
    assert await page.get_by_label("Tên đăng nhập").input_value() == "coordinator"
    assert await page.get_by_label("Mật khẩu").input_value() == ""
    await context.close()


async def test_the_language_switch_shows_english_and_back(
    browser: Browser, api: str, watch: Watch
) -> None:
    context, page = await signed_in(browser, api, "decision_maker", watch)
    await page.goto("/notifications")
    assert await page.get_attribute("html", "lang") == "vi"
    async with page.expect_navigation():
        await page.get_by_role("button", name="English").click()
    assert path_of(page) == "/notifications"  # the same page, now in English
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.get_by_role("heading", name="Notifications", level=1).is_visible()
    assert await page.get_by_role("button", name="Sign out").is_visible()
    assert await page.get_by_role("button", name="Đăng xuất").count() == 0
    async with page.expect_navigation():
        await page.get_by_role("button", name="Tiếng Việt").click()
    assert await page.get_attribute("html", "lang") == "vi"
    assert await page.get_by_role("heading", name="Thông báo", level=1).is_visible()
    assert await page.get_by_role("button", name="Đăng xuất").is_visible()
    await context.close()


async def test_signing_out_ends_the_session(browser: Browser, api: str, watch: Watch) -> None:
    context, page = await signed_in(browser, api, "viewer", watch)
    await page.goto("/notifications")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Đăng xuất").click()
    assert path_of(page) == "/sign-in"
    # Back to the page seen before: the sign-in page, not the inbox (not even from a cache).
    await page.go_back()
    assert page.url.endswith("/sign-in?next=/notifications")
    assert await page.get_by_label("Mật khẩu").is_visible()
    await page.goto("/notifications")
    assert path_of(page) == "/sign-in"
    assert await page.get_by_role("button", name="Đăng xuất").count() == 0
    await context.close()


async def test_a_post_without_the_csrf_token_is_refused(
    browser: Browser, api: str, watch: Watch
) -> None:
    watch.expected_statuses.add(403)
    context, page = await signed_in(browser, api, "member", watch)
    await page.goto("/notifications")
    # From the page itself (same origin, the session's cookie), but without the token.
    status = await page.evaluate(
        """async () => (await fetch("/language", {
             method: "POST",
             headers: {"Content-Type": "application/x-www-form-urlencoded"},
             body: "language=en&next=/notifications",
           })).status"""
    )
    assert status == 403
    # With the cookie jar, a wrong token: refused too.
    answer = await page.request.post(
        "/language", form={"language": "en", "csrf_token": "not-the-token"}, max_redirects=0
    )
    assert answer.status == 403
    await page.reload()
    assert await page.get_attribute("html", "lang") == "vi"  # nothing changed
    # The same request with the form's token is accepted: the refusal was the token's.
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = await page.request.post(
        "/language",
        form={"language": "vi", "next": "/notifications", "csrf_token": token or ""},
        max_redirects=0,
    )
    assert answer.status == 303
    await context.close()


@pytest.mark.parametrize("username", ["coordinator", "unit_rep"])
async def test_the_pages_fit_a_360_px_phone(
    browser: Browser, api: str, watch: Watch, username: str
) -> None:
    context = await new_context(browser, api, width=360, height=740)
    await watch.attach(context)
    page = await context.new_page()
    await page.goto("/sign-in")
    assert await scroll_width(page) <= 360, "/sign-in scrolls sideways"
    await context.close()
    context, page = await signed_in(browser, api, username, watch, width=360)
    too_wide = {}
    for path in [*MAIN_PAGES, NO_PAGE]:
        await page.goto(path)
        width = await scroll_width(page)
        if width > 360:
            too_wide[path] = width
    assert not too_wide, f"pages wider than the 360 px screen: {too_wide}"
    await context.close()


async def scroll_width(page: Page) -> int:
    return int(await page.evaluate("document.documentElement.scrollWidth"))


async def test_the_keyboard_reaches_the_skip_link_first_then_the_menu(
    browser: Browser, api: str, watch: Watch
) -> None:
    context, page = await signed_in(browser, api, "coordinator", watch)
    await page.goto("/notifications")
    await page.keyboard.press("Tab")
    first = await focused(page)
    assert first["href"] == "#main" and first["text"] == "Bỏ qua, đến nội dung"
    assert first["visible"], "the skip link is not shown when it has the focus"
    reached = []
    for _ in range(12):
        await page.keyboard.press("Tab")
        reached.append((await focused(page))["href"])
    menu = ["/work", "/inspections", "/plans", "/reports", "/notifications"]
    assert [h for h in reached if h in menu] == menu, reached
    # The skip link takes the focus past the header, to the page's content.
    await page.keyboard.press("Shift+Tab")
    await page.goto("/notifications")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"
    await context.close()


async def focused(page: Page) -> dict[str, object]:
    return dict(
        await page.evaluate(
            """() => {
                 const e = document.activeElement;
                 const r = e.getBoundingClientRect();
                 return {
                   href: e.getAttribute("href"),
                   text: e.textContent.trim(),
                   visible: r.right > 0 && r.bottom > 0 && r.left < innerWidth,
                 };
               }"""
        )
    )


async def test_the_csp_watch_catches_a_violation(browser: Browser, api: str) -> None:
    """The watch the other tests rely on does see an inline script the CSP blocks."""
    watch = new_watch()
    context, page = await signed_in(browser, api, "viewer", watch)
    await page.goto("/notifications")
    assert watch.take() == []
    await page.evaluate(
        """() => {
             const s = document.createElement("script");
             s.textContent = "document.title = 'injected'";
             document.body.append(s);
           }"""
    )
    await page.wait_for_timeout(200)
    problems = watch.take()
    assert await page.title() != "injected"
    assert any("CSP violation: script-src" in p for p in problems), problems
    await context.close()
