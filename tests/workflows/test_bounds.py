"""The largest commands onto the largest record, through the real workflow and server.

Every command the schema allows, as heavy as it allows, at every step of three remediation
cycles and twenty extension requests: each is either accepted or refused by the validator
(422-type ``invalid_command``, nothing in history); the workflow never stops taking
commands; its answers and its projection stay under the server's payload limits.
"""

import uuid

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from activities.names import inspection_workflow_id
from states import procedure
from states.bounds import CRITERIA_MAX, EXTENSIONS_MAX, SNAPSHOT_BYTES_HARD_MAX, json_bytes
from states.calendar import WorkingCalendar
from states.errors import ErrorType
from states.models import (
    Command,
    InspectionSnapshot,
    RequestExtensionInput,
    ScheduleReinspectionInput,
    SendNoticeInput,
)
from states.vocabulary import InspectionKind, InspectionState, Trigger
from store.tables import Event, SnapshotRecord
from tests.unit.builders import ON_SITE_PATH, good_command, start_input
from tests.unit.test_bounds import heavy
from workflows.inspection import InspectionWorkflow

T = Trigger


def today_s(snapshot: InspectionSnapshot, cmd: Command, n: int) -> Command:
    """The unit tests' commands carry dates of their fixed clock; the server's is today."""
    if isinstance(cmd, SendNoticeInput):
        return cmd.model_copy(update={"visit_planned_on": None})
    if isinstance(cmd, ScheduleReinspectionInput):
        return cmd.model_copy(update={"planned_on": None})
    if isinstance(cmd, RequestExtensionInput):
        item = next(r for r in snapshot.current_items() if r.finding_no == cmd.finding_no)
        due = WorkingCalendar().add_working_days(item.due_on, 20 + n)
        return cmd.model_copy(update={"due_on": due})
    return cmd


async def test_the_largest_commands_never_stop_the_workflow(
    client: Client, task_queue: str, engine: Engine
) -> None:
    codes = [f"XX-{n:02d}" for n in range(CRITERIA_MAX)]
    inp = start_input(InspectionKind.PLANNED, max_cycles=3).model_copy(
        update={"inspection_id": uuid.uuid4().hex, "checklist": codes}
    )
    handle = await client.start_workflow(
        InspectionWorkflow.run,
        inp,
        id=inspection_workflow_id(inp.inspection_id),
        task_queue=task_queue,
    )
    snapshot: InspectionSnapshot = await handle.execute_update(InspectionWorkflow.opened)
    cycle = [T.ACKNOWLEDGE, T.REPORT_REMEDIATION, T.SCHEDULE_REINSPECTION, T.VERIFY]
    steps = [
        *ON_SITE_PATH[InspectionKind.PLANNED],
        T.RECORD_VISIT,
        T.CONCLUDE,
        *[T.REQUEST_EXTENSION, T.DECIDE_EXTENSION] * EXTENSIONS_MAX,
        *cycle * 3,
    ]
    refused = 0
    for n, trigger in enumerate(steps):
        for proposed in (heavy(snapshot, trigger, n), good_command(snapshot, trigger)):
            cmd = today_s(snapshot, proposed, n)
            try:
                snapshot = await handle.execute_update(
                    trigger.value, cmd, result_type=InspectionSnapshot
                )
            except WorkflowUpdateFailedError as failed:
                assert isinstance(failed.cause, ApplicationError)
                assert failed.cause.type == ErrorType.INVALID_COMMAND, failed.cause.message
                refused += 1
                continue
            assert json_bytes(snapshot) <= SNAPSHOT_BYTES_HARD_MAX
            break
        else:
            pytest.fail(f"{trigger} refused even with ordinary texts")
    assert refused, "nothing reached the budget: the test does not test it"
    result = await handle.result()
    assert result.state is InspectionState.CLOSED
    with Session(engine) as session:
        stored = session.get(SnapshotRecord, inp.inspection_id)
        assert stored is not None and stored.snapshot["state"] == "closed"
        events = len(
            session.exec(select(Event.id).where(Event.inspection_id == inp.inspection_id)).all()
        )
    # Every accepted command is one event, the decision one more; no refusal left one.
    assert events == result.seq == len(steps) + 1
    assert procedure.allowed_triggers(result) == []
