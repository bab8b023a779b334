"""Annual plans over HTTP: items from the tree, starting from an item, plan adjustments."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from states.calendar import local_date
from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, team


def this_year() -> int:
    return local_date(datetime.now(UTC)).year


def plan_body(**extra: Any) -> dict[str, Any]:
    year = this_year()
    return {
        "number": f"{uuid.uuid4().int % 100000}/KH-UBND",
        "year": year,
        "issued_on": f"{year}-01-08",
        "title": f"Kế hoạch kiểm tra công vụ năm {year}",
        "focus": ["Chấp hành thời giờ làm việc", "Niêm yết TTHC"],
        "legal_basis": "Chỉ thị số 26/CT-TTg",
    } | extra


async def new_plan(http: httpx.AsyncClient, people: People, **extra: Any) -> dict[str, Any]:
    r = await post(http, people, "coordinator", "/plans", plan_body(**extra))
    assert r.status_code == 201, r.text
    return r.json()


def item_of(plan: dict[str, Any], unit_id: str) -> dict[str, Any]:
    return next(i for i in plan["items"] if i["unit_id"] == unit_id and i["status"] == "active")


async def test_plan_with_explicit_and_resolved_items(
    http: httpx.AsyncClient, people: People
) -> None:
    year = this_year()
    plan = await new_plan(
        http,
        people,
        items=[
            {"unit_id": b.COMMUNE, "period": f"{year}-03", "content": ["IR", "WH-01"]},
            # "all schools of the province", resolved from the tree now.
            {"target": {"under": b.PROVINCE, "levels": ["school"]}, "period": f"{year}-Q2"},
        ],
    )
    assert plan["issuer_id"] == b.PROVINCE  # the coordinator's People's Committee
    assert [(i["unit_id"], i["period"], i["kind"]) for i in plan["items"]] == [
        (b.COMMUNE, f"{year}-03", "planned"),
        (b.SCHOOL, f"{year}-Q2", "planned"),
    ]
    assert plan["items"][1]["period_start"] == f"{year}-04-01"
    assert plan["items"][1]["period_end"] == f"{year}-06-30"
    assert plan["coverage"]["planned"] == 2 and plan["coverage"]["not_started"] == 2
    assert [h["action"] for h in plan["history"]] == ["created"]

    listed = (await http.get("/plans", headers=people.headers["viewer"])).json()
    assert plan["id"] in {p["id"] for p in listed["data"]}
    # The other province's coordinator does not see it at all.
    r = await http.get(f"/plans/{plan['id']}", headers=people.headers["coordinator2"])
    assert r.status_code == 404
    # The commune's representative sees the plan through its own item only.
    seen = (await http.get(f"/plans/{plan['id']}", headers=people.headers["unit_rep"])).json()
    assert [i["unit_id"] for i in seen["items"]] == [b.COMMUNE, b.SCHOOL]


async def test_bad_plans_are_refused_and_write_nothing(
    http: httpx.AsyncClient, people: People
) -> None:
    year = this_year()
    before = (await http.get("/plans", headers=people.headers["coordinator"])).json()["count"]
    cases = [
        ("unit_rep", plan_body(), 403),
        ("coordinator", plan_body(number="207/QĐ-UBND"), 422),
        ("coordinator", plan_body(items=[{"unit_id": b.COMMUNE, "period": f"{year + 1}-01"}]), 422),
        ("coordinator", plan_body(items=[{"unit_id": b.COMMUNE, "period": f"{year}-Q5"}]), 422),
        (
            "coordinator",
            plan_body(items=[{"unit_id": b.COMMUNE, "period": f"{year}-01", "content": ["XX"]}]),
            422,
        ),
        (
            "coordinator",
            plan_body(items=[{"unit_id": "org-commune-2", "period": f"{year}-01"}]),
            403,
        ),
        (
            "coordinator",
            plan_body(
                items=[
                    {"unit_id": b.COMMUNE, "period": f"{year}-01"},
                    {"unit_id": b.COMMUNE, "period": f"{year}-02"},
                ]
            ),
            409,
        ),
        ("coordinator", plan_body(issuer_id="org-province-2"), 403),
    ]
    for who, body, status in cases:
        r = await post(http, people, who, "/plans", body)
        assert r.status_code == status, (body, r.text)
    existing = await new_plan(http, people)
    r = await post(http, people, "coordinator", "/plans", plan_body(number=existing["number"]))
    assert r.status_code == 409
    after = (await http.get("/plans", headers=people.headers["coordinator"])).json()["count"]
    assert after == before + 1


async def test_inspection_started_from_an_item(http: httpx.AsyncClient, people: People) -> None:
    year = this_year()
    plan = await new_plan(
        http, people, items=[{"unit_id": b.COMMUNE, "period": f"{year}-Q1", "content": ["IR"]}]
    )
    item = plan["items"][0]
    body = {"kind": "planned", "plan_item_id": item["id"], "title": "Theo kế hoạch"}
    r = await post(
        http, people, "coordinator", "/inspections", body, headers={"Idempotency-Key": "k1"}
    )
    assert r.status_code == 201, r.text
    started = r.json()
    # The unit and the checklist come from the item: its content is the IR group.
    assert started["unit_id"] == b.COMMUNE and started["plan_item_id"] == item["id"]
    assert started["checklist"] == ["IR-01", "IR-02", "IR-03", "IR-04"]
    # The same caller's retry replays; anyone else starting it again is told who has it.
    replay = await post(
        http, people, "coordinator", "/inspections", body, headers={"Idempotency-Key": "k1"}
    )
    assert replay.status_code == 201 and replay.json()["inspection_id"] == started["inspection_id"]
    again = await post(http, people, "coordinator", "/inspections", body)
    assert again.status_code == 409
    assert again.json()["detail"] == {"inspection_id": started["inspection_id"]}
    # Kind and unit must be the item's.
    for wrong in ({"kind": "surprise"}, {"unit_id": "org-commune-binh-an"}):
        r = await post(http, people, "coordinator", "/inspections", body | wrong)
        assert r.status_code == 422, r.text
    # Another province's coordinator cannot even tell the item exists.
    r = await post(http, people, "coordinator2", "/inspections", body)
    assert (r.status_code, r.json()["error"]) == (422, "invalid_command")

    listed = (
        await http.get(
            "/inspections", params={"plan": plan["id"]}, headers=people.headers["viewer"]
        )
    ).json()
    assert [i["id"] for i in listed["data"]] == [started["inspection_id"]]
    detail = (await http.get(f"/plans/{plan['id']}", headers=people.headers["coordinator"])).json()
    assert (detail["items"][0]["coverage"], detail["items"][0]["inspection_id"]) == (
        "in_progress",
        started["inspection_id"],
    )


async def test_plan_adjustment_cancels_and_replaces(
    http: httpx.AsyncClient, people: People
) -> None:
    year = this_year()
    plan = await new_plan(
        http,
        people,
        items=[
            {"unit_id": b.COMMUNE, "period": f"{year}-Q3"},
            {"unit_id": b.SCHOOL, "period": f"{year}-Q3"},
        ],
    )
    commune, school = item_of(plan, b.COMMUNE), item_of(plan, b.SCHOOL)
    started = await post(
        http,
        people,
        "coordinator",
        "/inspections",
        {"kind": "planned", "plan_item_id": commune["id"], "title": "Theo kế hoạch"},
    )
    iid = started.json()["inspection_id"]
    assert (
        await post(http, people, "coordinator", f"/inspections/{iid}/team", team(people))
    ).status_code == 200

    path = f"/plans/{plan['id']}/items/{commune['id']}/cancel"
    refused = await post(http, people, "unit_rep", path, {"reason": "x"})
    assert refused.status_code in (403, 404)
    assert (await post(http, people, "decision_maker", path, {})).status_code == 422
    r = await post(
        http,
        people,
        "decision_maker",
        path,
        {"reason": "Điều chỉnh kế hoạch theo Công văn số 12/UBND-NV"},
    )
    assert r.status_code == 200, r.text
    adjusted = r.json()
    # The inspection already started from it is terminated with the reason.
    inspection = (
        await http.get(f"/inspections/{iid}", headers=people.headers["coordinator"])
    ).json()
    assert inspection["state"] == "cancelled"
    assert inspection["reason"].startswith("Điều chỉnh kế hoạch: Điều chỉnh kế hoạch theo")
    cancelled = next(i for i in adjusted["items"] if i["id"] == commune["id"])
    assert (cancelled["status"], cancelled["coverage"]) == ("cancelled", "cancelled")
    assert (
        await post(http, people, "decision_maker", path, {"reason": "lần hai"})
    ).status_code == 409
    # Nothing can start from a cancelled item.
    r = await post(
        http,
        people,
        "coordinator",
        "/inspections",
        {"kind": "planned", "plan_item_id": commune["id"], "title": "x"},
    )
    assert r.status_code == 409

    replace = f"/plans/{plan['id']}/items/{school['id']}/replace"
    # The decision-maker who signs the plan adjusts it too (a unit outside the authority
    # is refused whoever asks).
    r = await post(
        http,
        people,
        "decision_maker",
        replace,
        {"reason": "Sai đơn vị", "unit_id": "org-commune-2", "period": f"{year}-Q4"},
    )
    assert r.status_code == 403, r.text
    r = await post(
        http,
        people,
        "decision_maker",
        replace,
        {"reason": "Trường sáp nhập", "unit_id": "org-commune-binh-an", "period": f"{year}-Q4"},
    )
    assert r.status_code == 201, r.text
    replaced = r.json()
    old = next(i for i in replaced["items"] if i["id"] == school["id"])
    new = next(i for i in replaced["items"] if i["replaces_id"] == school["id"])
    assert (old["status"], old["replaced_by_id"], old["coverage"]) == ("replaced", new["id"], None)
    assert (new["unit_id"], new["period"], new["coverage"]) == (
        "org-commune-binh-an",
        f"{year}-Q4",
        "not_started",
    )
    assert (replaced["coverage"]["planned"], replaced["coverage"]["cancelled"]) == (2, 1)
    assert [(h["action"], h["reason"]) for h in replaced["history"]] == [
        ("created", ""),
        ("item_cancelled", "Điều chỉnh kế hoạch theo Công văn số 12/UBND-NV"),
        ("item_replaced", "Trường sáp nhập"),
    ]
    assert replaced["history"][2]["item_ids"] == [school["id"], new["id"]]


async def test_cancelling_past_the_conclusion_is_refused(
    http: httpx.AsyncClient, people: People
) -> None:
    year = this_year()
    plan = await new_plan(http, people, items=[{"unit_id": b.COMMUNE, "period": f"{year}-Q2"}])
    item = plan["items"][0]
    iid = (
        await post(
            http,
            people,
            "coordinator",
            "/inspections",
            {"kind": "planned", "plan_item_id": item["id"], "title": "x"},
        )
    ).json()["inspection_id"]
    for who, path, body in [
        ("coordinator", "team", team(people)),
        ("coordinator", "notice", {}),
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": [{"criterion": "WH-01", "result": "non_compliant"}]}),
        ("leader", "findings-report", {}),
        ("decision_maker", "conclusion", {}),
    ]:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, r.text
    r = await post(
        http,
        people,
        "coordinator",
        f"/plans/{plan['id']}/items/{item['id']}/cancel",
        {"reason": "x"},
    )
    assert r.status_code == 409
    detail = (await http.get(f"/plans/{plan['id']}", headers=people.headers["coordinator"])).json()
    assert (detail["items"][0]["status"], detail["items"][0]["coverage"]) == ("active", "inspected")
    assert [h["action"] for h in detail["history"]] == ["created"]


async def test_plan_history_shows_only_the_callers_items(
    http: httpx.AsyncClient, people: People
) -> None:
    year = this_year()
    plan = await new_plan(
        http,
        people,
        items=[
            {"unit_id": b.COMMUNE, "period": f"{year}-Q3"},
            {"unit_id": "org-commune-binh-an", "period": f"{year}-Q3"},
        ],
    )
    mine, theirs = item_of(plan, b.COMMUNE), item_of(plan, "org-commune-binh-an")
    secret = "Xã Bình An đang bị thanh tra về tài chính"
    base = f"/plans/{plan['id']}/items"
    r = await post(http, people, "coordinator", f"{base}/{theirs['id']}/cancel", {"reason": secret})
    assert r.status_code == 200, r.text
    # One entry about two items: a department's item replaced by the commune's school.
    r = await post(
        http,
        people,
        "coordinator",
        f"{base}",
        {"items": [{"unit_id": b.JUSTICE, "period": f"{year}-Q4"}]},
    )
    assert r.status_code == 201, r.text
    other = item_of(r.json(), b.JUSTICE)
    r = await post(
        http,
        people,
        "coordinator",
        f"{base}/{other['id']}/replace",
        {"reason": "Thay bằng trường", "unit_id": b.SCHOOL, "period": f"{year}-Q4"},
    )
    assert r.status_code == 201, r.text
    school = item_of(r.json(), b.SCHOOL)

    everything = (
        await http.get(f"/plans/{plan['id']}", headers=people.headers["coordinator"])
    ).json()
    assert [(h["action"], h["item_ids"]) for h in everything["history"]] == [
        ("created", [mine["id"], theirs["id"]]),
        ("item_cancelled", [theirs["id"]]),
        ("items_added", [other["id"]]),
        ("item_replaced", [other["id"], school["id"]]),
    ]

    r = await http.get(f"/plans/{plan['id']}", headers=people.headers["unit_rep"])
    assert r.status_code == 200, r.text
    seen = r.json()
    assert {i["id"] for i in seen["items"]} == {mine["id"], school["id"]}
    assert [(h["action"], h["item_ids"], h["reason"]) for h in seen["history"]] == [
        ("created", [mine["id"]], ""),
        ("item_replaced", [school["id"]], "Thay bằng trường"),
    ]
    # Nothing else names the other units' items or their reasons either.
    text = json.dumps(seen, ensure_ascii=False)
    assert secret not in text and theirs["id"] not in text and other["id"] not in text
    assert seen["items"][1]["replaces_id"] is None
    assert item_of(everything, b.SCHOOL)["replaces_id"] == other["id"]


async def sign_in_new_rep(
    http: httpx.AsyncClient, people: People, organisation_id: str
) -> dict[str, str]:
    username = f"rep-{uuid.uuid4().hex[:8]}"
    account = {
        "username": username,
        "password": "mat-khau-dai-du",
        "role": "unit_rep",
        "organisation_id": organisation_id,
    }
    assert (await post(http, people, "admin", "/users", account)).status_code == 201
    r = await http.post("/auth/token", data={"username": username, "password": "mat-khau-dai-du"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def test_wildcards_in_an_organisation_id_match_nothing_else(
    http: httpx.AsyncClient, people: People
) -> None:
    """A unit's plan items are found by its place in the tree, with a LIKE on the path: a
    "%" or "_" in the unit's id must not reach other units' items."""
    tag = uuid.uuid4().hex[:6]
    # Each wildcard id, and a neighbour its pattern would match were it not escaped.
    pairs = [(f"pct%{tag}", f"pct-neighbour-{tag}"), (f"und_{tag}", f"undX{tag}")]
    for org_id in [org for pair in pairs for org in pair]:
        body = {"id": org_id, "code": org_id, "name": org_id, "level": "commune"}
        r = await post(http, people, "admin", "/organisations", body | {"parent_id": b.PROVINCE})
        assert r.status_code == 201, r.text

    year = this_year()
    plan = await new_plan(
        http,
        people,
        items=[{"unit_id": org, "period": f"{year}-Q4"} for pair in pairs for org in pair],
    )
    theirs = await new_plan(
        http, people, items=[{"unit_id": n, "period": f"{year}-Q4"} for _, n in pairs]
    )
    for wild, _ in pairs:
        rep = await sign_in_new_rep(http, people, wild)
        seen = (await http.get(f"/plans/{plan['id']}", headers=rep)).json()
        assert [i["unit_id"] for i in seen["items"]] == [wild], seen
        assert seen["coverage"]["planned"] == 1
        listed = {p["id"]: p for p in (await http.get("/plans", headers=rep)).json()["data"]}
        assert listed[plan["id"]]["units"] == 1
        # A plan of the neighbours alone does not exist for the wildcard unit's representative.
        assert theirs["id"] not in listed
        assert (await http.get(f"/plans/{theirs['id']}", headers=rep)).status_code == 404
