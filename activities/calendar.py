"""Carrying the working-day calendar to running inspections.

Called by the API after an administrator edits the calendar (and by the daily digest, which
re-sends it so that an interrupted broadcast heals within a day).
"""

import asyncio
import logging

from temporalio.client import Client

from states.calendar import WorkingCalendar

log = logging.getLogger(__name__)

RUNNING_INSPECTIONS = "WorkflowType = 'InspectionWorkflow' AND ExecutionStatus = 'Running'"
CALENDAR_CHANGED = "calendar_changed"


async def broadcast_calendar(
    client: Client, calendar: WorkingCalendar, concurrency: int = 20
) -> int:
    """Signal every running inspection with ``calendar``; returns how many were reached."""
    ids = [wf.id async for wf in client.list_workflows(RUNNING_INSPECTIONS)]
    gate = asyncio.Semaphore(concurrency)

    async def signal(workflow_id: str) -> bool:
        async with gate:
            try:
                await client.get_workflow_handle(workflow_id).signal(CALENDAR_CHANGED, calendar)
                return True
            except Exception as exc:  # closed meanwhile; the next broadcast reaches the rest
                log.warning("calendar not delivered to %s: %s", workflow_id, exc)
                return False

    reached = await asyncio.gather(*(signal(i) for i in ids))
    return sum(reached)
