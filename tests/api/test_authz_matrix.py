"""The authorization matrix: every endpoint × role × (own unit, sub-unit, other unit) ×
(announced, surprise before on-site, surprise after) → status, from one table.

The inspections probed are suspended, so that no probe changes them: in ``suspended`` every
trigger but ``resume`` and ``cancel`` is refused by the state (409) once the caller may see
the inspection; the probes the table expects to succeed run on a fresh inspection. Adding an
endpoint without a row here fails ``test_every_endpoint_has_a_row``.
"""

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, col, select

from api.app import create_app
from store.tables import Event, SecurityLog
from tests import support as b
from tests.api.conftest import People, api_settings
from tests.api.test_lifecycle_api import post, team

ROLES = ["admin", "coordinator", "decision_maker", "leader", "unit_rep", "viewer"]
UNITS = {"own": b.COMMUNE, "sub": b.SCHOOL, "other": "org-commune-2"}
SECRECY = ["announced", "secret", "on_site"]
COLUMNS = [(u, s) for u in UNITS for s in SECRECY]

# Visible (V) or hidden (H) per column, by role: own×3 | sub×3 | other×3.
SEES = {
    "admin": "--- --- ---",
    "coordinator": "VVV VVV HHH",
    "decision_maker": "VVV VVV HHH",
    "leader": "VVV VVV HHH",  # on the team of every inspection of province 1
    "unit_rep": "VHV VVV HHH",  # the commune: the school's surprise is not "its" secret
    "viewer": "VVV VVV HHH",
}


def grid(seen: str, visible: int, hidden: int = 404, admin: int = 403) -> list[int]:
    marks = seen.replace(" ", "")
    return [admin if m == "-" else visible if m == "V" else hidden for m in marks]


def per_inspection(visible: int | dict[str, int]) -> dict[str, list[int]]:
    """Statuses by role for an inspection endpoint; ``visible`` may differ by role."""
    return {
        role: grid(SEES[role], visible if isinstance(visible, int) else visible.get(role, 403))
        for role in ROLES
    }


REFUSED_IN_SUSPENDED = per_inspection(409)
LEADERSHIP_ONLY = per_inspection(
    {"coordinator": 200, "decision_maker": 200, "leader": 403, "unit_rep": 403, "viewer": 403}
)
# Endpoints about one inspection: statuses per role over the nine columns.
INSPECTION_TABLE: dict[tuple[str, str], dict[str, list[int]]] = {
    ("GET", "/inspections/{inspection_id}"): per_inspection(200),
    ("GET", "/inspections/{inspection_id}/events"): per_inspection(200),
    ("GET", "/inspections/{inspection_id}/diagram"): per_inspection(200),
    **{
        ("POST", f"/inspections/{{inspection_id}}/{path}"): REFUSED_IN_SUSPENDED
        for path in [
            "notice",
            "visit/start",
            "visit",
            "visit/extend",
            "conclusion",
            "acknowledge",
            "dispute",
            "dispute/resolve",
            "extensions",
            "extensions/{n}/decide",
            "remediation-report",
            "reinspection",
            "verification",
            "suspend",
        ]
    },
    # Members are looked up only for a role that may form a team (no probing of accounts).
    ("POST", "/inspections/{inspection_id}/team"): per_inspection(
        {"coordinator": 409, "decision_maker": 409}
    ),
    ("POST", "/inspections/{inspection_id}/resume"): LEADERSHIP_ONLY,
    ("POST", "/inspections/{inspection_id}/cancel"): LEADERSHIP_ONLY,
}

ALL_200 = dict.fromkeys(ROLES, 200)
ADMIN_ONLY = {role: 403 for role in ROLES} | {"admin": 200}
NO_PLAN = dict.fromkeys(ROLES, 404) | {"admin": 403}
REPORT_FORMATS = ["", ".xlsx", ".csv", ".svg"]
# Endpoints not about one inspection: one status per role.
GLOBAL_TABLE: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/me"): ALL_200,
    ("GET", "/procedure"): ALL_200,
    ("GET", "/organisations"): ALL_200,
    ("POST", "/organisations"): ADMIN_ONLY | {"admin": 409},  # an existing code
    ("POST", "/organisations/import"): ADMIN_ONLY,
    ("GET", "/users"): ADMIN_ONLY,
    ("POST", "/users"): ADMIN_ONLY | {"admin": 409},  # an existing username
    ("GET", "/inspections"): ALL_200 | {"admin": 403},
    # Starting: only a coordinator, and only inside its authority (own unit here).
    ("POST", "/inspections"): {role: 403 for role in ROLES} | {"coordinator": 201},
    ("GET", "/calendar/days"): ALL_200,
    ("POST", "/calendar/days"): ADMIN_ONLY | {"admin": 201},
    ("DELETE", "/calendar/days/{day}"): ADMIN_ONLY | {"admin": 404},  # a day never set
    ("GET", "/calendar/add"): ALL_200,
    ("GET", "/notifications"): ALL_200,
    ("POST", "/notifications/{notification_id}/read"): dict.fromkeys(ROLES, 404),
    ("GET", "/inspections.csv"): ALL_200 | {"admin": 403},
    ("GET", "/inspections.xlsx"): ALL_200 | {"admin": 403},
    # Plans: drafted by a coordinator inside its authority; read within scope (probed on an
    # unknown plan here; test_plans_api checks scope on real ones).
    ("GET", "/plans"): ALL_200 | {"admin": 403},
    ("POST", "/plans"): {role: 403 for role in ROLES} | {"coordinator": 201},
    ("GET", "/plans/{plan_id}"): NO_PLAN,
    ("POST", "/plans/{plan_id}/items"): NO_PLAN,
    ("POST", "/plans/{plan_id}/items/{item_id}/cancel"): NO_PLAN,
    ("POST", "/plans/{plan_id}/items/{item_id}/replace"): NO_PLAN,
    **{("GET", f"/reports/summary{ext}"): ALL_200 | {"admin": 403} for ext in REPORT_FORMATS},
    **{("GET", f"/reports/coverage{ext}"): NO_PLAN for ext in REPORT_FORMATS},
}
# Reached without a bearer token; checked elsewhere (sessions, health).
PUBLIC = {
    ("POST", "/auth/token"),
    ("POST", "/auth/refresh"),
    ("POST", "/auth/logout"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
}

BODIES: dict[str, Any] = {
    "notice": {"number": "1/TB"},
    "visit": {"results": [{"criterion": "WH-01", "result": "compliant"}]},
    "visit/extend": {"reason": "nhiều hồ sơ"},
    "conclusion": {},
    "dispute": {"finding_nos": [1], "explanation": "x"},
    "dispute/resolve": {"decisions": [{"finding_no": 1, "outcome": "upheld"}]},
    "extensions": {"finding_no": 1, "due_on": "2099-01-01", "reason": "x"},
    "extensions/{n}/decide": {"grant": True},
    "remediation-report": {"items": [{"finding_no": 1, "report": "x"}]},
    "verification": {"results": [{"finding_no": 1, "outcome": "resolved"}]},
    "cancel": {"reason": "điều chỉnh kế hoạch"},
    "suspend": {"reason": "x"},
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
    rows = set(INSPECTION_TABLE) | set(GLOBAL_TABLE) | PUBLIC
    assert api_routes() == rows


async def suspended_inspection(
    http: httpx.AsyncClient, people: People, unit: str, secrecy: str
) -> str:
    """An inspection of ``unit`` in the given secrecy, then suspended (nothing moves it)."""
    other = unit == UNITS["other"]
    coordinator = "coordinator2" if other else "coordinator"
    kind = "planned" if secrecy == "announced" else "surprise"
    r = await post(
        http, people, coordinator, "/inspections", {"kind": kind, "unit_id": unit, "title": "t"}
    )
    assert r.status_code == 201, r.text
    iid = r.json()["inspection_id"]
    members = (
        {"members": [{"username": "inspector2", "team_role": "team_leader"}]}
        if other
        else team(people)
    )
    assert (
        await post(http, people, coordinator, f"/inspections/{iid}/team", members)
    ).status_code == 200
    if secrecy == "on_site":
        leader = "inspector2" if other else "leader"
        r = await post(http, people, leader, f"/inspections/{iid}/visit/start", None)
        assert r.status_code == 200, r.text
    r = await post(http, people, coordinator, f"/inspections/{iid}/suspend", {"reason": "tạm dừng"})
    assert r.status_code == 200, r.text
    return iid


@pytest.fixture(scope="module")
async def shared(http: httpx.AsyncClient, people: People) -> dict[tuple[str, str], str]:
    return {
        (unit, secrecy): await suspended_inspection(http, people, UNITS[unit], secrecy)
        for unit, secrecy in COLUMNS
    }


def body_for(path: str, people: People) -> Any:
    if path.endswith("/team"):
        return team(people)
    tail = path.partition("{inspection_id}/")[2]
    return BODIES.get(tail)


@pytest.mark.parametrize(("method", "path"), sorted(INSPECTION_TABLE), ids=lambda v: str(v))
async def test_inspection_endpoints(
    method: str,
    path: str,
    http: httpx.AsyncClient,
    people: People,
    shared: dict[tuple[str, str], str],
) -> None:
    wrong = []
    for role in ROLES:
        for column, expected in zip(COLUMNS, INSPECTION_TABLE[(method, path)][role], strict=True):
            iid = shared[column]
            if method == "POST" and expected < 300:  # a command that succeeds changes things
                iid = await suspended_inspection(http, people, UNITS[column[0]], column[1])
            url = path.replace("{inspection_id}", iid).replace("{n}", "1")
            body = body_for(path, people) if method == "POST" else None
            r = await http.request(method, url, json=body, headers=people.headers[role])
            if r.status_code != expected:
                wrong.append(f"{role} {column}: {r.status_code} (want {expected}) {r.text[:120]}")
    assert not wrong, "\n".join(wrong)


GLOBAL_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/organisations"): {"json": {"code": "X01", "name": "trùng mã", "level": "commune"}},
    ("POST", "/organisations/import"): {
        "content": b"code,name,level,parent_code\nX01,UBND xa An Phu,commune,\n",
        "headers": {"Content-Type": "text/csv"},
    },
    ("POST", "/users"): {
        "json": {"username": "viewer", "password": "mot-mat-khau-dai", "role": "viewer"}
    },
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
    ("POST", "/plans/{plan_id}/items/{item_id}/cancel"): {"json": {"reason": "x"}},
    ("POST", "/plans/{plan_id}/items/{item_id}/replace"): {
        "json": {"reason": "x", "unit_id": b.COMMUNE, "period": "2099-Q1"}
    },
    **{("GET", f"/reports/coverage{ext}"): {"params": {"plan": "none"}} for ext in REPORT_FORMATS},
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
    """401, 403, 404-by-secrecy and 409 each leave a row with who, where and why."""
    marker = uuid.uuid4().hex
    secret = await suspended_inspection(http, people, b.COMMUNE, "secret")
    rid = {"X-Request-ID": marker}
    await http.get("/inspections", headers=rid)  # 401
    await http.get(f"/inspections/{secret}", headers=people.headers["unit_rep"] | rid)  # 404
    await http.get("/users", headers=people.headers["viewer"] | rid)  # 403
    await post(http, people, "coordinator", f"/inspections/{secret}/notice", {}, headers=rid)
    with Session(engine) as session:
        rows = session.exec(select(SecurityLog).where(SecurityLog.request_id == marker)).all()
    seen = {(r.status, r.error, r.reason, r.user_id) for r in rows}
    assert seen == {
        (401, "unauthorized", "", None),
        (404, "not_found", "secrecy", people.ids["unit_rep"]),
        (403, "forbidden", "", people.ids["viewer"]),
        (409, "invalid_transition", "", people.ids["coordinator"]),
    }
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
