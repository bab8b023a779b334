"""Discipline pages over HTTP: the issuing side records a recommendation on the inspection
page, the managing authority decides on /discipline; the unit sees neither."""

from typing import Any

import httpx

from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, start, team
from tests.api.web.conftest import Pages


async def concluded(http: httpx.AsyncClient, people: People) -> str:
    iid = str((await start(http, people))["inspection_id"])
    minutes = {"results": [{"criterion": "WH-02", "result": "non_compliant", "note": "vắng"}]}
    steps: list[tuple[str, str, Any]] = [
        ("coordinator", "team", team(people)),
        ("coordinator", "notice", {}),
        ("leader", "visit/start", None),
        ("leader", "visit", minutes),
        ("leader", "findings-report", {}),
        ("decision_maker", "conclusion", {}),
    ]
    for who, path, body in steps:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, (path, r.text)
    return iid


async def test_recommend_on_the_inspection_page_and_decide_on_the_list(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = await concluded(http, people)
    coordinator = await pages("coordinator")
    r = await coordinator.get(f"/inspections/{iid}")
    assert 'id="discipline"' in r.text and 'action="/inspections/' in r.text
    form = {
        "finding_no": "1",
        "person_name": "Phạm Văn Trang",
        "position": "Công chức văn phòng",
        "category": "public_employee",
        "authority_id": b.COMMUNE,
        "proposed_form": "removal_from_post",  # no post: refused, what was typed kept
    }
    r = await coordinator.post(f"/inspections/{iid}/discipline", form)
    assert r.status_code == 422 and "cách chức" in r.text and "Phạm Văn Trang" in r.text
    r = await coordinator.post(f"/inspections/{iid}/discipline", form | {"holds_post": "on"})
    assert r.status_code == 303, r.text
    r = await coordinator.get(f"/inspections/{iid}")
    assert "Phạm Văn Trang" in r.text and "Chờ xem xét" in r.text

    # The unit's representative sees the inspection, not the records of its people.
    unit = await pages("unit_rep")
    r = await unit.get(f"/inspections/{iid}")
    assert r.status_code == 200 and "Phạm Văn Trang" not in r.text
    assert (await unit.get("/discipline")).status_code == 403

    chair = await pages("decision_maker")
    r = await chair.get("/discipline?status=proposed")
    assert r.status_code == 200 and "Phạm Văn Trang" in r.text
    assert 'action="/discipline/' in r.text  # the decide form
    listed = await http.get("/discipline", headers=people.headers["decision_maker"])
    record = next(d for d in listed.json()["data"] if d["inspection_id"] == iid)
    record_id = record["id"]
    r = await chair.post(
        f"/discipline/{record_id}/decision", {"outcome": "not_pursued", "reason": ""}
    )
    assert r.status_code == 422, r.text
    decided = {
        "outcome": "decided",
        "form": "reprimand",
        "decision_number": "7/QĐ-UBND",
        "signed_on": record["concluded_on"],
    }
    r = await chair.post(f"/discipline/{record_id}/decision", decided)
    assert r.status_code == 303, r.text
    r = await coordinator.get(f"/inspections/{iid}")
    assert "7/QĐ-UBND" in r.text and "Đã quyết định" in r.text


async def test_the_minutes_form_takes_a_finding_outside_the_checklist(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = (await start(http, people, checklist=["WH-01"]))["inspection_id"]
    await post(http, people, "coordinator", f"/inspections/{iid}/team", team(people))
    await post(http, people, "coordinator", f"/inspections/{iid}/notice", {})
    await post(http, people, "leader", f"/inspections/{iid}/visit/start")
    leader = await pages("leader")
    form = await leader.get(f"/inspections/{iid}/actions/record_visit")
    # One checklist row (WH-01), then the spare rows for other findings.
    assert 'name="results.1.criterion" value="KHAC-01"' in form.text
    assert 'name="results.3.description"' in form.text
    fields = {
        "results.0.criterion": "WH-01",
        "results.0.result": "compliant",
        "results.1.criterion": "KHAC-01",
        "results.1.result": "non_compliant",
        "results.1.category": "CD",
        "results.1.description": "",
        "results.2.criterion": "KHAC-02",  # left without a result: not in the minutes
        "results.2.result": "",
        "results.2.category": "other",
    }
    r = await leader.post(f"/inspections/{iid}/actions/record_visit", fields)
    assert r.status_code == 422 and "KHAC-01" in r.text, r.text
    fields["results.1.description"] = "Cán bộ to tiếng với người dân"
    r = await leader.post(f"/inspections/{iid}/actions/record_visit", fields)
    assert r.status_code == 303, r.text
    detail = (await http.get(f"/inspections/{iid}", headers=people.headers["leader"])).json()
    assert [(f["criterion"], f["category"], f["description"]) for f in detail["findings"]] == [
        ("KHAC-01", "CD", "Cán bộ to tiếng với người dân")
    ]
    page = await leader.get(f"/inspections/{iid}")
    assert "Cán bộ to tiếng với người dân" in page.text
