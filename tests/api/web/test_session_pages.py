"""Sign-in, sign-out, CSRF, the language switch and the error pages, over HTTP."""

import httpx

from tests.api.web.conftest import Pages, sign_in


async def test_sign_in_page_is_vietnamese_and_sets_a_cookie(api: str) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        r = await http.get("/sign-in")
    assert r.status_code == 200
    assert "Đăng nhập" in r.text and 'lang="vi"' in r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"


async def test_wrong_password_shows_the_vietnamese_message(api: str) -> None:
    client = await sign_in_client(api)
    r = await client.post("/sign-in", {"username": "coordinator", "password": "sai-mat-khau"})
    assert r.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in r.text, r.text
    await client.aclose()


async def sign_in_client(api: str):  # type: ignore[no-untyped-def]
    from tests.api.web.conftest import PageClient

    client = PageClient(httpx.AsyncClient(base_url=api))
    await client.get("/sign-in")
    return client


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(api: str) -> None:
    client = await sign_in(api, "viewer")
    r = await client.post("/language", {"language": "en", "next": "/notifications"}, csrf=False)
    assert r.status_code == 403
    r = await client.get("/notifications")
    assert 'lang="vi"' in r.text  # the language did not change
    # A token from another session is no better.
    other = await sign_in(api, "viewer")
    r = await client.post("/language", {"language": "en", "csrf_token": other.csrf}, csrf=False)
    assert r.status_code == 403
    await other.aclose()
    await client.aclose()


async def test_a_cross_origin_post_is_refused(api: str) -> None:
    client = await sign_in(api, "viewer")
    r = await client.post(
        "/language", {"language": "en"}, headers={"Origin": "https://evil.example"}
    )
    assert r.status_code == 403
    await client.aclose()


async def test_signing_in_issues_a_new_session_and_signing_out_ends_it(api: str) -> None:
    client = await sign_in_client(api)
    before = client.http.cookies.get("kiemtra_session")
    r = await client.post("/sign-in", {"username": "viewer", "password": "matkhau-2025"})
    assert r.status_code == 303
    after = client.http.cookies.get("kiemtra_session")
    assert after and after != before
    r = await client.get("/notifications")
    assert r.status_code == 200
    stolen = after
    r = await client.post("/sign-out", {})
    assert r.status_code == 303
    # The old cookie (say, copied before sign-out) no longer opens any page.
    async with httpx.AsyncClient(base_url=api, cookies={"kiemtra_session": stolen}) as thief:
        r = await thief.get("/notifications")
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")
    await client.aclose()


async def test_language_switch_is_remembered_for_the_next_sign_in(api: str) -> None:
    client = await sign_in(api, "member")
    r = await client.post("/language", {"language": "en", "next": "/notifications"})
    assert r.status_code == 303 and r.headers["location"] == "/notifications"
    r = await client.get("/notifications")
    assert 'lang="en"' in r.text and "Sign out" in r.text
    again = await sign_in(api, "member")
    r = await again.get("/notifications")
    assert 'lang="en"' in r.text
    await again.post("/language", {"language": "vi"})
    await again.aclose()
    await client.aclose()


async def test_after_sign_in_only_a_local_next_is_followed(api: str) -> None:
    client = await sign_in_client(api)
    r = await client.post(
        "/sign-in",
        {"username": "viewer", "password": "matkhau-2025", "next": "//evil.example/x"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    await client.aclose()


async def test_unknown_page_is_a_vietnamese_404_page(pages: Pages) -> None:
    client = await pages("viewer")
    r = await client.get("/khong-co-trang-nay")
    assert r.status_code == 404
    assert "Không tìm thấy trang" in r.text and r.headers["content-type"].startswith("text/html")


async def test_pages_need_a_sign_in(api: str) -> None:
    async with httpx.AsyncClient(base_url=api) as http:
        r = await http.get("/notifications")
    assert r.status_code == 303 and r.headers["location"] == "/sign-in?next=/notifications"
