"""The two sides of an inspection, as the field found them broken (issue: "Offices, not
roles"), through HTTP only: the province inspects commune Sông Cầu's one-stop shop.

    UBND tỉnh (province)            issuing organisation; Sở Nội vụ coordinates
    └ UBND xã Sông Cầu (commune)    the shop's managing chain
      └ Bộ phận một cửa (shop)      the inspected unit
"""

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from states.vocabulary import Role
from testkit import samples as b
from testkit.people import add_people
from tests.api.conftest import PASSWORD, People
from tests.api.test_lifecycle_api import post, results, team

COMMUNE = "org-song-cau"
SHOP = "org-song-cau-mot-cua"
ORGANISATIONS = [
    (COMMUNE, "SC", "UBND xã Sông Cầu", "commune", b.PROVINCE),
    (SHOP, "SC-1C", "Bộ phận một cửa xã Sông Cầu", "one_stop_shop", COMMUNE),
]
# The commune's own offices: on the inspected side of the province's inspection of its shop.
LOCAL = {
    "sc_coordinator": (Role.COORDINATOR, COMMUNE),
    "sc_chair": (Role.DECISION_MAKER, COMMUNE),
    "sc_viewer": (Role.VIEWER, COMMUNE),
    "sc_inspector": (Role.INSPECTOR, COMMUNE),
    "sc_rep": (Role.UNIT_REP, COMMUNE),
    "shop_rep": (Role.UNIT_REP, SHOP),
    "province_rep": (Role.UNIT_REP, b.PROVINCE),
}


@pytest.fixture(scope="module")
async def local(http: httpx.AsyncClient, engine: Engine, people: People) -> People:
    ids = add_people(
        engine, ORGANISATIONS, [(u, r, o, "") for u, (r, o) in LOCAL.items()], PASSWORD
    )
    headers = dict(people.headers)
    for username in LOCAL:
        r = await http.post("/auth/token", data={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        headers[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return People(headers=headers, ids=people.ids | ids)


async def inspection_of_the_shop(
    http: httpx.AsyncClient, p: People, kind: str = "planned", **extra: Any
) -> str:
    body = {"kind": kind, "unit_id": SHOP, "title": "Kiểm tra bộ phận một cửa xã Sông Cầu"}
    r = await post(http, p, "coordinator", "/inspections", body | extra)
    assert r.status_code == 201, r.text
    return str(r.json()["inspection_id"])


async def trail(http: httpx.AsyncClient, p: People, iid: str) -> list[str]:
    r = await http.get(f"/inspections/{iid}/events", headers=p.headers["coordinator"])
    return [e["trigger"] for e in r.json()["data"]]


async def test_the_inspected_side_cannot_steer_or_close_the_inspection(
    http: httpx.AsyncClient, local: People
) -> None:
    """The commune's coordinator and chairperson suspended, cancelled, resolved a dispute
    (withdrawing every finding, which closed it) and started the visit of the province's
    inspection of their shop. Each is refused, and nothing changes."""
    iid = await inspection_of_the_shop(http, local)
    for who, path, body in [
        ("coordinator", "team", team(local)),
        ("coordinator", "notice", {}),
    ]:
        assert (await post(http, local, who, f"/inspections/{iid}/{path}", body)).status_code == 200
    before = await trail(http, local, iid)
    attempts = [
        ("sc_coordinator", "suspend", {"reason": "bận"}),
        ("sc_chair", "cancel", {"reason": "không cần"}),
        ("sc_coordinator", "visit/start", None),
        ("sc_chair", "visit/start", None),
        ("sc_chair", "notice", {}),
    ]
    for who, path, body in attempts:
        r = await post(http, local, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 403, (who, path, r.text)
        assert r.json()["detail"]["position"] in ("managing_chain", "unit"), r.text
    assert await trail(http, local, iid) == before

    # On to a disputed conclusion: the commune may explain, never decide its own dispute.
    steps: list[tuple[str, str, Any]] = [
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": results(["WH-01", "ID-01"])}),
        ("leader", "findings-report", {}),
        ("decision_maker", "conclusion", {}),
        ("sc_rep", "dispute", {"finding_nos": [1, 2], "explanation": "đã chấn chỉnh ngay"}),
    ]
    for who, path, body in steps:
        r = await post(http, local, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, (who, path, r.text)
    withdraw_all = {"decisions": [{"finding_no": n, "outcome": "withdrawn"} for n in (1, 2)]}
    for who in ("sc_chair", "sc_coordinator"):
        r = await post(http, local, who, f"/inspections/{iid}/dispute/resolve", withdraw_all)
        assert r.status_code == 403, r.text
    detail = (await http.get(f"/inspections/{iid}", headers=local.headers["sc_chair"])).json()
    assert detail["state"] == "disputed" and detail["allowed_actions"] == []


async def test_only_the_issuing_organisations_decision_maker_concludes(
    http: httpx.AsyncClient, local: People
) -> None:
    """The commune's chairperson signed the conclusion of the province's inspection of the
    commune's shop. Decree 217 Art. 6: the one who decided concludes."""
    iid = await inspection_of_the_shop(http, local, "surprise")
    for who, path, body in [
        ("coordinator", "team", team(local)),
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": results(["WH-01"])}),
        ("leader", "findings-report", {}),
    ]:
        assert (await post(http, local, who, f"/inspections/{iid}/{path}", body)).status_code == 200
    for who in ("sc_chair", "coordinator"):
        r = await post(http, local, who, f"/inspections/{iid}/conclusion", {})
        assert r.status_code == 403, r.text
    r = await post(http, local, "decision_maker", f"/inspections/{iid}/conclusion", {})
    assert r.status_code == 200, r.text
    events = (
        await http.get(f"/inspections/{iid}/events", headers=local.headers["coordinator"])
    ).json()["data"]
    assert (events[-1]["trigger"], events[-1]["actor_id"]) == (
        "conclude",
        local.ids["decision_maker"],
    )
    assert r.json()["concluded_by"]


async def test_a_surprise_exists_only_for_the_issuing_side_until_the_team_arrives(
    http: httpx.AsyncClient, local: People
) -> None:
    """Before the visit the commune's coordinator, chairperson and viewer, and unit
    representatives of the commune and of the province, find nothing — not in the list, the
    count, the detail, the trail or the reports; afterwards they find it like any other."""
    iid = await inspection_of_the_shop(http, local, "surprise")
    assert (
        await post(http, local, "coordinator", f"/inspections/{iid}/team", team(local))
    ).status_code == 200
    inspected = ["sc_coordinator", "sc_chair", "sc_viewer", "sc_rep", "shop_rep", "province_rep"]

    async def seen(who: str) -> tuple[bool, int, int, int]:
        h = local.headers[who]
        listed = (await http.get("/inspections", params={"limit": 500}, headers=h)).json()
        summary = await http.get("/reports/summary", headers=h)
        counted = summary.json()["inspections"] if summary.status_code == 200 else -1
        return (
            iid in {i["id"] for i in listed["data"]},
            (await http.get(f"/inspections/{iid}", headers=h)).status_code,
            (await http.get(f"/inspections/{iid}/events", headers=h)).status_code,
            counted,
        )

    before = {who: await seen(who) for who in inspected}
    for who, (listed, detail, events, _) in before.items():
        assert (listed, detail, events) == (False, 404, 404), who
    for who in ("coordinator", "decision_maker", "leader", "viewer"):  # the issuing side
        listed, detail, _, _ = await seen(who)
        assert (listed, detail) == (True, 200), who

    r = await post(http, local, "leader", f"/inspections/{iid}/visit/start")
    assert r.status_code == 200, r.text
    for who in inspected:
        listed, detail, events, counted = await seen(who)
        if who == "shop_rep" or who.startswith("sc_") or who == "province_rep":
            assert (listed, detail, events) == (True, 200, 200), who
            assert counted == before[who][3] + 1, who


async def test_a_team_member_from_the_inspected_side_is_a_conflict_of_interest(
    http: httpx.AsyncClient, local: People
) -> None:
    """An inspector of the commune was accepted on the team inspecting its shop; a unit
    representative, an administrator and a viewer were accepted as team members."""
    iid = await inspection_of_the_shop(http, local)
    conflicted = {
        "members": [
            {"username": "leader", "team_role": "team_leader"},
            {"username": "sc_inspector"},
        ]
    }
    r = await post(http, local, "coordinator", f"/inspections/{iid}/team", conflicted)
    assert r.status_code == 409 and r.json()["error"] == "conflict_of_interest", r.text
    assert r.json()["detail"]["user_id"] == local.ids["sc_inspector"]
    for account in ("unit_rep", "admin", "viewer"):
        odd = {
            "members": [{"username": "leader", "team_role": "team_leader"}, {"username": account}]
        }
        r = await post(http, local, "coordinator", f"/inspections/{iid}/team", odd)
        assert r.status_code == 422 and r.json()["error"] == "invalid_command", r.text
        assert r.json()["detail"]["user_id"] == local.ids[account]
    assert await trail(http, local, iid) == ["decide"]


async def test_a_hidden_parent_and_an_unknown_one_are_refused_alike(
    http: httpx.AsyncClient, local: People, people: People
) -> None:
    """A re-inspection started by a commune's coordinator with a parent it cannot see
    copied that inspection's findings; the error differed for a hidden and an unknown
    parent. Now every refusal is one answer, and nothing is copied or started."""
    hidden = await inspection_of_the_shop(http, local, "surprise")
    for who, path, body in [
        ("coordinator", "team", team(local)),
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": results(["WH-01"])}),
        ("leader", "findings-report", {}),
        ("decision_maker", "conclusion", {}),
    ]:
        assert (
            await post(http, local, who, f"/inspections/{hidden}/{path}", body)
        ).status_code == 200
    elsewhere = "org-commune-2"  # another province: the commune coordinator cannot see it
    answers = []
    for parent in (hidden, uuid.uuid4().hex):
        body = {"kind": "reinspection", "title": "Tái kiểm tra", "parent_inspection_id": parent}
        r = await post(http, local, "coordinator2", "/inspections", body | {"unit_id": elsewhere})
        answers.append((r.status_code, r.json()["error"], r.json()["message"]))
    assert answers[0] == answers[1] and answers[0][0] == 422
    listed = (
        await http.get(
            "/inspections",
            params={"kind": "reinspection", "limit": 500},
            headers=people.headers["coordinator2"],
        )
    ).json()
    assert listed["count"] == 0


async def test_ids_are_random_and_keys_are_the_callers(
    http: httpx.AsyncClient, people: People
) -> None:
    body = {"kind": "planned", "unit_id": b.COMMUNE, "title": "Khóa lặp lại"}
    key = {"Idempotency-Key": f"k-{uuid.uuid4().hex}"}
    first = (await post(http, people, "coordinator", "/inspections", body, headers=key)).json()
    again = (await post(http, people, "coordinator", "/inspections", body, headers=key)).json()
    other = await post(
        http,
        people,
        "coordinator2",
        "/inspections",
        body | {"unit_id": "org-commune-2"},
        headers=key,
    )
    assert first["inspection_id"] == again["inspection_id"]
    assert other.json()["inspection_id"] != first["inspection_id"]
    assert len(first["inspection_id"]) == 32 and int(first["inspection_id"], 16) >= 0


async def test_a_reinspection_settles_its_parent_which_closes(
    http: httpx.AsyncClient, local: People
) -> None:
    """A verification re-inspection (its own decision, team and minutes) re-checks the
    parent's open findings; when it closes, what it found settles them, and the parent —
    nothing left open — closes too, by kiemtra itself."""
    parent = await inspection_of_the_shop(http, local)
    for who, path, body in [
        ("coordinator", "team", team(local)),
        ("coordinator", "notice", {}),
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": results(["WH-01", "ID-01"])}),
        ("leader", "findings-report", {}),
        ("decision_maker", "conclusion", {}),
        ("shop_rep", "acknowledge", None),
    ]:
        r = await post(http, local, who, f"/inspections/{parent}/{path}", body)
        assert r.status_code == 200, (path, r.text)
    body = {
        "kind": "reinspection",
        "title": "Tái kiểm tra bộ phận một cửa xã Sông Cầu",
        "parent_inspection_id": parent,
    }
    r = await post(http, local, "coordinator", "/inspections", body)
    assert r.status_code == 201, r.text
    child = r.json()
    assert child["unit_id"] == SHOP
    assert [(s["criterion"], s["finding_no"]) for s in child["scope"]] == [
        ("WH-01", 1),
        ("ID-01", 2),
    ]
    fixed = [{"criterion": c, "result": "compliant"} for c in ("WH-01", "ID-01")]
    for who, path, body in [
        ("coordinator", "team", team(local)),
        ("coordinator", "notice", {}),
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": fixed}),
        ("leader", "findings-report", {}),
        ("decision_maker", "conclusion", {}),
    ]:
        r = await post(http, local, who, f"/inspections/{child['inspection_id']}/{path}", body)
        assert r.status_code == 200, (path, r.text)
    assert r.json()["state"] == "closed"
    for _ in range(100):  # the parent hears of it through its own workflow task
        detail = (
            await http.get(f"/inspections/{parent}", headers=local.headers["coordinator"])
        ).json()
        if detail["state"] == "closed":
            break
        await asyncio.sleep(0.1)
    assert detail["state"] == "closed"
    assert {f["status"] for f in detail["findings"]} == {"resolved"}
    events = (
        await http.get(f"/inspections/{parent}/events", headers=local.headers["coordinator"])
    ).json()["data"]
    last = events[-1]
    assert (last["trigger"], last["actor_role"], last["to_state"]) == (
        "record_reinspection",
        "system",
        "closed",
    )
    assert last["payload"]["reinspection_id"] == child["inspection_id"]
