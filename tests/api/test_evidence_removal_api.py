"""Taking evidence back, and attaching it at the later steps, through one inspection's life:
the side that attached a file may take it back until the report it belongs to is
submitted — the minutes, the dispute, the finding's remediation report — and never after."""

from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, select

from store.tables import SecurityLog
from tests.api.conftest import People
from tests.api.evidence_world import concluded, form, on_site, pdf, upload
from tests.api.test_lifecycle_api import post


async def attach(http: httpx.AsyncClient, people: People, who: str, iid: str, *ref: str) -> str:
    r = await upload(http, people, who, iid, form(*ref), [("tep.pdf", pdf(), "")])
    assert r.status_code == 201, r.text
    return str(r.json()["data"][0]["id"])


async def remove(http: httpx.AsyncClient, people: People, who: str, iid: str, fid: str) -> int:
    r = await http.delete(f"/inspections/{iid}/evidence/{fid}", headers=people.headers[who])
    return r.status_code


async def ids(
    http: httpx.AsyncClient, people: People, who: str, iid: str, **params: Any
) -> set[str]:
    r = await http.get(f"/inspections/{iid}/evidence", params=params, headers=people.headers[who])
    assert r.status_code == 200, r.text
    return {f["id"] for f in r.json()["data"]}


async def test_a_file_is_taken_back_only_by_its_side_and_before_its_report(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    iid = await on_site(http, people)
    a = await attach(http, people, "leader", iid, "visit", "WH-01")
    b = await attach(http, people, "leader", iid, "visit", "ID-01")
    assert await remove(http, people, "unit_rep", iid, a) == 403
    assert await remove(http, people, "coordinator", iid, a) == 403
    assert await remove(http, people, "member", iid, a) == 200  # the team's, not only its author's
    assert await remove(http, people, "leader", iid, a) == 409  # already taken back
    assert await ids(http, people, "unit_rep", iid) == {b}
    assert await ids(http, people, "coordinator", iid, include_removed="true") == {a, b}
    unit_sees = await http.get(
        f"/inspections/{iid}/evidence/{a}", headers=people.headers["unit_rep"]
    )
    assert unit_sees.status_code == 404
    issuer_sees = await http.get(
        f"/inspections/{iid}/evidence/{a}", headers=people.headers["coordinator"]
    )
    assert issuer_sees.status_code == 200
    with Session(engine) as session:
        logged = session.exec(
            select(SecurityLog).where(SecurityLog.path == f"/api/v1/inspections/{iid}/evidence/{a}")
        ).all()
    assert [(r.status, r.error, r.user_id) for r in logged if r.status == 200] == [
        (200, "evidence_removed", people.ids["member"])
    ]

    await concluded(http, people, iid)  # the minutes are recorded: the visit's files stay
    assert await remove(http, people, "leader", iid, b) == 409
    r = await upload(http, people, "leader", iid, form("visit", "WH-01"), [("x.pdf", pdf(), "")])
    assert r.status_code == 409

    # Remediation requested: the unit attaches per finding, and to a dispute before sending it.
    r1 = await attach(http, people, "unit_rep", iid, "remediation", "1")
    for ref, status in (("99", 422), ("abc", 422), ("0", 422)):
        r = await upload(
            http, people, "unit_rep", iid, form("remediation", ref), [("x.pdf", pdf(), "")]
        )
        assert r.status_code == status, (ref, r.text)
    r = await upload(http, people, "leader", iid, form("remediation", "1"), [("x.pdf", pdf(), "")])
    assert r.status_code == 403
    d1 = await attach(http, people, "unit_rep", iid, "dispute", "2")
    assert await remove(http, people, "unit_rep", iid, d1) == 200
    d2 = await attach(http, people, "unit_rep", iid, "dispute", "2")
    r = await post(
        http, people, "unit_rep", f"/inspections/{iid}/dispute",
        {"finding_nos": [2], "explanation": "đã đeo thẻ, xem ảnh"},
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["state"] == "disputed", r.text
    assert await remove(http, people, "unit_rep", iid, d2) == 409
    r = await upload(http, people, "unit_rep", iid, form("dispute", "2"), [("x.pdf", pdf(), "")])
    assert r.status_code == 409
    r = await post(
        http, people, "decision_maker", f"/inspections/{iid}/dispute/resolve",
        {"decisions": [{"finding_no": 2, "outcome": "upheld"}]},
    )  # fmt: skip
    assert r.json()["state"] == "remediation_requested", r.text
    assert await remove(http, people, "unit_rep", iid, d2) == 409  # that dispute was sent

    r = await post(http, people, "unit_rep", f"/inspections/{iid}/acknowledge")
    assert r.json()["state"] == "remediating", r.text
    assert await remove(http, people, "unit_rep", iid, r1) == 200
    r2 = await attach(http, people, "unit_rep", iid, "remediation", "1")
    await attach(http, people, "unit_rep", iid, "remediation", "2")
    items = [{"finding_no": 1, "report": "đã khắc phục"}, {"finding_no": 2, "report": "xong"}]
    r = await post(
        http, people, "unit_rep", f"/inspections/{iid}/remediation-report", {"items": items}
    )
    assert r.json()["state"] == "remediation_reported", r.text
    assert await remove(http, people, "unit_rep", iid, r2) == 409
    r = await upload(
        http, people, "unit_rep", iid, form("remediation", "1"), [("x.pdf", pdf(), "")]
    )
    assert r.status_code == 409
    assert r2 in await ids(http, people, "leader", iid)
