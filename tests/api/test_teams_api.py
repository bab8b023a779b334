"""Standing teams and people (issue 15 §1): the directory within an authority, standing
teams kept by coordinators, an inspection's team formed from one with people who hold no
account, and the team changed before the visit by a decision of its own."""

import io
import re
import zipfile
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from store.tables import SecurityLog, StandingTeam
from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, start

TODAY = date.today()
SEED_DECISION = "94/QĐ-UBND.TL"


async def get(http: httpx.AsyncClient, people: People, who: str, path: str, **kw: Any) -> Any:
    return await http.get(path, headers=people.headers[who], **kw)


def standing(people: People, **extra: Any) -> dict[str, Any]:
    """Seed 000's team: leaders of several offices, two of them without an account."""
    return {
        "name": "Tổ kiểm tra công vụ",
        "decision_number": SEED_DECISION,
        "decision_signed_on": "2023-12-04",
        "valid_from": "2023-12-04",
        "members": [
            {"user_id": people.ids["leader"], "team_role": "team_leader", "position": "Phó GĐ"},
            {"user_id": people.ids["member"]},
            {
                "name": "Lê Thành Nhân",
                "position": "Chuyên viên",
                "organisation_id": b.JUSTICE,
                "team_role": "member",
            },
            {
                "name": "Trần Văn Đài",
                "position": "Phó Trưởng đài",
                "organisation_name": "Đài Truyền thanh huyện",
                "team_role": "secretary",
            },
        ],
    } | extra


@pytest.fixture(scope="module")
async def team_id(http: httpx.AsyncClient, people: People) -> str:
    r = await post(http, people, "coordinator", "/standing-teams", standing(people))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_the_directory_lists_people_within_the_authority_only(
    http: httpx.AsyncClient, people: People
) -> None:
    r = await get(http, people, "coordinator", "/people", params={"role": "inspector"})
    assert r.status_code == 200, r.text
    found = {p["username"] for p in r.json()["data"]}
    assert {"leader", "member", "insider"} <= found
    assert "inspector2" not in found  # another province
    assert all(
        set(p) == {"id", "username", "name", "role", "organisation_id", "organisation_name"}
        for p in r.json()["data"]
    )  # no e-mail
    # By office, ignoring case and diacritics: "tu phap" is Sở Tư pháp.
    # (Other modules of the session add accounts too: only Sở Tư pháp's people are found.)
    r = await get(http, people, "decision_maker", "/people", params={"q": "TU PHAP"})
    found_by_office = r.json()["data"]
    assert "member" in {p["username"] for p in found_by_office}
    assert {p["organisation_id"] for p in found_by_office} == {b.JUSTICE}
    r = await get(http, people, "admin", "/people", params={"organisation_id": b.JUSTICE})
    assert "member" in [p["username"] for p in r.json()["data"]]
    assert {p["organisation_id"] for p in r.json()["data"]} == {b.JUSTICE}
    r = await get(http, people, "coordinator", "/people", params={"limit": 1, "offset": 1})
    assert len(r.json()["data"]) == 1 and r.json()["count"] > 2
    # Outside the authority nobody is found; roles that form no team may not look.
    r = await get(http, people, "coordinator2", "/people", params={"q": "leader"})
    assert r.json() == {"data": [], "count": 0}
    assert (await get(http, people, "unit_rep", "/people")).status_code == 403
    r = await get(http, people, "coordinator", "/people", params={"q": "x" * 201})
    assert r.status_code == 422


async def test_standing_teams_are_kept_within_the_authority(
    http: httpx.AsyncClient, people: People, team_id: str, engine: Engine
) -> None:
    r = await get(http, people, "decision_maker", f"/standing-teams/{team_id}")
    assert r.status_code == 200, r.text
    team = r.json()
    assert (team["decision_number"], team["organisation_id"]) == (SEED_DECISION, b.PROVINCE)
    assert [m["has_account"] for m in team["members"]] == [True, True, False, False]
    assert team["members"][2]["organisation_name"] == "Sở Tư pháp"

    with Session(engine) as session:
        before = len(session.exec(select(StandingTeam)).all())
    refused = [
        # An inspector of another province, a unit's representative: not team inspectors.
        standing(people, members=[{"user_id": people.ids["inspector2"]}]),
        standing(people, members=[{"user_id": people.ids["unit_rep"]}]),
        standing(people, members=[{"name": "A", "organisation_id": "org-snv-2"}]),
        standing(people, members=[{"name": f"N{i}"} for i in range(31)]),
        standing(people, name="x" * 201),
        standing(people, valid_from="2024-01-02", valid_to="2024-01-01"),
        standing(people, members=[{"user_id": people.ids["leader"], "name": "both"}]),
    ]
    for body in refused:
        r = await post(http, people, "coordinator", "/standing-teams", body)
        assert r.status_code == 422, (body, r.text)
    r = await post(http, people, "decision_maker", "/standing-teams", standing(people))
    assert r.status_code == 403
    with Session(engine) as session:
        assert len(session.exec(select(StandingTeam)).all()) == before

    # Outside the authority a team is unknown, whatever the method.
    assert (
        await get(http, people, "coordinator2", f"/standing-teams/{team_id}")
    ).status_code == 404
    r = await http.put(
        f"/standing-teams/{team_id}", json=standing(people), headers=people.headers["coordinator2"]
    )
    assert r.status_code == 404
    r = await get(http, people, "coordinator2", "/standing-teams")
    assert team_id not in [t["id"] for t in r.json()["data"]]

    # An expired team is not offered for today.
    old = standing(people, name="Tổ cũ", valid_from="2020-01-01", valid_to="2020-12-31")
    old_id = (await post(http, people, "coordinator", "/standing-teams", old)).json()["id"]
    r = await get(
        http, people, "coordinator", "/standing-teams", params={"active_on": TODAY.isoformat()}
    )
    listed = [t["id"] for t in r.json()["data"]]
    assert team_id in listed and old_id not in listed

    # A later decision changes the team: the new facts and members replace the old.
    changed = standing(people, name="Tổ kiểm tra công vụ (kiện toàn)", valid_to="2099-12-31")
    changed["members"] = changed["members"][:1] + changed["members"][2:]
    r = await http.put(
        f"/standing-teams/{old_id}", json=changed, headers=people.headers["coordinator"]
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Tổ kiểm tra công vụ (kiện toàn)"
    assert [m["name"] for m in r.json()["members"]][1:] == ["Lê Thành Nhân", "Trần Văn Đài"]
    with Session(engine) as session:
        logged = session.exec(
            select(SecurityLog.error).where(SecurityLog.reason == f"standing_team {old_id}")
        ).all()
    assert sorted(logged) == ["standing_team_changed", "standing_team_created"]


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        return re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode())


async def test_a_team_formed_from_a_standing_team_changes_before_the_visit(
    http: httpx.AsyncClient, people: People, team_id: str
) -> None:
    iid = (await start(http, people))["inspection_id"]
    # An expired standing team forms no team.
    old = standing(people, name="Tổ hết hạn", valid_from="2020-01-01", valid_to="2020-12-31")
    old_id = (await post(http, people, "coordinator", "/standing-teams", old)).json()["id"]
    r = await post(
        http, people, "coordinator", f"/inspections/{iid}/team", {"standing_team_id": old_id}
    )
    assert r.status_code == 422, r.text
    r = await post(
        http, people, "coordinator2", f"/inspections/{iid}/team", {"standing_team_id": team_id}
    )
    assert r.status_code == 404  # the inspection does not exist for another province

    r = await post(
        http, people, "coordinator", f"/inspections/{iid}/team", {"standing_team_id": team_id}
    )
    assert r.status_code == 200, r.text
    formed = r.json()
    assert formed["standing_team_decision"] == SEED_DECISION
    named = [m for m in formed["team"] if m["user_id"] is None]
    assert [(m["name"], m["position"], m["organisation_name"]) for m in named] == [
        ("Lê Thành Nhân", "Chuyên viên", "Sở Tư pháp"),
        ("Trần Văn Đài", "Phó Trưởng đài", "Đài Truyền thanh huyện"),
    ]

    # The leader acts in kiemtra: a person without an account cannot lead.
    headless = {
        "members": [{"name": "Lê Thành Nhân", "team_role": "team_leader"}],
        "reason": "thay trưởng đoàn",
    }
    r = await post(http, people, "coordinator", f"/inspections/{iid}/team/change", headless)
    assert r.status_code == 422, r.text
    # Nobody of the inspected side joins by a change either (the school is under the unit).
    conflicted = {
        "members": [
            {"user_id": people.ids["leader"], "team_role": "team_leader"},
            {"username": "insider"},
        ],
        "reason": "bổ sung",
    }
    r = await post(http, people, "coordinator", f"/inspections/{iid}/team/change", conflicted)
    assert (r.status_code, r.json()["error"]) == (409, "conflict_of_interest")

    change = {
        "members": [
            {"user_id": people.ids["leader"], "team_role": "team_leader"},
            {"name": "Lê Thành Nhân", "position": "Chuyên viên", "organisation_id": b.JUSTICE},
            {
                "name": "Phạm Thị Hoa",
                "position": "Phó Chánh Thanh tra",
                "organisation_name": "Thanh tra huyện",
            },
        ],
        "number": "630097/QĐ-UBND",
        "reason": "Ông Trần Văn Đài đi học tập trung",
    }
    r = await post(http, people, "coordinator", f"/inspections/{iid}/team/change", change)
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["state"] == "team_formed"
    assert [m["name"] for m in changed["team"]][1:] == ["Lê Thành Nhân", "Phạm Thị Hoa"]
    assert changed["history"][-1]["trigger"] == "change_team"

    # The member who left no longer sees the inspection but is told, as the new team is:
    # the decision's number, who joined, who left and why.
    assert (await get(http, people, "member", f"/inspections/{iid}")).status_code == 404
    for who in ("member", "leader"):
        told = (await get(http, people, who, "/notifications")).json()["data"]
        (notice,) = [n for n in told if n["inspection_id"] == iid and n["kind"] == "team_changed"]
        assert "Quyết định số 630097/QĐ-UBND" in notice["body_vi"], notice
        # (Lê Thành Nhân was on the team already: he neither joins nor leaves.)
        assert "Tham gia Đoàn: Phạm Thị Hoa." in notice["body_vi"]
        assert "Thôi tham gia Đoàn: Member, Trần Văn Đài." in notice["body_vi"]
        assert "Lý do: Ông Trần Văn Đài đi học tập trung." in notice["body_vi"]
    docs = (await get(http, people, "coordinator", f"/inspections/{iid}/documents")).json()
    kinds = {d["kind"]: d for d in docs["data"]}
    assert list(kinds) == ["decision", "team_change"]
    assert kinds["team_change"]["symbol"] == "630097/QĐ-UBND"
    r = await get(http, people, "coordinator", kinds["team_change"]["docx"].removeprefix("/api/v1"))
    text = docx_text(r.content)
    assert "thay đổi thành viên Đoàn kiểm tra" in text
    assert "Phạm Thị Hoa" in text and "Phó Chánh Thanh tra, Thanh tra huyện" in text
    assert "Trần Văn Đài" in text  # the reason names him; he is not in the new team table
    r = await get(http, people, "coordinator", kinds["decision"]["docx"].removeprefix("/api/v1"))
    decision = docx_text(r.content)
    # The decision names the team it formed, each with position and office; the change is
    # the later decision's.
    assert "Chuyên viên, Sở Tư pháp" in decision
    assert "Phó Trưởng đài, Đài Truyền thanh huyện" in decision
    assert "Phạm Thị Hoa" not in decision

    # After the visit has begun the team no longer changes.
    await post(http, people, "coordinator", f"/inspections/{iid}/notice", {})
    r = await post(http, people, "leader", f"/inspections/{iid}/visit/start")
    assert r.status_code == 200, r.text
    change["reason"] = "muộn"
    r = await post(http, people, "coordinator", f"/inspections/{iid}/team/change", change)
    assert (r.status_code, r.json()["error"]) == (409, "invalid_transition")
    events = (await get(http, people, "coordinator", f"/inspections/{iid}/events")).json()
    assert [e["trigger"] for e in events["data"]].count("change_team") == 1
    assert TODAY - timedelta(days=1) <= date.fromisoformat(kinds["team_change"]["signed_on"])


async def test_a_team_of_nobody_is_refused_with_422(
    http: httpx.AsyncClient, people: People
) -> None:
    """No members and no standing team, with no body or an empty one: the schema's 422, the
    inspection unchanged (not a 500: every field of the body is optional on its own)."""
    iid = (await start(http, people))["inspection_id"]
    for body in (None, {}, {"members": []}):
        r = await post(http, people, "coordinator", f"/inspections/{iid}/team", body)
        assert (r.status_code, r.json()["error"]) == (422, "invalid_payload"), (body, r.text)
    r = await get(http, people, "coordinator", f"/inspections/{iid}")
    assert r.json()["state"] == "decided"
