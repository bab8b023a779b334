"""``python -m worker``: migrate the database, then poll the task queue until stopped."""

import asyncio
import logging

from store.db import make_engine
from store.migrate import upgrade
from worker.build import build_worker
from worker.client import connect
from worker.settings import WorkerSettings


async def main() -> None:
    settings = WorkerSettings()
    url = settings.resolved_database_url
    upgrade(url)
    engine = make_engine(url)
    client = await connect(settings)
    worker = build_worker(client, engine, settings.task_queue, settings.max_concurrent_activities)
    logging.info("kiemtra worker polling %s on %s", settings.task_queue, settings.temporal_address)
    await worker.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
