"""Every caller mistake is a 4xx with one error shape and changes nothing."""

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.client import Client

from testkit import samples as b
from tests.api.conftest import People, api_settings, serve
from tests.api.test_lifecycle_api import post, results, start, team
from worker.build import build_worker


def assert_error(r: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error", "message", "detail"}
    assert body["error"] == error and body["message"]
    return body


async def event_count(http: httpx.AsyncClient, people: People, iid: str) -> int:
    r = await http.get(f"/inspections/{iid}/events", headers=people.headers["viewer"])
    return int(r.json()["count"])


async def test_unauthenticated_calls_get_401(http: httpx.AsyncClient) -> None:
    assert_error(await http.get("/inspections"), 401, "unauthorized")
    r = await http.get("/inspections", headers={"Authorization": "Bearer forged.token.value"})
    assert_error(r, 401, "unauthorized")
    r = await http.post("/auth/token", data={"username": "coordinator", "password": "sai"})
    assert_error(r, 401, "invalid_credentials")


async def test_wrong_role_gets_403_and_changes_nothing(http: httpx.AsyncClient, people: People):
    r = await post(
        http,
        people,
        "unit_rep",
        "/inspections",
        {"kind": "planned", "unit_id": b.COMMUNE, "title": "x"},
    )
    assert_error(r, 403, "not_allowed")
    iid = (await start(http, people))["inspection_id"]
    r = await post(http, people, "unit_rep", f"/inspections/{iid}/team", team(people))
    body = assert_error(r, 403, "not_allowed")
    assert "inspected side" in body["message"]  # the commune's representative
    assert body["detail"]["position"] == "unit"
    assert await event_count(http, people, iid) == 1
    r = await http.get("/users", headers=people.headers["coordinator"])
    assert_error(r, 403, "forbidden")


async def test_unknown_inspection_is_404(http: httpx.AsyncClient, people: People) -> None:
    assert_error(
        await http.get("/inspections/nope", headers=people.headers["viewer"]), 404, "not_found"
    )
    r = await post(http, people, "coordinator", "/inspections/nope/team", team(people))
    assert_error(r, 404, "not_found")
    r = await http.get("/inspections/nope/events", headers=people.headers["viewer"])
    assert_error(r, 404, "not_found")


async def test_invalid_payloads_are_422(http: httpx.AsyncClient, people: People) -> None:
    assert_error(
        await post(http, people, "coordinator", "/inspections", {}), 422, "invalid_payload"
    )
    r = await post(
        http,
        people,
        "coordinator",
        "/inspections",
        {"kind": "nonsense", "unit_id": b.COMMUNE, "title": "x"},
    )
    assert_error(r, 422, "invalid_payload")
    r = await post(
        http,
        people,
        "coordinator",
        "/inspections",
        {"kind": "planned", "unit_id": "org-nowhere", "title": "x"},
    )
    assert_error(r, 422, "invalid_command")
    r = await post(
        http,
        people,
        "coordinator",
        "/inspections",
        {"kind": "planned", "unit_id": b.COMMUNE, "title": "x", "checklist": ["ZZ-99"]},
    )
    assert_error(r, 422, "invalid_command")
    r = await http.post(
        "/inspections",
        content=b"{not json",
        headers=people.headers["coordinator"] | {"Content-Type": "application/json"},
    )
    assert_error(r, 422, "invalid_payload")
    iid = (await start(http, people))["inspection_id"]
    r = await post(
        http,
        people,
        "coordinator",
        f"/inspections/{iid}/team",
        {"members": [{"user_id": people.ids["member"]}]},
    )
    body = assert_error(r, 422, "invalid_command")
    assert "leader" in body["message"]
    r = await post(http, people, "coordinator", f"/inspections/{iid}/team", {"members": "everyone"})
    assert_error(r, 422, "invalid_payload")
    assert await event_count(http, people, iid) == 1


async def test_invalid_transition_is_409_naming_state_and_allowed_actions(
    http: httpx.AsyncClient, people: People
) -> None:
    iid = (await start(http, people))["inspection_id"]
    r = await post(http, people, "decision_maker", f"/inspections/{iid}/conclusion", {})
    body = assert_error(r, 409, "invalid_transition")
    assert "decided" in body["message"] and "form_team" in body["message"]
    assert body["detail"]["allowed"] == ["form_team", "cancel", "void", "suspend"]
    assert await event_count(http, people, iid) == 1


async def test_conflict_of_interest_is_409_naming_the_member(
    http: httpx.AsyncClient, people: People
):
    iid = (await start(http, people))["inspection_id"]
    members = team(people)["members"] + [{"user_id": people.ids["insider"], "team_role": "member"}]
    r = await post(http, people, "coordinator", f"/inspections/{iid}/team", {"members": members})
    body = assert_error(r, 409, "conflict_of_interest")
    assert "Insider" in body["message"]
    assert body["detail"]["user_id"] == people.ids["insider"]


async def test_surprise_notice_is_refused(http: httpx.AsyncClient, people: People) -> None:
    iid = (await start(http, people, kind="surprise"))["inspection_id"]
    await post(http, people, "coordinator", f"/inspections/{iid}/team", team(people))
    detail = (await http.get(f"/inspections/{iid}", headers=people.headers["coordinator"])).json()
    assert "send_notice" not in {a["trigger"] for a in detail["allowed_actions"]}
    r = await post(http, people, "coordinator", f"/inspections/{iid}/notice", {})
    assert_error(r, 409, "guard_failed")


async def test_duplicate_idempotency_key_replays_the_first_answer(
    http: httpx.AsyncClient, people: People
) -> None:
    key = {"Idempotency-Key": f"start-{uuid.uuid4()}"}
    first = await post(
        http,
        people,
        "coordinator",
        "/inspections",
        {"kind": "planned", "unit_id": b.COMMUNE, "title": "một lần"},
        headers=key,
    )
    again = await post(
        http,
        people,
        "coordinator",
        "/inspections",
        {"kind": "planned", "unit_id": b.COMMUNE, "title": "một lần"},
        headers=key,
    )
    assert first.status_code == again.status_code == 201
    iid = first.json()["inspection_id"]
    assert again.json()["inspection_id"] == iid
    team_key = {"Idempotency-Key": "team-1"}
    one = await post(
        http, people, "coordinator", f"/inspections/{iid}/team", team(people), headers=team_key
    )
    two = await post(
        http, people, "coordinator", f"/inspections/{iid}/team", team(people), headers=team_key
    )
    assert one.status_code == two.status_code == 200
    assert one.json() == two.json()
    assert await event_count(http, people, iid) == 2


async def test_replay_after_the_inspection_closed(http: httpx.AsyncClient, people: People) -> None:
    iid = (await start(http, people))["inspection_id"]
    for who, path, body in [
        ("coordinator", "team", team(people)),
        ("coordinator", "notice", {}),
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": results([])}),
        ("leader", "findings-report", {}),
    ]:
        assert (
            await post(http, people, who, f"/inspections/{iid}/{path}", body)
        ).status_code == 200
    key = {"Idempotency-Key": "conclude-1"}
    one = await post(
        http, people, "decision_maker", f"/inspections/{iid}/conclusion", {}, headers=key
    )
    assert one.json()["state"] == "closed"
    two = await post(
        http, people, "decision_maker", f"/inspections/{iid}/conclusion", {}, headers=key
    )
    assert two.status_code == 200, two.text
    assert two.json()["state"] == "closed" and two.json()["seq"] == one.json()["seq"]
    other = await post(http, people, "decision_maker", f"/inspections/{iid}/conclusion", {})
    assert_error(other, 409, "invalid_transition")


async def test_list_filters(http: httpx.AsyncClient, people: People) -> None:
    surprise = (await start(http, people, kind="surprise", unit_id="org-commune-binh-an"))[
        "inspection_id"
    ]
    h = people.headers["viewer"]

    async def ids(**params: Any) -> set[str]:
        r = await http.get("/inspections", params=params | {"limit": 500}, headers=h)
        assert r.status_code == 200, r.text
        return {i["id"] for i in r.json()["data"]}

    assert surprise in await ids(kind="surprise")
    assert surprise not in await ids(kind="planned")
    assert surprise in await ids(unit="org-commune-binh-an", state="decided")
    assert surprise not in await ids(state="closed")
    assert surprise in await ids(overdue=False)
    assert surprise not in await ids(overdue=True)
    year = (await http.get(f"/inspections/{surprise}", headers=h)).json()["decided_at"][:4]
    assert surprise in await ids(year=int(year))
    assert surprise not in await ids(year=int(year) - 1)
    assert_error(
        await http.get("/inspections", params={"state": "nowhere"}, headers=h),
        422,
        "invalid_payload",
    )
    assert_error(
        await http.get("/inspections", params={"limit": 0}, headers=h), 422, "invalid_payload"
    )


async def test_worker_down_is_503_never_a_hang(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    people: People,
) -> None:
    queue = f"down-{uuid.uuid4().hex[:8]}"
    settings = api_settings(tmp_path_factory.mktemp("down"), sqlite_url, queue, 2)
    async with (
        serve(settings, engine, client) as url,
        httpx.AsyncClient(base_url=f"{url}/api/v1", timeout=30) as down,
    ):
        # A worker runs long enough to start one inspection, then goes away.
        async with build_worker(client, engine, queue):
            r = await down.post(
                "/inspections",
                json={"kind": "planned", "unit_id": b.COMMUNE, "title": "x"},
                headers=people.headers["coordinator"],
            )
            assert r.status_code == 201, r.text
            iid = r.json()["inspection_id"]
        r = await down.post(
            f"/inspections/{iid}/team", json=team(people), headers=people.headers["coordinator"]
        )
        assert_error(r, 503, "unavailable")
        assert r.headers["Retry-After"]
        r = await down.post(
            "/inspections",
            json={"kind": "planned", "unit_id": b.COMMUNE, "title": "y"},
            headers=people.headers["coordinator"],
        )
        assert_error(r, 503, "unavailable")


async def test_out_of_range_numbers_are_422_not_500(
    http: httpx.AsyncClient, people: People
) -> None:
    """Found by the fuzzer: integers beyond 64 bits and dates near year 9999."""
    h = people.headers["viewer"]
    huge = str(2**63)
    assert_error(
        await http.get("/inspections", params={"offset": huge}, headers=h), 422, "invalid_payload"
    )
    assert_error(
        await http.get("/notifications", params={"offset": huge}, headers=h), 422, "invalid_payload"
    )
    assert_error(await http.post(f"/notifications/{huge}/read", headers=h), 422, "invalid_payload")
    r = await http.get("/calendar/add", params={"from": "9999-12-01", "days": 30}, headers=h)
    assert_error(r, 422, "invalid_payload")


async def test_team_lookup_does_not_reveal_accounts(
    http: httpx.AsyncClient, people: People
) -> None:
    iid = (await start(http, people))["inspection_id"]
    for username in ("nobody-here", "leader"):
        r = await post(
            http,
            people,
            "viewer",
            f"/inspections/{iid}/team",
            {"members": [{"username": username, "team_role": "team_leader"}]},
        )
        assert_error(r, 403, "not_allowed")
