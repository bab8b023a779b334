"""Whole lifecycles driven through updates; shared by the tests and the history generator."""

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TypeVar

from temporalio.client import Client, WorkflowHandle

from activities.names import inspection_workflow_id
from states.calendar import WorkingCalendar, local_date
from states.contract import Contract
from states.models import (
    CancelInput,
    ChangeTeamInput,
    ChecklistResult,
    DisputeDecision,
    DisputeInput,
    FormTeamInput,
    InspectionSnapshot,
    RecordVisitInput,
    ResolveDisputeInput,
    ResumeInput,
    StartInspectionInput,
    SuspendInput,
    TeamMember,
)
from states.reinspection import scope_of
from states.vocabulary import CheckResult, DisputeOutcome, InspectionKind, InspectionState
from states.vocabulary import VerificationOutcome as V
from testkit import samples as b
from workflows.inspection import InspectionWorkflow

Handle = WorkflowHandle[InspectionWorkflow, InspectionSnapshot]


async def start(client: Client, queue: str, inp: StartInspectionInput) -> Handle:
    return await client.start_workflow(
        InspectionWorkflow.run,
        inp,
        id=inspection_workflow_id(inp.inspection_id),
        task_queue=queue,
    )


async def to_visited(client: Client, queue: str, findings: int = 2) -> Handle:
    handle = await start(client, queue, b.start_input())
    await handle.execute_update(InspectionWorkflow.form_team, b.form_team())
    await handle.execute_update(InspectionWorkflow.send_notice, b.send_notice())
    await handle.execute_update(InspectionWorkflow.start_visit, b.start_visit())
    await handle.execute_update(InspectionWorkflow.record_visit, b.record_visit(findings))
    return handle


async def full_path_with_dispute(client: Client, queue: str) -> Handle:
    """decided → … → disputed → remediation_requested → … → closed, one cycle."""
    handle = await to_visited(client, queue)
    await handle.execute_update(InspectionWorkflow.conclude, b.conclude())
    await handle.execute_update(
        InspectionWorkflow.dispute,
        DisputeInput(actor=b.UNIT_REP, finding_nos=[2], explanation="đã đeo thẻ"),
    )
    await handle.execute_update(
        InspectionWorkflow.resolve_dispute,
        ResolveDisputeInput(
            actor=b.DECISION_MAKER,
            decisions=[DisputeDecision(finding_no=2, outcome=DisputeOutcome.UPHELD)],
        ),
    )
    await handle.execute_update(InspectionWorkflow.acknowledge, b.acknowledge())
    await handle.execute_update(InspectionWorkflow.report_remediation, b.report([1, 2]))
    await handle.execute_update(InspectionWorkflow.schedule_reinspection, b.schedule())
    await handle.execute_update(InspectionWorkflow.verify, b.verify({1: V.RESOLVED, 2: V.RESOLVED}))
    return handle


async def second_cycle(client: Client, queue: str) -> Handle:
    """Re-inspection finds one finding unresolved: a second remediation cycle, then closure."""
    handle = await to_visited(client, queue)
    await handle.execute_update(InspectionWorkflow.conclude, b.conclude())
    await handle.execute_update(InspectionWorkflow.acknowledge, b.acknowledge())
    await handle.execute_update(InspectionWorkflow.report_remediation, b.report([1, 2]))
    await handle.execute_update(InspectionWorkflow.schedule_reinspection, b.schedule())
    snapshot = await handle.execute_update(
        InspectionWorkflow.verify, b.verify({1: V.RESOLVED, 2: V.UNRESOLVED})
    )
    assert snapshot.state is InspectionState.REMEDIATION_REQUESTED and snapshot.cycle == 2
    await handle.execute_update(InspectionWorkflow.acknowledge, b.acknowledge())
    await handle.execute_update(InspectionWorkflow.report_remediation, b.report([2]))
    await handle.execute_update(InspectionWorkflow.schedule_reinspection, b.schedule())
    await handle.execute_update(InspectionWorkflow.verify, b.verify({2: V.RESOLVED}))
    return handle


async def no_findings(client: Client, queue: str) -> Handle:
    handle = await to_visited(client, queue, findings=0)
    await handle.execute_update(InspectionWorkflow.conclude, b.conclude())
    return handle


async def surprise_cancelled(client: Client, queue: str) -> Handle:
    handle = await start(client, queue, b.start_input(InspectionKind.SURPRISE))
    await handle.execute_update(InspectionWorkflow.form_team, b.form_team())
    await handle.execute_update(InspectionWorkflow.start_visit, b.start_visit())
    await handle.execute_update(
        InspectionWorkflow.cancel, CancelInput(actor=b.DECISION_MAKER, reason="đơn vị giải thể")
    )
    return handle


async def team_changed(client: Client, queue: str) -> Handle:
    """A team formed from a standing team, with someone who holds no account, changed by a
    decision of its own before the visit; then terminated (issue 15 §1)."""
    seconded = TeamMember(
        name="Lê Thành Nhân", position="Chuyên viên", organisation_name="Phòng Tư pháp huyện"
    )
    handle = await start(client, queue, b.start_input())
    await handle.execute_update(
        InspectionWorkflow.form_team,
        FormTeamInput(
            actor=b.COORDINATOR,
            members=[*b.TEAM, seconded],
            standing_team_id="to-kiem-tra",
            standing_team_decision="94/QĐ-UBND.TL",
        ),
    )
    await handle.execute_update(InspectionWorkflow.send_notice, b.send_notice())
    await handle.execute_update(
        InspectionWorkflow.change_team,
        ChangeTeamInput(
            actor=b.COORDINATOR,
            members=[b.TEAM[0], seconded],
            number="97/QĐ-UBND",
            reason="Thành viên đi học tập trung",
        ),
    )
    await handle.execute_update(
        InspectionWorkflow.cancel, CancelInput(actor=b.DECISION_MAKER, reason="đơn vị giải thể")
    )
    return handle


async def suspended_and_resumed(client: Client, queue: str) -> Handle:
    handle = await to_visited(client, queue, findings=0)
    await handle.execute_update(
        InspectionWorkflow.suspend, SuspendInput(actor=b.COORDINATOR, reason="lũ lụt")
    )
    await handle.execute_update(InspectionWorkflow.resume, ResumeInput(actor=b.COORDINATOR))
    await handle.execute_update(InspectionWorkflow.conclude, b.conclude())
    return handle


async def _reinspected(client: Client, queue: str) -> tuple[Handle, Handle]:
    """A parent in remediation; its verification re-inspection finds both findings in
    order and closes, settling the parent, which closes too."""
    parent = await to_visited(client, queue)
    concluded = await parent.execute_update(InspectionWorkflow.conclude, b.conclude())
    await parent.execute_update(InspectionWorkflow.acknowledge, b.acknowledge())
    inp = StartInspectionInput.model_validate(
        b.start_input().model_dump()
        | {
            "kind": InspectionKind.REINSPECTION,
            "parent_inspection_id": concluded.inspection_id,
            "scope": [s.model_dump() for s in scope_of(concluded)],
            "checklist": [f.criterion for f in concluded.findings],
        }
    )
    child = await start(client, queue, inp)
    await child.execute_update(InspectionWorkflow.form_team, b.form_team())
    await child.execute_update(InspectionWorkflow.send_notice, b.send_notice())
    await child.execute_update(InspectionWorkflow.start_visit, b.start_visit())
    in_order = [
        ChecklistResult(criterion=f.criterion, result=CheckResult.COMPLIANT)
        for f in concluded.findings
    ]
    await child.execute_update(
        InspectionWorkflow.record_visit, RecordVisitInput(actor=b.LEADER, results=in_order)
    )
    await child.execute_update(InspectionWorkflow.conclude, b.conclude())
    return parent, child


async def reinspection_closes_its_parent(client: Client, queue: str) -> Handle:
    parent, _ = await _reinspected(client, queue)
    return parent


async def reinspection(client: Client, queue: str) -> Handle:
    _, child = await _reinspected(client, queue)
    return child


M = TypeVar("M", bound=Contract)


def _by_caller(cmd: M) -> M:
    return cmd.model_copy(update={"caller_records": True})


async def recorded_by_callers(client: Client, queue: str) -> Handle:
    """Every command from a caller that records it (the API): the workflow writes at once
    only what notifies someone, and the rest when the run ends."""
    h = await start(client, queue, _by_caller(b.start_input()))
    w = InspectionWorkflow
    await h.execute_update(w.form_team, _by_caller(b.form_team()))
    await h.execute_update(w.send_notice, _by_caller(b.send_notice()))
    await h.execute_update(w.start_visit, _by_caller(b.start_visit()))
    await h.execute_update(w.record_visit, _by_caller(b.record_visit(1)))
    await h.execute_update(w.conclude, _by_caller(b.conclude()))
    await h.execute_update(w.acknowledge, _by_caller(b.acknowledge()))
    await h.execute_update(w.report_remediation, _by_caller(b.report([1])))
    await h.execute_update(w.schedule_reinspection, _by_caller(b.schedule()))
    await h.execute_update(w.verify, _by_caller(b.verify({1: V.RESOLVED})))
    return h


async def paper_trail(client: Client, queue: str) -> Handle:
    """The findings report as a step of its own, every step entered with the date of its
    paper (backdated weeks): decided → … → findings_reported → … → closed."""
    calendar = WorkingCalendar()
    today = local_date(datetime.now(UTC))
    day = calendar.subtract_working_days(calendar.add_working_days(today, 0), 16)
    if day > today:
        day = calendar.subtract_working_days(day, 1)

    def after(n: int) -> date:
        return min(calendar.add_working_days(day, n), today)

    inp = b.start_input().model_copy(
        update={
            "findings_report_step": True,
            "decision": b.start_input().decision.model_copy(update={"signed_on": day}),
        }
    )
    h = await start(client, queue, inp)
    w = InspectionWorkflow
    visit = after(7)
    await h.execute_update(w.form_team, b.form_team().model_copy(update={"signed_on": after(1)}))
    notice = b.send_notice().model_copy(update={"signed_on": after(2), "visit_planned_on": visit})
    await h.execute_update(w.send_notice, notice)
    await h.execute_update(w.start_visit, b.start_visit().model_copy(update={"held_on": visit}))
    await h.execute_update(w.record_visit, b.record_visit(1).model_copy(update={"held_on": visit}))
    report = b.report_findings().model_copy(update={"signed_on": after(9)})
    await h.execute_update(w.report_findings, report)
    await h.execute_update(w.conclude, b.conclude().model_copy(update={"signed_on": after(11)}))
    await h.execute_update(
        w.acknowledge, b.acknowledge().model_copy(update={"signed_on": after(12)})
    )
    await h.execute_update(
        w.report_remediation, b.report([1]).model_copy(update={"signed_on": after(14)})
    )
    await h.execute_update(w.schedule_reinspection, b.schedule())
    await h.execute_update(w.verify, b.verify({1: V.RESOLVED}))
    return h


SCENARIOS: dict[str, Callable[[Client, str], Awaitable[Handle]]] = {
    "paper_trail": paper_trail,
    "full_path_with_dispute": full_path_with_dispute,
    "second_cycle": second_cycle,
    "no_findings": no_findings,
    "surprise_cancelled": surprise_cancelled,
    "suspended_and_resumed": suspended_and_resumed,
    "team_changed": team_changed,
    "reinspection_closes_its_parent": reinspection_closes_its_parent,
    "reinspection": reinspection,
    "recorded_by_callers": recorded_by_callers,
}
