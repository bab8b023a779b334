"""Discipline records (issue 15 §4): recommended by the issuing side after the conclusion,
decided by the managing authority within 90 days (150 when complex), reminded through the
daily digest; a finding is verified as referred only once its record exists."""

import io
import re
import zipfile
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client

from activities.digest import DigestActivities
from activities.notify import write_outbox
from activities.recipients import resolve
from activities.templates import render
from states.models import DigestDay
from states.vocabulary import NoticeKind
from store.db import session_scope
from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, start, team

OTHER = {
    "criterion": "KHAC-01",
    "result": "non_compliant",
    "description": "Tự ý thu thêm phí photo hồ sơ",
    "category": "OS",
    "people": ["Trần Thị B"],
}


def person(**extra: Any) -> dict[str, Any]:
    return {
        "finding_no": 1,
        "person_name": "Nguyễn Văn A",
        "position": "Công chức một cửa",
        "organisation_name": "UBND xã An Phú",
        "category": "civil_servant",
        "authority_id": b.COMMUNE,
        "proposed_form": "reprimand",
    } | extra


@pytest.fixture(scope="module")
async def concluded(http: httpx.AsyncClient, people: People) -> dict[str, Any]:
    """An inspection of the commune concluded with findings 1 (WH-01, a named person) and 2
    (outside the checklist, through the minutes)."""
    iid = str((await start(http, people))["inspection_id"])
    minutes = {
        "results": [
            {
                "criterion": "WH-01",
                "result": "non_compliant",
                "note": "đi muộn 3 lần",
                "people": ["Nguyễn Văn A"],
            },
            OTHER,
            {"criterion": "CD-01", "result": "compliant"},
        ]
    }
    steps: list[tuple[str, str, Any]] = [
        ("coordinator", "team", team(people)),
        ("coordinator", "notice", {}),
        ("leader", "visit/start", None),
        ("leader", "visit", minutes),
        ("leader", "findings-report", {}),
    ]
    for who, path, body in steps:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, (path, r.text)
    # Before the conclusion there is nothing to recommend yet.
    r = await post(http, people, "coordinator", f"/inspections/{iid}/discipline", person())
    assert r.status_code == 409, r.text
    r = await post(http, people, "decision_maker", f"/inspections/{iid}/conclusion", {})
    assert r.status_code == 200, r.text
    return r.json()


async def test_the_other_finding_is_a_finding_like_any_other(
    http: httpx.AsyncClient, people: People, concluded: dict[str, Any]
) -> None:
    other = concluded["findings"][1]
    assert (other["no"], other["criterion"], other["category"]) == (2, "KHAC-01", "OS")
    assert other["description"] == "Tự ý thu thêm phí photo hồ sơ"
    assert [r["finding_no"] for r in concluded["remediation"]] == [1, 2]
    # The minutes (BB) name it by its own description.
    iid = concluded["inspection_id"]
    docs = await http.get(f"/inspections/{iid}/documents", headers=people.headers["leader"])
    minutes = next(d for d in docs.json()["data"] if d["kind"] == "minutes")
    r = await http.get(minutes["docx"].removeprefix("/api/v1"), headers=people.headers["leader"])
    with zipfile.ZipFile(io.BytesIO(r.content)) as docx:
        text = re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode())
    assert "KHAC-01 — Tự ý thu thêm phí photo hồ sơ" in text


async def test_recommend_verify_referred_and_decide(
    http: httpx.AsyncClient,
    people: People,
    concluded: dict[str, Any],
    engine: Engine,
    client: Client,
) -> None:
    iid = concluded["inspection_id"]
    url = f"/inspections/{iid}/discipline"
    # Forms the law does not allow for the category are refused, naming the allowed ones.
    r = await post(
        http, people, "coordinator", url, person(category="cadre", proposed_form="dismissal")
    )
    assert r.status_code == 422 and r.json()["detail"]["allowed"][-1] == "dismissal_from_office"
    r = await post(http, people, "coordinator", url, person(proposed_form="removal_from_post"))
    assert r.status_code == 422, r.text
    r = await post(http, people, "coordinator", url, person(finding_no=7))
    assert r.status_code == 422, r.text
    r = await post(http, people, "coordinator", url, person(authority_id="org-commune-2"))
    assert r.status_code == 422, r.text  # an authority outside the caller's
    # Neither the unit (it is the people concerned) nor an outsider records one.
    assert (await post(http, people, "unit_rep", url, person())).status_code == 403
    assert (await post(http, people, "coordinator2", url, person())).status_code == 404
    assert (await http.get(url, headers=people.headers["coordinator"])).json()["count"] == 0

    r = await post(http, people, "coordinator", url, person())
    assert r.status_code == 201, r.text
    a = r.json()
    concluded_on = date.fromisoformat(a["concluded_on"])
    # The conclusion as the register numbered it, e.g. 3/TB-UBND.
    assert "/TB-" in a["conclusion_number"]
    assert a["due_on"] == (concluded_on + timedelta(days=90)).isoformat()
    assert (a["status"], a["overdue"], a["criterion"]) == ("proposed", False, "WH-01")
    assert (await post(http, people, "coordinator", url, person())).status_code == 409
    r = await post(
        http,
        people,
        "decision_maker",
        url,
        person(
            finding_no=2,
            person_name="Trần Thị B",
            category="cadre",
            authority_id=b.PROVINCE,
            proposed_form="warning",
            complex_case=True,
        ),
    )
    assert r.status_code == 201, r.text
    bb = r.json()
    assert bb["due_on"] == (concluded_on + timedelta(days=150)).isoformat()
    # The team sees them on the inspection; the unit's representative does not.
    listed = (await http.get(url, headers=people.headers["leader"])).json()
    assert [(d["finding_no"], d["person_name"]) for d in listed["data"]] == [
        (1, "Nguyễn Văn A"),
        (2, "Trần Thị B"),
    ]
    assert (await http.get(url, headers=people.headers["unit_rep"])).status_code == 403

    # The managing authority hears of a record near its limit in the daily digest, once
    # per record and day (the key), until it decides.
    near = date.fromisoformat(bb["due_on"]) - timedelta(days=3)
    activities = DigestActivities(engine, client)
    notices = activities.collect_digests(DigestDay(on=near, working=True, horizon=near))
    reminders = [n for n in notices if n.kind is NoticeKind.DISCIPLINE_DUE]
    mine = [n for n in reminders if n.payload["discipline_id"] == bb["id"]]
    assert len(mine) == 1 and mine[0].deadline == f"discipline:{bb['id']}:{near.isoformat()}"
    text = render(NoticeKind.DISCIPLINE_DUE, mine[0].payload, mine[0].deadline)
    assert "Trần Thị B" in text.subject_vi and a["conclusion_number"] in text.body_vi
    with Session(engine) as session:
        names = {u.username for u in resolve(session, mine[0])}
    assert {"decision_maker", "coordinator"} <= names and "unit_rep" not in names
    # Delivered as the digest workflow's notify activity does; twice the same day is once.
    for _ in range(2):
        with session_scope(engine) as session:
            write_outbox(session, mine[0], email=False)
    listed = (await http.get(url, headers=people.headers["coordinator"])).json()["data"]
    assert [d["reminded_days"] for d in listed] == [0, 1]
    inbox = (await http.get("/notifications", headers=people.headers["decision_maker"])).json()
    assert any("Trần Thị B" in n["subject_vi"] for n in inbox["data"])
    early = activities.collect_digests(
        DigestDay(on=concluded_on, working=True, horizon=concluded_on)
    )
    assert not [n for n in early if n.payload.get("discipline_id") in (a["id"], bb["id"])]

    # Through remediation to the verification.
    items = [{"finding_no": n, "report": "đã chấn chỉnh"} for n in (1, 2)]
    for who, path, body in [
        ("unit_rep", "acknowledge", None),
        ("unit_rep", "remediation-report", {"items": items}),
        ("coordinator", "reinspection", None),
    ]:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, (path, r.text)
    # Finding 1 has its record: it may be verified as referred (without one: the next test).
    verify = f"/inspections/{iid}/verification"
    r = await post(
        http,
        people,
        "member",
        verify,
        {
            "results": [
                {"finding_no": 1, "outcome": "referred"},
                {"finding_no": 2, "outcome": "resolved"},
            ]
        },
    )
    assert r.status_code == 200, r.text
    assert [f["status"] for f in r.json()["findings"]] == ["referred", "resolved"]

    # The decision: the authority's form must be one the law allows for the category.
    decide = f"/discipline/{a['id']}/decision"
    signed = concluded_on.isoformat()
    bad = {
        "outcome": "decided",
        "form": "dismissal_from_office",
        "decision_number": "15/QĐ-UBND",
        "signed_on": signed,
    }
    r = await post(http, people, "decision_maker", decide, bad)
    assert r.status_code == 422, r.text
    r = await post(http, people, "decision_maker", decide, {"outcome": "not_pursued"})
    assert r.status_code == 422, r.text  # no reason
    for outsider in ("coordinator2", "unit_rep", "viewer", "leader"):
        assert (
            await post(http, people, outsider, decide, bad | {"form": "reprimand"})
        ).status_code == 404
    r = await post(http, people, "decision_maker", decide, bad | {"form": "reprimand"})
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["status"], done["decided_form"], done["decision_number"]) == (
        "decided",
        "reprimand",
        "15/QĐ-UBND",
    )
    assert [h["action"] for h in done["history"]] == ["proposed", "decided"]
    assert (
        await post(http, people, "decision_maker", decide, bad | {"form": "warning"})
    ).status_code == 409
    r = await post(
        http,
        people,
        "decision_maker",
        f"/discipline/{bb['id']}/decision",
        {"outcome": "not_pursued", "reason": "Đã nghỉ hưu"},
    )
    assert r.status_code == 200 and r.json()["status"] == "not_pursued", r.text

    # The year's summary lists the people by the conclusion's number, with the outcome.
    summary = (await http.get("/reports/summary", headers=people.headers["coordinator"])).json()
    lines = {
        (d["inspection_id"], d["person"]): d
        for d in summary["discipline"]
        if d["inspection_id"] == iid
    }
    assert lines[(iid, "Nguyễn Văn A")]["conclusion_number"] == a["conclusion_number"]
    assert lines[(iid, "Nguyễn Văn A")]["decision_number"] == "15/QĐ-UBND"
    assert lines[(iid, "Trần Thị B")]["status"] == "not_pursued"
    # The period report (BC) names them the same way: by the conclusion's number.
    r = await http.get("/reports/summary.docx", headers=people.headers["coordinator"])
    with zipfile.ZipFile(io.BytesIO(r.content)) as docx:
        body = docx.read("word/document.xml").decode()
    assert (
        f"TB số {a['conclusion_number']}, tồn tại 1: Nguyễn Văn A — khiển trách "
        "(đã quyết định 15/QĐ-UBND" in body
    )

    # The lists: what the coordinator's office recommended or must decide.
    mine_list = (
        await http.get(
            "/discipline", headers=people.headers["coordinator"], params={"status": "decided"}
        )
    ).json()
    assert a["id"] in [d["id"] for d in mine_list["data"]]
    assert (await http.get("/discipline", headers=people.headers["coordinator2"])).json()[
        "count"
    ] == 0
    assert (await http.get("/discipline", headers=people.headers["unit_rep"])).status_code == 403
    decided_ones = await http.get(
        "/discipline", headers=people.headers["decision_maker"], params={"overdue": "true"}
    )
    assert a["id"] not in [d["id"] for d in decided_ones.json()["data"]]


async def test_referred_without_a_record_is_refused(
    http: httpx.AsyncClient, people: People
) -> None:
    """A finding verified as referred needs its discipline record: 422 naming it."""
    iid = str((await start(http, people))["inspection_id"])
    minutes = {"results": [{"criterion": "ID-01", "result": "partial", "note": "không đeo thẻ"}]}
    steps: list[tuple[str, str, Any]] = [
        ("coordinator", "team", team(people)),
        ("coordinator", "notice", {}),
        ("leader", "visit/start", None),
        ("leader", "visit", minutes),
        ("leader", "findings-report", {}),
        ("decision_maker", "conclusion", {}),
        ("unit_rep", "acknowledge", None),
        ("unit_rep", "remediation-report", {"items": [{"finding_no": 1, "report": "xong"}]}),
        ("coordinator", "reinspection", None),
    ]
    for who, path, body in steps:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, (path, r.text)
    body = {"results": [{"finding_no": 1, "outcome": "referred"}]}
    r = await post(http, people, "member", f"/inspections/{iid}/verification", body)
    assert r.status_code == 422 and r.json()["detail"] == {"finding_nos": [1]}, r.text
    after = (await http.get(f"/inspections/{iid}", headers=people.headers["coordinator"])).json()
    assert after["state"] == "reinspecting" and after["findings"][0]["status"] == "reported"
