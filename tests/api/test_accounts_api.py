"""Accounts, organisations, the procedure, health: the API's non-inspection surface."""

import uuid

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from states.machine import TRIGGER_ROLES
from testkit import samples as b
from tests.api.conftest import People, api_settings, free_port, serve
from tests.api.test_errors_api import assert_error
from tests.api.test_lifecycle_api import start


async def test_admin_creates_an_organisation_and_an_account_that_signs_in(
    http: httpx.AsyncClient, people: People
) -> None:
    admin = people.headers["admin"]
    code = f"X-{uuid.uuid4().hex[:6]}"
    org = {"code": code, "name": "UBND phường Hòa Bình", "level": "ward", "parent_id": b.PROVINCE}
    r = await http.post("/organisations", json=org, headers=admin)
    assert r.status_code == 201, r.text
    org_id = r.json()["id"]
    assert_error(await http.post("/organisations", json=org, headers=admin), 409, "conflict")
    assert_error(
        await http.post(
            "/organisations", json=org | {"code": "Y"}, headers=people.headers["coordinator"]
        ),
        403,
        "forbidden",
    )
    username = f"rep{uuid.uuid4().hex[:6]}"
    account = {
        "username": username,
        "password": "mot-mat-khau-dai",
        "role": "unit_rep",
        "organisation_id": org_id,
        "full_name": "Đỗ Thị Mai",
    }
    r = await http.post("/users", json=account, headers=admin)
    assert r.status_code == 201, r.text
    assert "password" not in r.text and "hash" not in r.text
    assert_error(await http.post("/users", json=account, headers=admin), 409, "conflict")
    assert_error(
        await http.post(
            "/users", json=account | {"username": "x" + username, "role": "system"}, headers=admin
        ),
        422,
        "invalid_command",
    )
    token = await http.post(
        "/auth/token", data={"username": username, "password": "mot-mat-khau-dai"}
    )
    assert token.status_code == 200 and token.json()["token_type"] == "bearer"
    me = await http.get("/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert me.json() | {"id": None} == {
        "id": None,
        "username": username,
        "full_name": "Đỗ Thị Mai",
        "email": "",
        "role": "unit_rep",
        "organisation_id": org_id,
        "active": True,
    }
    listed = (
        await http.get(
            "/organisations", params={"parent": b.PROVINCE}, headers=people.headers["viewer"]
        )
    ).json()
    assert org_id in {o["id"] for o in listed["data"]}


async def test_procedure_exposes_the_machine(http: httpx.AsyncClient, people: People) -> None:
    body = (await http.get("/procedure", headers=people.headers["viewer"])).json()
    assert {t["trigger"]: set(t["roles"]) for t in body["triggers"]} == {
        t.value: {r.value for r in roles} for t, roles in TRIGGER_ROLES.items()
    }
    assert {
        "trigger": "send_notice",
        "source": "team_formed",
        "dest": "notified",
        "guards": ["announced"],
    } in body["transitions"]
    assert len(body["checklist"]) == 23
    assert "stateDiagram-v2" in body["diagram"]


async def test_diagram_marks_the_current_state(http: httpx.AsyncClient, people: People) -> None:
    iid = (await start(http, people))["inspection_id"]
    body = (await http.get(f"/inspections/{iid}/diagram", headers=people.headers["viewer"])).json()
    assert body["state"] == "decided"
    assert "class decided s_active" in body["mermaid"]


async def test_health_and_readiness(api: str) -> None:
    async with httpx.AsyncClient(base_url=api) as c:
        assert (await c.get("/healthz")).json() == {"status": "ok"}
        ready = await c.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "temporal": "ok"}


async def test_temporal_unreachable_is_503(
    tmp_path_factory: pytest.TempPathFactory, sqlite_url: str, engine: Engine, people: People
) -> None:
    dead = await Client.connect(
        f"127.0.0.1:{free_port()}", data_converter=pydantic_data_converter, lazy=True
    )
    settings = api_settings(tmp_path_factory.mktemp("dead"), sqlite_url, "nowhere", 2)
    async with serve(settings, engine, dead) as url, httpx.AsyncClient(base_url=url) as c:
        ready = await c.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["database"] == "ok"
        r = await c.post(
            "/api/v1/inspections",
            json={"kind": "planned", "unit_id": b.COMMUNE, "title": "x"},
            headers=people.headers["coordinator"],
        )
        assert_error(r, 503, "unavailable")


async def test_organisation_csv_import(http: httpx.AsyncClient, people: People) -> None:
    tag = uuid.uuid4().hex[:5]
    csv_text = (
        "code,name,level,parent_code\n"
        f"P{tag},UBND tỉnh Thử,province,\n"
        f"C{tag},UBND xã Một,commune,P{tag}\n"
        f"S{tag},Trường Tiểu học Một,school,C{tag}\n"
    )
    admin = people.headers["admin"] | {"Content-Type": "text/csv"}
    r = await http.post("/organisations/import", content=csv_text.encode(), headers=admin)
    assert r.json() == {"created": 3, "skipped": 0}, r.text
    r = await http.post("/organisations/import", content=csv_text.encode(), headers=admin)
    assert r.json() == {"created": 0, "skipped": 3}
    bad = "code,name,level,parent_code\nZ1,Xã lạc,commune,NOPE\n"
    assert_error(
        await http.post("/organisations/import", content=bad.encode(), headers=admin),
        422,
        "invalid_payload",
    )
    assert_error(
        await http.post(
            "/organisations/import", content=csv_text.encode(), headers=people.headers["viewer"]
        ),
        403,
        "forbidden",
    )
