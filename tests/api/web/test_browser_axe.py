"""axe-core on every page each role reaches: no serious or critical accessibility violation,
and none wider than a 360 px phone.

Each role signs in through the form and visits its pages — work, inspections, an inspection
and the forms it offers, plans and a plan, reports, notifications, administration, the error
page — in Vietnamese; the sign-in page and the error page are checked signed out and in
English too. A page not built yet answers the 404 page: that page is checked in its place,
and the run lists it, so the same test covers the page once it lands.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page

from testkit import samples as b
from testkit.browser import Watch, new_context
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, results, start, team
from tests.api.test_plans_api import new_plan, this_year
from tests.api.web.conftest import browser_sign_in, page_exists

BLOCKING = {"serious", "critical"}
NO_PAGE = "/khong-co-trang-nay"
MAX_FOLLOWED = 12  # links followed from one page (actions of an inspection, admin sections)


@dataclass
class World:
    """What the pages show: an inspection on site, one with remediation requested, a plan."""

    on_site: str
    concluded: str
    plan: str


@pytest.fixture(scope="module")
async def world(http: httpx.AsyncClient, people: People) -> World:
    on_site = (await start(http, people))["inspection_id"]
    concluded = (await start(http, people))["inspection_id"]
    for iid, last in [(on_site, "visit/start"), (concluded, "conclusion")]:
        steps = [
            ("coordinator", "team", team(people)),
            ("coordinator", "notice", {}),
            ("leader", "visit/start", None),
            ("leader", "visit", {"results": results(["WH-01", "ID-01"])}),
            ("leader", "findings-report", {}),
            ("decision_maker", "conclusion", {}),
        ]
        for who, path, body in steps:
            r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
            assert r.status_code == 200, (path, r.text)
            if path == last:
                break
    year = this_year()
    plan = await new_plan(
        http, people, items=[{"unit_id": b.COMMUNE, "period": f"{year}-Q3", "content": ["WH"]}]
    )
    return World(on_site=on_site, concluded=concluded, plan=plan["id"])


def pages_of(role: str, w: World) -> list[str]:
    """The addresses a role reaches from its menu, and the records they lead to."""
    if role == "admin":
        return ["/admin", "/documents/templates", "/notifications", NO_PAGE]
    inspections = [f"/inspections/{w.on_site}", f"/inspections/{w.concluded}"]
    common = ["/work", "/inspections", *inspections, "/plans", f"/plans/{w.plan}"]
    reports = [] if role == "unit_rep" else ["/reports", "/documents"]
    start_form = ["/inspections/new", "/documents/templates"] if role == "coordinator" else []
    discipline = ["/discipline"] if role in ("coordinator", "decision_maker") else []
    return [*common, *start_form, *reports, *discipline, "/notifications", NO_PAGE]


@dataclass
class Findings:
    violations: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def report(self) -> str:
        return "\n\n".join(self.violations)


async def check(page: Page, path: str, who: str, found: Findings) -> None:
    """Open ``path``, run axe on what it shows, keep the blocking violations readably."""
    response = await page.goto(path)
    assert response is not None
    status = response.status
    built = path != NO_PAGE and page_exists(urlsplit(path).path)
    if status != (200 if built else 404):
        found.violations.append(f"{who} {path}: answered {status}")
        return
    if path != NO_PAGE and not built:
        found.pending.append(path)
    found.checked.append(f"{who} {path}")
    answer = await Axe().run(page)
    for v in answer.response["violations"]:
        if v.get("impact") not in BLOCKING:
            continue
        lines = [f"{who} {path}: {v['id']} ({v['impact']}): {v['help']}", f"  {v['helpUrl']}"]
        for node in v["nodes"][:5]:
            lines.append(f"  at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {summary[:300]}")
        found.violations.append("\n".join(lines))
    # The same page on a 360 px phone: nothing may make the whole page scroll sideways
    # (a wide table scrolls inside its own box).
    await page.set_viewport_size({"width": 360, "height": 740})
    width = await page.evaluate("document.documentElement.scrollWidth")
    if width > 360:
        found.violations.append(f"{who} {path}: {width} px wide on a 360 px screen")
    await page.set_viewport_size({"width": 1366, "height": 900})


async def links(page: Page, prefix: str) -> list[str]:
    """Same-site links on the page under ``prefix`` (without their query), in page order."""
    hrefs: Iterable[Any] = await page.eval_on_selector_all(
        "main a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    seen: list[str] = []
    for href in hrefs:
        target = urlsplit(str(href)).path
        if target.startswith(prefix) and target not in seen:
            seen.append(target)
    return seen[:MAX_FOLLOWED]


def finish(found: Findings) -> None:
    print("\nchecked:\n  " + "\n  ".join(found.checked))
    if found.pending:
        print("\nnot built yet (their 404 page was checked):\n  " + "\n  ".join(found.pending))
    assert found.checked
    heading = "pages failing or with serious or critical accessibility violations:\n\n"
    assert not found.violations, heading + found.report()


@pytest.mark.parametrize(
    "who", ["coordinator", "decision_maker", "leader", "unit_rep", "viewer", "admin"]
)
async def test_every_page_of_a_role_has_no_serious_violation(
    browser: Browser, api: str, world: World, who: str
) -> None:
    every = {"/work", *pages_of(who, world)}  # everyone lands on /work after signing in
    watch = Watch(not_found_paths={NO_PAGE} | {p for p in every if not page_exists(p)})
    context, page = await browser_sign_in(browser, api, who, watch=watch)
    found = Findings()
    followed: list[str] = []
    for path in pages_of(who, world):
        await check(page, path, who, found)
        if path.startswith("/inspections/") and path != "/inspections/new":
            followed += [p for p in await links(page, path + "/actions/") if p not in followed]
        if path == "/admin":
            followed += [p for p in await links(page, "/admin/") if p not in followed]
    for path in followed:
        await check(page, path, who, found)
    await context.close()
    problems = watch.take()
    finish(found)
    assert not problems, "the browser complained:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_signed_out_pages_have_no_serious_violation(
    browser: Browser, api: str, lang: str
) -> None:
    watch = Watch(not_found_paths={NO_PAGE}, expected_statuses={401})
    context = await new_context(browser, api, lang=lang)
    await watch.attach(context)
    page = await context.new_page()
    found = Findings()
    await check(page, "/sign-in", "signed out", found)
    await check(page, NO_PAGE, "signed out", found)
    # The sign-in form with its refusal shown.
    await page.goto("/sign-in")
    await page.get_by_label("Tên đăng nhập" if lang == "vi" else "Username").fill("viewer")
    await page.get_by_label("Mật khẩu" if lang == "vi" else "Password").fill("sai-mat-khau")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert await page.get_by_role("alert").count() == 1
    answer = await Axe().run(page)
    blocking = [v["id"] for v in answer.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, blocking
    await context.close()
    assert not watch.take()
    finish(found)
