"""InspectionWorkflow: one durable workflow per inspection, from decision to closure.

Every command is an Update named after its trigger. The validator asks the procedure
(machine, roles, payload) and rejects without a trace in history; the handler applies the
transition, projects it to SQL through an activity and returns the new snapshot.
"""

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.names import RECORD_TRANSITION
    from states import procedure
    from states.errors import DomainError
    from states.models import (
        AcknowledgeInput,
        CancelInput,
        Command,
        ConcludeInput,
        DisputeInput,
        FormTeamInput,
        InspectionSnapshot,
        RecordTransitionInput,
        RecordVisitInput,
        ReportRemediationInput,
        ResolveDisputeInput,
        ResumeInput,
        ScheduleReinspectionInput,
        SendNoticeInput,
        StartInspectionInput,
        StartVisitInput,
        SuspendInput,
        TransitionEvent,
        VerifyInput,
    )
    from states.vocabulary import TERMINAL_STATES, Trigger
    from workflows.search_attributes import KIEMTRA_KIND, KIEMTRA_STATE, KIEMTRA_UNIT

T = Trigger

# Projection retries until the database answers again: an accepted command is never lost.
PROJECTION_TIMEOUT = timedelta(seconds=30)
PROJECTION_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=10))


def inspection_workflow_id(inspection_id: str) -> str:
    """The one workflow id of an inspection."""
    return f"inspection-{inspection_id}"


def domain_failure(error: DomainError) -> ApplicationError:
    """A domain refusal as the failure the client sees, typed from the closed vocabulary."""
    return ApplicationError(error.message, error.detail, type=error.type.value, non_retryable=True)


@workflow.defn
class InspectionWorkflow:
    @workflow.init
    def __init__(self, inp: StartInspectionInput) -> None:
        self._snapshot, self._decided = procedure.start(inp, workflow.now())
        # Handlers apply and project one command at a time, in order.
        self._lock = asyncio.Lock()
        self._recorded = False

    @workflow.run
    async def run(self, inp: StartInspectionInput) -> InspectionSnapshot:
        self._upsert_search_attributes()
        await self._project(self._decided)
        self._recorded = True
        await workflow.wait_condition(
            lambda: self._snapshot.state in TERMINAL_STATES and workflow.all_handlers_finished()
        )
        return self._snapshot

    @workflow.query
    def get_snapshot(self) -> InspectionSnapshot:
        return self._snapshot

    @workflow.update
    async def opened(self) -> InspectionSnapshot:
        """The snapshot once the decision is recorded in SQL (sent with update-with-start)."""
        await workflow.wait_condition(lambda: self._recorded)
        return self._snapshot

    def _check(self, trigger: Trigger, cmd: Command) -> None:
        try:
            procedure.check(self._snapshot, trigger, cmd, workflow.now())
        except DomainError as error:
            raise domain_failure(error) from None

    async def _fire(self, trigger: Trigger, cmd: Command) -> InspectionSnapshot:
        # Handlers may run before run(): the decision is recorded first, so events stay in order.
        await workflow.wait_condition(lambda: self._recorded)
        async with self._lock:
            # Validated against the state at acceptance; an earlier update may have moved it.
            self._check(trigger, cmd)
            self._snapshot, event = procedure.apply(self._snapshot, trigger, cmd, workflow.now())
            self._upsert_search_attributes()
            await self._project(event)
            return self._snapshot

    async def _project(self, event: TransitionEvent) -> None:
        await workflow.execute_activity(
            RECORD_TRANSITION,
            RecordTransitionInput(event=event, snapshot=self._snapshot),
            start_to_close_timeout=PROJECTION_TIMEOUT,
            retry_policy=PROJECTION_RETRY,
        )

    def _upsert_search_attributes(self) -> None:
        workflow.upsert_search_attributes(
            [
                KIEMTRA_STATE.value_set(self._snapshot.state.value),
                KIEMTRA_UNIT.value_set(self._snapshot.unit_id),
                KIEMTRA_KIND.value_set(self._snapshot.kind.value),
            ]
        )

    # One update per trigger; each validator asks the procedure before anything is written.

    @workflow.update
    async def form_team(self, cmd: FormTeamInput) -> InspectionSnapshot:
        return await self._fire(T.FORM_TEAM, cmd)

    @form_team.validator
    def validate_form_team(self, cmd: FormTeamInput) -> None:
        self._check(T.FORM_TEAM, cmd)

    @workflow.update
    async def send_notice(self, cmd: SendNoticeInput) -> InspectionSnapshot:
        return await self._fire(T.SEND_NOTICE, cmd)

    @send_notice.validator
    def validate_send_notice(self, cmd: SendNoticeInput) -> None:
        self._check(T.SEND_NOTICE, cmd)

    @workflow.update
    async def start_visit(self, cmd: StartVisitInput) -> InspectionSnapshot:
        return await self._fire(T.START_VISIT, cmd)

    @start_visit.validator
    def validate_start_visit(self, cmd: StartVisitInput) -> None:
        self._check(T.START_VISIT, cmd)

    @workflow.update
    async def record_visit(self, cmd: RecordVisitInput) -> InspectionSnapshot:
        return await self._fire(T.RECORD_VISIT, cmd)

    @record_visit.validator
    def validate_record_visit(self, cmd: RecordVisitInput) -> None:
        self._check(T.RECORD_VISIT, cmd)

    @workflow.update
    async def conclude(self, cmd: ConcludeInput) -> InspectionSnapshot:
        return await self._fire(T.CONCLUDE, cmd)

    @conclude.validator
    def validate_conclude(self, cmd: ConcludeInput) -> None:
        self._check(T.CONCLUDE, cmd)

    @workflow.update
    async def acknowledge(self, cmd: AcknowledgeInput) -> InspectionSnapshot:
        return await self._fire(T.ACKNOWLEDGE, cmd)

    @acknowledge.validator
    def validate_acknowledge(self, cmd: AcknowledgeInput) -> None:
        self._check(T.ACKNOWLEDGE, cmd)

    @workflow.update
    async def dispute(self, cmd: DisputeInput) -> InspectionSnapshot:
        return await self._fire(T.DISPUTE, cmd)

    @dispute.validator
    def validate_dispute(self, cmd: DisputeInput) -> None:
        self._check(T.DISPUTE, cmd)

    @workflow.update
    async def resolve_dispute(self, cmd: ResolveDisputeInput) -> InspectionSnapshot:
        return await self._fire(T.RESOLVE_DISPUTE, cmd)

    @resolve_dispute.validator
    def validate_resolve_dispute(self, cmd: ResolveDisputeInput) -> None:
        self._check(T.RESOLVE_DISPUTE, cmd)

    @workflow.update
    async def report_remediation(self, cmd: ReportRemediationInput) -> InspectionSnapshot:
        return await self._fire(T.REPORT_REMEDIATION, cmd)

    @report_remediation.validator
    def validate_report_remediation(self, cmd: ReportRemediationInput) -> None:
        self._check(T.REPORT_REMEDIATION, cmd)

    @workflow.update
    async def schedule_reinspection(self, cmd: ScheduleReinspectionInput) -> InspectionSnapshot:
        return await self._fire(T.SCHEDULE_REINSPECTION, cmd)

    @schedule_reinspection.validator
    def validate_schedule_reinspection(self, cmd: ScheduleReinspectionInput) -> None:
        self._check(T.SCHEDULE_REINSPECTION, cmd)

    @workflow.update
    async def verify(self, cmd: VerifyInput) -> InspectionSnapshot:
        return await self._fire(T.VERIFY, cmd)

    @verify.validator
    def validate_verify(self, cmd: VerifyInput) -> None:
        self._check(T.VERIFY, cmd)

    @workflow.update
    async def cancel(self, cmd: CancelInput) -> InspectionSnapshot:
        return await self._fire(T.CANCEL, cmd)

    @cancel.validator
    def validate_cancel(self, cmd: CancelInput) -> None:
        self._check(T.CANCEL, cmd)

    @workflow.update
    async def suspend(self, cmd: SuspendInput) -> InspectionSnapshot:
        return await self._fire(T.SUSPEND, cmd)

    @suspend.validator
    def validate_suspend(self, cmd: SuspendInput) -> None:
        self._check(T.SUSPEND, cmd)

    @workflow.update
    async def resume(self, cmd: ResumeInput) -> InspectionSnapshot:
        return await self._fire(T.RESUME, cmd)

    @resume.validator
    def validate_resume(self, cmd: ResumeInput) -> None:
        self._check(T.RESUME, cmd)
