"""Calendar, extensions and notifications over HTTP against the real dev server."""

import asyncio
from datetime import date, timedelta
from typing import Any

import httpx

from tests.api.conftest import People
from tests.api.test_errors_api import assert_error
from tests.api.test_lifecycle_api import post, results, start, team


async def to_remediation_requested(http: httpx.AsyncClient, people: People) -> str:
    iid = (await start(http, people))["inspection_id"]
    for who, path, body in [
        ("coordinator", "team", team(people)),
        ("coordinator", "notice", {}),
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": results(["WH-01"])}),
        ("leader", "findings-report", {}),
        ("decision_maker", "conclusion", {}),
    ]:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, r.text
    return iid


async def detail(
    http: httpx.AsyncClient, people: People, iid: str, who: str = "coordinator"
) -> dict[str, Any]:
    return (await http.get(f"/inspections/{iid}", headers=people.headers[who])).json()


async def test_working_days_answer_lists_what_was_skipped(
    http: httpx.AsyncClient, people: People
) -> None:
    r = await http.get(
        "/calendar/add", params={"from": "2027-01-29", "days": 10}, headers=people.headers["viewer"]
    )
    body = r.json()
    assert body["result"] == "2027-02-19"
    skipped = {s["day"]: s["reason"] for s in body["skipped"]}
    assert "2027-02-06" in skipped and "Lunar New Year" in skipped["2027-02-06"]
    assert skipped["2027-01-30"] == "Saturday"
    assert_error(
        await http.get(
            "/calendar/add", params={"from": "x", "days": 1}, headers=people.headers["viewer"]
        ),
        422,
        "invalid_payload",
    )


async def test_calendar_edit_reaches_running_inspections(
    http: httpx.AsyncClient, people: People
) -> None:
    iid = await to_remediation_requested(http, people)
    before = date.fromisoformat((await detail(http, people, iid))["next_deadline"][:10])
    # Declare the last working day before that deadline a day off: everything moves by one.
    answer = (
        await http.get(
            "/calendar/add",
            params={"from": before.isoformat(), "days": 0},
            headers=people.headers["viewer"],
        )
    ).json()
    day_off = date.fromisoformat(answer["result"])
    admin = people.headers["admin"]
    assert_error(
        await http.post(
            "/calendar/days",
            json={"day": day_off.isoformat(), "kind": "day_off"},
            headers=people.headers["coordinator"],
        ),
        403,
        "forbidden",
    )
    r = await http.post(
        "/calendar/days",
        json={"day": day_off.isoformat(), "kind": "day_off", "note": "nghỉ bù"},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    try:
        listed = (await http.get("/calendar/days", headers=admin)).json()
        assert {"day": day_off.isoformat(), "kind": "day_off", "note": "nghỉ bù"} in listed["data"]
        for _ in range(100):
            moved = date.fromisoformat((await detail(http, people, iid))["next_deadline"][:10])
            if moved != before:
                break
            await asyncio.sleep(0.1)
        assert moved > before and moved - before <= timedelta(days=4)
    finally:
        assert (
            await http.delete(f"/calendar/days/{day_off.isoformat()}", headers=admin)
        ).status_code == 204
    assert_error(
        await http.delete(f"/calendar/days/{day_off.isoformat()}", headers=admin), 404, "not_found"
    )


async def test_extension_requested_and_granted(http: httpx.AsyncClient, people: People) -> None:
    iid = await to_remediation_requested(http, people)
    item = (await detail(http, people, iid))["remediation"][0]
    later = (date.fromisoformat(item["due_on"]) + timedelta(days=14)).isoformat()
    r = await post(
        http,
        people,
        "unit_rep",
        f"/inspections/{iid}/extensions",
        {"finding_no": 1, "due_on": later, "reason": "chờ kinh phí"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["extensions"][0]["status"] == "pending"
    r = await post(
        http,
        people,
        "unit_rep",
        f"/inspections/{iid}/extensions",
        {"finding_no": 1, "due_on": later, "reason": "lần nữa"},
    )
    assert_error(r, 422, "invalid_command")
    offered = {
        a["trigger"]: a["path"] for a in (await detail(http, people, iid))["allowed_actions"]
    }
    assert offered["decide_extension"] == f"/api/v1/inspections/{iid}/extensions/1/decide"
    assert_error(
        await post(
            http, people, "unit_rep", f"/inspections/{iid}/extensions/1/decide", {"grant": True}
        ),
        403,
        "not_allowed",
    )
    assert_error(
        await post(
            http, people, "coordinator", f"/inspections/{iid}/extensions/9/decide", {"grant": True}
        ),
        422,
        "invalid_command",
    )
    r = await post(
        http,
        people,
        "coordinator",
        f"/inspections/{iid}/extensions/1/decide",
        {"grant": True, "note": "đồng ý"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["remediation"][0]["due_on"] == later
    inbox = (await http.get("/notifications", headers=people.headers["unit_rep"])).json()
    kinds = {(n["kind"], n["inspection_id"]) for n in inbox["data"]}
    assert ("extension_decided", iid) in kinds and ("conclusion_issued", iid) in kinds
    assert ("notice_issued", iid) in kinds
    (decided,) = [
        n for n in inbox["data"] if (n["kind"], n["inspection_id"]) == ("extension_decided", iid)
    ]
    assert decided["subject_vi"].startswith("Đồng ý gia hạn: ")
    assert decided["subject_en"].startswith("Extension granted: ")
    new_due = date.fromisoformat(later)
    assert f"Thời hạn mới: ngày {new_due.day:02d}" in decided["body_vi"]
    assert f"New due date: {later}." in decided["body_en"]
    assert "Ý kiến: đồng ý" in decided["body_vi"]
