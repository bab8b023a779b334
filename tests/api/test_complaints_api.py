"""Citizens' complaints end to end: received into the register, inspected by one complaint
inspection started from two of them, answered founded when it closes (a letter in the
register, an e-mail queued for the complainant who gave an address), closed as unfounded
with a reason, handed back when the inspection is cancelled, counted in the report — and
never seen by the unit or the team, the complainant's identity never by a viewer."""

from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from states.vocabulary import Role
from store.tables import Complaint, Document, Inspection, Notification, SecurityLog
from testkit import samples as b
from testkit.people import add_people
from tests.api.conftest import PASSWORD, People
from tests.api.test_lifecycle_api import post, team

# Every complaint of this module is received in February 2026: the report's period.
PERIOD = {"from": "2026-02-01", "to": "2026-02-28"}
MAIL = "nguoidan.binh@example.vn"


def complaint(**extra: Any) -> dict[str, Any]:
    return {
        "received_on": "2026-02-10",
        "channel": "hotline",
        "unit_id": b.COMMUNE,
        "people_named": "Công chức bộ phận một cửa",
        "content": "Đến muộn, để người dân chờ lâu khi nộp hồ sơ.",
        "complainant_name": "Nguyễn Văn Bình",
        "complainant_phone": "0912 345 678",
    } | extra


async def receive(http: httpx.AsyncClient, people: People, **extra: Any) -> dict[str, Any]:
    r = await post(http, people, "coordinator", "/complaints", complaint(**extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def get(http: httpx.AsyncClient, people: People, who: str, path: str) -> httpx.Response:
    return await http.get(path, headers=people.headers[who])


def register_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Complaint)).one()


async def test_two_complaints_are_inspected_together_and_answered_founded(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    before = await http.get("/reports/summary", params=PERIOD, headers=people.headers["viewer"])
    counted_before = before.json()["complaints"]
    a = await receive(http, people, criterion="WH-01", complainant_email=MAIL)
    c = await receive(http, people, channel="app", complainant_name="", complainant_phone="")
    assert a["reference"].startswith("PA-2026-") and a["reference"] != c["reference"]
    assert (a["status"], a["complainant_email"]) == ("received", MAIL)

    # The issuing side's viewer reads the register without the complainant's identity.
    seen = (await get(http, people, "viewer", f"/complaints/{a['id']}")).json()
    assert seen["content"] == a["content"]
    assert (seen["complainant_name"], seen["complainant_email"], seen["complainant_phone"]) == (
        None,
        None,
        None,
    )
    listed = (await get(http, people, "viewer", "/complaints?q=PA-2026")).json()
    assert a["id"] in {x["id"] for x in listed["data"]}
    assert all(x["complainant_name"] is None for x in listed["data"])
    # The unit and the team never: 404 like an unknown id, and no register at all.
    for who in ("unit_rep", "leader", "coordinator2"):
        assert (await get(http, people, who, f"/complaints/{a['id']}")).status_code == 404
    assert (await get(http, people, "unit_rep", "/complaints")).status_code == 403

    # A complaint about another unit (or a kind other than complaint) starts nothing.
    other = await receive(http, people, unit_id="org-commune-binh-an")
    with Session(engine) as session:
        inspections = session.exec(select(func.count()).select_from(Inspection)).one()
    start = {"kind": "complaint", "unit_id": b.COMMUNE, "title": "Kiểm tra theo phản ánh"}
    for bad in (
        start | {"complaint_ids": [a["id"], other["id"]]},
        start | {"kind": "surprise", "complaint_ids": [a["id"]]},
        start | {"complaint_ids": ["x" * 65]},
    ):
        r = await post(http, people, "coordinator", "/inspections", bad)
        assert r.status_code == 422, r.text
    unknown = start | {"complaint_ids": ["no-such-complaint"]}
    assert (await post(http, people, "coordinator", "/inspections", unknown)).status_code == 404
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Inspection)).one() == inspections
    assert (await get(http, people, "coordinator", f"/complaints/{a['id']}")).json()[
        "status"
    ] == "received"

    # Started from both, once however often the request is retried.
    body = start | {"complaint_ids": [a["id"], c["id"]]}
    key = {"Idempotency-Key": f"complaints-{a['id']}"}
    first = await post(http, people, "coordinator", "/inspections", body, headers=key)
    again = await post(http, people, "coordinator", "/inspections", body, headers=key)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    iid = first.json()["inspection_id"]
    assert again.json()["inspection_id"] == iid
    linked = (await get(http, people, "coordinator", f"/complaints?inspection_id={iid}")).json()
    assert {x["id"] for x in linked["data"]} == {a["id"], c["id"]}
    assert {x["status"] for x in linked["data"]} == {"inspecting"}

    steps: list[tuple[str, str, Any]] = [
        ("coordinator", "team", team(people)),
        ("leader", "visit/start", None),
        (
            "leader",
            "visit",
            {"results": [{"criterion": "WH-01", "result": "non_compliant", "note": "đi muộn"}]},
        ),
        ("leader", "findings-report", {}),
        ("decision_maker", "conclusion", {}),
        ("unit_rep", "acknowledge", None),
        ("unit_rep", "remediation-report", {"items": [{"finding_no": 1, "report": "đã sửa"}]}),
        ("coordinator", "reinspection", {}),
        ("leader", "verification", {"results": [{"finding_no": 1, "outcome": "resolved"}]}),
    ]
    for who, path, payload in steps:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", payload)
        assert r.status_code == 200, (path, r.text)
    assert r.json()["state"] == "closed"

    answered = [
        (await get(http, people, "coordinator", f"/complaints/{x['id']}")).json() for x in (a, c)
    ]
    assert [x["status"] for x in answered] == ["answered_founded", "answered_founded"]
    assert all(x["answer_number"] and x["answered_at"] for x in answered)
    assert answered[0]["answer_email"] == "pending" and answered[1]["answer_email"] is None
    letter = await get(http, people, "coordinator", f"/complaints/{a['id']}/answer.docx")
    assert letter.status_code == 200 and letter.content[:2] == b"PK"
    assert (
        await get(http, people, "viewer", f"/complaints/{a['id']}/answer.docx")
    ).status_code == 403
    assert (
        await get(http, people, "unit_rep", f"/complaints/{a['id']}/answer.docx")
    ).status_code == 404
    with Session(engine) as session:
        mails = session.exec(
            select(Notification).where(col(Notification.kind) == "complaint_answer")
        ).all()
        mine = [m for m in mails if m.payload.get("complaint_id") in (a["id"], c["id"])]
        assert [(m.recipient_address, m.channel, m.inspection_id) for m in mine] == [
            (MAIL, "email", None)
        ]
        document = session.exec(
            select(Document).where(Document.key == f"complaint:{a['id']}:answer")
        ).one()
        assert (document.type, document.symbol) == ("CV", answered[0]["answer_number"])
        assert "Nguyễn" not in document.subject  # the register names no complainant
        audited = session.exec(
            select(SecurityLog.reason).where(col(SecurityLog.reason).contains(a["id"]))
        ).all()
        assert sorted(audited) == [f"complaint_assessed {a['id']}", f"complaint_received {a['id']}"]

    # The unit sees the inspection now, but nothing of the complaints in it or its inbox.
    unit_view = (await get(http, people, "unit_rep", f"/inspections/{iid}")).text
    inbox = (await get(http, people, "unit_rep", "/notifications?limit=200")).text
    for text in (a["reference"], "Nguyễn Văn Bình", MAIL, a["content"]):
        assert text not in unit_view and text not in inbox

    # Counted in the report of the period: received, inspected, founded.
    after = await http.get("/reports/summary", params=PERIOD, headers=people.headers["viewer"])
    counted = after.json()["complaints"]
    delta = {k: counted[k] - counted_before[k] for k in counted}
    assert delta == {
        "received": 3,
        "inspected": 2,
        "founded": 2,
        "unfounded": 0,
        "out_of_scope": 0,
        "pending": 1,
    }
    unit_report = await http.get(
        "/reports/summary", params=PERIOD, headers=people.headers["unit_rep"]
    )
    assert unit_report.json()["complaints"] is None


async def test_assessment_closes_with_a_reason_and_bad_input_changes_nothing(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    d = await receive(http, people, channel="letter")
    path = f"/complaints/{d['id']}/assessment"
    for bad in (
        {"outcome": "unfounded"},
        {"outcome": "inspect"},
        {"outcome": "inspect", "inspection_id": "no-such-inspection"},
        {"outcome": "out_of_scope", "reason": "x" * 2001},
        {"outcome": "closed", "reason": "x"},
    ):
        r = await post(http, people, "coordinator", path, bad)
        assert r.status_code == 422, (bad, r.text)
    assert (
        await post(http, people, "viewer", path, {"outcome": "unfounded", "reason": "x"})
    ).status_code == 403
    assert (
        await post(http, people, "unit_rep", path, {"outcome": "unfounded", "reason": "x"})
    ).status_code == 404
    assert (await get(http, people, "coordinator", f"/complaints/{d['id']}")).json()[
        "status"
    ] == "received"

    count = register_count(engine)
    for bad in (
        complaint(received_on="2099-01-01"),
        complaint(criterion="XX-99"),
        complaint(unit_id="org-commune-2"),  # another province: outside the authority
        complaint(content=""),
        complaint(complainant_email="a@b.vn, c@d.vn"),
        complaint(complainant_phone="0912\n345"),
        complaint(channel="fax"),
        complaint(people_named="x" * 501),
    ):
        r = await post(http, people, "coordinator", "/complaints", bad)
        assert r.status_code in (403, 422), (bad, r.text)
    viewer = await post(http, people, "viewer", "/complaints", complaint())
    assert viewer.status_code == 403
    assert register_count(engine) == count

    # A typed reference is the register's once; allocation continues after it.
    typed = await receive(http, people, reference="PA-2026-900")
    taken = await post(
        http, people, "coordinator", "/complaints", complaint(reference="PA-2026-900")
    )
    assert taken.status_code == 409
    assert (await receive(http, people))["reference"] == "PA-2026-901"
    assert typed["reference"] == "PA-2026-900"

    closed = await post(
        http,
        people,
        "decision_maker",
        path,
        {"outcome": "unfounded", "reason": "Đơn vị đã giải quyết đúng hạn."},
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["reason"]) == (
        "closed_unfounded",
        "Đơn vị đã giải quyết đúng hạn.",
    )
    again = await post(
        http, people, "coordinator", path, {"outcome": "out_of_scope", "reason": "x"}
    )
    assert again.status_code == 409


async def test_a_cancelled_inspection_hands_its_complaint_back(
    http: httpx.AsyncClient, people: People
) -> None:
    e = await receive(http, people)
    start = {"kind": "complaint", "unit_id": b.COMMUNE, "title": "Kiểm tra theo phản ánh"}
    iid = (await post(http, people, "coordinator", "/inspections", start)).json()["inspection_id"]
    joined = await post(
        http,
        people,
        "coordinator",
        f"/complaints/{e['id']}/assessment",
        {"outcome": "inspect", "inspection_id": iid},
    )
    assert (joined.status_code, joined.json()["inspection_id"]) == (200, iid), joined.text
    r = await post(http, people, "coordinator", f"/inspections/{iid}/cancel", {"reason": "trùng"})
    assert r.status_code == 200, r.text
    back = (await get(http, people, "coordinator", f"/complaints/{e['id']}")).json()
    assert (back["status"], back["inspection_id"]) == ("received", None)
    # An ended inspection takes no more complaints.
    late = await post(
        http,
        people,
        "coordinator",
        f"/complaints/{e['id']}/assessment",
        {"outcome": "inspect", "inspection_id": iid},
    )
    assert late.status_code == 422


async def test_a_retried_receipt_records_one_complaint(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    """The same Idempotency-Key (a retry after a lost answer, a double click) meets the first
    receipt; a receipt refused records nothing, so its corrected retry with that key goes in.
    (Received in another year than the module's report period.)"""
    key = {"Idempotency-Key": "receipt-1"}
    body = complaint(received_on="2025-11-10")
    before = register_count(engine)
    first = await post(http, people, "coordinator", "/complaints", body, headers=key)
    again = await post(http, people, "coordinator", "/complaints", body, headers=key)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["reference"] == again.json()["reference"]
    assert register_count(engine) == before + 1
    # Another person's same key is their own receipt.
    other = await post(http, people, "decision_maker", "/complaints", body, headers=key)
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    # Refused (a date in the future), then corrected under the same key: recorded once.
    key2 = {"Idempotency-Key": "receipt-2"}
    r = await post(
        http,
        people,
        "coordinator",
        "/complaints",
        body | {"received_on": "2099-01-01"},
        headers=key2,
    )
    assert r.status_code == 422, r.text
    assert register_count(engine) == before + 2
    r = await post(http, people, "coordinator", "/complaints", body, headers=key2)
    assert r.status_code == 201, r.text
    assert register_count(engine) == before + 3


async def test_a_complaint_about_an_office_is_never_read_by_that_office(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    """A reader of the province's register in Sở Tư pháp never reads a complaint about Sở
    Tư pháp, nor who made it — in the list, by its id, or on the inspection page's count —
    while it reads the others of the register."""
    add_people(engine, [], [("justice_viewer", Role.VIEWER, b.JUSTICE, "")], PASSWORD)
    r = await http.post("/auth/token", data={"username": "justice_viewer", "password": PASSWORD})
    justice = {"Authorization": f"Bearer {r.json()['access_token']}"}
    about_them = await receive(http, people, unit_id=b.JUSTICE, received_on="2025-10-01")
    about_commune = await receive(http, people, received_on="2025-10-02")
    r = await http.get("/complaints", params={"limit": 500}, headers=justice)
    assert r.status_code == 200, r.text
    listed = {c["id"] for c in r.json()["data"]}
    assert about_commune["id"] in listed and about_them["id"] not in listed
    r = await http.get(f"/complaints/{about_them['id']}", headers=justice)
    assert r.status_code == 404
    # The coordinator who received it reads it, with the complainant.
    r = await get(http, people, "coordinator", f"/complaints/{about_them['id']}")
    assert r.json()["complainant_name"] == "Nguyễn Văn Bình"
