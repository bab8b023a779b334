"""The administration pages over HTTP: accounts, the organisation tree, the calendar.

Every change made through a page is checked where it counts: a sign-in, the JSON API's
answer, a working-day count.
"""

import re
import uuid
from datetime import date, timedelta

import httpx

from testkit import samples as b
from tests.api.conftest import People
from tests.api.web.conftest import PageClient, Pages, sign_in

PASSWORD = "mat-khau-ban-dau-2025"
NEW_PASSWORD = "mat-khau-moi-2025"


def account_id(answer: httpx.Response) -> str:
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/admin/accounts/([0-9a-f]+)\?done=created", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


async def create_through_page(admin: PageClient, **fields: str) -> httpx.Response:
    await admin.get("/admin/accounts")
    form = {
        "username": f"tk{uuid.uuid4().hex[:8]}",
        "full_name": "Lê Thị Thu",
        "email": "thu@example.vn",
        "role": "inspector",
        "organisation_id": b.JUSTICE,
        "password": PASSWORD,
    } | fields
    return await admin.post("/admin/accounts", form)


async def accounts_named(http: httpx.AsyncClient, people: People, q: str) -> list[dict[str, str]]:
    r = await http.get("/users", params={"q": q}, headers=people.headers["admin"])
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def test_the_index_links_the_three_sections(pages: Pages) -> None:
    admin = await pages("admin")
    r = await admin.get("/admin")
    assert r.status_code == 200
    for href, text in (
        ("/admin/accounts", "Tài khoản"),
        ("/admin/organisations", "Cơ quan, đơn vị"),
        ("/admin/calendar", "Lịch ngày làm việc"),
    ):
        assert f'<a href="{href}">{text}</a>' in r.text
    assert 'aria-current="page">Quản trị' in r.text


async def test_an_account_created_on_the_page_can_sign_in(
    pages: Pages, api: str, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    username = f"tk{uuid.uuid4().hex[:8]}"
    user_id = account_id(await create_through_page(admin, username=username))
    r = await admin.get(f"/admin/accounts/{user_id}?done=created")
    assert r.status_code == 200
    assert "Đã tạo tài khoản" in r.text and username in r.text
    assert "Thành viên đoàn kiểm tra" in r.text and "Sở Tư pháp" in r.text
    [row] = await accounts_named(http, people, username)
    assert row | {"id": None} == {
        "id": None,
        "username": username,
        "full_name": "Lê Thị Thu",
        "email": "thu@example.vn",
        "role": "inspector",
        "organisation_id": b.JUSTICE,
        "active": True,
    }
    person = await sign_in(api, username, PASSWORD)
    r = await person.get("/work")
    assert r.status_code == 200 and "Lê Thị Thu" in r.text
    await person.aclose()
    # Listed with its role label and organisation, found by a part of the name.
    r = await admin.get("/admin/accounts", params={"q": username[2:]})
    assert f'href="/admin/accounts/{user_id}">{username}</a>' in r.text
    assert "Sở Tư pháp" in r.text and "Đang hoạt động" in r.text


async def test_a_taken_username_is_refused_in_vietnamese_and_nothing_is_created(
    pages: Pages, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    before = await accounts_named(http, people, "coordinator")
    r = await create_through_page(admin, username="Coordinator", full_name="Người Trùng Tên")
    assert r.status_code == 409
    assert "Tên đăng nhập này đã được sử dụng." in r.text
    assert 'id="f-username" name="username"' in r.text and 'aria-invalid="true"' in r.text
    assert 'aria-describedby="f-username-error' in r.text
    # What was typed stays, except the password.
    assert 'value="Người Trùng Tên"' in r.text and PASSWORD not in r.text
    assert await accounts_named(http, people, "coordinator") == before


async def test_invalid_fields_are_marked_and_nothing_is_created(
    pages: Pages, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    username = f"co dau {uuid.uuid4().hex[:6]}"
    r = await create_through_page(admin, username=username, password="ngan")
    assert r.status_code == 422
    assert "Từ 2 đến 64 ký tự: chữ cái không dấu" in r.text
    assert 'id="f-password-error">Ít nhất 8 ký tự.' in r.text
    assert await accounts_named(http, people, username) == []
    r = await create_through_page(admin, role="system")
    assert r.status_code == 422 and 'id="f-role-error"' in r.text


async def test_deactivation_ends_the_persons_page_session_and_token(
    pages: Pages, api: str, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    username = f"tk{uuid.uuid4().hex[:8]}"
    user_id = account_id(await create_through_page(admin, username=username))
    person = await sign_in(api, username, PASSWORD)
    signed = await http.post("/auth/token", data={"username": username, "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    assert (await http.get("/me", headers=bearer)).status_code == 200

    await admin.get(f"/admin/accounts/{user_id}")
    r = await admin.post(f"/admin/accounts/{user_id}/deactivate", {})
    assert r.status_code == 303
    assert r.headers["location"] == f"/admin/accounts/{user_id}?done=deactivated"
    r = await admin.get(r.headers["location"])
    assert "Đã vô hiệu hóa tài khoản" in r.text and "Kích hoạt lại tài khoản" in r.text

    r = await person.get("/work")
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")
    assert (await http.get("/me", headers=bearer)).status_code == 401
    r = await person.post("/sign-in", {"username": username, "password": PASSWORD})
    assert r.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in r.text

    r = await admin.post(f"/admin/accounts/{user_id}/activate", {})
    assert r.status_code == 303
    # Reactivated, the person signs in anew; the ended sign-ins stay ended.
    assert (await http.get("/me", headers=bearer)).status_code == 401
    again = await sign_in(api, username, PASSWORD)
    assert (await again.get("/work")).status_code == 200
    await again.aclose()
    await person.aclose()


async def test_an_administrator_cannot_deactivate_their_own_account(
    pages: Pages, people: People
) -> None:
    admin = await pages("admin")
    r = await admin.get(f"/admin/accounts/{people.ids['admin']}")
    assert "Bạn không thể vô hiệu hóa tài khoản của chính mình." in r.text
    assert f"/admin/accounts/{people.ids['admin']}/deactivate" not in r.text
    r = await admin.post(f"/admin/accounts/{people.ids['admin']}/deactivate", {})
    assert r.status_code == 422 and "Bạn không thể vô hiệu hóa" in r.text
    assert (await admin.get("/admin")).status_code == 200


async def test_a_new_password_set_on_the_page(
    pages: Pages, api: str, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    username = f"tk{uuid.uuid4().hex[:8]}"
    user_id = account_id(await create_through_page(admin, username=username))
    person = await sign_in(api, username, PASSWORD)
    await admin.get(f"/admin/accounts/{user_id}")
    path = f"/admin/accounts/{user_id}/password"

    r = await admin.post(path, {"password": NEW_PASSWORD, "password_again": "khac-han-2025"})
    assert r.status_code == 422 and "Hai mật khẩu không khớp nhau." in r.text
    r = await admin.post(path, {"password": "ngan", "password_again": "ngan"})
    assert r.status_code == 422 and 'id="f-password-error">Ít nhất 8 ký tự.' in r.text
    assert (await person.get("/work")).status_code == 200  # nothing happened yet

    r = await admin.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=password")
    assert "Đã đặt mật khẩu mới" in (await admin.get(r.headers["location"])).text
    r = await person.get("/work")
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")
    old = await http.post("/auth/token", data={"username": username, "password": PASSWORD})
    assert old.status_code == 401
    fresh = await sign_in(api, username, NEW_PASSWORD)
    assert (await fresh.get("/work")).status_code == 200
    await fresh.aclose()
    await person.aclose()


async def test_other_roles_get_the_403_page(
    pages: Pages, http: httpx.AsyncClient, people: People
) -> None:
    for who in ("coordinator", "viewer"):
        client = await pages(who)
        for path in ("/admin", "/admin/accounts", "/admin/organisations", "/admin/calendar"):
            r = await client.get(path)
            assert r.status_code == 403, path
            assert "Không có quyền truy cập" in r.text and r.headers["content-type"].startswith(
                "text/html"
            )
            assert "Tạo tài khoản" not in r.text
        assert 'href="/admin"' not in (await client.get("/work")).text
    coordinator = await pages("coordinator")
    username = f"tk{uuid.uuid4().hex[:8]}"
    r = await create_through_page(coordinator, username=username, role="admin")
    assert r.status_code == 403
    assert await accounts_named(http, people, username) == []
    r = await coordinator.post(f"/admin/accounts/{people.ids['viewer']}/deactivate", {})
    assert r.status_code == 403
    assert (await (await pages("viewer")).get("/work")).status_code == 200


async def test_a_post_without_csrf_is_refused_and_changes_nothing(
    pages: Pages, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    await admin.get("/admin/accounts")
    username = f"tk{uuid.uuid4().hex[:8]}"
    form = {"username": username, "role": "viewer", "password": PASSWORD}
    r = await admin.post("/admin/accounts", form, csrf=False)
    assert r.status_code == 403
    assert await accounts_named(http, people, username) == []
    r = await admin.post(f"/admin/accounts/{people.ids['viewer']}/deactivate", {}, csrf=False)
    assert r.status_code == 403
    assert (await (await pages("viewer")).get("/work")).status_code == 200
    r = await admin.post("/admin/calendar", {"day": "2097-03-04", "kind": "day_off"}, csrf=False)
    assert r.status_code == 403
    days = (await http.get("/calendar/days", headers=people.headers["admin"])).json()["data"]
    assert "2097-03-04" not in {d["day"] for d in days}


async def test_the_account_search_and_its_htmx_fragment(pages: Pages) -> None:
    admin = await pages("admin")
    r = await admin.get("/admin/accounts", params={"q": "COORDINATOR"})
    assert r.status_code == 200
    assert ">coordinator</a>" in r.text and ">coordinator2</a>" in r.text
    assert ">viewer</a>" not in r.text and "Cán bộ điều phối" in r.text
    r = await admin.get("/admin/accounts", params={"q": "viewer"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="accounts"') and "<html" not in r.text
    assert ">viewer</a>" in r.text


def csv_upload(text: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("to-chuc.csv", text.encode("utf-8"), "text/csv")}


async def test_organisations_imported_through_the_page(
    pages: Pages, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    await admin.get("/admin/organisations")
    tag = uuid.uuid4().hex[:6].upper()
    content = (
        "code,name,level,parent_code,valid_from,valid_to\n"
        f"P{tag},UBND phường Hòa Bình {tag},ward,T01,2025-07-01,\n"
        f"S{tag},Trường Mầm non Hoa Sen {tag},school,P{tag},,\n"
    )
    r = await admin.post("/admin/organisations/import", {}, files=csv_upload(content))
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/admin/organisations?created=2&skipped=0"
    r = await admin.get(r.headers["location"])
    assert "tạo mới 2 cơ quan, đơn vị" in r.text
    assert f"UBND phường Hòa Bình {tag}" in r.text and "01/07/2025" in r.text
    listed = (await http.get("/organisations", headers=people.headers["viewer"])).json()["data"]
    by_code = {o["code"]: o for o in listed}
    assert by_code[f"P{tag}"]["parent_id"] == b.PROVINCE
    assert by_code[f"P{tag}"]["valid_from"] == "2025-07-01"
    assert by_code[f"S{tag}"]["parent_id"] == by_code[f"P{tag}"]["id"]
    # Imported again: nothing new, both counted as already recorded.
    r = await admin.post("/admin/organisations/import", {}, files=csv_upload(content))
    assert r.headers["location"] == "/admin/organisations?created=0&skipped=2"


async def test_a_malformed_line_is_named_and_nothing_is_imported(
    pages: Pages, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    await admin.get("/admin/organisations")
    tag = uuid.uuid4().hex[:6].upper()
    content = (
        "code,name,level,parent_code\n"
        f"A{tag},Đơn vị A {tag},commune,T01\n"
        f"B{tag},Đơn vị B {tag},,T01\n"
    )
    r = await admin.post("/admin/organisations/import", {}, files=csv_upload(content))
    assert r.status_code == 422
    assert "Dòng 3, cột level" in r.text
    assert "Chưa nhập dữ liệu nào" in r.text
    listed = (await http.get("/organisations", headers=people.headers["viewer"])).json()["data"]
    assert not {f"A{tag}", f"B{tag}"} & {o["code"] for o in listed}
    r = await admin.post("/admin/organisations/import", {}, files=csv_upload("ma,ten\nX,Y\n"))
    assert r.status_code == 422 and "Dòng 1, cột ma" in r.text
    r = await admin.post("/admin/organisations/import", {})  # no file at all
    assert r.status_code == 422 and "Dòng 1" in r.text and "Chưa nhập dữ liệu nào" in r.text


async def test_an_organisation_added_on_the_page(
    pages: Pages, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    await admin.get("/admin/organisations")
    code = f"PX{uuid.uuid4().hex[:6]}"
    form = {"code": code, "name": "Phòng Nội vụ xã An Phú", "level": "office"}
    r = await admin.post("/admin/organisations", form | {"parent_id": b.COMMUNE})
    assert r.status_code == 303, r.text
    r = await admin.get(r.headers["location"])
    assert f"Đã thêm cơ quan, đơn vị {code} · Phòng Nội vụ xã An Phú." in r.text
    listed = (await http.get("/organisations", headers=people.headers["viewer"])).json()["data"]
    [added] = [o for o in listed if o["code"] == code]
    assert added["parent_id"] == b.COMMUNE and added["valid_from"] is None
    r = await admin.post("/admin/organisations", form | {"name": "Trùng mã"})
    assert r.status_code == 409 and "Đã có cơ quan, đơn vị mang mã này." in r.text
    r = await admin.post("/admin/organisations", {"code": "", "name": "", "level": "x"})
    assert r.status_code == 422 and 'id="f-code-error"' in r.text


async def test_a_day_off_added_on_the_page_changes_the_working_day_count(
    pages: Pages, http: httpx.AsyncClient, people: People
) -> None:
    admin = await pages("admin")
    # A Friday and the Monday after it, in a year no other test touches.
    friday = date(2098, 3, 7)
    monday = friday + timedelta(days=3)
    assert friday.weekday() == 4

    async def one_working_day_after_friday() -> str:
        r = await http.get(
            "/calendar/add",
            params={"from": friday.isoformat(), "days": 1},
            headers=people.headers["coordinator"],
        )
        assert r.status_code == 200, r.text
        return str(r.json()["result"])

    assert await one_working_day_after_friday() == monday.isoformat()
    await admin.get("/admin/calendar?year=2098")
    form = {
        "day": monday.isoformat(),
        "kind": "day_off",
        "note": "Nghỉ bù đặc biệt",
        "year": "2098",
    }
    r = await admin.post("/admin/calendar", form)
    assert r.status_code == 303 and r.headers["location"] == "/admin/calendar?year=2098&done=added"
    assert await one_working_day_after_friday() == (monday + timedelta(days=1)).isoformat()
    r = await admin.get(r.headers["location"])
    assert "10/03/2098" in r.text and "Nghỉ bù đặc biệt" in r.text and "Ngày nghỉ" in r.text
    assert "Các ngày nghỉ lễ, Tết năm 2098" in r.text and "Quốc khánh" in r.text

    r = await admin.post(f"/admin/calendar/{monday.isoformat()}/delete", {})
    assert r.status_code == 303 and r.headers["location"].endswith("done=deleted")
    assert await one_working_day_after_friday() == monday.isoformat()
    r = await admin.post(f"/admin/calendar/{monday.isoformat()}/delete", {})
    assert r.status_code == 404

    r = await admin.post(
        "/admin/calendar", {"day": "10/03/2098", "kind": "day_off", "year": "2098"}
    )
    assert r.status_code == 422 and 'id="f-day-error"' in r.text
    assert await one_working_day_after_friday() == monday.isoformat()
