"""Surprise checks in plans (seed 003/004): a plan schedules them by slot without naming the
units; a surprise inspection fills a slot when decided; coverage counts the slots; the unit
of a filled slot stays secret like the inspection."""

from typing import Any

import httpx

from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post
from tests.api.test_plans_api import new_plan, plan_body, this_year


async def detail(http: httpx.AsyncClient, people: People, who: str, plan_id: str) -> Any:
    r = await http.get(f"/plans/{plan_id}", headers=people.headers[who])
    assert r.status_code == 200, r.text
    return r.json()


async def test_surprise_checks_fill_the_slots_of_a_plan(
    http: httpx.AsyncClient, people: People
) -> None:
    year = this_year()
    slot = {"period": str(year), "count": 2, "level": "commune", "description": "UBND cấp xã"}
    # Slots are for surprise checks, in the plan's year.
    for bad in (
        slot | {"kind": "planned"},
        slot | {"period": str(year + 1)},
        slot | {"count": 0},
        slot | {"count": 10**6},
        slot | {"description": "x" * 600},
    ):
        r = await post(http, people, "coordinator", "/plans", plan_body(slots=[bad]))
        assert r.status_code == 422, (bad, r.text)
    plan = await new_plan(http, people, slots=[slot])
    (s,) = plan["slots"]
    assert (s["count"], s["filled"], s["open"], s["inspection_ids"]) == (2, 0, 2, [])

    body = {
        "kind": "surprise",
        "unit_id": b.COMMUNE,
        "title": "Kiểm tra đột xuất UBND xã",
        "plan_slot_id": s["id"],
        # Decided by the coordinator's own agency: the province's readers are not told.
        "decision": {"issuer_id": b.HOME_AFFAIRS},
    }
    # Only a surprise inspection of a unit of the slot's level fills it.
    for wrong in ({"kind": "planned"}, {"unit_id": b.SCHOOL}, {"plan_slot_id": "nope"}):
        r = await post(http, people, "coordinator", "/inspections", body | wrong)
        assert r.status_code == 422, (wrong, r.text)
    r = await post(http, people, "coordinator", "/inspections", body)
    assert r.status_code == 201, r.text
    first = r.json()["inspection_id"]
    assert r.json()["plan_slot_id"] == s["id"]

    # The issuing side sees which inspection filled it; the province's viewer only that one
    # did; the commune's representative reads no slots at all.
    (mine,) = (await detail(http, people, "coordinator", plan["id"]))["slots"]
    assert (mine["filled"], mine["open"], mine["inspection_ids"]) == (1, 1, [first])
    (theirs,) = (await detail(http, people, "viewer", plan["id"]))["slots"]
    assert (theirs["filled"], theirs["inspection_ids"]) == (1, [])
    r = await http.get(f"/plans/{plan['id']}", headers=people.headers["unit_rep"])
    assert r.status_code == 404 or r.json()["slots"] == []

    # Coverage counts the slots: one in progress, one not started.
    r = await http.get(
        "/reports/coverage", params={"plan": plan["id"]}, headers=people.headers["coordinator"]
    )
    assert r.status_code == 200, r.text
    cov = r.json()
    assert cov["slot_checks"] == 2
    assert (cov["overall"]["planned"], cov["overall"]["in_progress"]) == (2, 1)
    assert cov["overall"]["not_started"] == 1
    assert [line["level"] for line in cov["by_level"]] == ["commune"]

    # The second check fills the slot; a third is one too many.
    r = await post(http, people, "coordinator", "/inspections", body)
    assert r.status_code == 201, r.text
    second = r.json()["inspection_id"]
    r = await post(http, people, "coordinator", "/inspections", body)
    assert r.status_code == 409, r.text
    listed = await http.get(
        "/inspections", params={"plan": plan["id"]}, headers=people.headers["coordinator"]
    )
    assert sorted(i["id"] for i in listed.json()["data"]) == sorted([first, second])

    # A check voided as entered by mistake frees its slot.
    r = await post(
        http, people, "coordinator", f"/inspections/{second}/void", {"reason": "nhập nhầm"}
    )
    assert r.status_code == 200, r.text
    (mine,) = (await detail(http, people, "coordinator", plan["id"]))["slots"]
    assert (mine["filled"], mine["open"], mine["inspection_ids"]) == (1, 1, [first])

    # Slots are added to a plan later by adjustment, by the issuing side only.
    more = {"slots": [{"period": f"{year}-Q4", "count": 3}]}
    r = await post(http, people, "unit_rep", f"/plans/{plan['id']}/slots", more)
    assert r.status_code in (403, 404), r.text
    r = await post(http, people, "coordinator", f"/plans/{plan['id']}/slots", more)
    assert r.status_code == 201, r.text
    assert [x["count"] for x in r.json()["slots"]] == [2, 3]
