"""People and standing teams on the pages (issue 15 §1): the directory's search, a standing
team recorded from the form, a team formed from it with someone who holds no account, and
the team changed before the visit — all through the pages, without a browser."""

import re

import httpx

from tests.api.conftest import People
from tests.api.test_lifecycle_api import start
from tests.api.web.conftest import Pages


async def test_a_team_from_a_standing_team_with_a_person_without_an_account(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    coordinator = await pages("coordinator")
    # The directory: diacritics and case ignored, the search answered as a fragment to htmx.
    r = await coordinator.get("/people", params={"q": "SO TU PHAP"})
    assert r.status_code == 200 and ">member<" in r.text
    r = await coordinator.get("/people", params={"q": "tư pháp"}, headers={"HX-Request": "true"})
    assert r.text.lstrip().startswith('<section id="results"') and ">member<" in r.text
    unit = await pages("unit_rep")
    assert (await unit.get("/people")).status_code == 403

    # A standing team recorded on its page: an account and a person without one.
    assert (await coordinator.get("/standing-teams/new")).status_code == 200
    assert (await (await pages("decision_maker")).get("/standing-teams/new")).status_code == 403
    r = await coordinator.post(
        "/standing-teams",
        {
            "name": "Tổ kiểm tra công vụ (trang)",
            "decision_number": "94/QĐ-UBND.TL",
            "valid_from": "2023-12-04",
            "members.0.user_id": people.ids["leader"],
            "members.0.team_role": "team_leader",
            "members.1.name": "Lê Thành Nhân",
            "members.1.position": "Chuyên viên",
            "members.1.organisation_name": "Phòng Tư pháp huyện",
            "members.1.team_role": "member",
            "members.2.team_role": "member",  # a spare row, left empty
        },
    )
    assert r.status_code == 303, r.text
    team_path = r.headers["location"]
    r = await coordinator.get(team_path)
    assert "Lê Thành Nhân" in r.text and "Chuyên viên, Phòng Tư pháp huyện" in r.text
    # A row naming an inspector of another province is refused on the form; nothing changes.
    r = await coordinator.post(
        team_path,
        {"name": "Tổ sửa", "members.0.user_id": people.ids["inspector2"]},
    )
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert "Tổ sửa" not in (await coordinator.get("/standing-teams")).text

    # The team form starts from the standing team: its members are filled in.
    iid = (await start(http, people))["inspection_id"]
    team_id = team_path.rsplit("/", 1)[1]
    form = await coordinator.get(
        f"/inspections/{iid}/actions/form_team", params={"standing_team": team_id}
    )
    assert f'name="standing_team_id" value="{team_id}"' in form.text
    assert 'value="Lê Thành Nhân"' in form.text
    chosen = re.search(rf'<option value="{people.ids["leader"]}" selected', form.text)
    assert chosen
    r = await coordinator.post(
        f"/inspections/{iid}/actions/form_team",
        {
            "standing_team_id": team_id,
            "idempotency_key": f"team-page-{iid}",
            "members.0.user_id": people.ids["leader"],
            "members.0.team_role": "team_leader",
            "members.1.name": "Lê Thành Nhân",
            "members.1.position": "Chuyên viên",
            "members.1.organisation_name": "Phòng Tư pháp huyện",
            "members.1.team_role": "member",
        },
    )
    assert r.status_code == 303, r.text
    page = (await coordinator.get(f"/inspections/{iid}")).text
    assert "Lê Thành Nhân" in page and "không có tài khoản" in page
    assert "94/QĐ-UBND.TL" in page

    # Changed before the visit: the current team is the form's start; the reason is asked.
    form = await coordinator.get(f"/inspections/{iid}/actions/change_team")
    assert form.status_code == 200 and 'value="Lê Thành Nhân"' in form.text
    assert 'name="reason"' in form.text and 'name="number"' in form.text
    r = await coordinator.post(
        f"/inspections/{iid}/actions/change_team",
        {
            "idempotency_key": f"change-page-{iid}",
            "number": "650098/QĐ-UBND",  # above every number typed (and then allocated) before it
            "reason": "Bổ sung thành viên",
            "members.0.user_id": people.ids["leader"],
            "members.0.team_role": "team_leader",
            "members.1.user_id": people.ids["member"],
            "members.1.team_role": "member",
        },
    )
    assert r.status_code == 303, r.text
    page = (await coordinator.get(f"/inspections/{iid}")).text
    assert "Lê Thành Nhân" not in page.split('id="h-team"')[1].split("</section>")[0]
