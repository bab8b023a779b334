"""A served app of its own for the fuzzer: the same roles, in an organisation tree of its own.

The fuzzer creates and mutates freely (organisations, users, inspections, calendar days), so it
gets its own accounts and units, never the ones tests/api asserts on, and it puts the
working-day calendar back as it found it when the module ends.
"""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client

from api.app import API_PREFIX
from api.security import hash_password
from states.vocabulary import Role
from store.accounts import create_user
from store.calendar import configured_days, delete_day, set_day
from store.tables import Organisation
from testkit import samples as b
from tests.api.conftest import ACCOUNTS, ORGANISATIONS, PASSWORD, api_settings, serve

# Logins are fuzzed against this account only, so lockout can never reach a role account.
THROWAWAY = "fuzz_throwaway"
ANONYMOUS = "anonymous"


def fuzz_org(oid: str) -> str:
    return f"fuzz-{oid}"


def fuzz_user(username: str) -> str:
    return f"fuzz_{username}"


@dataclass
class Target:
    """Where the fuzzed app answers, who may call it, and ids that exist there."""

    base_url: str
    headers: dict[str, dict[str, str]]
    inspection_ids: list[str]
    organisation_ids: list[str]


@pytest.fixture(scope="session")
def fuzz_people(engine: Engine) -> dict[str, str]:
    """The tests/api tree and accounts, under fuzz-owned ids and usernames."""
    with Session(engine) as session:
        for oid, code, name, level, parent in ORGANISATIONS:
            session.add(
                Organisation(
                    id=fuzz_org(oid),
                    code=f"FZ-{code}",
                    name=f"{name} (fuzz)",
                    level=level,
                    parent_id=fuzz_org(parent) if parent else None,
                )
            )
            session.commit()
        hashed = hash_password(PASSWORD)
        accounts = [*ACCOUNTS, (THROWAWAY, Role.VIEWER, b.PROVINCE)]
        return {
            username: create_user(
                session,
                username=fuzz_user(username) if username != THROWAWAY else THROWAWAY,
                password_hash=hashed,
                role=role,
                organisation_id=fuzz_org(org),
                full_name=f"Fuzz {username.replace('_', ' ').title()}",
            ).id
            for username, role, org in accounts
        }


async def _seed_inspections(
    http: httpx.AsyncClient, headers: dict[str, dict[str, str]]
) -> list[str]:
    """One announced inspection still decided, one surprise, one with the team on site."""
    commune = fuzz_org(b.COMMUNE)

    async def post(who: str, path: str, body: Any = None) -> dict[str, Any]:
        r = await http.post(path, json=body, headers=headers[who])
        assert r.status_code in (200, 201), r.text
        return dict(r.json())

    def create(kind: str) -> dict[str, Any]:
        return {"kind": kind, "unit_id": commune, "title": f"Fuzz {kind}"}

    decided = await post("coordinator", "/inspections", create("planned"))
    surprise = await post("coordinator", "/inspections", create("surprise"))
    on_site = await post("coordinator", "/inspections", create("planned"))
    oid = on_site["inspection_id"]
    team = {
        "members": [
            {"username": fuzz_user("leader"), "team_role": "team_leader"},
            {"username": fuzz_user("member"), "team_role": "member"},
        ]
    }
    await post("coordinator", f"/inspections/{oid}/team", team)
    await post("coordinator", f"/inspections/{oid}/notice", {"number": "1/TB-FUZZ"})
    await post("leader", f"/inspections/{oid}/visit/start")
    return [decided["inspection_id"], surprise["inspection_id"], oid]


@pytest.fixture(scope="session")
async def fuzz_target(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_url: str,
    engine: Engine,
    client: Client,
    task_queue: str,
    fuzz_people: dict[str, str],
) -> AsyncIterator[Target]:
    """The real app on its own port (same database, worker and dev server as the session)."""
    settings = api_settings(tmp_path_factory.mktemp("fuzz"), sqlite_url, task_queue, 10)
    async with (
        serve(settings, engine, client) as base_url,
        httpx.AsyncClient(base_url=f"{base_url}{API_PREFIX}", timeout=60) as http,
    ):
        headers: dict[str, dict[str, str]] = {}
        logins = {username: fuzz_user(username) for username, _, _ in ACCOUNTS}
        for who, username in (logins | {THROWAWAY: THROWAWAY}).items():
            form = {"username": username, "password": PASSWORD}
            r = await http.post("/auth/token", data=form)
            assert r.status_code == 200, r.text
            headers[who] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        headers[ANONYMOUS] = {}
        yield Target(
            base_url=base_url,
            headers=headers,
            inspection_ids=await _seed_inspections(http, headers),
            organisation_ids=[fuzz_org(oid) for oid, *_ in ORGANISATIONS],
        )


@pytest.fixture(scope="module", autouse=True)
def calendar_restored(engine: Engine) -> Iterator[None]:
    """Days the fuzzer adds or deletes would move other tests' deadlines: undo them."""
    with Session(engine) as session:
        before = {d.day: d for d in configured_days(session)}
    yield
    with Session(engine) as session:
        after = {d.day: d for d in configured_days(session)}
        for day in after.keys() - before.keys():
            delete_day(session, day)
        for day, configured in before.items():
            if after.get(day) != configured:
                set_day(session, configured)
