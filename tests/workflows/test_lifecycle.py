"""InspectionWorkflow on the real dev server: whole lifecycles through updates and queries."""

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from states.calendar import local_date
from states.errors import ErrorType
from states.models import InspectionSnapshot, ResumeInput, SuspendInput
from states.vocabulary import FindingStatus, InspectionKind, InspectionState, Trigger
from testkit import samples as b
from tests.workflows import scenarios
from workflows.inspection import InspectionWorkflow

S = InspectionState


def states_passed(snapshot: InspectionSnapshot) -> list[str]:
    return [h.to_state.value for h in snapshot.history]


async def update_event_count(handle: scenarios.Handle) -> int:
    history = await handle.fetch_history()
    return sum(
        1
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    )


async def test_full_path_with_dispute_closes(client: Client, task_queue: str) -> None:
    handle = await scenarios.full_path_with_dispute(client, task_queue)
    result = await handle.result()
    assert result.state is S.CLOSED
    assert states_passed(result) == [
        "decided",
        "team_formed",
        "notified",
        "on_site",
        "visited",
        "remediation_requested",
        "disputed",
        "remediation_requested",
        "remediating",
        "remediation_reported",
        "reinspecting",
        "closed",
    ]
    assert {f.status for f in result.findings} == {FindingStatus.RESOLVED}
    assert result.conclusion_number == "210/TB-UBND"


async def test_second_cycle_then_closure(client: Client, task_queue: str) -> None:
    handle = await scenarios.second_cycle(client, task_queue)
    result = await handle.result()
    assert result.state is S.CLOSED
    assert result.cycle == 2
    assert [(r.finding_no, r.cycle) for r in result.remediation] == [(1, 1), (2, 1), (2, 2)]


async def test_visit_without_findings_closes_at_conclusion(client: Client, task_queue: str) -> None:
    handle = await scenarios.no_findings(client, task_queue)
    result = await handle.result()
    assert result.state is S.CLOSED
    assert result.findings == [] and result.remediation == []


async def test_surprise_skips_notice_and_can_be_cancelled(client: Client, task_queue: str) -> None:
    handle = await scenarios.surprise_cancelled(client, task_queue)
    result = await handle.result()
    assert states_passed(result) == ["decided", "team_formed", "on_site", "cancelled"]
    assert result.reason == "đơn vị giải thể"


async def test_surprise_refuses_a_notice(client: Client, task_queue: str) -> None:
    handle = await scenarios.start(client, task_queue, b.start_input(InspectionKind.SURPRISE))
    await handle.execute_update(InspectionWorkflow.form_team, b.form_team())
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(InspectionWorkflow.send_notice, b.send_notice())
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.type == ErrorType.GUARD_FAILED
    snapshot = await handle.query(InspectionWorkflow.get_snapshot)
    assert snapshot.state is S.TEAM_FORMED


async def test_suspend_resumes_where_it_left_off(client: Client, task_queue: str) -> None:
    handle = await scenarios.to_visited(client, task_queue, findings=0)
    suspended = await handle.execute_update(
        InspectionWorkflow.suspend, SuspendInput(actor=b.COORDINATOR, reason="bão")
    )
    assert suspended.state is S.SUSPENDED and suspended.suspended_from is S.VISITED
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(InspectionWorkflow.conclude, b.conclude())
    resumed = await handle.execute_update(
        InspectionWorkflow.resume, ResumeInput(actor=b.COORDINATOR)
    )
    assert resumed.state is S.VISITED and resumed.suspended_from is None
    closed = await handle.execute_update(InspectionWorkflow.conclude, b.conclude())
    assert closed.state is S.CLOSED
    assert (await handle.result()).state is S.CLOSED


async def test_invalid_command_leaves_no_trace_in_history(client: Client, task_queue: str) -> None:
    handle = await scenarios.start(client, task_queue, b.start_input())
    await handle.execute_update(InspectionWorkflow.form_team, b.form_team())
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(InspectionWorkflow.conclude, b.conclude(), id="refused-1")
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == ErrorType.INVALID_TRANSITION
    assert "team_formed" in cause.message and Trigger.SEND_NOTICE.value in cause.message
    history = await handle.fetch_history()
    assert "refused-1" not in str(history.to_json())
    assert await update_event_count(handle) == 1
    snapshot = await handle.query(InspectionWorkflow.get_snapshot)
    assert snapshot.state is S.TEAM_FORMED and snapshot.seq == 2


async def test_wrong_role_is_refused(client: Client, task_queue: str) -> None:
    handle = await scenarios.start(client, task_queue, b.start_input())
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            InspectionWorkflow.form_team, b.form_team().model_copy(update={"actor": b.UNIT_REP})
        )
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.type == ErrorType.NOT_ALLOWED
    assert await update_event_count(handle) == 0


async def test_duplicate_update_id_has_one_effect(client: Client, task_queue: str) -> None:
    handle = await scenarios.start(client, task_queue, b.start_input())
    first = await handle.execute_update(InspectionWorkflow.form_team, b.form_team(), id="key-1")
    again = await handle.execute_update(InspectionWorkflow.form_team, b.form_team(), id="key-1")
    assert again == first
    assert first.seq == 2
    assert await update_event_count(handle) == 1
    assert "key-1" in str((await handle.fetch_history()).to_json())
    snapshot = await handle.query(InspectionWorkflow.get_snapshot)
    assert snapshot.seq == 2 and snapshot.state is S.TEAM_FORMED


def test_every_trigger_is_an_update() -> None:
    for trigger in Trigger:
        method = getattr(InspectionWorkflow, trigger.value)
        assert callable(method), trigger


async def test_a_closed_reinspection_settles_and_closes_its_parent(
    client: Client, task_queue: str
) -> None:
    parent = await scenarios.reinspection_closes_its_parent(client, task_queue)
    result = await parent.result()
    assert result.state is S.CLOSED
    assert {f.status.value for f in result.findings} == {"resolved"}
    assert result.history[-1].trigger == Trigger.RECORD_REINSPECTION.value


async def test_a_paper_trail_entered_late_keeps_the_dates_of_its_papers(
    client: Client, task_queue: str
) -> None:
    """The findings report is a step of its own, and each step keeps the date of its paper."""
    handle = await scenarios.paper_trail(client, task_queue)
    closed = await handle.result()
    assert closed.state is InspectionState.CLOSED
    assert "findings_reported" in states_passed(closed)
    dated = [h.on for h in closed.history if h.trigger != "decide" and h.on is not None]
    assert dated == sorted(dated) and len(dated) >= 8
    decided = closed.history[0]
    assert decided.on is not None and local_date(closed.decided_at) == decided.on
    assert closed.findings_reported_at is not None
    assert local_date(closed.findings_reported_at) < local_date(closed.updated_at)
