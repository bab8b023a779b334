"""An administrator deactivates, reactivates and resets accounts: what each does to the
person's sign-ins, and who else may not do it."""

import uuid

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from store.tables import SecurityLog
from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_errors_api import assert_error

PASSWORD = "mat-khau-ban-dau-2025"
NEW_PASSWORD = "mat-khau-moi-2025"
ALLOWED = 5  # KIEMTRA_LOCKOUT_ATTEMPTS of the served app (the default)


async def new_account(http: httpx.AsyncClient, people: People, **extra: str) -> dict[str, str]:
    """A fresh account (so nothing here touches the shared ones), created by the admin."""
    body = {
        "username": f"tk{uuid.uuid4().hex[:8]}",
        "password": PASSWORD,
        "role": "inspector",
        "organisation_id": b.JUSTICE,
        "full_name": "Phạm Văn Bình",
    } | extra
    r = await http.post("/users", json=body, headers=people.headers["admin"])
    assert r.status_code == 201, r.text
    return dict(r.json())


async def token(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await http.post("/auth/token", data={"username": username, "password": password})


def bearer(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def test_deactivation_ends_the_accounts_tokens_at_once(
    http: httpx.AsyncClient, people: People
) -> None:
    account = await new_account(http, people)
    signed_in = await token(http, account["username"], PASSWORD)
    headers = bearer(signed_in)
    refresh = signed_in.json()["refresh_token"]
    assert (await http.get("/me", headers=headers)).status_code == 200

    r = await http.post(f"/users/{account['id']}/deactivate", headers=people.headers["admin"])
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False and r.json()["username"] == account["username"]

    assert_error(await http.get("/me", headers=headers), 401, "session_revoked")
    assert_error(
        await http.post("/auth/refresh", json={"refresh_token": refresh}), 401, "session_revoked"
    )
    assert_error(await token(http, account["username"], PASSWORD), 401, "invalid_credentials")
    listed = await http.get(
        "/users", params={"q": account["username"]}, headers=people.headers["admin"]
    )
    assert [u["active"] for u in listed.json()["data"]] == [False]

    r = await http.post(f"/users/{account['id']}/activate", headers=people.headers["admin"])
    assert r.status_code == 200 and r.json()["active"] is True
    # Reactivation lets the person sign in again; it does not revive the ended sign-in.
    assert_error(await http.get("/me", headers=headers), 401, "session_revoked")
    again = bearer(await token(http, account["username"], PASSWORD))
    assert (await http.get("/me", headers=again)).json()["username"] == account["username"]


async def test_a_new_password_ends_the_old_sign_ins_and_lifts_the_lockout(
    http: httpx.AsyncClient, people: People
) -> None:
    account = await new_account(http, people)
    old = bearer(await token(http, account["username"], PASSWORD))
    for _ in range(ALLOWED):
        await token(http, account["username"], "sai-mat-khau-0000")
    assert_error(await token(http, account["username"], PASSWORD), 429, "account_locked")

    r = await http.post(
        f"/users/{account['id']}/password",
        json={"password": NEW_PASSWORD},
        headers=people.headers["admin"],
    )
    assert r.status_code == 200, r.text
    assert "password" not in r.text and "hash" not in r.text

    assert_error(await http.get("/me", headers=old), 401, "session_revoked")
    assert_error(await token(http, account["username"], PASSWORD), 401, "invalid_credentials")
    # The lock is gone: the right (new) password opens a session straight away.
    fresh = bearer(await token(http, account["username"], NEW_PASSWORD))
    assert (await http.get("/me", headers=fresh)).json()["id"] == account["id"]


async def test_a_too_short_new_password_is_refused_and_the_old_one_stays(
    http: httpx.AsyncClient, people: People
) -> None:
    account = await new_account(http, people)
    headers = bearer(await token(http, account["username"], PASSWORD))
    admin = people.headers["admin"]
    path = f"/users/{account['id']}/password"
    assert_error(
        await http.post(path, json={"password": "ngan"}, headers=admin), 422, "invalid_payload"
    )
    long = {"password": "x" * 257}
    assert_error(await http.post(path, json=long, headers=admin), 422, "invalid_payload")
    extra = {"password": NEW_PASSWORD, "role": "admin"}
    assert_error(await http.post(path, json=extra, headers=admin), 422, "invalid_payload")
    assert (await http.get("/me", headers=headers)).status_code == 200
    assert (await token(http, account["username"], PASSWORD)).status_code == 200


async def test_only_administrators_may_change_accounts_and_refusals_are_logged(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    account = await new_account(http, people)
    headers = bearer(await token(http, account["username"], PASSWORD))
    calls = [
        ("deactivate", None),
        ("activate", None),
        ("password", {"password": NEW_PASSWORD}),
    ]
    for who in ("coordinator", "decision_maker", "viewer", "unit_rep", "leader"):
        for command, body in calls:
            r = await http.post(
                f"/users/{account['id']}/{command}", json=body, headers=people.headers[who]
            )
            assert_error(r, 403, "forbidden")
    for command, body in calls:
        r = await http.post(f"/users/{account['id']}/{command}", json=body)
        assert_error(r, 401, "unauthorized")
    assert_error(await http.get("/users", headers=people.headers["coordinator"]), 403, "forbidden")
    # Nothing changed: the account's sign-in and its password still work.
    assert (await http.get("/me", headers=headers)).json()["active"] is True
    assert (await token(http, account["username"], PASSWORD)).status_code == 200
    with Session(engine) as session:
        logged = session.exec(
            select(SecurityLog).where(
                col(SecurityLog.path) == f"/api/v1/users/{account['id']}/deactivate",
                col(SecurityLog.status) == 403,
            )
        ).all()
    assert {row.user_id for row in logged} == {
        people.ids[who] for who in ("coordinator", "decision_maker", "viewer", "unit_rep", "leader")
    }


async def test_unknown_and_malformed_ids(http: httpx.AsyncClient, people: People) -> None:
    admin = people.headers["admin"]
    for command, body in (
        ("deactivate", None),
        ("activate", None),
        ("password", {"password": NEW_PASSWORD}),
    ):
        r = await http.post(f"/users/khong-co-ai/{command}", json=body, headers=admin)
        assert_error(r, 404, "not_found")
        r = await http.post(f"/users/{'x' * 65}/{command}", json=body, headers=admin)
        assert_error(r, 422, "invalid_payload")


async def test_administrators_cannot_deactivate_themselves(
    http: httpx.AsyncClient, people: People
) -> None:
    admin = people.headers["admin"]
    r = await http.post(f"/users/{people.ids['admin']}/deactivate", headers=admin)
    assert_error(r, 422, "invalid_command")
    assert (await http.get("/me", headers=admin)).json()["active"] is True


async def test_the_list_searches_usernames_and_names(
    http: httpx.AsyncClient, people: People
) -> None:
    tag = uuid.uuid4().hex[:6]
    one = await new_account(http, people, full_name=f"Nguyễn Thị Hoa {tag}")
    two = await new_account(http, people, username=f"ho_{tag}")
    admin = people.headers["admin"]

    async def found(q: str) -> set[str]:
        r = await http.get("/users", params={"q": q}, headers=admin)
        assert r.status_code == 200, r.text
        assert r.json()["count"] == len(r.json()["data"])
        return {u["id"] for u in r.json()["data"]}

    assert await found(tag) == {one["id"], two["id"]}
    assert await found(f"HOA {tag.upper()}") == {one["id"]}
    assert await found(f"HO_{tag}") == {two["id"]}
    # "_" and "%" are letters here, not wildcards.
    assert await found(f"h%{tag}") == set()
    assert await found(f"h_{tag}") == set()
    everyone = await http.get("/users", headers=admin)
    assert everyone.json()["count"] >= 12
    assert_error(
        await http.get("/users", params={"q": "x" * 201}, headers=admin), 422, "invalid_payload"
    )
