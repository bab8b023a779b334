"""The plans pages over HTTP, against the real stack: what the JSON API holds is what the
pages show, a plan adjustment made through a page form is the API's, and another
province's plan is the same 404 page as one that does not exist."""

import re
from typing import Any

import httpx

from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_plans_api import item_of, new_plan, plan_body, this_year
from tests.api.web.conftest import Pages


async def plan_json(http: httpx.AsyncClient, people: People, plan_id: str) -> dict[str, Any]:
    r = await http.get(f"/plans/{plan_id}", headers=people.headers["coordinator"])
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def item_row(html: str, item_id: str) -> str:
    """The items table's row of one item."""
    found = re.search(rf'<tr id="item-{item_id}">(.*?)</tr>', html, re.S)
    assert found, f"no row for item {item_id}"
    return found.group(1)


async def two_item_plan(http: httpx.AsyncClient, people: People) -> dict[str, Any]:
    year = this_year()
    return await new_plan(
        http,
        people,
        items=[
            {"unit_id": b.COMMUNE, "period": f"{year}-03"},
            {"unit_id": b.SCHOOL, "period": f"{year}-Q2"},
        ],
    )


async def test_list_and_plan_page_show_what_the_api_holds(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    plan = await two_item_plan(http, people)
    coordinator = await pages("coordinator")

    listed = await coordinator.get("/plans")
    assert listed.status_code == 200
    assert f'<a href="/plans/{plan["id"]}">{plan["number"]}</a>' in listed.text
    assert "Kế hoạch kiểm tra" in listed.text  # Vietnamese first

    r = await coordinator.get(f"/plans/{plan['id']}")
    assert r.status_code == 200
    assert plan["title"] in r.text
    year = this_year()
    commune = item_of(plan, b.COMMUNE)
    school = item_of(plan, b.SCHOOL)
    row = item_row(r.text, commune["id"])
    assert "UBND xã An Phú" in row and f"{year}-03" in row
    assert "Chưa kiểm tra" in row  # where it stands: not started
    assert f'href="/inspections/new?plan_item={commune["id"]}"' in row
    assert "Trường Tiểu học An Phú" in item_row(r.text, school["id"])
    # The coverage bar: 2 planned, none inspected yet, drawn without any inline style.
    assert "Toàn kế hoạch: 2 đơn vị" in r.text
    assert "<svg" in r.text and "style=" not in r.text.split("<main", 1)[1]
    assert "Lập kế hoạch" in r.text  # the history's first entry

    # The unit's representative sees the plan through its own items, and adjusts nothing.
    rep = await pages("unit_rep")
    seen = await rep.get(f"/plans/{plan['id']}")
    assert seen.status_code == 200
    assert "UBND xã An Phú" in seen.text
    assert "/cancel" not in seen.text and "plan_item=" not in seen.text


async def test_cancel_with_a_reason_through_the_form(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    plan = await two_item_plan(http, people)
    item = item_of(plan, b.COMMUNE)
    coordinator = await pages("coordinator")
    await coordinator.get(f"/plans/{plan['id']}")

    reason = "Xã An Phú sắp xếp lại đơn vị hành chính"
    r = await coordinator.post(f"/plans/{plan['id']}/items/{item['id']}/cancel", {"reason": reason})
    assert r.status_code == 303
    assert r.headers["location"].startswith(f"/plans/{plan['id']}?done=cancelled")

    after = await plan_json(http, people, plan["id"])
    cancelled = next(i for i in after["items"] if i["id"] == item["id"])
    assert cancelled["status"] == "cancelled" and cancelled["reason"] == reason
    assert cancelled["coverage"] == "cancelled"
    assert [h["action"] for h in after["history"]] == ["created", "item_cancelled"]
    assert after["history"][1]["reason"] == reason
    # The other item is untouched.
    assert item_of(after, b.SCHOOL)["status"] == "active"

    shown = await coordinator.get(r.headers["location"])
    assert "Đã hủy nội dung kế hoạch." in shown.text
    row = item_row(shown.text, item["id"])
    assert "Hủy/điều chỉnh" in row and reason in row
    assert "/cancel" not in row and "plan_item=" not in row  # nothing more to do with it
    history = shown.text.split("Lịch sử kế hoạch", 1)[1]
    assert "Hủy nội dung (điều chỉnh kế hoạch)" in history and reason in history
    assert f"#{item['seq']} UBND xã An Phú" in history

    # Cancelled once is cancelled: a second try is the API's 409, shown on the page.
    again = await coordinator.post(
        f"/plans/{plan['id']}/items/{item['id']}/cancel", {"reason": "lần nữa"}
    )
    assert again.status_code == 409
    assert "Dữ liệu đã thay đổi hoặc đã tồn tại" in again.text
    assert len((await plan_json(http, people, plan["id"]))["history"]) == 2


async def test_cancel_without_a_reason_is_refused_and_changes_nothing(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    plan = await two_item_plan(http, people)
    item = item_of(plan, b.COMMUNE)
    coordinator = await pages("coordinator")
    await coordinator.get(f"/plans/{plan['id']}")

    for blank in ("", "   "):
        r = await coordinator.post(
            f"/plans/{plan['id']}/items/{item['id']}/cancel", {"reason": blank}
        )
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("text/html")
        row = item_row(r.text, item["id"])
        assert "Vui lòng nêu lý do." in row
        assert f'aria-describedby="reason-{item["id"]}-error"' in row
        assert "<details open>" in row  # the form stays open where the person was

    after = await plan_json(http, people, plan["id"])
    assert item_of(after, b.COMMUNE)["status"] == "active"
    assert [h["action"] for h in after["history"]] == ["created"]


async def test_another_province_gets_the_same_404_as_an_unknown_plan(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    plan = await two_item_plan(http, people)
    item = item_of(plan, b.COMMUNE)
    other = await pages("coordinator2")

    hidden = await other.get(f"/plans/{plan['id']}")
    unknown = await other.get("/plans/000000000000")
    assert hidden.status_code == unknown.status_code == 404
    # The same page, word for word: only the asked path (in the language switch) differs.
    assert hidden.text.replace(plan["id"], "000000000000") == unknown.text
    assert plan["number"] not in hidden.text and plan["title"] not in hidden.text
    assert "Không tìm thấy" in hidden.text
    assert plan["number"] not in (await other.get("/plans")).text

    # Nor may they adjust it: the same 404, and the item stays as it was.
    await other.get("/plans")
    r = await other.post(
        f"/plans/{plan['id']}/items/{item['id']}/cancel", {"reason": "không phải của tôi"}
    )
    assert r.status_code == 404
    hidden_replace = await other.get(f"/plans/{plan['id']}/items/{item['id']}/replace")
    assert hidden_replace.status_code == 404
    assert item_of(await plan_json(http, people, plan["id"]), b.COMMUNE)["status"] == "active"


async def test_draft_add_and_replace_through_the_forms(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    year = this_year()
    coordinator = await pages("coordinator")
    await coordinator.get("/plans")
    number = plan_body()["number"]
    bad = await coordinator.post(
        "/plans",
        {"number": "207/QĐ-UBND", "year": str(year), "issued_on": f"{year}-01-08", "title": "x"},
    )
    assert bad.status_code == 422
    assert "Số, ký hiệu kế hoạch có dạng 207/KH-UBND." in bad.text
    assert 'aria-describedby="draft-number-error"' in bad.text

    r = await coordinator.post(
        "/plans",
        {
            "number": number,
            "year": str(year),
            "kind": "planned",
            "issued_on": f"{year}-01-08",
            "title": "Kế hoạch lập từ trang",
            "focus": "Giờ giấc\nNiêm yết TTHC",
        },
    )
    assert r.status_code == 303, r.text
    plan_id = r.headers["location"].split("/plans/", 1)[1].split("?", 1)[0]
    drafted = await plan_json(http, people, plan_id)
    assert drafted["number"] == number and drafted["focus"] == ["Giờ giấc", "Niêm yết TTHC"]
    assert drafted["items"] == []

    page = await coordinator.get(r.headers["location"])
    assert "Đã lập kế hoạch." in page.text
    added = await coordinator.post(
        f"/plans/{plan_id}/items",
        [("unit_id", b.COMMUNE), ("period", f"{year}-Q3"), ("content", "WH"), ("content", "ID")],
    )
    assert added.status_code == 303
    item = item_of(await plan_json(http, people, plan_id), b.COMMUNE)
    assert item["period"] == f"{year}-Q3" and item["content"] == ["WH", "ID"]

    # The same unit twice: the API's 409, named on the page; nothing added.
    twice = await coordinator.post(
        f"/plans/{plan_id}/items", {"unit_id": b.COMMUNE, "period": f"{year}-Q4"}
    )
    assert twice.status_code == 409
    assert "UBND xã An Phú" in twice.text.split('id="add"', 1)[1]
    wrong = await coordinator.post(
        f"/plans/{plan_id}/items", {"unit_id": b.COMMUNE, "period": f"{year}-Q5"}
    )
    assert wrong.status_code == 422 and "Thời gian ghi theo tháng" in wrong.text
    assert len((await plan_json(http, people, plan_id))["items"]) == 1

    form = await coordinator.get(f"/plans/{plan_id}/items/{item['id']}/replace")
    assert form.status_code == 200 and "Đơn vị kiểm tra thay thế" in form.text
    replaced = await coordinator.post(
        f"/plans/{plan_id}/items/{item['id']}/replace",
        {"unit_id": "org-commune-binh-an", "period": f"{year}-Q4", "reason": "Đổi địa bàn"},
    )
    assert replaced.status_code == 303
    after = await plan_json(http, people, plan_id)
    assert [(i["unit_id"], i["status"]) for i in after["items"]] == [
        (b.COMMUNE, "replaced"),
        ("org-commune-binh-an", "active"),
    ]
    shown = await coordinator.get(f"/plans/{plan_id}")
    assert "UBND xã Bình An" in shown.text and "Đổi địa bàn" in shown.text


async def test_surprise_checks_through_the_plan_page(
    http: httpx.AsyncClient, people: People, pages: Pages
) -> None:
    plan = await new_plan(http, people)
    year = this_year()
    coordinator = await pages("coordinator")
    await coordinator.get(f"/plans/{plan['id']}")
    # A count out of bounds is refused on the page and writes nothing.
    r = await coordinator.post(
        f"/plans/{plan['id']}/slots", {"period": str(year), "count": "0", "level": "commune"}
    )
    assert r.status_code == 422 and "Nhập số cuộc kiểm tra từ 1 đến 1000." in r.text
    assert (await plan_json(http, people, plan["id"]))["slots"] == []

    form = {"period": str(year), "count": "12", "level": "one_stop_shop"}
    r = await coordinator.post(f"/plans/{plan['id']}/slots", form | {"description": "Một cửa"})
    assert r.status_code == 303, r.text
    (slot,) = (await plan_json(http, people, plan["id"]))["slots"]
    assert (slot["count"], slot["level"], slot["description"]) == (12, "one_stop_shop", "Một cửa")

    shown = await coordinator.get(r.headers["location"])
    row = re.search(rf'<tr id="slot-{slot["id"]}">(.*?)</tr>', shown.text, re.S)
    assert row and "Một cửa" in row.group(1) and ">12<" in row.group(1)
    start = await coordinator.get(f"/inspections/new?plan_slot={slot['id']}")
    assert f'name="plan_slot_id" value="{slot["id"]}"' in start.text
    assert 'name="kind" value="surprise"' in start.text
    # A check of any unit, filled: its row links the inspection by its decision's number.
    await coordinator.post(f"/plans/{plan['id']}/slots", {"period": str(year), "count": "1"})
    any_unit = (await plan_json(http, people, plan["id"]))["slots"][1]
    body = {
        "kind": "surprise",
        "unit_id": b.COMMUNE,
        "title": "Đột xuất",
        "plan_slot_id": any_unit["id"],
    }
    r = await http.post("/inspections", json=body, headers=people.headers["coordinator"])
    assert r.status_code == 201, r.text
    number = (
        r.json()["decision"]["number"]
        or (
            await http.get(
                "/inspections", params={"plan": plan["id"]}, headers=people.headers["coordinator"]
            )
        ).json()["data"][0]["decision_number"]
    )
    shown = await coordinator.get(f"/plans/{plan['id']}")
    row = re.search(rf'<tr id="slot-{any_unit["id"]}">(.*?)</tr>', shown.text, re.S)
    assert row and f">{number}</a>" in row.group(1)
    # The unit's representative reads no slots.
    rep = await pages("unit_rep")
    seen = await rep.get(f"/plans/{plan['id']}")
    assert "plan_slot=" not in seen.text and "Một cửa" not in seen.text
