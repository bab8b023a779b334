"""Every date and number a caller sends has a declared range: its extremes answer, one step
beyond them is a 422 in the usual error shape, and nothing answers 500."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from states.bounds import EXTENSIONS_MAX
from tests.api.conftest import People
from tests.api.test_deadlines_api import to_remediation_requested
from tests.api.test_errors_api import assert_error
from tests.api.test_lifecycle_api import post, start
from tests.api.test_plans_api import new_plan

BIG = 2**63  # one past the largest 64-bit database integer
# (name, method, path, role, params, status); "{plan}" and "{iid}" are filled in per test.
Case = tuple[str, str, str, str, dict[str, Any], int]

# Beyond the range, and numbers that pydantic alone would read as seconds since 1970.
DATES = ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31", "0", "0.0", "1733011200"]

CASES: list[Case] = [
    # Reports: decision dates and the coverage day, in every format.
    *(
        (f"summary{ext} from={d}", "GET", f"/reports/summary{ext}", "coordinator", p, status)
        for ext in ("", ".xlsx", ".csv", ".svg")
        for d, p, status in [
            ("1900-01-01", {"from": "1900-01-01"}, 200),
            ("2199-12-31", {"from": "2199-12-31"}, 200),
            *((d, {"from": d}, 422) for d in DATES),
        ]
    ),
    *(
        (f"summary{ext} to={d}", "GET", f"/reports/summary{ext}", "coordinator", p, status)
        for ext in ("", ".xlsx", ".csv", ".svg")
        for d, p, status in [
            ("1900-01-01", {"from": "1900-01-01", "to": "1900-01-01"}, 200),
            ("2199-12-31", {"from": "1900-01-01", "to": "2199-12-31"}, 200),
            *((d, {"to": d}, 422) for d in DATES),
        ]
    ),
    *(
        (f"coverage{ext} on={d}", "GET", f"/reports/coverage{ext}", "viewer", p, status)
        for ext in ("", ".xlsx", ".csv", ".svg")
        for d, p, status in [
            ("1900-01-01", {"plan": "{plan}", "on": "1900-01-01"}, 200),
            ("2199-12-31", {"plan": "{plan}", "on": "2199-12-31"}, 200),
            *((d, {"plan": "{plan}", "on": d}, 422) for d in DATES),
        ]
    ),
    # The working-day calculator: its start and how many days.
    (
        "add from=1900-01-01",
        "GET",
        "/calendar/add",
        "viewer",
        {"from": "1900-01-01", "days": 0},
        200,
    ),
    (
        "add 3660 days from 1900",
        "GET",
        "/calendar/add",
        "viewer",
        {"from": "1900-01-01", "days": 3660},
        200,
    ),
    (
        "add 3660 days from 2199",
        "GET",
        "/calendar/add",
        "viewer",
        {"from": "2199-12-31", "days": 3660},
        200,
    ),
    *(
        (f"add from={d}", "GET", "/calendar/add", "viewer", {"from": d, "days": 1}, 422)
        for d in DATES
    ),
    ("add -1 days", "GET", "/calendar/add", "viewer", {"from": "2026-01-05", "days": -1}, 422),
    ("add 3661 days", "GET", "/calendar/add", "viewer", {"from": "2026-01-05", "days": 3661}, 422),
    ("add 2**63 days", "GET", "/calendar/add", "viewer", {"from": "2026-01-05", "days": BIG}, 422),
    # A configured day as a path: absent in range (404), refused beyond it.
    ("delete day 1900-01-01", "DELETE", "/calendar/days/1900-01-01", "admin", {}, 404),
    ("delete day 2199-12-31", "DELETE", "/calendar/days/2199-12-31", "admin", {}, 404),
    *((f"delete day {d}", "DELETE", f"/calendar/days/{d}", "admin", {}, 422) for d in DATES),
    # The inspection list and its exports: year, page size, offset.
    *(
        (f"inspections{ext} {name}", "GET", f"/inspections{ext}", "viewer", p, status)
        for ext in ("", ".csv", ".xlsx")
        for name, p, status in [
            ("year=1900", {"year": 1900}, 200),
            ("year=2200", {"year": 2200}, 200),
            ("year=1899", {"year": 1899}, 422),
            ("year=2201", {"year": 2201}, 422),
            ("year=-1", {"year": -1}, 422),
            ("year=2**63", {"year": BIG}, 422),
        ]
    ),
    ("inspections limit=1", "GET", "/inspections", "viewer", {"limit": 1}, 200),
    ("inspections limit=500", "GET", "/inspections", "viewer", {"limit": 500}, 200),
    ("inspections limit=0", "GET", "/inspections", "viewer", {"limit": 0}, 422),
    ("inspections limit=501", "GET", "/inspections", "viewer", {"limit": 501}, 422),
    ("inspections offset=0", "GET", "/inspections", "viewer", {"offset": 0}, 200),
    ("inspections offset=10**6", "GET", "/inspections", "viewer", {"offset": 10**6}, 200),
    ("inspections offset=-1", "GET", "/inspections", "viewer", {"offset": -1}, 422),
    ("inspections offset=10**6+1", "GET", "/inspections", "viewer", {"offset": 10**6 + 1}, 422),
    # Plans by year.
    ("plans year=2000", "GET", "/plans", "viewer", {"year": 2000}, 200),
    ("plans year=2100", "GET", "/plans", "viewer", {"year": 2100}, 200),
    ("plans year=1999", "GET", "/plans", "viewer", {"year": 1999}, 422),
    ("plans year=2101", "GET", "/plans", "viewer", {"year": 2101}, 422),
    ("plans year=2**63", "GET", "/plans", "viewer", {"year": BIG}, 422),
    # The inbox: page size, offset, and a notification id as a path.
    ("inbox limit=1", "GET", "/notifications", "viewer", {"limit": 1}, 200),
    ("inbox limit=500", "GET", "/notifications", "viewer", {"limit": 500}, 200),
    ("inbox limit=0", "GET", "/notifications", "viewer", {"limit": 0}, 422),
    ("inbox limit=501", "GET", "/notifications", "viewer", {"limit": 501}, 422),
    ("inbox offset=10**6", "GET", "/notifications", "viewer", {"offset": 10**6}, 200),
    ("inbox offset=-1", "GET", "/notifications", "viewer", {"offset": -1}, 422),
    ("inbox offset=10**6+1", "GET", "/notifications", "viewer", {"offset": 10**6 + 1}, 422),
    ("read id=1", "POST", "/notifications/1/read", "viewer", {}, 404),
    ("read id=2**63-1", "POST", f"/notifications/{BIG - 1}/read", "viewer", {}, 404),
    ("read id=0", "POST", "/notifications/0/read", "viewer", {}, 422),
    ("read id=2**63", "POST", f"/notifications/{BIG}/read", "viewer", {}, 422),
    # An extension request's number as a path.
    ("decide n=0", "POST", "/inspections/{iid}/extensions/0/decide", "coordinator", {}, 422),
    ("decide n=-1", "POST", "/inspections/{iid}/extensions/-1/decide", "coordinator", {}, 422),
]


@pytest.fixture(scope="module")
async def targets(http: httpx.AsyncClient, people: People) -> dict[str, str]:
    """A plan the viewer may read, an inspection just decided, and one whose extension
    request 1 waits for a decision."""
    plan = await new_plan(http, people)
    inspection = await start(http, people)
    pending = await to_remediation_requested(http, people)
    due = (await http.get(f"/inspections/{pending}", headers=people.headers["viewer"])).json()
    later = (date.fromisoformat(due["remediation"][0]["due_on"]) + timedelta(days=7)).isoformat()
    body = {"finding_no": 1, "due_on": later, "reason": "chờ kinh phí"}
    r = await post(http, people, "unit_rep", f"/inspections/{pending}/extensions", body)
    assert r.status_code == 200, r.text
    return {"plan": plan["id"], "iid": inspection["inspection_id"], "pending": pending}


def fill(value: Any, targets: dict[str, str]) -> Any:
    return value.format(**targets) if isinstance(value, str) else value


@pytest.mark.parametrize(
    ("method", "path", "who", "params", "status"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
async def test_dates_and_numbers_have_declared_ranges(
    http: httpx.AsyncClient,
    people: People,
    targets: dict[str, str],
    method: str,
    path: str,
    who: str,
    params: dict[str, Any],
    status: int,
) -> None:
    query = {k: fill(v, targets) for k, v in params.items()}
    url = fill(path, targets)
    if method == "GET":
        r = await http.get(url, params=query, headers=people.headers[who])
    elif method == "DELETE":
        r = await http.delete(url, headers=people.headers[who])
    else:
        body = {"grant": False} if "decide" in url else None
        r = await post(http, people, who, url, body)
    if status == 200:
        assert r.status_code == 200, r.text
    else:
        assert_error(r, status, "invalid_payload" if status == 422 else "not_found")


@pytest.mark.parametrize(
    ("day", "status"),
    [("1900-01-01", 201), ("2199-12-31", 201), *((d, 422) for d in DATES)],
)
async def test_configured_days_lie_in_the_calendar_range(
    http: httpx.AsyncClient, people: People, day: str, status: int
) -> None:
    admin = people.headers["admin"]
    r = await http.post("/calendar/days", json={"day": day, "kind": "day_off"}, headers=admin)
    if status == 201:
        assert r.status_code == 201, r.text
        assert (await http.delete(f"/calendar/days/{day}", headers=admin)).status_code == 204
    else:
        assert_error(r, 422, "invalid_payload")
        listed = (await http.get("/calendar/days", headers=admin)).json()
        assert day not in {d["day"] for d in listed["data"]}


@pytest.mark.parametrize(
    ("n", "error"),
    [
        (2, "invalid_command"),
        (EXTENSIONS_MAX, "invalid_command"),
        (EXTENSIONS_MAX + 1, "invalid_payload"),
        (BIG, "invalid_payload"),
        (10**30, "invalid_payload"),
    ],
)
async def test_unknown_extension_number_is_a_422(
    http: httpx.AsyncClient, people: People, targets: dict[str, str], n: int, error: str
) -> None:
    """Request 1 is pending, so the state allows a decision: any other number is refused —
    by the procedure, or past the most requests an inspection takes by the schema — and
    request 1 stays undecided."""
    url = f"/inspections/{targets['pending']}/extensions/{n}/decide"
    assert_error(await post(http, people, "coordinator", url, {"grant": True}), 422, error)
    detail = await http.get(f"/inspections/{targets['pending']}", headers=people.headers["viewer"])
    assert detail.json()["extensions"][0]["status"] == "pending"
