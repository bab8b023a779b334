"""InspectionWorkflow: one durable workflow per inspection, from decision to closure.

Every command is an Update named after its trigger. The validator asks the procedure
(who, machine, payload) and rejects without a trace in history; the handler applies the
transition and returns the new snapshot once its record is in SQL. Between commands the run
loop keeps the agenda: it sleeps until the next reminder, overdue moment or escalation,
sends it, and recomputes whenever a command or the calendar changes.

Records (event, read model, outbox) are written by an activity the workflow schedules, so
they exist only for what Temporal committed: a workflow task that fails after a command was
applied in memory leaves nothing behind in SQL.
"""

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.workflow import UpdateMethodMultiParam

with workflow.unsafe.imports_passed_through():
    from activities.names import (
        DELIVER_EMAIL,
        NOTIFY,
        RECORD,
        RECORD_TRANSITION,
        inspection_workflow_id,
    )
    from states import deadlines, procedure
    from states.calendar import WorkingCalendar
    from states.errors import DomainError
    from states.models import (
        AcknowledgeInput,
        CancelInput,
        ChangeTeamInput,
        Command,
        ConcludeInput,
        DecideExtensionInput,
        DisputeInput,
        ExtendVisitInput,
        FormTeamInput,
        InspectionSnapshot,
        NotifyInput,
        RecordInput,
        RecordReinspectionInput,
        RecordTransitionInput,
        RecordVisitInput,
        ReportFindingsInput,
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
        VoidInput,
        changed_collections,
    )
    from states.reinspection import results_for_parent
    from states.triggers import ANNOUNCEMENTS, TRIGGERS
    from states.vocabulary import (
        TERMINAL_STATES,
        Audience,
        InspectionKind,
        InspectionState,
        NoticeKind,
        Trigger,
    )
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


# Patch: projection and outbox ran as local activities (one workflow task per command instead
# of two). Histories written before it replay with the regular activities they recorded.
LOCAL_RECORDS = "local-records-v1"
# Patch: records exist only for what Temporal committed (a local activity runs before its
# task is committed). A command from kiemtra's own callers (``caller_records``) is recorded
# by that caller once the update has answered — the update is then one workflow task — and
# the workflow records whatever is left itself, by one regular activity scheduled after the
# commit: at once for a command with notifications or from anyone else, within
# ``CATCH_UP`` otherwise, and always before the run ends. Histories of both earlier kinds
# replay on their own paths.
COMMITTED_RECORDS = "committed-records-v2"
# How long the workflow lets a caller's record stand alone before writing it again itself
# (a caller killed between the answer and its write leaves the read model behind that long).
CATCH_UP = timedelta(seconds=30)


def domain_failure(error: DomainError) -> ApplicationError:
    """A domain refusal as the failure the client sees, typed from the closed vocabulary."""
    # details: what it names, then the refusal in Vietnamese (for the people who read it).
    return ApplicationError(
        error.message, error.detail, error.vi, type=error.type.value, non_retryable=True
    )


# Who hears of a command as it happens (the agenda covers what is due later).
# A parent inspection that has ended cannot take its re-inspection's results any more.
PARENT_GONE = "the parent inspection no longer takes results"


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
        # Committed events the workflow has not written itself (a caller may have), and the
        # collections changed since it last did (None: all of them).
        self._unrecorded: list[TransitionEvent] = []
        self._dirty: set[str] | None = None

    @workflow.run
    async def run(self, inp: StartInspectionInput) -> InspectionSnapshot:
        if self._decided is not None:
            self._upsert_search_attributes()
            if workflow.patched(COMMITTED_RECORDS):
                self._unrecorded.append(self._decided)
                if not inp.caller_records:
                    await self._record([])
            else:
                await self._project(self._decided)
        self._recorded = True
        while not self._ended():
            async with self._lock:
                await self._keep_agenda()
                if self._unrecorded and workflow.now() >= self._catch_up_at():
                    await self._record([])
            timeout = self._sleep()
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

    def _catch_up_at(self) -> datetime:
        return self._unrecorded[0].at + CATCH_UP

    def _sleep(self) -> timedelta | None:
        """Until the agenda's next item or the catch-up of unrecorded events, if any."""
        wake = deadlines.next_wake(self._snapshot, self._calendar)
        if self._unrecorded:
            catch_up = self._catch_up_at()
            wake = catch_up if wake is None else min(wake, catch_up)
        return None if wake is None else wake - workflow.now()

    def _ended(self) -> bool:
        return self._snapshot.state in TERMINAL_STATES

    async def _drain(self) -> None:
        """Let every handler finish, record what is left, and let every e-mail delivery
        finish before the run ends (or continues as new)."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._unrecorded:
            async with self._lock:
                await self._record([])
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

    @workflow.signal
    async def record_reinspection(self, cmd: RecordReinspectionInput) -> None:
        """A verification re-inspection of this inspection closed: its results settle the
        findings it re-checked (and close this one when none is left). A signal, since it
        comes from another workflow; what the procedure refuses is dropped and logged."""
        await workflow.wait_condition(lambda: self._recorded)
        async with self._lock:
            try:
                procedure.check(self._snapshot, T.RECORD_REINSPECTION, cmd, workflow.now())
            except DomainError as error:
                workflow.logger.warning("re-inspection results not recorded: %s", error.message)
                return
            await self._apply(T.RECORD_REINSPECTION, cmd)

    def _check(self, trigger: Trigger, cmd: Command) -> None:
        try:
            procedure.check(self._snapshot, trigger, cmd, workflow.now(), self._calendar)
        except DomainError as error:
            raise domain_failure(error) from None

    async def _fire(self, trigger: Trigger, cmd: Command) -> InspectionSnapshot:
        # Handlers may run before run(): the decision is recorded first, so events stay in order.
        await workflow.wait_condition(lambda: self._recorded)
        async with self._lock:
            # Validated against the state at acceptance; an earlier update may have moved it.
            try:
                procedure.recheck(self._snapshot, trigger, cmd, workflow.now())
            except DomainError as error:
                raise domain_failure(error) from None
            return await self._apply(trigger, cmd)

    async def _apply(self, trigger: Trigger, cmd: Command) -> InspectionSnapshot:
        """Apply a checked command, record it, and tell whoever must hear of it."""
        now = workflow.now()
        before = self._snapshot
        self._snapshot, event = procedure.apply(before, trigger, cmd, now, self._calendar)
        self._refresh_status(now)
        self._upsert_search_attributes()
        notices = self._announcements(trigger, before, cmd)
        if workflow.patched(COMMITTED_RECORDS):
            self._unrecorded.append(event)
            if self._dirty is not None:
                self._dirty.update(changed_collections(before, self._snapshot))
            if notices or not cmd.caller_records:
                await self._record(notices)
        else:
            await self._project(event)
            for notice in notices:
                await self._notify(notice)
        if self._snapshot.state is S.CLOSED and before.state is not S.CLOSED:
            await self._report_to_parent()
        self._changed = True
        return self._snapshot

    def _announcements(
        self, trigger: Trigger, before: InspectionSnapshot, cmd: Command
    ) -> list[NotifyInput]:
        s = self._snapshot
        notices = []
        if s.state is S.REMEDIATION_REQUESTED and s.cycle_started(before):
            notices.append(
                deadlines.notification(
                    s, NoticeKind.CONCLUSION_ISSUED, [Audience.UNIT], f"request:{s.cycle}"
                )
            )
        if s.reports_upward and s.state is S.CLOSED and before.state is not S.CLOSED:
            notices.append(
                deadlines.notification(
                    s,
                    NoticeKind.SELF_INSPECTION_REPORTED,
                    [Audience.MANAGING_BODY],
                    "self_report",
                    deadlines.self_report_details(s),
                )
            )
        announcement = ANNOUNCEMENTS.get(trigger)
        if announcement is not None:
            extra = deadlines.announcement_details(trigger, before, s, cmd)
            notices.append(
                deadlines.notification(
                    s,
                    announcement.kind,
                    list(announcement.audiences),
                    f"{trigger}:{s.seq}",
                    extra,
                    deadlines.told_team(trigger, before, s),
                )
            )
        return notices

    async def _report_to_parent(self) -> None:
        """A closed re-inspection hands its results to the inspection it re-checked."""
        s = self._snapshot
        if s.kind is not InspectionKind.REINSPECTION or not s.parent_inspection_id:
            return
        results = results_for_parent(s)
        if not results:
            return
        parent = workflow.get_external_workflow_handle(
            inspection_workflow_id(s.parent_inspection_id)
        )
        try:
            await parent.signal(InspectionWorkflow.record_reinspection, results)
        except Exception as error:  # the parent has ended: nothing is left to settle there
            workflow.logger.warning("%s: %s", PARENT_GONE, error)

    async def _keep_agenda(self) -> None:
        """Send what is due, then bring the deadline status up to date."""
        now = workflow.now()
        send, settled = deadlines.due_now(self._snapshot, self._calendar, now)
        notices = [deadlines.item_notification(self._snapshot, item, now) for item in send]
        committed = workflow.patched(COMMITTED_RECORDS)
        if not committed:
            for notice in notices:
                await self._notify(notice)
        changed = bool(settled)
        if settled:
            self._snapshot = self._snapshot.model_copy(
                update={"sent": [*self._snapshot.sent, *settled]}
            )
        changed = self._refresh_status(now) or changed
        if changed:
            self._snapshot.updated_at = now
            self._upsert_search_attributes()
        if committed and (changed or notices):
            await self._record(notices)
        elif changed:
            await self._project(None)

    async def _record(self, notices: list[NotifyInput]) -> None:
        """The events not yet written by the workflow, the read model at the snapshot and
        ``notices``, in one transaction once this task is committed; then deliver the
        e-mails it queued."""
        events = list(self._unrecorded)
        changed = None if self._dirty is None else sorted(self._dirty)
        emails = await workflow.execute_activity(
            RECORD,
            RecordInput(events=events, snapshot=self._snapshot, notices=notices, changed=changed),
            start_to_close_timeout=PROJECTION_TIMEOUT,
            retry_policy=PROJECTION_RETRY,
            result_type=list[int],
        )
        self._unrecorded = self._unrecorded[len(events) :]
        self._dirty = set()
        self._deliver_all(emails)

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
        self._deliver_all(emails)

    def _deliver_all(self, emails: list[int]) -> None:
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
        """Histories before ``committed-records-v2`` kept their search attributes current.

        Since then the unit and the kind are set once, when the workflow starts (the API's
        start operation), and nothing is upserted per command: each upsert is an event and a
        visibility write on the server, a fifth of a command's cost, for values the read
        model already answers (state, next deadline)."""
        if workflow.patched(COMMITTED_RECORDS):
            return
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
    async def change_team(self, cmd: ChangeTeamInput) -> InspectionSnapshot:
        return await self._fire(T.CHANGE_TEAM, cmd)

    @change_team.validator
    def validate_change_team(self, cmd: ChangeTeamInput) -> None:
        self._check(T.CHANGE_TEAM, cmd)

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
    async def report_findings(self, cmd: ReportFindingsInput) -> InspectionSnapshot:
        return await self._fire(T.REPORT_FINDINGS, cmd)

    @report_findings.validator
    def validate_report_findings(self, cmd: ReportFindingsInput) -> None:
        self._check(T.REPORT_FINDINGS, cmd)

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
    async def void(self, cmd: VoidInput) -> InspectionSnapshot:
        return await self._fire(T.VOID, cmd)

    @void.validator
    def validate_void(self, cmd: VoidInput) -> None:
        self._check(T.VOID, cmd)

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


# Each trigger's update, by method reference: the API sends commands through this table
# (typed), and a test holds it to the declaration (states.triggers).
UPDATES: dict[Trigger, UpdateMethodMultiParam[[InspectionWorkflow, Any], InspectionSnapshot]] = {
    t: getattr(InspectionWorkflow, t.value) for t, spec in TRIGGERS.items() if spec.path
}
