"""The API's own cost: one lifecycle's commands over HTTP minus the same as direct updates.

    python -m bench.http_cost [--quick]

One file-backed dev server, a SQLite database with the organisations and one account per
role, a ``kiemtra worker`` and a ``kiemtra api`` child process. Both run as their own
processes, as a split deployment runs them, so this process only generates load: its HTTP
clients and Temporal client never share a loop or an interpreter lock with the API or the
worker, and parsing answers here is not charged to either. (``kiemtra up`` runs the worker
and the API in one process; there the two also compete for one GIL.)

With 1 and then 10 clients (1 and 5 with ``--quick``; one result each, ``http_cost_c1``
and ``http_cost_c10``), N lifecycles are kept in flight over HTTP (POST /inspections with
an Idempotency-Key, then the nine command routes, each as its role's account) and, at the
same concurrency and in the same run, as direct updates to the same worker (as
``bench.floor`` sends them). Rounds alternate direct, HTTP, HTTP, direct after one
unmeasured lifecycle of each. What HTTP adds is the p50 (and p99) of the one minus the
other; target ≤ 15 ms at p50. On a busy machine that difference is mostly queueing, so the
API process's own CPU time per command is reported beside it.
"""

import argparse
import asyncio
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from activities.names import inspection_workflow_id
from bench.floor import (
    SERVER,
    BenchFailure,
    Lifecycle,
    Run,
    alternate,
    code_fingerprint,
    drive,
    keep_on_failure,
    kiemtra_lifecycle,
    timed,
)
from states.vocabulary import InspectionState
from store.db import make_engine
from testkit.common import figure, publish
from testkit.lifecycle import (
    ACCOUNTS,
    COMMANDS_PER_LIFECYCLE,
    HTTP_STEPS,
    PASSWORD,
    START_BODY,
    add_people,
)
from testkit.stack import Stack
from workflows.inspection import InspectionWorkflow

WORK = Path(".kiemtra/bench/http_cost")
# (clients, lifecycles): one client shows the API's cost alone; more show it under load,
# where on two cores the API, the worker and the server queue for the same CPUs.
SIZES = ((1, 20), (10, 100))
QUICK_SIZES = ((1, 6), (5, 20))
TARGET_ADDED_MS_P50 = 15.0
# Bearer tokens must outlive the run; the default of 15 minutes may not.
TOKEN_MINUTES = "240"

Headers = dict[str, dict[str, str]]


async def sign_in(http: httpx.AsyncClient) -> Headers:
    """A bearer header for every account, by username."""
    headers = {}
    for username, *_ in ACCOUNTS:
        response = await http.post("/auth/token", data={"username": username, "password": PASSWORD})
        expect(response, 200, f"sign-in of {username}")
        headers[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return headers


def cpu_ms(pid: int) -> float:
    """CPU time (user + system, every thread) a process has used so far, in ms (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def expect(response: httpx.Response, status: int, what: str) -> None:
    if response.status_code != status:
        raise BenchFailure(f"{what}: {response.status_code} {response.text[:500]}")


def http_lifecycle(http: httpx.AsyncClient, client: Client, headers: Headers) -> Lifecycle:
    """Decided → … → closed through the API, each command as the role that may send it."""

    async def lifecycle(run: Run) -> str:
        response = await timed(
            run,
            "start",
            http.post(
                "/inspections",
                json=START_BODY,
                headers={**headers["coordinator"], "Idempotency-Key": uuid.uuid4().hex},
            ),
            "POST /inspections",
        )
        expect(response, 201, "POST /inspections")
        inspection_id = response.json()["inspection_id"]
        for step in HTTP_STEPS:
            response = await timed(
                run,
                step.path,
                http.post(
                    f"/inspections/{inspection_id}/{step.path}",
                    json=step.body,
                    headers=headers[step.who],
                ),
                inspection_id,
            )
            expect(response, 200, f"POST /inspections/{inspection_id}/{step.path}")
        if (state := response.json()["state"]) != InspectionState.CLOSED:
            raise BenchFailure(f"{inspection_id} ended the lifecycle {state}, not closed")
        # As the direct lifecycle does: the round ends with its workflows, not before.
        workflow_id = inspection_workflow_id(inspection_id)
        final = await client.get_workflow_handle_for(InspectionWorkflow.run, workflow_id).result()
        if final.state is not InspectionState.CLOSED:
            raise BenchFailure(f"{workflow_id} completed {final.state}, not closed")
        return workflow_id

    return lifecycle


def result_of(
    clients: int,
    lifecycles: int,
    runs: dict[str, Run],
    order: list[str],
    api_cpu_ms: float,
    code_changed: bool,
) -> dict[str, Any]:
    http, direct = runs["http"].figures(), runs["direct"].figures()
    added = {
        q: http["latency"][q]["value"] - direct["latency"][q]["value"]
        for q in ("p50", "p95", "p99")
    }
    return {
        "name": f"http_cost_c{clients}",
        "parameters": {
            "lifecycles": lifecycles,
            "concurrency": clients,
            "commands_per_lifecycle": COMMANDS_PER_LIFECYCLE,
            "database": "sqlite",
            "server": SERVER,
            "processes": "kiemtra worker and kiemtra api as child processes",
            "order": order,
            "target_added_ms_p50": TARGET_ADDED_MS_P50,
            "code_changed_during_run": code_changed,
        },
        "figures": {
            "http": http,
            "direct": direct,
            "added_ms_p50": figure(added["p50"], "ms"),
            "added_ms_p95": figure(added["p95"], "ms"),
            "added_ms_p99": figure(added["p99"], "ms"),
            # Independent of queueing on a busy machine: what the API process itself spent.
            "api_cpu_per_command": figure(api_cpu_ms / runs["http"].commands, "ms"),
        },
        "meets_target": added["p50"] <= TARGET_ADDED_MS_P50,
    }


async def measure(sizes: tuple[tuple[int, int], ...]) -> list[dict[str, Any]]:
    """One stack; each (clients, lifecycles) measured in turn on it."""
    shutil.rmtree(WORK, ignore_errors=True)
    stack = Stack(WORK)
    code = code_fingerprint()
    finished = False
    try:
        client = await stack.start_server()
        engine = make_engine(stack.database_url)
        add_people(engine)
        stack.start_worker()
        base = await asyncio.to_thread(stack.start_api, KIEMTRA_ACCESS_TOKEN_MINUTES=TOKEN_MINUTES)
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            headers = await sign_in(http)
            drivers = {
                # Direct updates, recorded by this process as the API records them.
                "direct": kiemtra_lifecycle(client, stack.task_queue, engine),
                "http": http_lifecycle(http, client, headers),
            }
            for lifecycle in drivers.values():
                await drive(lifecycle, 1, 1)  # warm-up, not measured
            api = stack.apis[0].pid
            measured = []
            for clients, lifecycles in sizes:
                before = cpu_ms(api)  # the API is idle in the direct rounds
                runs, order = await alternate(drivers, lifecycles, clients)
                api_cpu = cpu_ms(api) - before
                measured.append((clients, lifecycles, runs, order, api_cpu))
        finished = True
    finally:
        await stack.stop()
        keep_on_failure(WORK, finished)
    changed = code_fingerprint() != code
    return [result_of(*m, code_changed=changed) for m in measured]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1 and 5 clients, 6 and 20 lifecycles")
    args = parser.parse_args(argv)
    results = asyncio.run(measure(QUICK_SIZES if args.quick else SIZES))
    publish(results)


if __name__ == "__main__":
    main()
