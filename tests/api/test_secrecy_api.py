"""Surprise secrecy end to end: the inspected commune's representative polls everything —
list, count, detail, trail, diagram, commands, inbox and a real SMTP mailbox — and finds
nothing until the team is on site; afterwards the inspection is there like any other."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client

from activities.mailer import SmtpMailer
from store.tables import User
from testkit import samples as b
from testkit.mailbox import smtp_server
from tests.api.conftest import People, api_settings, serve
from tests.api.test_lifecycle_api import results, team
from worker.build import build_worker

UNIT_MAIL = "daidien.anphu@example.vn"


async def unit_sees(c: httpx.AsyncClient, people: People, iid: str) -> dict[str, Any]:
    h = people.headers["unit_rep"]
    listed = (await c.get("/inspections", params={"limit": 500}, headers=h)).json()
    inbox = (await c.get("/notifications", params={"limit": 200}, headers=h)).json()
    return {
        "listed": iid in {i["id"] for i in listed["data"]},
        "count": listed["count"],
        "detail": (await c.get(f"/inspections/{iid}", headers=h)).status_code,
        "events": (await c.get(f"/inspections/{iid}/events", headers=h)).status_code,
        "diagram": (await c.get(f"/inspections/{iid}/diagram", headers=h)).status_code,
        "command": (await c.post(f"/inspections/{iid}/acknowledge", headers=h)).status_code,
        "told": sum(1 for n in inbox["data"] if n["inspection_id"] == iid),
    }


async def test_surprise_is_invisible_to_the_unit_until_on_site(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    people: People,
) -> None:
    with Session(engine) as session:
        rep = session.get(User, people.ids["unit_rep"])
        assert rep is not None
        rep.email = UNIT_MAIL
        session.add(rep)
        session.commit()
    queue = f"secrecy-{uuid.uuid4().hex[:6]}"
    settings = api_settings(tmp_path_factory.mktemp("secrecy"), sqlite_url, queue, 20)
    with smtp_server() as (mailbox, port):
        mailer = SmtpMailer("127.0.0.1", port, sender="kiemtra@snv.example.vn", timeout=5)
        async with (
            build_worker(client, engine, queue, mailer=mailer),
            serve(settings, engine, client) as url,
            httpx.AsyncClient(base_url=f"{url}/api/v1", timeout=60) as c,
        ):
            before = await unit_sees(c, people, "none")
            coord = people.headers["coordinator"]
            r = await c.post(
                "/inspections",
                json={
                    "kind": "surprise",
                    "unit_id": b.COMMUNE,
                    "title": "Kiểm tra đột xuất bộ phận một cửa",
                },
                headers=coord,
            )
            iid = r.json()["inspection_id"]
            assert (
                await c.post(f"/inspections/{iid}/team", json=team(people), headers=coord)
            ).status_code == 200
            hidden = await unit_sees(c, people, iid)
            assert hidden == {
                "listed": False,
                "count": before["count"],
                "detail": 404,
                "events": 404,
                "diagram": 404,
                "command": 404,
                "told": 0,
            }
            assert mailbox.to(UNIT_MAIL) == []

            leader = people.headers["leader"]
            assert (
                await c.post(f"/inspections/{iid}/visit/start", headers=leader)
            ).status_code == 200
            seen = await unit_sees(c, people, iid)
            assert (seen["listed"], seen["count"], seen["detail"], seen["events"]) == (
                True,
                before["count"] + 1,
                200,
                200,
            )
            assert seen["command"] == 409  # visible now: refused by the state, not hidden

            assert (
                await c.post(
                    f"/inspections/{iid}/visit",
                    json={"results": results(["WH-01", "ID-01"])},
                    headers=leader,
                )
            ).status_code == 200
            r = await c.post(f"/inspections/{iid}/findings-report", json={}, headers=leader)
            assert r.status_code == 200, r.text
            r = await c.post(
                f"/inspections/{iid}/conclusion",
                json={},
                headers=people.headers["decision_maker"],
            )
            assert r.status_code == 200
            for _ in range(100):
                if mailbox.to(UNIT_MAIL):
                    break
                await asyncio.sleep(0.1)
            [mail] = mailbox.to(UNIT_MAIL)
            assert "240/TB-UBND" in mail.get_content() or "Kiểm tra đột xuất" in mail.get_content()
            assert (await unit_sees(c, people, iid))["told"] == 1
