"""The work page (Việc cần làm) on the real stack: each person sees the steps that are theirs
now — named as the procedure names them, with their deadline — and nothing of what they may
not see; a unit sees its remediation items; a leader who only reads gets an overview."""

import asyncio
import itertools
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from api.web.work import WorkingDays, WorkItem, urgency
from states import procedure
from states.calendar import build_calendar, local_date
from states.deadlines import Deadline, DeadlineKind
from states.vocabulary import Role
from testkit import samples as b
from testkit.people import add_people
from tests.api.conftest import PASSWORD, People
from tests.api.test_lifecycle_api import post, results, start
from tests.api.web.conftest import PageClient, Pages

FORM_TEAM = "Thành lập đoàn kiểm tra"
SEND_NOTICE = "Gửi thông báo kiểm tra"
START_VISIT = "Bắt đầu kiểm tra tại đơn vị"
ACKNOWLEDGE = "Tiếp thu kết luận"
DISPUTE = "Giải trình, không đồng ý"


# A province of the work page's own: the suite's shared coordinator and leader have hundreds
# of inspections waiting, and the page shows the most urgent of each step, not all of them.
DESK_ORGANISATIONS = [
    ("wp-province", "WT01", "UBND tỉnh Bàn Việc", "province", None),
    ("wp-snv", "WSNV", "Sở Nội vụ tỉnh Bàn Việc", "department", "wp-province"),
    ("wp-justice", "WSTP", "Sở Tư pháp tỉnh Bàn Việc", "department", "wp-province"),
    ("wp-commune", "WX01", "UBND xã Bàn Việc", "commune", "wp-province"),
]
DESK_ACCOUNTS = {
    "coordinator": (Role.COORDINATOR, "wp-snv"),
    "decision_maker": (Role.DECISION_MAKER, "wp-province"),
    "leader": (Role.INSPECTOR, "wp-snv"),
    "member": (Role.INSPECTOR, "wp-justice"),
    "unit_rep": (Role.UNIT_REP, "wp-commune"),
    "viewer": (Role.VIEWER, "wp-province"),
}


@pytest.fixture(scope="module")
async def people(http: httpx.AsyncClient, engine: Engine, people: People) -> People:
    """The suite's people, the desk's own under the same names."""
    rows = [(f"wp_{name}", role, org, "") for name, (role, org) in DESK_ACCOUNTS.items()]
    ids = add_people(engine, DESK_ORGANISATIONS, rows, PASSWORD)
    headers = dict(people.headers)
    for name in DESK_ACCOUNTS:
        r = await http.post("/auth/token", data={"username": f"wp_{name}", "password": PASSWORD})
        assert r.status_code == 200, r.text
        headers[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    local = {name: ids[f"wp_{name}"] for name in DESK_ACCOUNTS}
    return People(headers=headers, ids=people.ids | local)


class DeskPages:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    async def __call__(self, name: str) -> PageClient:
        return await self.pages(f"wp_{name}" if name in DESK_ACCOUNTS else name)


@pytest.fixture(scope="module")
def pages(pages: Pages) -> DeskPages:
    return DeskPages(pages)


def team(people: People) -> dict[str, Any]:
    return {
        "members": [
            {"user_id": people.ids["leader"], "team_role": "team_leader"},
            {"user_id": people.ids["member"], "team_role": "member"},
        ]
    }


NUMBERS = itertools.count(600_000 + uuid.uuid4().int % 1000 * 10)


def workday(days: int, start: date | None = None) -> date:
    """``days`` after ``start`` (today), moved to a working day: people set due dates there."""
    begin = start or today()
    calendar = build_calendar(range(begin.year, begin.year + 3))
    return calendar.add_working_days(begin + timedelta(days=days), 0)


def token() -> str:
    """A decision number nobody else typed: the register refuses a number twice."""
    return str(next(NUMBERS))


def card(html: str, title: str) -> str | None:
    """The work card of the inspection named ``title``, or None when it is not listed."""
    for chunk in html.split('<li class="card')[1:]:
        if title in chunk:
            return chunk.split("</dl>")[0]
    return None


def today() -> date:
    return local_date(datetime.now(UTC))


async def new(http: httpx.AsyncClient, people: People, title: str, **extra: Any) -> str:
    created = await start(
        http,
        people,
        title=title,
        unit_id="wp-commune",
        decision={"number": f"{token()}/QĐ-UBND"},
        **extra,
    )
    return str(created["inspection_id"])


async def command(
    http: httpx.AsyncClient, people: People, who: str, iid: str, path: str, body: Any = None
) -> dict[str, Any]:
    r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
    assert r.status_code == 200, (path, r.text)
    return dict(r.json())


async def test_steps_move_from_the_coordinator_to_the_team(
    http: httpx.AsyncClient, people: People, pages: DeskPages
) -> None:
    title = f"Kiểm tra công vụ {token()}"
    iid = await new(http, people, title)
    coordinator, leader = await pages("coordinator"), await pages("leader")

    r = await coordinator.get("/work")
    assert r.status_code == 200
    mine = card(r.text, title)
    assert mine is not None and FORM_TEAM in mine and SEND_NOTICE not in mine
    assert f'href="/inspections/{iid}"' in mine
    assert "Không có thời hạn" in mine  # a decided inspection has no deadline yet
    assert title not in (await leader.get("/work")).text  # not on a team: not even visible

    await command(http, people, "coordinator", iid, "team", team(people))
    mine = card((await coordinator.get("/work")).text, title)
    assert mine is not None and SEND_NOTICE in mine and FORM_TEAM not in mine
    # A planned inspection is announced first: the team has nothing to do yet.
    assert title not in (await leader.get("/work")).text

    visit = workday(20)
    await command(
        http, people, "coordinator", iid, "notice", {"visit_planned_on": visit.isoformat()}
    )
    assert title not in (await coordinator.get("/work")).text
    mine = card((await leader.get("/work")).text, title)
    assert mine is not None and START_VISIT in mine
    assert "Ngày dự kiến kiểm tra" in mine and visit.strftime("%d/%m/%Y") in mine
    assert "ngày làm việc" in mine  # working days left
    # The member of the team has the same step; the unit has nothing to do before the visit.
    assert card((await (await pages("member")).get("/work")).text, title) is not None
    assert title not in (await (await pages("unit_rep")).get("/work")).text


async def test_nearest_deadline_first_and_none_last(
    http: httpx.AsyncClient, people: People, pages: DeskPages
) -> None:
    mark = token()
    later, sooner, undated = (f"Kiểm tra {mark} {n}" for n in ("xa", "gần", "không hạn"))
    for title, days in ((later, 40), (sooner, 10), (undated, None)):
        iid = await new(http, people, title)
        await command(http, people, "coordinator", iid, "team", team(people))
        body = {"visit_planned_on": workday(days).isoformat()} if days else {}
        await command(http, people, "coordinator", iid, "notice", body)
    html = (await (await pages("leader")).get("/work")).text
    positions = [html.index(title) for title in (sooner, later, undated)]
    assert positions == sorted(positions)


def test_overdue_comes_first() -> None:
    """Overdue before due, due before none, then the nearest date (the page's sort key)."""
    now = datetime(2026, 3, 2, tzinfo=UTC)
    s, _ = procedure.start(b.start_input(), now)

    def item(due: date | None, overdue: bool) -> WorkItem:
        deadline = (
            Deadline(key="k", kind=DeadlineKind.VISIT, due_on=due, since=now, audiences=[])
            if due
            else None
        )
        return WorkItem(s, [], deadline, overdue, 0)

    none, soon, late, later = (
        item(None, False),
        item(date(2026, 3, 5), False),
        item(date(2026, 2, 20), True),
        item(date(2026, 3, 20), False),
    )
    assert sorted([later, none, soon, late], key=urgency) == [late, soon, later, none]


def test_working_days_left_count_as_the_calendar_does() -> None:
    """The page's counter gives ``working_days_between`` across Tết and weekends."""
    calendar = build_calendar(range(2025, 2028))
    now = date(2026, 2, 13)  # the Friday before Tết 2026
    days = WorkingDays(calendar, now)
    for offset in [*range(-40, 41), 400, -400]:
        due = now + timedelta(days=offset)
        assert days.to(due) == abs(calendar.working_days_between(now, due)), due


async def test_the_unit_sees_its_remediation_items_and_their_due_dates(
    http: httpx.AsyncClient, people: People, pages: DeskPages
) -> None:
    title = f"Kiểm tra có tồn tại {token()}"
    iid = await new(http, people, title)
    await command(http, people, "coordinator", iid, "team", team(people))
    await command(http, people, "coordinator", iid, "notice", {})
    await command(http, people, "leader", iid, "visit/start")
    await command(http, people, "leader", iid, "visit", {"results": results(["WH-01"])})
    unit = await pages("unit_rep")
    assert title not in (await unit.get("/work")).text  # nothing for the unit before this
    due = workday(45)
    action = f"Chấn chỉnh giờ làm việc {token()}"
    order = {"finding_no": 1, "action": action, "due_on": due.isoformat()}
    await command(http, people, "leader", iid, "findings-report", {})
    await command(http, people, "decision_maker", iid, "conclusion", {"orders": [order]})

    r = await unit.get("/work")
    mine = card(r.text, title)
    assert mine is not None and ACKNOWLEDGE in mine and DISPUTE in mine
    assert "Hạn tiếp thu hoặc giải trình" in mine  # the step's deadline, before the due date
    table = r.text.split('id="remediation-heading"')[1].split("</section>")[0]
    row = next(tr for tr in table.split("<tr>") if action in tr)
    assert title in row and due.strftime("%d/%m/%Y") in row and "Đang khắc phục" in row
    # The section names the conclusion (its number and date) the item comes from, and links
    # to the inspection; the same items as GET /remediations?status=open.
    assert '<h2 id="remediation-heading">Việc khắc phục</h2>' in r.text
    assert "Kết luận số " in row and f'href="/inspections/{iid}"' in row
    listed = await http.get(
        "/remediations", params={"status": "open"}, headers=people.headers["unit_rep"]
    )
    assert action in {item["action"] for item in listed.json()["data"]}

    # The month calendar of the due date shows it, linked to the inspection.
    r = await unit.get(f"/work?month={due:%Y-%m}")
    calendar = r.text.split('id="calendar"')[1]
    cell = re.search(rf'<time datetime="{due.isoformat()}">.*?</td>', calendar, re.S)
    assert cell is not None and f'href="/inspections/{iid}"' in cell.group(0)
    assert "Hạn khắc phục" in cell.group(0)
    # The team and the coordinator have nothing to do while the unit answers.
    assert title not in (await (await pages("leader")).get("/work")).text


async def test_a_surprise_inspection_stays_off_the_units_page_until_the_visit(
    http: httpx.AsyncClient, people: People, pages: DeskPages
) -> None:
    title = f"Kiểm tra đột xuất {token()}"
    iid = await new(http, people, title, kind="surprise")
    await command(http, people, "coordinator", iid, "team", team(people))
    unit = await pages("unit_rep")
    mine = card((await (await pages("leader")).get("/work")).text, title)
    assert mine is not None and START_VISIT in mine  # no notice for a surprise
    assert title not in (await unit.get("/work")).text
    for month in (f"{today():%Y-%m}", f"{today() + timedelta(days=31):%Y-%m}"):
        assert title not in (await unit.get(f"/work?month={month}")).text
    await command(http, people, "leader", iid, "visit/start")
    await command(http, people, "leader", iid, "visit", {"results": results(["ID-01"])})
    await command(http, people, "leader", iid, "findings-report", {})
    await command(http, people, "decision_maker", iid, "conclusion", {})
    assert card((await unit.get("/work")).text, title) is not None


async def test_the_calendar_marks_today_and_moves_by_month(pages: DeskPages) -> None:
    leader = await pages("leader")
    now = today()
    r = await leader.get("/work")
    assert r.status_code == 200
    assert re.search(
        rf'class="[^"]*today[^"]*" aria-current="date">\s*<time datetime="{now}">', r.text
    )
    assert f"tháng {now.month}/{now.year}" in r.text
    nxt = date(now.year + (now.month == 12), now.month % 12 + 1, 1)
    r = await leader.get(f"/work?month={nxt:%Y-%m}")
    assert f"tháng {nxt.month}/{nxt.year}" in r.text and 'aria-current="date"' not in r.text
    # htmx swaps only the calendar.
    r = await leader.get(f"/work?month={nxt:%Y-%m}", headers={"HX-Request": "true"})
    assert r.text.lstrip().startswith('<section id="calendar"') and "<html" not in r.text
    for bad in ("2026-13", "1990-01", "abc", "2026-1", f"{now.year + 20}-01"):
        r = await leader.get(f"/work?month={bad}")
        assert r.status_code == 422, bad
        assert "<html" in r.text and "Dữ liệu nhập chưa hợp lệ" in r.text


async def test_a_leader_who_reads_gets_an_overview(
    http: httpx.AsyncClient, people: People, pages: DeskPages
) -> None:
    await new(http, people, f"Kiểm tra tổng quan {token()}")
    r = await (await pages("viewer")).get("/work")
    assert r.status_code == 200
    assert "Tổng quan" in r.text and "Việc chờ anh/chị xử lý" not in r.text
    assert 'href="/inspections?state=decided"' in r.text
    r = await (await pages("admin")).get("/work", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin"


async def test_an_extension_request_is_the_coordinators_to_decide(
    http: httpx.AsyncClient, people: People, pages: DeskPages
) -> None:
    title = f"Kiểm tra xin gia hạn {token()}"
    iid = await new(http, people, title)
    await command(http, people, "coordinator", iid, "team", team(people))
    await command(http, people, "coordinator", iid, "notice", {})
    await command(http, people, "leader", iid, "visit/start")
    await command(http, people, "leader", iid, "visit", {"results": results(["WH-01"])})
    await command(http, people, "leader", iid, "findings-report", {})
    await command(http, people, "decision_maker", iid, "conclusion", {})
    snapshot = await command(http, people, "unit_rep", iid, "acknowledge")
    coordinator = await pages("coordinator")
    assert title not in (await coordinator.get("/work")).text  # the unit remediates

    due = workday(20, date.fromisoformat(snapshot["remediation"][0]["due_on"]))
    asked = {"finding_no": 1, "due_on": due.isoformat(), "reason": "cần thêm thời gian"}
    await command(http, people, "unit_rep", iid, "extensions", asked)
    mine = card((await coordinator.get("/work")).text, title)
    assert mine is not None and "Quyết định gia hạn" in mine
    unit = card((await (await pages("unit_rep")).get("/work")).text, title)
    assert unit is not None and "Báo cáo kết quả khắc phục" in unit and "Xin gia hạn" not in unit

    await command(http, people, "coordinator", iid, "extensions/1/decide", {"grant": True})
    assert title not in (await coordinator.get("/work")).text


async def test_a_crowded_step_shows_its_most_urgent_and_says_so(
    http: httpx.AsyncClient, people: People, pages: DeskPages
) -> None:
    from store.work import PER_STATE

    mark = token()
    await asyncio.gather(
        *(new(http, people, f"Kiểm tra dồn việc {mark} {n}") for n in range(PER_STATE + 1))
    )
    r = await (await pages("coordinator")).get("/work")
    cards = [c for c in r.text.split('<li class="card')[1:] if FORM_TEAM in c.split("</dl>")[0]]
    assert len(cards) == PER_STATE  # the oldest waiting, not every one
    assert "danh sách cuộc kiểm tra" in r.text.lower()  # and where the rest are
