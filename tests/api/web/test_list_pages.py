"""The inspections list on the real stack: filters, search, order and paging in the URL; the
same scope and secrecy as the API; exports of exactly the filtered rows; bad values are a
422 page."""

import csv
import io
import itertools
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from states.calendar import build_calendar, local_date
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, start, team
from tests.api.web.conftest import Pages

NUMBERS = itertools.count(500_000 + uuid.uuid4().int % 1000 * 10)


def token() -> str:
    """A decision number nobody else typed: the register refuses a number twice."""
    return str(next(NUMBERS))


async def new(
    http: httpx.AsyncClient, people: People, title: str, number: str = "", **extra: Any
) -> str:
    decision = {"number": number or f"{token()}/QĐ-UBND"}
    created = await start(http, people, title=title, decision=decision, **extra)
    return str(created["inspection_id"])


async def command(
    http: httpx.AsyncClient, people: People, who: str, iid: str, path: str, body: Any = None
) -> None:
    r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
    assert r.status_code == 200, (path, r.text)


def rows(html: str) -> list[str]:
    """The result rows of a list page."""
    body = html.split('<section id="results"')[1].split("</section>")[0]
    return (
        body.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:] if "<tbody>" in body else []
    )


async def test_filters_narrow_the_rows(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    mark = token()
    planned = f"Kiểm tra {mark} theo kế hoạch"
    thematic = f"Kiểm tra {mark} chuyên đề"
    formed = f"Kiểm tra {mark} đã có đoàn"
    number = f"{token()}/QĐ-UBND"
    await new(http, people, planned, number=number)
    await new(http, people, thematic, kind="thematic")
    await command(
        http, people, "coordinator", await new(http, people, formed), "team", team(people)
    )
    coordinator = await pages("coordinator")

    r = await coordinator.get(f"/inspections?q={mark}")
    assert r.status_code == 200
    assert len(rows(r.text)) == 3 and "1–3 trên tổng số 3" in r.text
    r = await coordinator.get("/inspections", params={"q": mark, "kind": "thematic"})
    assert [thematic in row for row in rows(r.text)] == [True]
    r = await coordinator.get("/inspections", params={"q": mark, "state": "team_formed"})
    found = rows(r.text)
    assert len(found) == 1 and formed in found[0] and "Đã thành lập đoàn" in found[0]
    r = await coordinator.get("/inspections", params={"q": number.upper()})
    found = rows(r.text)
    assert len(found) == 1 and planned in found[0]
    # LIKE's own characters are text to find, not patterns.
    r = await coordinator.get("/inspections", params={"q": f"{mark[:4]}%{mark[6:]}"})
    assert rows(r.text) == [] and "Không có cuộc kiểm tra nào phù hợp" in r.text
    # The filters stay in the form, the results link to the inspection.
    r = await coordinator.get("/inspections", params={"q": mark, "kind": "thematic"})
    assert 'value="thematic" selected' in r.text and f'value="{mark}"' in r.text
    assert re.search(r'href="/inspections/[0-9a-f]+">' + re.escape(thematic), r.text)
    # A GET form without JavaScript sends its empty fields: they mean "any".
    r = await coordinator.get(f"/inspections?q={mark}&state=&kind=&year=&overdue=&sort=")
    assert r.status_code == 200 and len(rows(r.text)) == 3
    # The JSON API has the same search.
    r = await http.get(
        "/inspections",
        params={"q": mark, "kind": "thematic"},
        headers=people.headers["coordinator"],
    )
    assert [i["title"] for i in r.json()["data"]] == [thematic]


async def test_sort_by_deadline(http: httpx.AsyncClient, people: People, pages: Pages) -> None:
    mark = token()
    today = local_date(datetime.now(UTC))
    later, sooner = f"Kiểm tra {mark} xa", f"Kiểm tra {mark} gần"
    for title, days in ((sooner, 8), (later, 30)):
        iid = await new(http, people, title)
        await command(http, people, "coordinator", iid, "team", team(people))
        calendar = build_calendar(range(today.year, today.year + 2))
        visit = calendar.add_working_days(today + timedelta(days=days), 0).isoformat()
        await command(http, people, "coordinator", iid, "notice", {"visit_planned_on": visit})
    coordinator = await pages("coordinator")
    newest = rows((await coordinator.get("/inspections", params={"q": mark})).text)
    nearest = rows(
        (await coordinator.get("/inspections", params={"q": mark, "sort": "deadline"})).text
    )
    assert [sooner in r for r in nearest] == [True, False]
    assert [later in r for r in newest] == [True, False]  # decided last: newest first
    for order in ("state", "unit"):
        r = await coordinator.get("/inspections", params={"q": mark, "sort": order})
        assert r.status_code == 200 and len(rows(r.text)) == 2
        assert f'value="{order}" selected' in r.text


async def test_secrecy_and_scope(http: httpx.AsyncClient, people: People, pages: Pages) -> None:
    mark = token()
    open_title, surprise_title = f"Kiểm tra {mark} thường", f"Kiểm tra {mark} đột xuất"
    await new(http, people, open_title)
    surprise = await new(http, people, surprise_title, kind="surprise")
    await command(http, people, "coordinator", surprise, "team", team(people))
    unit, other = await pages("unit_rep"), await pages("coordinator2")

    r = await unit.get("/inspections", params={"q": mark})
    assert open_title in r.text and surprise_title not in r.text and "trên tổng số 1" in r.text
    assert surprise_title not in (await unit.get("/inspections.csv", params={"q": mark})).text
    r = await (await pages("coordinator")).get("/inspections", params={"q": mark})
    assert open_title in r.text and surprise_title in r.text
    # Another province's coordinator sees none of this province's inspections.
    for path in (f"/inspections?q={mark}", f"/inspections?unit={surprise}", "/inspections"):
        r = await other.get(path)
        assert r.status_code == 200 and open_title not in r.text and surprise_title not in r.text
    assert mark not in (await other.get("/inspections.csv", params={"q": mark})).text

    await command(http, people, "leader", surprise, "visit/start")
    r = await unit.get("/inspections", params={"q": mark})
    assert surprise_title in r.text and "trên tổng số 2" in r.text


async def test_paging(http: httpx.AsyncClient, people: People, pages: Pages) -> None:
    mark = token()
    for n in range(3):
        await new(http, people, f"Kiểm tra {mark} số {n}")
    coordinator = await pages("coordinator")
    r = await coordinator.get("/inspections", params={"q": mark, "limit": 2})
    assert len(rows(r.text)) == 2 and "1–2 trên tổng số 3" in r.text
    after = re.search(r'href="([^"]*offset=2[^"]*)"[^>]*rel="next"', r.text)
    assert after is not None and "Trang trước" not in r.text
    r = await coordinator.get(after.group(1).replace("&amp;", "&"))
    assert len(rows(r.text)) == 1 and "3–3 trên tổng số 3" in r.text and "Trang sau" not in r.text
    assert f"Kiểm tra {mark} số 0" in r.text  # the oldest decision comes last
    # htmx asks for the results only.
    r = await coordinator.get(
        "/inspections", params={"q": mark, "limit": 2}, headers={"HX-Request": "true"}
    )
    assert r.text.lstrip().startswith('<section id="results"') and "<html" not in r.text
    # The browser keeps the list's address, without the form's empty fields.
    r = await coordinator.get(
        f"/inspections?q={mark}&state=&kind=&limit=2&offset=2&sort=decided",
        headers={"HX-Request": "true"},
    )
    assert r.headers["hx-push-url"] == f"/inspections?q={mark}&limit=2&offset=2"
    # Going back to a pushed address asks for the whole page again.
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    r = await coordinator.get(f"/inspections?q={mark}", headers=restore)
    assert "<html" in r.text and '<form id="filters"' in r.text
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 10**7}):
        assert (await coordinator.get("/inspections", params=bad)).status_code == 422


async def test_exports_hold_the_filtered_rows(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    mark = token()
    kept, dropped = f"Kiểm tra {mark} chuyên đề", f"Kiểm tra {mark} kế hoạch"
    await new(http, people, kept, kind="thematic")
    await new(http, people, dropped)
    coordinator = await pages("coordinator")
    page = (await coordinator.get("/inspections", params={"q": mark, "kind": "thematic"})).text
    link = re.search(r'href="(/inspections\.csv\?[^"]+)"', page)
    assert link is not None
    r = await coordinator.get(link.group(1).replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    titles = [cell for line in table[1:] for cell in line if mark in cell]
    assert titles == [kept]
    r = await coordinator.get("/inspections.xlsx", params={"q": mark, "kind": "thematic"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    # The page's exports need the page's sign-in, not a bearer token.
    anonymous = httpx.AsyncClient(base_url=str(coordinator.http.base_url))
    async with anonymous:
        r = await anonymous.get(f"/inspections.csv?q={mark}")
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")


async def test_bad_filter_values_are_a_422_page(pages: Pages) -> None:
    coordinator = await pages("coordinator")
    for params in (
        {"state": "bogus"},
        {"kind": "nope"},
        {"year": "abc"},
        {"year": "1800"},
        {"overdue": "maybe"},
        {"sort": "title; drop table"},
        {"q": "x" * 201},
    ):
        for path in ("/inspections", "/inspections.csv"):
            r = await coordinator.get(path, params=params)
            assert r.status_code == 422, (path, params)
            assert "<html" in r.text and "Dữ liệu nhập chưa hợp lệ" in r.text
    r = await (await pages("admin")).get("/inspections")
    assert r.status_code == 403
