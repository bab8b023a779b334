"""Concurrent commands over HTTP: the same Idempotency-Key fifty times is one effect; fifty
different keys racing for a step that allows one get one acceptance and 409s."""

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from store.tables import Event, Inspection
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, start, team

TIMES = 50


async def post_until_answered(
    http: httpx.AsyncClient, people: People, who: str, path: str, body: Any, key: str
) -> httpx.Response:
    """As a client does: a 503 (a loaded test machine) is retried with the same key."""
    for _ in range(20):
        r = await post(http, people, who, path, body, headers={"Idempotency-Key": key})
        if r.status_code != 503:
            return r
        await asyncio.sleep(0.5)
    return r


def events(engine: Engine, inspection_id: str) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(
            select(Event.trigger)
            .where(Event.inspection_id == inspection_id)
            .order_by(col(Event.seq))
        ).all()
    return list(rows)


async def test_same_key_fifty_times_is_one_effect(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    key = {"Idempotency-Key": f"start-{uuid.uuid4().hex}"}
    body = {"kind": "planned", "unit_id": "org-commune-an-phu", "title": "Đồng thời"}
    starts = await asyncio.gather(
        *(
            post(http, people, "coordinator", "/inspections", body, headers=key)
            for _ in range(TIMES)
        )
    )
    assert {r.status_code for r in starts} == {201}
    ids = {r.json()["inspection_id"] for r in starts}
    assert len(ids) == 1
    (iid,) = ids
    with Session(engine) as session:
        assert session.exec(select(func.count()).where(Inspection.id == iid)).one() == 1

    key = f"team-{uuid.uuid4().hex}"
    path = f"/inspections/{iid}/team"
    answers = await asyncio.gather(
        *(
            post_until_answered(http, people, "coordinator", path, team(people), key)
            for _ in range(TIMES)
        )
    )
    assert {r.status_code for r in answers} == {200}
    assert {r.json()["seq"] for r in answers} == {2}
    assert events(engine, iid) == ["decide", "form_team"]


async def test_fifty_keys_racing_for_one_step_get_one_acceptance(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> None:
    iid = (await start(http, people))["inspection_id"]
    answers = await asyncio.gather(
        *(
            post_until_answered(
                http,
                people,
                "coordinator",
                f"/inspections/{iid}/team",
                team(people),
                f"racer-{n}-{uuid.uuid4().hex}",
            )
            for n in range(TIMES)
        )
    )
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200] + [409] * (TIMES - 1)
    assert {r.json()["error"] for r in answers if r.status_code == 409} == {"invalid_transition"}
    assert events(engine, iid) == ["decide", "form_team"]
