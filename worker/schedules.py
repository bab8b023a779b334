"""The daily digest's Temporal Schedule, created idempotently by `kiemtra up` / `worker`."""

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleSpec,
)

from states.models import DigestInput
from workflows.digest import DIGEST_WORKFLOW_ID, DigestWorkflow

DIGEST_SCHEDULE_ID = "kiemtra-daily-digest"
# 07:30 in Vietnam, Monday to Saturday (make-up Saturdays); the workflow skips days off.
DIGEST_CRON = "30 7 * * 1-6"


async def ensure_digest_schedule(client: Client, task_queue: str) -> bool:
    """Create the schedule unless it exists; True when it was created now."""
    try:
        await client.create_schedule(
            DIGEST_SCHEDULE_ID,
            Schedule(
                action=ScheduleActionStartWorkflow(
                    DigestWorkflow.run, DigestInput(), id=DIGEST_WORKFLOW_ID, task_queue=task_queue
                ),
                spec=ScheduleSpec(
                    cron_expressions=[DIGEST_CRON], time_zone_name="Asia/Ho_Chi_Minh"
                ),
            ),
        )
    except ScheduleAlreadyRunningError:
        return False
    return True
