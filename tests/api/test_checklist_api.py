"""The checklist catalogue, versioned (issue 15 §4): an administrator publishes a full new
list; a code keeps its meaning and a retired one stays retired; an inspection keeps the
version it started with and is labelled from it.

Only a code of this module's own (WH-90) is added, reworded and retired: the standard codes
other modules use stay as they are."""

import html
from typing import Any

import httpx

from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, start, team
from tests.api.web.conftest import sign_in

OLD = "Không dùng điện thoại việc riêng trong giờ"
NEW = "Không sử dụng điện thoại di động vào việc riêng"


async def put(http: httpx.AsyncClient, people: People, body: Any, who: str = "admin") -> Any:
    return await http.put("/checklist", json=body, headers=people.headers[who])


async def test_versions_labels_and_retired_codes(
    http: httpx.AsyncClient, people: People, api: str
) -> None:
    current = (await http.get("/checklist", headers=people.headers["unit_rep"])).json()
    entries = current["criteria"]
    assert {"code": "WH-01", "group": "WH"}.items() <= entries[0].items()
    added = [*entries, {"code": "WH-90", "group": "WH", "vi": OLD, "en": "No phone"}]
    assert (await put(http, people, {"criteria": added}, "coordinator")).status_code == 403
    # A code never takes another meaning, is never dropped, never looks like KHAC-01.
    for bad in (
        entries[1:],
        [*entries, {"code": "KHAC-05", "group": "WH", "vi": "x"}],
        [*entries, {"code": "WH-91", "group": "XX", "vi": "x"}],
        [*entries, entries[0]],
    ):
        r = await put(http, people, {"criteria": bad})
        assert r.status_code == 422, r.text
    r = await put(http, people, {"criteria": added, "note": "thêm WH-90"})
    assert r.status_code == 200, r.text
    v_added = r.json()["version"]
    assert v_added == current["version"] + 1

    # An inspection started now keeps that version, and checks WH-90.
    started = await start(http, people, checklist=["WH-01", "WH-90"])
    iid = started["inspection_id"]
    assert started["checklist_version"] == v_added

    # The next version rewords WH-90 and retires it; WH-90 cannot move to another group.
    moved = [*entries, {"code": "WH-90", "group": "CD", "vi": NEW}]
    assert (await put(http, people, {"criteria": moved})).status_code == 422
    retired = [*entries, {"code": "WH-90", "group": "WH", "vi": NEW, "retired": True}]
    r = await put(http, people, {"criteria": retired})
    assert r.status_code == 200 and r.json()["version"] == v_added + 1, r.text
    revived = [*entries, {"code": "WH-90", "group": "WH", "vi": NEW}]
    r = await put(http, people, {"criteria": revived})
    assert r.status_code == 422 and "WH-90" in r.text, r.text  # a retired code stays retired
    r = await post(
        http,
        people,
        "coordinator",
        "/inspections",
        {"kind": "planned", "unit_id": started["unit_id"], "title": "t", "checklist": ["WH-90"]},
    )
    assert r.status_code == 422 and r.json()["detail"]["criteria"] == ["WH-90"], r.text
    # Without a checklist of its own, a new inspection takes the criteria in use.
    fresh = await start(http, people)
    assert "WH-90" not in fresh["checklist"] and "WH-01" in fresh["checklist"]
    old = await http.get(f"/checklist/versions/{v_added}", headers=people.headers["viewer"])
    assert old.json()["criteria"][-1]["vi"] == OLD
    assert (
        await http.get("/checklist/versions/99999", headers=people.headers["viewer"])
    ).status_code == 404

    # The inspection started before is still labelled as its own version words WH-90.
    for who, path, body in [
        ("coordinator", "team", team(people)),
        ("coordinator", "notice", {}),
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": [{"criterion": "WH-90", "result": "non_compliant"}]}),
    ]:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, (path, r.text)
    browser = await sign_in(api, "coordinator")
    try:
        page = await browser.get(f"/inspections/{iid}")
    finally:
        await browser.aclose()
    assert OLD in page.text and NEW not in page.text


async def test_the_catalogue_page(api: str) -> None:
    admin = await sign_in(api, "admin")
    coordinator = await sign_in(api, "coordinator")
    try:
        r = await admin.get("/admin/checklist")
        assert r.status_code == 200 and "WH-01 | WH | Chấp hành thời giờ làm việc" in r.text
        current = r.text.split('name="criteria"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
        r = await admin.post("/admin/checklist", {"criteria": "WH-01 | WH", "note": ""})
        assert r.status_code == 422 and "1" in r.text and "WH-01 | WH" in r.text
        r = await admin.post("/admin/checklist", {"criteria": "WH-01 | WH | x | y", "note": ""})
        assert r.status_code == 422, r.text  # every other code dropped
        assert (await coordinator.get("/admin/checklist")).status_code == 403
        lines = html.unescape(current)
        r = await admin.post("/admin/checklist", {"criteria": lines, "note": "không đổi"})
        assert r.status_code == 303, r.text
        assert "không đổi" in (await admin.get("/admin/checklist")).text
    finally:
        await admin.aclose()
        await coordinator.aclose()
