"""The in-app inbox over HTTP: each caller sees and marks only their own notifications."""

import uuid

import httpx
from sqlalchemy import Engine
from temporalio.testing import ActivityEnvironment

from activities.notify import NotifyActivities
from states.models import NotifyInput
from states.vocabulary import Audience, NoticeKind
from testkit import samples as b
from tests.api.conftest import People


def notify(engine: Engine, people: People, audience: Audience) -> str:
    """Write one notification (in-app only) through the real activity; its inspection id."""
    inp = NotifyInput(
        inspection_id=uuid.uuid4().hex[:12],
        kind=NoticeKind.CONCLUSION_ISSUED,
        audiences=[audience],
        unit_id=b.COMMUNE,
        coordinator_id=people.ids["coordinator"],
        payload={"title": "Kiểm tra công vụ", "number": "210/TB-UBND", "due_on": "2025-03-05"},
    )
    ActivityEnvironment().run(NotifyActivities(engine).notify, inp)
    return inp.inspection_id


def mine(body: dict[str, object], inspection_id: str) -> list[dict[str, object]]:
    data = body["data"]
    assert isinstance(data, list)
    return [n for n in data if n["inspection_id"] == inspection_id]


async def test_inbox_lists_only_the_callers_notifications(
    http: httpx.AsyncClient, people: People, engine: Engine
):
    to_coordinator = notify(engine, people, Audience.COORDINATOR)
    to_unit = notify(engine, people, Audience.UNIT)

    r = await http.get("/notifications", headers=people.headers["coordinator"])
    assert r.status_code == 200, r.text
    body = r.json()
    (item,) = mine(body, to_coordinator)
    assert mine(body, to_unit) == []
    assert item["kind"] == "conclusion_issued" and item["read_at"] is None
    assert item["subject_vi"].startswith("Kết luận kiểm tra")
    assert "ngày 05 tháng 3 năm 2025" in item["body_vi"]
    assert "2025-03-05" in item["body_en"]
    assert body["count"] == len(body["data"]) and body["unread"] >= 1

    r = await http.get("/notifications", headers=people.headers["unit_rep"])
    assert [n["inspection_id"] for n in mine(r.json(), to_unit)] == [to_unit]
    assert mine(r.json(), to_coordinator) == []


async def test_mark_read(http: httpx.AsyncClient, people: People, engine: Engine):
    inspection_id = notify(engine, people, Audience.COORDINATOR)
    headers = people.headers["coordinator"]
    before = (await http.get("/notifications", headers=headers)).json()
    (item,) = mine(before, inspection_id)

    r = await http.post(f"/notifications/{item['id']}/read", headers=headers)
    assert r.status_code == 200, r.text
    first_read = r.json()["read_at"]
    assert first_read is not None
    again = await http.post(f"/notifications/{item['id']}/read", headers=headers)
    assert again.json()["read_at"] == first_read  # reading twice keeps the first time

    after = (await http.get("/notifications", headers=headers)).json()
    assert after["unread"] == before["unread"] - 1
    unread = (await http.get("/notifications", params={"unread": "true"}, headers=headers)).json()
    assert mine(unread, inspection_id) == []
    assert unread["count"] == unread["unread"] == after["unread"]


async def test_someone_elses_or_unknown_notification_is_404(
    http: httpx.AsyncClient, people: People, engine: Engine
):
    inspection_id = notify(engine, people, Audience.UNIT)
    r = await http.get("/notifications", headers=people.headers["unit_rep"])
    (item,) = mine(r.json(), inspection_id)

    r = await http.post(f"/notifications/{item['id']}/read", headers=people.headers["coordinator"])
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = await http.post("/notifications/987654321/read", headers=people.headers["coordinator"])
    assert r.status_code == 404

    r = await http.get("/notifications", headers=people.headers["unit_rep"])
    assert mine(r.json(), inspection_id)[0]["read_at"] is None


async def test_inbox_needs_a_token(http: httpx.AsyncClient):
    assert (await http.get("/notifications")).status_code == 401
    assert (await http.post("/notifications/1/read")).status_code == 401
