"""InspectionWorkflow: one durable workflow per inspection, from decision to closure.

Every command is an Update named after its trigger. The validator asks the procedure
(machine, roles, payload) and rejects without a trace in history; the handler applies the
transition, projects it to SQL through an activity and returns the new snapshot. Between
commands the run loop keeps the agenda: it sleeps until the next reminder, overdue moment
or escalation, sends it, and recomputes whenever a command or the calendar changes.
"""

import asyncio
import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.names import (
        DELIVER_EMAIL,
        NOTIFY,
        RECORD_TRANSITION,
    )
    from states import deadlines, procedure
    from states.calendar import WorkingCalendar
    from states.errors import DomainError
    from states.models import (
        AcknowledgeInput,
        CancelInput,
        Command,
        ConcludeInput,
        DecideExtensionInput,
        DisputeInput,
        ExtendVisitInput,
        FormTeamInput,
        InspectionSnapshot,
        NotifyInput,
        RecordTransitionInput,
        RecordVisitInput,
        ReportRemediationInput,
        RequestExtensionInput,
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
    from states.vocabulary import TERMINAL_STATES, Audience, InspectionState, NoticeKind, Trigger
    from workflows.search_attributes import (
        KIEMTRA_KIND,
        KIEMTRA_NEXT_DEADLINE,
        KIEMTRA_STATE,
        KIEMTRA_UNIT,
    )

T = Trigger
S = InspectionState

# Projection retries until the database answers again: an accepted command is never lost.
PROJECTION_TIMEOUT = timedelta(seconds=30)
PROJECTION_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=10))
NOTIFY_TIMEOUT = timedelta(seconds=30)
# E-mail: retried with backoff for about a day; each failure is visible on its outbox row.
EMAIL_TIMEOUT = timedelta(seconds=60)
EMAIL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=10),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(hours=2),
    maximum_attempts=20,
)


# Patch: projection and outbox run as local activities (one workflow task per command instead
# of two, and no activity task round trip through the server). Histories written before it
# replay with the regular activities they recorded.
LOCAL_RECORDS = "local-records-v1"


def domain_failure(error: DomainError) -> ApplicationError:
    """A domain refusal as the failure the client sees, typed from the closed vocabulary."""
    return ApplicationError(error.message, error.detail, type=error.type.value, non_retryable=True)


# Who hears of a command as it happens (the agenda covers what is due later).
ANNOUNCEMENTS: dict[Trigger, tuple[NoticeKind, list[Audience]]] = {
    T.SEND_NOTICE: (NoticeKind.NOTICE_ISSUED, [Audience.UNIT, Audience.TEAM]),
    T.REQUEST_EXTENSION: (NoticeKind.EXTENSION_REQUESTED, [Audience.COORDINATOR]),
    T.DECIDE_EXTENSION: (NoticeKind.EXTENSION_DECIDED, [Audience.UNIT]),
}


@workflow.defn
class InspectionWorkflow:
    @workflow.init
    def __init__(self, inp: StartInspectionInput) -> None:
        self._calendar: WorkingCalendar = inp.calendar
        self._decided: TransitionEvent | None = None
        if inp.resume_from is not None:
            self._snapshot = inp.resume_from
        else:
            self._snapshot, self._decided = procedure.start(inp, workflow.now())
        # Handlers apply and project one command at a time, in order.
        self._lock = asyncio.Lock()
        self._recorded = inp.resume_from is not None
        self._changed = False
        self._deliveries: set[asyncio.Task[None]] = set()

    @workflow.run
    async def run(self, inp: StartInspectionInput) -> InspectionSnapshot:
        if self._decided is not None:
            self._upsert_search_attributes()
            await self._project(self._decided)
        self._recorded = True
        while not self._ended():
            async with self._lock:
                await self._keep_agenda()
            wake = deadlines.next_wake(self._snapshot, self._calendar)
            timeout = None if wake is None else wake - workflow.now()
            if timeout is None or timeout > timedelta(0):
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(
                        lambda: self._changed or self._ended(), timeout=timeout
                    )
            self._changed = False
            if workflow.info().is_continue_as_new_suggested() and not self._ended():
                await self._drain()
                workflow.continue_as_new(
                    inp.model_copy(
                        update={"resume_from": self._snapshot, "calendar": self._calendar}
                    )
                )
        await self._drain()
        return self._snapshot

    def _ended(self) -> bool:
        return self._snapshot.state in TERMINAL_STATES

    async def _drain(self) -> None:
        """Let every handler and every e-mail delivery finish before the run ends."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._deliveries:
            await asyncio.gather(*self._deliveries)

    @workflow.query
    def get_snapshot(self) -> InspectionSnapshot:
        return self._snapshot

    @workflow.query
    def get_agenda(self) -> list[deadlines.AgendaItem]:
        """Reminders, overdue notices and escalations still to come, in time order."""
        return [
            i
            for i in deadlines.agenda(self._snapshot, self._calendar)
            if i.key not in self._snapshot.sent
        ]

    @workflow.update
    async def opened(self) -> InspectionSnapshot:
        """The snapshot once the decision is recorded in SQL (sent with update-with-start)."""
        await workflow.wait_condition(lambda: self._recorded)
        return self._snapshot

    @workflow.signal
    def calendar_changed(self, calendar: WorkingCalendar) -> None:
        """An administrator edited the working-day calendar: recompute every due date."""
        self._calendar = calendar
        self._changed = True

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
            now = workflow.now()
            before = self._snapshot
            self._snapshot, event = procedure.apply(before, trigger, cmd, now, self._calendar)
            self._refresh_status(now)
            self._upsert_search_attributes()
            await self._project(event)
            await self._announce(trigger, before)
            self._changed = True
            return self._snapshot

    async def _announce(self, trigger: Trigger, before: InspectionSnapshot) -> None:
        s = self._snapshot
        if s.state is S.REMEDIATION_REQUESTED and s.cycle_started(before):
            await self._notify(
                deadlines.notification(
                    s, NoticeKind.CONCLUSION_ISSUED, [Audience.UNIT], f"request:{s.cycle}"
                )
            )
        if trigger in ANNOUNCEMENTS:
            kind, audiences = ANNOUNCEMENTS[trigger]
            await self._notify(deadlines.notification(s, kind, audiences, f"{trigger}:{s.seq}"))

    async def _keep_agenda(self) -> None:
        """Send what is due, then bring the deadline status up to date."""
        now = workflow.now()
        send, settled = deadlines.due_now(self._snapshot, self._calendar, now)
        for item in send:
            await self._notify(deadlines.item_notification(self._snapshot, item, now))
        changed = bool(settled)
        if settled:
            self._snapshot = self._snapshot.model_copy(
                update={"sent": [*self._snapshot.sent, *settled]}
            )
        changed = self._refresh_status(now) or changed
        if changed:
            self._snapshot.updated_at = now
            self._upsert_search_attributes()
            await self._project(None)

    def _refresh_status(self, now: datetime) -> bool:
        """Recompute next deadline and overdue; True when they changed."""
        next_deadline, overdue = deadlines.status_at(self._snapshot, self._calendar, now)
        if (next_deadline, overdue) == (self._snapshot.next_deadline, self._snapshot.overdue):
            return False
        self._snapshot.next_deadline, self._snapshot.overdue = next_deadline, overdue
        return True

    async def _notify(self, notice: NotifyInput) -> None:
        emails: list[int]
        if workflow.patched(LOCAL_RECORDS):
            emails = await workflow.execute_local_activity(
                NOTIFY,
                notice,
                start_to_close_timeout=NOTIFY_TIMEOUT,
                retry_policy=PROJECTION_RETRY,
                result_type=list[int],
            )
        else:
            emails = await workflow.execute_activity(
                NOTIFY, notice, start_to_close_timeout=NOTIFY_TIMEOUT, result_type=list[int]
            )
        for notification_id in emails:
            task = asyncio.create_task(self._deliver(notification_id))
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)

    async def _deliver(self, notification_id: int) -> None:
        try:
            await workflow.execute_activity(
                DELIVER_EMAIL,
                notification_id,
                start_to_close_timeout=EMAIL_TIMEOUT,
                retry_policy=EMAIL_RETRY,
            )
        except Exception:
            # Out of attempts: the outbox row stays "failed" and visible; the digest retries.
            workflow.logger.warning("e-mail %s not delivered", notification_id)

    async def _project(self, event: TransitionEvent | None) -> None:
        inp = RecordTransitionInput(event=event, snapshot=self._snapshot)
        if workflow.patched(LOCAL_RECORDS):
            await workflow.execute_local_activity(
                RECORD_TRANSITION,
                inp,
                start_to_close_timeout=PROJECTION_TIMEOUT,
                retry_policy=PROJECTION_RETRY,
            )
        else:
            await workflow.execute_activity(
                RECORD_TRANSITION,
                inp,
                start_to_close_timeout=PROJECTION_TIMEOUT,
                retry_policy=PROJECTION_RETRY,
            )

    def _upsert_search_attributes(self) -> None:
        s = self._snapshot
        workflow.upsert_search_attributes(
            [
                KIEMTRA_STATE.value_set(s.state.value),
                KIEMTRA_UNIT.value_set(s.unit_id),
                KIEMTRA_KIND.value_set(s.kind.value),
                KIEMTRA_NEXT_DEADLINE.value_set(s.next_deadline)
                if s.next_deadline
                else KIEMTRA_NEXT_DEADLINE.value_unset(),
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

    @workflow.update
    async def request_extension(self, cmd: RequestExtensionInput) -> InspectionSnapshot:
        return await self._fire(T.REQUEST_EXTENSION, cmd)

    @request_extension.validator
    def validate_request_extension(self, cmd: RequestExtensionInput) -> None:
        self._check(T.REQUEST_EXTENSION, cmd)

    @workflow.update
    async def decide_extension(self, cmd: DecideExtensionInput) -> InspectionSnapshot:
        return await self._fire(T.DECIDE_EXTENSION, cmd)

    @decide_extension.validator
    def validate_decide_extension(self, cmd: DecideExtensionInput) -> None:
        self._check(T.DECIDE_EXTENSION, cmd)

    @workflow.update
    async def extend_visit(self, cmd: ExtendVisitInput) -> InspectionSnapshot:
        return await self._fire(T.EXTEND_VISIT, cmd)

    @extend_visit.validator
    def validate_extend_visit(self, cmd: ExtendVisitInput) -> None:
        self._check(T.EXTEND_VISIT, cmd)
