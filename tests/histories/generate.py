"""Regenerate the saved histories replayed by tests/workflows/test_replay.py (the
scenarios named on the command line, or all of them).

``make histories`` — run it when a deliberate, patched change to the workflow ships, and
keep the old files too under a versioned name: running inspections replay the old
histories. ``*-v1.json`` were recorded before the ``local-records-v1`` patch (regular
activities), ``*-v2.json`` before ``committed-records-v2`` (local activities).
"""

import asyncio
import sys
import tempfile
import uuid
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from store.db import make_engine
from store.migrate import upgrade
from tests.workflows.scenarios import SCENARIOS
from worker.binaries import temporal_cli
from worker.build import build_worker
from workflows.search_attributes import ALL

HERE = Path(__file__).parent


async def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/kiemtra.db"
        upgrade(url)
        engine = make_engine(url)
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_cli(),
            data_converter=pydantic_data_converter,
            search_attributes=ALL,
        )
        queue = f"histories-{uuid.uuid4().hex[:6]}"
        try:
            async with build_worker(env.client, engine, queue):
                for name, scenario in SCENARIOS.items():
                    if names and name not in names:
                        continue
                    handle = await scenario(env.client, queue)
                    await handle.result()
                    history = await handle.fetch_history()
                    (HERE / f"{name}.json").write_text(history.to_json(), encoding="utf-8")
                    print(f"saved {name}.json ({len(history.events)} events)")
        finally:
            await env.shutdown()
            engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
