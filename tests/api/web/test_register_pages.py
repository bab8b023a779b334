"""The register of documents through the API and its page: plans take their number from it,
a typed number already taken is refused, each authority reads its own book."""

import io
from typing import Any

import httpx
from openpyxl import load_workbook

from tests.api.conftest import People
from tests.api.test_lifecycle_api import post
from tests.api.test_plans_api import plan_body
from tests.api.web.conftest import Pages


async def register_of(http: httpx.AsyncClient, people: People, who: str, **q: Any) -> list[str]:
    r = await http.get("/documents", params=q | {"limit": 500}, headers=people.headers[who])
    assert r.status_code == 200, r.text
    for d in r.json()["data"]:  # a moment with its zone, as documented (SQLite drops it)
        assert d["created_at"].endswith(("Z", "+00:00")), d["created_at"]
    return [d["symbol"] for d in r.json()["data"]]


async def test_a_plan_without_a_number_takes_the_next_one_of_the_register(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    body = plan_body(number="", issued_on="2031-01-08", year=2031)
    first = await post(http, people, "coordinator", "/plans", body)
    assert first.status_code == 201, first.text
    number = first.json()["number"]
    n, rest = number.split("/", 1)
    assert rest.startswith("KH")
    second = await post(http, people, "coordinator", "/plans", body)
    assert second.json()["number"] == f"{int(n) + 1}/{rest}"  # no gap, no duplicate
    kh = await register_of(http, people, "coordinator", type="KH", year=2031)
    assert {number, second.json()["number"]} <= set(kh)
    # The other province's book and a unit's view hold none of it.
    assert number not in await register_of(http, people, "coordinator2", year=2031)
    assert await register_of(http, people, "unit_rep") == []
    # The page shows the same book, and its workbook too.
    page = await (await pages("coordinator")).get("/documents?type=KH&year=2031")
    assert page.status_code == 200 and number in page.text and "Sổ đăng ký văn bản" in page.text
    xlsx = await (await pages("coordinator")).get("/documents.xlsx?type=KH&year=2031")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert number in {row[0] for row in sheet.iter_rows(values_only=True)}


async def test_a_typed_number_already_in_the_register_is_refused_in_vietnamese(
    api: str, http: httpx.AsyncClient, people: People
) -> None:
    body = plan_body(number="4321/KH-UBND", issued_on="2032-01-08", year=2032)
    assert (await post(http, people, "coordinator", "/plans", body)).status_code == 201
    async with httpx.AsyncClient(base_url=f"{api}/api/v1", timeout=60) as plain:
        again = await post(plain, people, "coordinator", "/plans", body | {"year": 2033})
    assert again.status_code == 409
    assert again.json()["message"] == "Số 4321/KH-UBND năm 2032 đã có trong sổ đăng ký văn bản."
    # The register continues after the typed number.
    nxt = await post(http, people, "coordinator", "/plans", body | {"number": ""})
    assert nxt.json()["number"].startswith("4322/KH")
    wrong = await post(http, people, "coordinator", "/plans", body | {"number": "abc xyz"})
    assert wrong.status_code == 422
