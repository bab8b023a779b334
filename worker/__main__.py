"""``python -m worker``: the same process as ``kiemtra worker``."""

import asyncio
import logging

from worker.cli import run_worker
from worker.settings import WorkerSettings

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(run_worker(WorkerSettings()))
