"""Voiding and self-inspection through the pages: the same rules as the API, in forms."""

import re

import httpx
import pytest
from sqlalchemy import Engine

from states.vocabulary import Role
from testkit import samples as b
from testkit.people import add_people
from tests.api.conftest import PASSWORD, People
from tests.api.test_lifecycle_api import start
from tests.api.web.conftest import Pages


async def state_of(http: httpx.AsyncClient, people: People, iid: str) -> str:
    r = await http.get(f"/inspections/{iid}", headers=people.headers["coordinator"])
    return str(r.json()["state"])


async def test_an_inspection_entered_by_mistake_is_voided_from_its_page(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = (await start(http, people, title="Nhập nhầm từ trang"))["inspection_id"]
    coordinator = await pages("coordinator")
    r = await coordinator.get(f"/inspections/{iid}")
    assert f'href="/inspections/{iid}/actions/void"' in r.text
    # Without a reason: refused on the form, nothing changes.
    r = await coordinator.post(
        f"/inspections/{iid}/actions/void", {"reason": "", "idempotency_key": "void-1"}
    )
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert await state_of(http, people, iid) == "decided"
    r = await coordinator.post(
        f"/inspections/{iid}/actions/void",
        {"reason": "Nhập trùng quyết định", "idempotency_key": "void-2"},
    )
    assert r.status_code == 303, r.text
    assert await state_of(http, people, iid) == "voided"
    shown = await coordinator.get(f"/inspections/{iid}")
    assert "Đã hủy (nhập nhầm)" in shown.text and "Nhập trùng quyết định" in shown.text
    assert "/actions/" not in shown.text.split("<main", 1)[1]
    listed = await coordinator.get("/inspections")
    assert f'href="/inspections/{iid}"' not in listed.text


# The school's own people, for this module (other modules add theirs under other names).
SCHOOL = [
    ("school_coord_p", Role.COORDINATOR, b.SCHOOL, ""),
    ("school_staff_p", Role.INSPECTOR, b.SCHOOL, ""),
]


@pytest.fixture(scope="module")
def school(engine: Engine, people: People) -> dict[str, str]:
    return add_people(engine, [], SCHOOL, PASSWORD)


async def test_a_school_starts_its_self_inspection_and_forms_its_team_from_its_staff(
    http: httpx.AsyncClient, people: People, pages: Pages, school: dict[str, str]
) -> None:
    coordinator = await pages("school_coord_p")
    form = await coordinator.get("/inspections/new")
    assert 'value="self"' in form.text and b.SCHOOL in form.text
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form.text)
    assert key
    fields = {
        "unit_id": b.SCHOOL,
        "kind": "self",
        "title": "Tự kiểm tra công vụ năm học",
        "decision.issuer_id": b.SCHOOL,
        "idempotency_key": key.group(1),
    }
    # Issued by anyone but the school itself: refused on the form.
    r = await coordinator.post("/inspections/new", fields | {"decision.issuer_id": b.COMMUNE})
    assert r.status_code == 422 and 'role="alert"' in r.text
    r = await coordinator.post("/inspections/new", fields)
    assert r.status_code == 303, r.text
    iid = r.headers["location"].split("/")[2].split("?")[0]
    # The team form offers the school's own staff (the province's inspectors lie outside the
    # school coordinator's authority and are not even listed).
    team = await coordinator.get(f"/inspections/{iid}/actions/form_team")
    assert team.status_code == 200
    own = re.search(rf'<option value="{school["school_staff_p"]}"[^>]*>', team.text)
    outside = re.search(rf'<option value="{people.ids["leader"]}"[^>]*>', team.text)
    assert own and "disabled" not in own.group(0)
    assert outside is None
    r = await coordinator.post(
        f"/inspections/{iid}/actions/form_team",
        {
            "members.0.user_id": school["school_staff_p"],
            "members.0.team_role": "team_leader",
            "idempotency_key": "self-team-1",
        },
    )
    assert r.status_code == 303, r.text
    assert await state_of(http, people, iid) == "team_formed"
