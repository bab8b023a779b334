"""The authorization matrix: every endpoint × role × side × secrecy → status, from tables
written out by hand (DOMAIN.md §4), not derived from the code they check.

Sides are the places an office can stand in one inspection: the issuing organisation, the
coordinating office, the team, the unit, its subtree, its managing chain, above the issuer,
lateral (a sibling office under the issuer) and elsewhere (another commune). The inspection
is a commune's inspection of one of its schools, managed by the commune's culture office:

    mx-p    UBND tỉnh (province)                      above the issuer
    ├ mx-snv  Sở Nội vụ                               lateral, in the province's authority
    ├ mx-x    UBND xã An Phú                          issuing organisation
    │ ├ mx-x-vp    Văn phòng HĐND và UBND             coordinating office
    │ ├ mx-x-kt    Phòng Kinh tế                      lateral (the team's inspectors work here)
    │ └ mx-x-vhxh  Phòng Văn hóa - Xã hội             managing chain
    │   └ mx-s     Trường Tiểu học An Phú             the unit
    │     └ mx-s-b Điểm trường thôn Hai               its subtree
    └ mx-y    UBND xã Bình An                         elsewhere

The inspections probed are suspended, so that no probe changes them: a caller who may see
one but not fire the trigger gets 403 (who is checked first), one who may fire it gets 409
(nothing but resume and cancel leaves ``suspended``); the probes the table expects to
succeed run on a fresh inspection. Adding an endpoint without a row fails
``test_every_endpoint_has_a_row``.
"""

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, col, select

from api.app import create_app
from states.vocabulary import Role
from store.tables import Event, SecurityLog
from testkit import samples as b
from testkit.people import add_people
from tests.api.conftest import PASSWORD, People, api_settings
from tests.api.test_lifecycle_api import post

ROLES = ["admin", "coordinator", "decision_maker", "leader", "unit_rep", "viewer"]
SECRECY = ["announced", "secret", "on_site"]

ORGS = [
    ("mx-p", "MX", "UBND tỉnh Ma Trận", "province", None),
    ("mx-snv", "MX-SNV", "Sở Nội vụ tỉnh Ma Trận", "department", "mx-p"),
    ("mx-x", "MX-X", "UBND xã An Phú (MT)", "commune", "mx-p"),
    ("mx-x-vp", "MX-X-VP", "Văn phòng HĐND và UBND xã", "office", "mx-x"),
    ("mx-x-kt", "MX-X-KT", "Phòng Kinh tế xã", "office", "mx-x"),
    ("mx-x-vhxh", "MX-X-VHXH", "Phòng Văn hóa - Xã hội xã", "office", "mx-x"),
    ("mx-s", "MX-S", "Trường Tiểu học An Phú (MT)", "school", "mx-x-vhxh"),
    ("mx-s-b", "MX-S-B", "Điểm trường thôn Hai", "school", "mx-s"),
    ("mx-y", "MX-Y", "UBND xã Bình An (MT)", "commune", "mx-p"),
]
# Where each side's accounts work.
SIDES = {
    "issuer": "mx-x",
    "office": "mx-x-vp",
    "unit": "mx-s",
    "subtree": "mx-s-b",
    "managing_chain": "mx-x-vhxh",
    "above_issuer": "mx-p",
    "lateral": "mx-x-kt",
    "elsewhere": "mx-y",
}
OFFICE_ROLES = ["coordinator", "decision_maker", "inspector", "unit_rep", "viewer"]
# Every role at every side, the two inspectors of the team, and one administrator.
PROBES = [(role, side) for side in SIDES for role in OFFICE_ROLES] + [
    ("inspector", "team"),
    ("admin", "issuer"),
]


def username(role: str, side: str) -> str:
    return f"mx_{role}_{side}"


# Who sees the inspection, per secrecy (announced | secret before the visit | after it):
# V visible, H hidden (404). Offices see what their authority covers, a secret one only
# from the issuing organisation or the coordinating office; unit representatives what
# concerns their own organisation (the unit or above it); inspectors their team's.
SEES: dict[tuple[str, str], str] = {
    **{
        (r, s): "VVV"
        for r in ("coordinator", "decision_maker", "viewer")
        for s in ("issuer", "office")
    },
    **{
        (r, s): "VHV"
        for r in ("coordinator", "decision_maker", "viewer")
        for s in ("unit", "subtree", "managing_chain", "above_issuer", "lateral")
    },
    **{(r, "elsewhere"): "HHH" for r in ("coordinator", "decision_maker", "viewer")},
    **{("inspector", s): "HHH" for s in SIDES},
    ("inspector", "team"): "VVV",
    **{("unit_rep", s): "VHV" for s in ("unit", "managing_chain", "issuer", "above_issuer")},
    **{("unit_rep", s): "HHH" for s in ("subtree", "office", "lateral", "elsewhere")},
}

LEAD = {("coordinator", s) for s in ("issuer", "office")} | {
    ("decision_maker", s) for s in ("issuer", "office")
}
SIGN = {("decision_maker", "issuer")}
TEAM = {("inspector", "team")}
UNIT = {("unit_rep", "unit"), ("unit_rep", "managing_chain")}
# Who may fire each command (DOMAIN.md §4): the issuing side leads, the issuing
# organisation's decision-maker signs, the team checks, the unit and its managing chain
# answer; nobody on the inspected side does anything else.
COMMANDS: dict[str, set[tuple[str, str]]] = {
    "team": LEAD,
    "team/change": LEAD,
    "notice": LEAD,
    "suspend": LEAD,
    "resume": LEAD,
    "cancel": LEAD,
    "void": LEAD,
    "dispute/resolve": LEAD,
    "extensions/{n}/decide": LEAD,
    "reinspection": LEAD,
    "conclusion": SIGN,
    "visit/extend": SIGN,
    "visit/start": TEAM,
    "visit": TEAM,
    "findings-report": TEAM,
    "verification": TEAM,
    "acknowledge": UNIT,
    "dispute": UNIT,
    "extensions": UNIT,
    "remediation-report": UNIT,
}
# Commands that succeed from ``suspended``; every other permitted one is refused by the state.
FROM_SUSPENDED = {"resume", "cancel"}
READS = ["", "/events", "/diagram", "/documents", "/evidence"]
INSPECTION_ENDPOINTS = {("GET", f"/inspections/{{inspection_id}}{tail}") for tail in READS} | {
    ("POST", f"/inspections/{{inspection_id}}/{path}") for path in COMMANDS
}
# Discipline records (issue 15 §4): read by the issuing side's offices and the team, recorded
# by its leadership once concluded (409 on the probed, unconcluded inspections); the unit and
# everyone else who sees the inspection get 403 — the records name the unit's people.
DISCIPLINE_READERS = {
    (r, s) for r in ("coordinator", "decision_maker", "viewer") for s in ("issuer", "office")
} | TEAM
INSPECTION_ENDPOINTS |= {
    ("GET", "/inspections/{inspection_id}/discipline"),
    ("POST", "/inspections/{inspection_id}/discipline"),
}


def expected(method: str, tail: str, role: str, side: str, secrecy: str) -> int:
    if role == "admin":
        return 403
    if SEES[(role, side)][SECRECY.index(secrecy)] == "H":
        return 404
    if tail == "discipline":
        allowed = DISCIPLINE_READERS if method == "GET" else LEAD
        return (200 if method == "GET" else 409) if (role, side) in allowed else 403
    if method == "GET":
        return 200
    if (role, side) not in COMMANDS[tail]:
        return 403
    return 200 if tail in FROM_SUSPENDED else 409


BODIES: dict[str, Any] = {
    "notice": {},
    "visit": {"results": [{"criterion": "WH-01", "result": "compliant"}]},
    "visit/extend": {"reason": "nhiều hồ sơ"},
    "conclusion": {},
    "findings-report": {},
    "dispute": {"finding_nos": [1], "explanation": "x"},
    "dispute/resolve": {"decisions": [{"finding_no": 1, "outcome": "upheld"}]},
    "extensions": {"finding_no": 1, "due_on": "2099-01-01", "reason": "x"},
    "extensions/{n}/decide": {"grant": True},
    "remediation-report": {"items": [{"finding_no": 1, "report": "x"}]},
    "verification": {"results": [{"finding_no": 1, "outcome": "resolved"}]},
    "cancel": {"reason": "điều chỉnh kế hoạch"},
    "void": {"reason": "nhập nhầm"},
    "suspend": {"reason": "x"},
    "discipline": {
        "finding_no": 1,
        "person_name": "Nguyễn Văn A",
        "category": "civil_servant",
        "authority_id": "mx-x",
        "proposed_form": "reprimand",
    },
}


class Matrix:
    """The matrix's own organisations and accounts, signed in, and its inspections."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, dict[str, str]]):
        self.http = http
        self.headers = headers

    async def post(self, who: str, path: str, body: Any = None) -> dict[str, Any]:
        r = await self.http.post(path, json=body, headers=self.headers[who])
        assert r.status_code < 300, (who, path, r.text)
        return dict(r.json())

    def team(self) -> dict[str, Any]:
        return {
            "members": [
                {"username": username("inspector", "team"), "team_role": "team_leader"},
                {"username": "mx_member_team", "team_role": "member"},
            ]
        }

    async def suspended(self, secrecy: str) -> str:
        """A new inspection of the school in the given secrecy, suspended."""
        coordinator = username("coordinator", "office")
        kind = "planned" if secrecy == "announced" else "surprise"
        body = {"kind": kind, "unit_id": "mx-s", "title": f"Ma trận {secrecy}"}
        iid = str((await self.post(coordinator, "/inspections", body))["inspection_id"])
        await self.post(coordinator, f"/inspections/{iid}/team", self.team())
        if secrecy == "announced":
            await self.post(coordinator, f"/inspections/{iid}/notice", {})
        if secrecy == "on_site":
            await self.post(username("inspector", "team"), f"/inspections/{iid}/visit/start")
        await self.post(coordinator, f"/inspections/{iid}/suspend", {"reason": "tạm dừng"})
        return iid


@pytest.fixture(scope="module")
async def matrix(http: httpx.AsyncClient, engine: Engine) -> Matrix:
    # The team's inspectors work in the lateral office (no conflict of interest).
    where = SIDES | {"team": SIDES["lateral"]}
    accounts = [(username(role, side), Role(role), where[side], "") for role, side in PROBES]
    accounts.append(("mx_member_team", Role.INSPECTOR, "mx-x-kt", ""))
    add_people(engine, ORGS, accounts, PASSWORD)
    headers = {}
    for name, *_ in accounts:
        r = await http.post("/auth/token", data={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        headers[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return Matrix(http, headers)


@pytest.fixture(scope="module")
async def probed(matrix: Matrix) -> dict[str, str]:
    return {secrecy: await matrix.suspended(secrecy) for secrecy in SECRECY}


@pytest.mark.parametrize(("method", "path"), sorted(INSPECTION_ENDPOINTS), ids=str)
async def test_inspection_endpoints(
    method: str, path: str, matrix: Matrix, probed: dict[str, str]
) -> None:
    tail = path.partition("{inspection_id}")[2].removeprefix("/")
    wrong = []

    async def probe(role: str, side: str, secrecy: str) -> None:
        want = expected(method, tail, role, side, secrecy)
        iid = probed[secrecy]
        if method == "POST" and want < 300:  # a command that succeeds changes things
            iid = await matrix.suspended(secrecy)
        url = path.replace("{inspection_id}", iid).replace("{n}", "1")
        body = (
            (
                matrix.team()
                if tail == "team"
                else {**matrix.team(), "reason": "thay người"}
                if tail == "team/change"
                else BODIES.get(tail)
            )
            if method == "POST"
            else None
        )
        who = username(role, side)
        r = await matrix.http.request(method, url, json=body, headers=matrix.headers[who])
        if r.status_code != want:
            wrong.append(f"{role}@{side} {secrecy}: {r.status_code} (want {want}) {r.text[:100]}")

    for role, side in PROBES:
        await asyncio.gather(*(probe(role, side, secrecy) for secrecy in SECRECY))
    assert not wrong, "\n".join(sorted(wrong))


ALL_200 = dict.fromkeys(ROLES, 200)
ADMIN_ONLY = {role: 403 for role in ROLES} | {"admin": 200}
NO_PLAN = dict.fromkeys(ROLES, 404) | {"admin": 403}
NO_INSPECTION = dict.fromkeys(ROLES, 404) | {"admin": 403}
NO_ORGANISATION = dict.fromkeys(ROLES, 404)
NO_COMPLAINT = dict.fromkeys(ROLES, 404) | {"admin": 403}
NOBODY = dict.fromkeys(ROLES, 403)
REPORT_FORMATS = ["", ".xlsx", ".csv", ".svg"]
SUMMARY_FORMATS = [*REPORT_FORMATS, ".docx"]
# Endpoints not about one inspection: one status per role.
GLOBAL_TABLE: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/me"): ALL_200,
    ("GET", "/procedure"): ALL_200,
    ("GET", "/organisations"): ALL_200,
    ("POST", "/organisations"): ADMIN_ONLY | {"admin": 409},  # an existing code
    ("POST", "/organisations/import"): ADMIN_ONLY,
    ("GET", "/users"): ADMIN_ONLY,
    ("POST", "/users"): ADMIN_ONLY | {"admin": 409},  # an existing username
    ("POST", "/users/{user_id}/deactivate"): ADMIN_ONLY | {"admin": 404},  # no such account
    ("POST", "/users/{user_id}/activate"): ADMIN_ONLY | {"admin": 404},
    ("POST", "/users/{user_id}/password"): ADMIN_ONLY | {"admin": 404},
    ("GET", "/inspections"): ALL_200 | {"admin": 403},
    # Starting: only a coordinator, and only inside its authority (own unit here).
    ("POST", "/inspections"): {role: 403 for role in ROLES} | {"coordinator": 201},
    ("GET", "/calendar/days"): ALL_200,
    ("POST", "/calendar/days"): ADMIN_ONLY | {"admin": 201},
    ("DELETE", "/calendar/days/{day}"): ADMIN_ONLY | {"admin": 404},  # a day never set
    ("GET", "/calendar/add"): ALL_200,
    ("GET", "/notifications"): ALL_200,
    # The register of documents: the caller's authority's (a unit's representative: none).
    ("GET", "/documents"): ALL_200,
    ("GET", "/documents.xlsx"): ALL_200,
    # One document or file of an inspection: probed on an unknown inspection here
    # (test_paper_trail_api and the evidence tests check scope on real ones).
    ("GET", "/inspections/{inspection_id}/documents/{document_id}.docx"): NO_INSPECTION,
    ("GET", "/inspections/{inspection_id}/documents/{document_id}.pdf"): NO_INSPECTION,
    ("POST", "/inspections/{inspection_id}/evidence"): NO_INSPECTION,
    ("GET", "/inspections/{inspection_id}/evidence/{file_id}"): NO_INSPECTION,
    ("DELETE", "/inspections/{inspection_id}/evidence/{file_id}"): NO_INSPECTION,
    # Office templates: an organisation the caller manages (probed on an unknown one).
    ("GET", "/organisations/{organisation_id}/document-templates"): NO_ORGANISATION,
    ("PUT", "/organisations/{organisation_id}/document-templates/{kind}"): NO_ORGANISATION,
    ("DELETE", "/organisations/{organisation_id}/document-templates/{kind}"): NO_ORGANISATION,
    ("GET", "/organisations/{organisation_id}/document-templates/{kind}.docx"): NO_ORGANISATION,
    ("GET", "/document-templates/{kind}/default.docx"): ALL_200,
    ("POST", "/notifications/{notification_id}/read"): dict.fromkeys(ROLES, 404),
    ("GET", "/inspections.csv"): ALL_200 | {"admin": 403},
    ("GET", "/inspections.xlsx"): ALL_200 | {"admin": 403},
    # Plans: drafted by a coordinator inside its authority; read within scope (probed on an
    # unknown plan here; test_plans_api checks scope on real ones).
    ("GET", "/plans"): ALL_200 | {"admin": 403},
    ("POST", "/plans"): {role: 403 for role in ROLES} | {"coordinator": 201},
    ("GET", "/plans/{plan_id}"): NO_PLAN,
    ("POST", "/plans/{plan_id}/items"): NO_PLAN,
    ("POST", "/plans/{plan_id}/slots"): NO_PLAN,
    ("POST", "/plans/{plan_id}/items/{item_id}/cancel"): NO_PLAN,
    ("POST", "/plans/{plan_id}/items/{item_id}/replace"): NO_PLAN,
    **{("GET", f"/reports/summary{ext}"): ALL_200 | {"admin": 403} for ext in SUMMARY_FORMATS},
    # Citizens' complaints: the issuing side's register. Coordinators and decision-makers
    # keep it, a viewer reads it; the unit and the team never see it (one complaint: 404
    # like an unknown one, probed on an unknown one here; test_complaints_api on real ones).
    ("POST", "/complaints"): {role: 403 for role in ROLES}
    | {"coordinator": 201, "decision_maker": 201},
    ("GET", "/complaints"): {role: 403 for role in ROLES}
    | {"coordinator": 200, "decision_maker": 200, "viewer": 200},
    ("GET", "/complaints/{complaint_id}"): NO_COMPLAINT,
    ("POST", "/complaints/{complaint_id}/assessment"): NO_COMPLAINT,
    ("GET", "/complaints/{complaint_id}/answer.docx"): NO_COMPLAINT,
    **{("GET", f"/reports/coverage{ext}"): NO_PLAN for ext in REPORT_FORMATS},
    # Remediation items within the caller's scope (test_reports_api checks whose).
    ("GET", "/remediations"): ALL_200 | {"admin": 403},
    # The people directory: those who form teams or decide them, and administrators.
    ("GET", "/people"): NOBODY | {"coordinator": 200, "decision_maker": 200, "admin": 200},
    # Standing teams: kept by coordinators, read by decision-makers, within their authority
    # (probed on an unknown team here; test_teams_api checks scope on real ones).
    ("GET", "/standing-teams"): NOBODY | {"coordinator": 200, "decision_maker": 200},
    ("POST", "/standing-teams"): NOBODY | {"coordinator": 201},
    ("GET", "/standing-teams/{team_id}"): NOBODY | {"coordinator": 404, "decision_maker": 404},
    ("PUT", "/standing-teams/{team_id}"): NOBODY | {"coordinator": 404},
    # Discipline records: what the caller's office must decide or recommended (offices
    # only); a decision on a record the caller may not handle is 404 (probed on an unknown
    # one here; test_discipline_api checks it on real ones).
    ("GET", "/discipline"): {role: 403 for role in ROLES}
    | {"coordinator": 200, "decision_maker": 200},
    ("POST", "/discipline/{record_id}/decision"): dict.fromkeys(ROLES, 404) | {"admin": 403},
    # The checklist catalogue: read by all; a new version by an administrator (probed with
    # one that drops every code but one: refused, nothing published).
    ("GET", "/checklist"): ALL_200,
    ("GET", "/checklist/versions/{n}"): ALL_200,
    ("PUT", "/checklist"): ADMIN_ONLY | {"admin": 422},
}
# Reached without a bearer token; checked elsewhere (sessions, health).
PUBLIC = {
    ("POST", "/auth/token"),
    ("POST", "/auth/refresh"),
    ("POST", "/auth/logout"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
}


def api_routes() -> set[tuple[str, str]]:
    """Every documented operation, as (METHOD, path below /api/v1)."""
    app = create_app(api_settings(Path("/tmp"), "sqlite://", "q", 1))
    return {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }


def test_every_endpoint_has_a_row() -> None:
    rows = INSPECTION_ENDPOINTS | set(GLOBAL_TABLE) | PUBLIC
    assert api_routes() == rows


STANDING_TEAM = {
    "name": "Tổ kiểm tra ma trận",
    "members": [{"name": "Lê Thành Nhân", "position": "Chuyên viên", "team_role": "team_leader"}],
}
GLOBAL_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/organisations"): {"json": {"code": "X01", "name": "trùng mã", "level": "commune"}},
    ("POST", "/organisations/import"): {
        "content": b"code,name,level,parent_code\nX01,UBND xa An Phu,commune,\n",
        "headers": {"Content-Type": "text/csv"},
    },
    ("POST", "/users"): {
        "json": {"username": "viewer", "password": "mot-mat-khau-dai", "role": "viewer"}
    },
    ("POST", "/users/{user_id}/password"): {"json": {"password": "mot-mat-khau-dai"}},
    ("POST", "/inspections"): {
        "json": {"kind": "planned", "unit_id": b.COMMUNE, "title": "ma trận"}
    },
    ("POST", "/calendar/days"): {"json": {"day": "2099-12-30", "kind": "day_off"}},
    ("GET", "/calendar/add"): {"params": {"from": "2027-01-29", "days": 3}},
    ("POST", "/plans"): {
        "json": {"number": "1/KH-MT", "year": 2099, "issued_on": "2099-01-02", "title": "ma trận"}
    },
    ("POST", "/plans/{plan_id}/items"): {
        "json": {"items": [{"unit_id": b.COMMUNE, "period": "2099-Q1"}]}
    },
    ("POST", "/plans/{plan_id}/slots"): {"json": {"slots": [{"period": "2099", "count": 1}]}},
    ("POST", "/plans/{plan_id}/items/{item_id}/cancel"): {"json": {"reason": "x"}},
    ("POST", "/plans/{plan_id}/items/{item_id}/replace"): {
        "json": {"reason": "x", "unit_id": b.COMMUNE, "period": "2099-Q1"}
    },
    **{("GET", f"/reports/coverage{ext}"): {"params": {"plan": "none"}} for ext in REPORT_FORMATS},
    ("POST", "/complaints"): {
        "json": {
            "received_on": "2026-01-05",
            "channel": "email",
            "unit_id": b.COMMUNE,
            "content": "ma trận",
        }
    },
    ("POST", "/complaints/{complaint_id}/assessment"): {
        "json": {"outcome": "unfounded", "reason": "x"}
    },
    **{
        (method, path): {"json": STANDING_TEAM}
        for method, path in (("POST", "/standing-teams"), ("PUT", "/standing-teams/{team_id}"))
    },
    ("POST", "/discipline/{record_id}/decision"): {
        "json": {"outcome": "not_pursued", "reason": "nghỉ hưu"}
    },
    ("PUT", "/checklist"): {"json": {"criteria": [{"code": "WH-01", "group": "WH", "vi": "x"}]}},
}


@pytest.mark.parametrize(("method", "path"), sorted(GLOBAL_TABLE), ids=lambda v: str(v))
async def test_global_endpoints(
    method: str, path: str, http: httpx.AsyncClient, people: People
) -> None:
    wrong = []
    for role in ROLES:
        request = dict(GLOBAL_REQUESTS.get((method, path), {}))
        headers = people.headers[role] | request.pop("headers", {})
        url = (
            path.replace("{day}", "2099-12-31")
            .replace("{notification_id}", "999999")
            .replace("{plan_id}", "none")
            .replace("{item_id}", "none")
            .replace("{user_id}", "none")
            .replace("{inspection_id}", "none")
            .replace("{document_id}", "0")
            .replace("{file_id}", "none")
            .replace("{complaint_id}", "none")
            .replace("{organisation_id}", "none")
            .replace("{kind}", "decision")
            .replace("{team_id}", "none")
            .replace("{record_id}", "none")
            .replace("{n}", "1")
        )
        r = await http.request(method, url, headers=headers, **request)
        if r.status_code != GLOBAL_TABLE[(method, path)][role]:
            wrong.append(f"{role}: {r.status_code} (want {GLOBAL_TABLE[(method, path)][role]})")
    if (method, path) == ("POST", "/calendar/days"):
        await http.delete("/calendar/days/2099-12-30", headers=people.headers["admin"])
    assert not wrong, "\n".join(wrong)


async def test_refusals_are_in_the_security_log(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    """401, 403, 404 and 409 each leave a row with who and where; a hidden inspection's 404
    is the same row as an unknown one's."""
    marker = uuid.uuid4().hex
    body = {"kind": "surprise", "unit_id": b.COMMUNE, "title": "đột xuất"}
    secret = (await post(http, people, "coordinator", "/inspections", body)).json()
    rid = {"X-Request-ID": marker}
    await http.get("/inspections", headers=rid)  # 401
    hidden = await http.get(
        f"/inspections/{secret['inspection_id']}", headers=people.headers["unit_rep"] | rid
    )
    unknown = await http.get(
        f"/inspections/{uuid.uuid4().hex}", headers=people.headers["unit_rep"] | rid
    )
    assert (hidden.status_code, unknown.status_code) == (404, 404)
    assert hidden.json()["message"].replace(secret["inspection_id"], "X") == (
        unknown.json()["message"].replace(unknown.url.path.rsplit("/", 1)[1], "X")
    )
    await http.get("/users", headers=people.headers["viewer"] | rid)  # 403
    await post(
        http,
        people,
        "coordinator",
        f"/inspections/{secret['inspection_id']}/notice",
        {},
        headers=rid,
    )
    with Session(engine) as session:
        rows = session.exec(select(SecurityLog).where(SecurityLog.request_id == marker)).all()
    seen = [(r.status, r.error, r.reason, r.user_id) for r in rows]
    assert sorted(seen, key=str) == sorted(
        [
            (401, "unauthorized", "", None),
            (404, "not_found", "", people.ids["unit_rep"]),
            (404, "not_found", "", people.ids["unit_rep"]),
            (403, "forbidden", "", people.ids["viewer"]),
            (409, "invalid_transition", "", people.ids["coordinator"]),  # no team yet
        ],
        key=str,
    )
    assert all(r.source_ip == "127.0.0.1" and r.path.startswith("/api/v1/") for r in rows)


async def test_events_carry_source_and_request_id(http: httpx.AsyncClient, people: People) -> None:
    iid = (
        await post(
            http,
            people,
            "coordinator",
            "/inspections",
            {"kind": "planned", "unit_id": b.COMMUNE, "title": "t"},
            headers={"X-Request-ID": "req-42"},
        )
    ).json()["inspection_id"]
    events = (await http.get(f"/inspections/{iid}/events", headers=people.headers["viewer"])).json()
    assert (events["data"][0]["source_ip"], events["data"][0]["request_id"]) == (
        "127.0.0.1",
        "req-42",
    )


def test_events_are_append_only(engine: Engine) -> None:
    """No code path updates or deletes an event, and the database refuses it anyway."""
    routes = api_routes()
    assert not {(m, p) for m, p in routes if "events" in p and m != "GET"}
    with Session(engine) as session:
        event = session.exec(select(Event)).first()
        assert event is not None
    for statement in (
        update(Event).where(col(Event.id) == event.id).values(trigger="forged"),
        delete(Event).where(col(Event.id) == event.id),
    ):
        with Session(engine) as session, pytest.raises(DatabaseError, match="append-only"):
            session.exec(statement)  # type: ignore[call-overload]
            session.commit()
