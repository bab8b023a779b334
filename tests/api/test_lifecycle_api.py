"""The whole lifecycle through HTTP only, and allowed_actions matching what is accepted."""

from typing import Any

import httpx

from testkit import samples as b
from tests.api.conftest import People


async def post(
    http: httpx.AsyncClient, people: People, who: str, path: str, body: Any = None, **kw: Any
) -> httpx.Response:
    return await http.post(
        path, json=body, headers=people.headers[who] | kw.pop("headers", {}), **kw
    )


def results(failing: list[str]) -> list[dict[str, Any]]:
    rows = [{"criterion": c, "result": "non_compliant", "note": f"vi phạm {c}"} for c in failing]
    return [*rows, {"criterion": "CD-01", "result": "compliant"}]


async def start(
    http: httpx.AsyncClient, people: People, kind: str = "planned", **extra: Any
) -> dict[str, Any]:
    body = {
        "kind": kind,
        "unit_id": b.COMMUNE,
        "title": "Kiểm tra công vụ UBND xã An Phú",
    } | extra
    r = await post(http, people, "coordinator", "/inspections", body)
    assert r.status_code == 201, r.text
    return r.json()


def team(people: People) -> dict[str, Any]:
    return {
        "members": [
            {"user_id": people.ids["leader"], "team_role": "team_leader"},
            {"username": "member", "team_role": "member"},
        ]
    }


async def test_full_lifecycle_over_http(http: httpx.AsyncClient, people: People) -> None:
    created = await start(http, people)
    iid = created["inspection_id"]
    assert created["state"] == "decided"
    steps: list[tuple[str, str, Any, str]] = [
        ("coordinator", "team", team(people), "team_formed"),
        ("coordinator", "notice", {}, "notified"),
        ("leader", "visit/start", None, "on_site"),
        ("leader", "visit", {"results": results(["WH-01", "ID-01"])}, "visited"),
        ("leader", "findings-report", {}, "findings_reported"),
        ("decision_maker", "conclusion", {}, "remediation_requested"),
        ("unit_rep", "dispute", {"finding_nos": [2], "explanation": "đã đeo thẻ"}, "disputed"),
        (
            "decision_maker",
            "dispute/resolve",
            {"decisions": [{"finding_no": 2, "outcome": "upheld"}]},
            "remediation_requested",
        ),
        ("unit_rep", "acknowledge", None, "remediating"),
        (
            "unit_rep",
            "remediation-report",
            {
                "items": [
                    {"finding_no": 1, "report": "đã chấn chỉnh"},
                    {"finding_no": 2, "report": "đã đeo thẻ"},
                ]
            },
            "remediation_reported",
        ),
        ("coordinator", "reinspection", {}, "reinspecting"),
        (
            "member",
            "verification",
            {
                "results": [
                    {"finding_no": 1, "outcome": "resolved"},
                    {"finding_no": 2, "outcome": "unresolved"},
                ]
            },
            "remediation_requested",
        ),
        ("unit_rep", "acknowledge", None, "remediating"),
        (
            "unit_rep",
            "remediation-report",
            {"items": [{"finding_no": 2, "report": "xong"}]},
            "remediation_reported",
        ),
        ("coordinator", "reinspection", None, "reinspecting"),
        (
            "leader",
            "verification",
            {"results": [{"finding_no": 2, "outcome": "resolved"}]},
            "closed",
        ),
    ]
    for who, path, body, expected in steps:
        detail = (await http.get(f"/inspections/{iid}", headers=people.headers[who])).json()
        offered = {a["path"].rsplit(iid + "/", 1)[1] for a in detail["allowed_actions"]}
        assert path in offered, (who, path, offered)
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, (path, r.text)
        assert r.json()["state"] == expected
        # Read-your-writes: the read model already shows the command's result.
        listed = (
            await http.get(
                "/inspections",
                params={"unit": b.COMMUNE, "state": expected},
                headers=people.headers["viewer"],
            )
        ).json()
        row = next(i for i in listed["data"] if i["id"] == iid)
        assert row["updated_at"].endswith(("Z", "+00:00"))  # timestamps carry their zone
    events = (await http.get(f"/inspections/{iid}/events", headers=people.headers["viewer"])).json()
    assert [e["trigger"] for e in events["data"]][:3] == ["decide", "form_team", "send_notice"]
    assert events["count"] == len(steps) + 1
    final = (await http.get(f"/inspections/{iid}", headers=people.headers["coordinator"])).json()
    assert final["state"] == "closed" and final["allowed_actions"] == []
