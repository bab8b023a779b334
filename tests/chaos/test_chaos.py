"""Durability, reduced: a dozen lifecycles over HTTP through worker kills, a dev-server restart
and a locked database, then fifty concurrent commands; nothing lost, mismatched or doubled.
Then the same with two workers and two API processes, one of each killed.

The same runs as ``python -m bench.chaos`` (their own dev server, worker and API processes,
none of the session fixtures), with the fault moments fixed by a seed and tied to progress
rather than to the clock, so a loaded machine changes how long they take, not what they test.
"""

import random
from dataclasses import replace
from pathlib import Path

from testkit.chaos import ChaosConfig, run_chaos
from testkit.chaos_checks import failures
from testkit.common import show

SEED = 20261202
_moments = random.Random(SEED)
CONFIG = ChaosConfig(
    inspections=12,
    concurrency=6,
    seed=SEED,
    kill_every=None,
    # Early, among the first starts and team formations: work a kill interrupts waits out
    # its timeout before it is retried (a workflow task 10 s, an e-mail 60 s and 10 s), and
    # those waits then overlap the rest of the run instead of prolonging it.
    kill_at=tuple(sorted(round(_moments.uniform(0.02, 0.09), 3) for _ in range(2))),
    kill_pause=(0.5, 1.5),
    server_restart_at=0.5,
    server_down=2.0,
    db_outage_at=0.65,
    db_outage=5.0,
    parked=2,
    idempotency_requests=50,
    idempotency_deadline=90.0,
    command_deadline=150.0,
    settle_timeout=200.0,
)


async def test_nothing_is_lost_or_doubled_through_faults(tmp_path: Path) -> None:
    result = await run_chaos(CONFIG, tmp_path / "chaos")
    show(result)  # the figures, for the output of a failure (or of -s)
    value = {name: f["value"] for name, f in result["figures"].items()}

    assert failures(result["figures"]) == []
    assert result["problems"] == []
    # The faults happened: otherwise the invariants above prove nothing.
    assert value["worker_kills"] == 2
    assert value["server_restarts"] == 1
    assert value["db_outage_seconds"] > 0
    assert value["timers_checked"] >= 1
    assert value["completed"] == CONFIG.inspections + 1
    assert value["duplicated_distinct"] == 0
    assert value["idempotency_distinct_accepted"] == 1


_two = random.Random(SEED + 2)
# Two workers and two APIs, requests spread over both; the server restart and the database
# outage are left to the run above, so that this one adds what only it tests: a worker
# killed while another serves (each of the first two once) and an API killed with requests
# in flight, which its clients retry on the other one.
TWO_AND_TWO = replace(
    CONFIG,
    inspections=8,
    workers=2,
    apis=2,
    kill_at=tuple(sorted(round(_two.uniform(0.02, 0.09), 3) for _ in range(2))),
    api_kill_at=(round(_two.uniform(0.3, 0.7), 3),),
    server_restart_at=None,
    db_outage_at=None,
)


async def test_two_workers_and_two_apis_lose_and_double_nothing(tmp_path: Path) -> None:
    result = await run_chaos(TWO_AND_TWO, tmp_path / "chaos")
    show(result)
    value = {name: f["value"] for name, f in result["figures"].items()}

    assert failures(result["figures"]) == []
    assert result["problems"] == []
    assert value["worker_kills"] == 2
    assert value["api_kills"] == 1
    assert value["api_requests_cut"] >= 1
    assert value["completed"] == TWO_AND_TWO.inspections + 1
    assert value["idempotency_distinct_accepted"] == 1
