"""The inspection page and its forms over HTTP: what each side sees, refusals on the form,
nothing changed by a refused or forged request."""

import re
import secrets

import httpx

from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, start, team
from tests.api.web.conftest import Pages

# A number typed as on paper, above what the register gives the session's other decisions.
DECISION = f"{700_000 + secrets.randbelow(90_000)}/QĐ-UBND"


async def state_of(http: httpx.AsyncClient, people: People, iid: str) -> str:
    r = await http.get(f"/inspections/{iid}", headers=people.headers["coordinator"])
    assert r.status_code == 200, r.text
    return str(r.json()["state"])


async def test_the_page_shows_the_decision_and_the_buttons_of_the_caller(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = (
        await start(http, people, title="Kiểm tra trang chi tiết", decision={"number": DECISION})
    )["inspection_id"]
    coordinator = await pages("coordinator")
    r = await coordinator.get(f"/inspections/{iid}")
    assert r.status_code == 200
    assert "Kiểm tra trang chi tiết" in r.text and DECISION in r.text
    assert "UBND xã An Phú" in r.text
    assert f'href="/inspections/{iid}/actions/form_team"' in r.text
    assert 'aria-current="step">Đã có quyết định' in r.text
    # A leader who only reads sees the same inspection without a single action.
    viewer = await pages("viewer")
    r = await viewer.get(f"/inspections/{iid}")
    assert r.status_code == 200 and "/actions/" not in r.text
    r = await viewer.get(f"/inspections/{iid}/actions/form_team")
    assert r.status_code in (403, 409)
    assert f'href="/inspections/{iid}/actions/form_team"' not in r.text


async def test_a_surprise_inspection_is_the_unknown_page_for_the_unit(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = (await start(http, people, kind="surprise"))["inspection_id"]
    unit = await pages("unit_rep")
    hidden = await unit.get(f"/inspections/{iid}")
    unknown = await unit.get(f"/inspections/{'0' * 32}")
    assert hidden.status_code == unknown.status_code == 404
    # The same page, but for the address the person typed themselves.
    assert hidden.text.replace(iid, "0" * 32) == unknown.text
    for path in ("/diagram.svg", "/actions/acknowledge"):
        r = await unit.get(f"/inspections/{iid}{path}")
        assert r.status_code == 404
    # Once the team is on site, the unit sees it.
    assert (
        await post(http, people, "coordinator", f"/inspections/{iid}/team", team(people))
    ).is_success
    r = await post(http, people, "leader", f"/inspections/{iid}/visit/start")
    assert r.is_success, r.text
    assert (await unit.get(f"/inspections/{iid}")).status_code == 200


async def test_the_team_form_marks_the_inspected_side_and_refuses_it_in_vietnamese(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = (await start(http, people))["inspection_id"]
    coordinator = await pages("coordinator")
    form = await coordinator.get(f"/inspections/{iid}/actions/form_team")
    assert form.status_code == 200
    insider = people.ids["insider"]  # an inspector of the school under the inspected commune
    option = re.search(rf'<option value="{insider}"[^>]*>', form.text)
    assert option and "disabled" in option.group(0)
    # A forged post naming that person anyway is refused on the form, and nothing changes.
    r = await coordinator.post(
        f"/inspections/{iid}/actions/form_team",
        {
            "members.0.user_id": insider,
            "members.0.team_role": "team_leader",
            "idempotency_key": "forged-team-1",
        },
    )
    assert r.status_code == 409
    assert 'role="alert"' in r.text and "xung đột lợi ích" in r.text.lower()
    assert "Insider" in r.text and insider not in r.text.split("<main")[1].split("</main>")[
        0
    ].replace(f'value="{insider}"', "")  # the person named, not their id
    assert await state_of(http, people, iid) == "decided"


async def test_a_wrong_field_is_marked_and_nothing_is_sent(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = (await start(http, people))["inspection_id"]
    await post(http, people, "coordinator", f"/inspections/{iid}/team", team(people))
    coordinator = await pages("coordinator")
    r = await coordinator.post(
        f"/inspections/{iid}/actions/send_notice",
        {"number": "15/TB-SNV", "visit_planned_on": "31/02/2027"},
    )
    assert r.status_code == 422
    assert 'id="f-visit_planned_on"' in r.text
    field = re.search(r'<input id="f-visit_planned_on"[^>]*>', r.text)
    assert field and 'aria-invalid="true"' in field.group(0)
    assert "Ngày không hợp lệ" in r.text
    assert 'value="15/TB-SNV"' in r.text  # what was typed is kept
    assert await state_of(http, people, iid) == "team_formed"


async def test_a_post_without_csrf_changes_nothing(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = (await start(http, people))["inspection_id"]
    await post(http, people, "coordinator", f"/inspections/{iid}/team", team(people))
    coordinator = await pages("coordinator")
    r = await coordinator.post(f"/inspections/{iid}/actions/send_notice", {}, csrf=False)
    assert r.status_code == 403
    assert await state_of(http, people, iid) == "team_formed"


async def test_start_from_the_page_and_a_repeated_submission_starts_one(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    coordinator = await pages("coordinator")
    form = await coordinator.get("/inspections/new")
    assert form.status_code == 200 and b.COMMUNE in form.text
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form.text)
    assert key
    fields = {
        "unit_id": b.COMMUNE,
        "kind": "thematic",
        "title": "Chuyên đề cải cách hành chính",
        "decision.issuer_id": b.PROVINCE,
        "decision.number": "640101/QĐ-UBND",
        "idempotency_key": key.group(1),
    }
    first = await coordinator.post("/inspections/new", fields)
    again = await coordinator.post("/inspections/new", fields)  # a double click
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    iid = first.headers["location"].split("/")[2].split("?")[0]
    assert await state_of(http, people, iid) == "decided"
    # Administrators manage accounts, not inspections.
    admin = await pages("admin")
    assert (await admin.get(f"/inspections/{iid}")).status_code == 403


async def test_english_pages_on_request(http: httpx.AsyncClient, people: People, api: str) -> None:
    from tests.api.web.conftest import sign_in

    iid = (await start(http, people))["inspection_id"]
    reader = await sign_in(api, "decision_maker")
    await reader.post("/language", {"language": "en", "next": f"/inspections/{iid}"})
    r = await reader.get(f"/inspections/{iid}")
    assert 'lang="en"' in r.text and "Decided" in r.text and "Issuing organisation" in r.text
    svg = await reader.get(f"/inspections/{iid}/diagram.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "Decided" in svg.text
    await reader.post("/language", {"language": "vi"})
    await reader.aclose()


async def test_the_minutes_name_the_people_present_on_both_sides(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    iid = (await start(http, people))["inspection_id"]
    await post(http, people, "coordinator", f"/inspections/{iid}/team", team(people))
    await post(http, people, "coordinator", f"/inspections/{iid}/notice", {})
    await post(http, people, "leader", f"/inspections/{iid}/visit/start")
    leader = await pages("leader")
    form = await leader.get(f"/inspections/{iid}/actions/record_visit")
    assert 'name="team_present.0.name"' in form.text  # the team, filled in from its members
    assert 'name="unit_present.2.name"' in form.text  # spare lines for the unit's people
    r = await leader.post(
        f"/inspections/{iid}/actions/record_visit",
        {
            "results.0.criterion": "WH-01",
            "results.0.result": "non_compliant",
            "team_present.0.name": "Trưởng đoàn A",
            "team_present.0.position": "Trưởng đoàn",
            "unit_present.0.name": "Nguyễn Văn Chủ",
            "unit_present.0.position": "Chủ tịch UBND xã",
            "unit_present.1.name": "",
            "place": "Trụ sở UBND xã An Phú",
        },
    )
    assert r.status_code in (200, 303), r.text
    detail = (await http.get(f"/inspections/{iid}", headers=people.headers["leader"])).json()
    visit = detail["visit"]
    assert visit["unit_present"] == [{"name": "Nguyễn Văn Chủ", "position": "Chủ tịch UBND xã"}]
    assert visit["team_present"][0]["name"] == "Trưởng đoàn A"
    assert visit["place"] == "Trụ sở UBND xã An Phú"
