"""Corrections over HTTP: an inspection entered by mistake is voided (hủy), not terminated —
gone from lists, counts, reports and plan coverage, its record kept with the reason."""

from typing import Any

import httpx

from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, team
from tests.api.test_plans_api import new_plan, this_year


async def summary(http: httpx.AsyncClient, people: People) -> dict[str, Any]:
    r = await http.get("/reports/summary", headers=people.headers["coordinator"])
    assert r.status_code == 200, r.text
    return dict(r.json())


async def listed(http: httpx.AsyncClient, people: People, **params: Any) -> list[str]:
    r = await http.get("/inspections", params=params, headers=people.headers["coordinator"])
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["data"]]


async def test_a_mistaken_inspection_is_voided_and_leaves_every_count(
    http: httpx.AsyncClient, people: People
) -> None:
    year = this_year()
    plan = await new_plan(
        http, people, items=[{"unit_id": b.COMMUNE, "period": f"{year}-Q2", "content": ["WH"]}]
    )
    item = plan["items"][0]
    before = await summary(http, people)
    body = {"kind": "planned", "plan_item_id": item["id"], "title": "Nhập nhầm đơn vị"}
    r = await post(http, people, "coordinator", "/inspections", body)
    assert r.status_code == 201, r.text
    iid = r.json()["inspection_id"]
    assert (await summary(http, people))["inspections"] == before["inspections"] + 1
    r = await post(http, people, "coordinator", f"/inspections/{iid}/team", team(people))
    assert r.status_code == 200, r.text

    # The inspected side cannot void; a reason is required; nothing changes either way.
    r = await post(http, people, "unit_rep", f"/inspections/{iid}/void", {"reason": "nhầm"})
    assert r.status_code == 403, r.text
    for bad in ({}, {"reason": ""}, {"reason": "x" * 5000}):
        r = await post(http, people, "coordinator", f"/inspections/{iid}/void", bad)
        assert r.status_code == 422, (bad, r.text)
    r = await http.get(f"/inspections/{iid}", headers=people.headers["coordinator"])
    assert r.json()["state"] == "team_formed"

    r = await post(
        http, people, "coordinator", f"/inspections/{iid}/void", {"reason": "Nhập nhầm đơn vị"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["reason"]) == ("voided", "Nhập nhầm đơn vị")

    # Gone from the list, the counts and the plan's coverage; its record stays readable.
    assert iid not in await listed(http, people)
    assert iid in await listed(http, people, state="voided")
    after = await summary(http, people)
    assert (after["inspections"], after["cancelled"]) == (
        before["inspections"],
        before["cancelled"],
    )
    detail = (await http.get(f"/plans/{plan['id']}", headers=people.headers["coordinator"])).json()
    assert (detail["items"][0]["coverage"], detail["items"][0]["inspection_id"]) == (
        "not_started",
        None,
    )
    r = await http.get(f"/inspections/{iid}/events", headers=people.headers["coordinator"])
    assert r.status_code == 200, r.text
    last = r.json()["data"][-1]
    assert (last["trigger"], last["payload"]["reason"]) == ("void", "Nhập nhầm đơn vị")

    # The item starts again as a new inspection; voided, a decided one cannot go further.
    r = await post(http, people, "coordinator", "/inspections", body)
    assert r.status_code == 201, r.text
    again = r.json()["inspection_id"]
    assert again != iid
    r = await post(http, people, "coordinator", f"/inspections/{iid}/team", team(people))
    assert r.status_code == 409, r.text

    # Once a document besides the decision went out, only termination is left.
    await post(http, people, "coordinator", f"/inspections/{again}/team", team(people))
    r = await post(http, people, "coordinator", f"/inspections/{again}/notice", {})
    assert r.status_code == 200, r.text
    r = await post(http, people, "coordinator", f"/inspections/{again}/void", {"reason": "nhầm"})
    assert r.status_code == 409, r.text
    assert "cancel" in r.json()["detail"]["allowed"]
