"""One ``build_worker`` for production and tests, so the wiring cannot drift."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.worker import Worker

from activities.records import RecordsActivities
from workflows.inspection import InspectionWorkflow

WORKFLOWS = [InspectionWorkflow]


def build_worker(
    client: Client, engine: Engine, task_queue: str, max_concurrent_activities: int = 50
) -> Worker:
    """A worker running every kiemtra workflow and activity on ``task_queue``."""
    records = RecordsActivities(engine)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[records.record_transition],
        activity_executor=ThreadPoolExecutor(max_workers=max_concurrent_activities),
        max_concurrent_activities=max_concurrent_activities,
    )
