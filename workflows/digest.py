"""DigestWorkflow: each working-day morning, one message per coordinator, then reconcile.

Started by a Temporal Schedule (worker/schedules.py) Monday to Saturday; the workflow
itself skips days that are not working days (holidays; Saturdays unless made up).
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.names import COLLECT_DIGESTS, DELIVER_EMAIL, DIGEST_DAY, NOTIFY, RECONCILE
    from states.calendar import local_date
    from states.models import DigestDay, DigestInput, DigestResult, NotifyInput

DIGEST_WORKFLOW_ID = "kiemtra-daily-digest"
SHORT = timedelta(seconds=60)
RECONCILE_TIMEOUT = timedelta(minutes=30)
EMAIL_RETRY = RetryPolicy(initial_interval=timedelta(seconds=10), maximum_attempts=10)


@workflow.defn
class DigestWorkflow:
    @workflow.run
    async def run(self, inp: DigestInput) -> DigestResult:
        on = inp.on or local_date(workflow.now())
        day: DigestDay = await workflow.execute_activity(
            DIGEST_DAY, on, start_to_close_timeout=SHORT, result_type=DigestDay
        )
        result = DigestResult(on=on, working=day.working)
        if day.working:
            notices: list[NotifyInput] = await workflow.execute_activity(
                COLLECT_DIGESTS, day, start_to_close_timeout=SHORT, result_type=list[NotifyInput]
            )
            for notice in notices:
                emails: list[int] = await workflow.execute_activity(
                    NOTIFY, notice, start_to_close_timeout=SHORT, result_type=list[int]
                )
                for notification_id in emails:
                    await workflow.execute_activity(
                        DELIVER_EMAIL,
                        notification_id,
                        start_to_close_timeout=SHORT,
                        retry_policy=EMAIL_RETRY,
                    )
            result.digests = len(notices)
        repaired, reached = await workflow.execute_activity(
            RECONCILE, on, start_to_close_timeout=RECONCILE_TIMEOUT, result_type=tuple[int, int]
        )
        result.reconciled, result.calendar_reached = repaired, reached
        return result
