"""The application service: start inspections and fire commands as Temporal Updates.

Used by the HTTP routes and by the demo seeder, so both go through the same checks.
Every Temporal call is bounded; what goes wrong becomes an ``ApiError`` here and only here.
"""

import asyncio
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlmodel import Session
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.names import inspection_workflow_id
from api.errors import ApiError, unavailable
from api.gates import CommandGates
from api.schemas import InspectionCreate, TeamCreate
from states.calendar import local_date
from states.checklist import CRITERIA, checklist_of
from states.machine import DECIDE_ROLES, finding_is_active
from states.models import (
    Actor,
    Command,
    FormTeamInput,
    InspectionSnapshot,
    ScopedFinding,
    StartInspectionInput,
    TeamMember,
)
from states.plans import PlanItemStatus
from states.policies import PolicySet, UnitLevel
from states.vocabulary import InspectionKind, Trigger
from store import plans
from store.calendar import calendar_for
from store.queries import ancestry, snapshot_of, user_by_username
from store.tables import Organisation, PlanItem, User
from workflows.inspection import InspectionWorkflow

R = TypeVar("R")


async def bounded(
    call: Callable[[], Awaitable[R]],
    timeout: float,
    gate: AbstractAsyncContextManager[None] | None = None,
) -> R:
    """Make a Temporal call (behind ``gate``, if any); no answer in time or no server → 503,
    never a hang."""
    try:
        async with asyncio.timeout(timeout), gate or nullcontext():
            return await call()
    except TimeoutError:
        raise unavailable(f"no worker answered within {timeout:g} s; retry later") from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        raise unavailable("the command was not confirmed in time; retry later") from None
    except WorkflowUpdateFailedError as failed:
        cause = failed.cause
        if isinstance(cause, ApplicationError):
            detail = cause.details[0] if cause.details else None
            raise ApiError.from_type(cause.type, cause.message, detail) from None
        raise
    except RuntimeError as exc:
        # A lazy client that cannot reach the server raises a plain RuntimeError; the SDK has
        # no typed error for it, so this is the one place that reads a message.
        if str(exc).startswith("Failed client connect"):
            raise unavailable("Temporal is not reachable; retry later") from None
        raise
    except RPCError as rpc:
        if rpc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            raise unavailable("Temporal is not reachable; retry later") from None
        if rpc.status is RPCStatusCode.RESOURCE_EXHAUSTED:
            raise unavailable("the inspection is busy with other commands; retry later") from None
        if rpc.status is RPCStatusCode.FAILED_PRECONDITION:
            # The workflow's last task failed or timed out (an overloaded or restarting
            # worker); it takes updates again once a task succeeds.
            raise unavailable("the inspection's workflow is recovering; retry later") from None
        if rpc.status is RPCStatusCode.NOT_FOUND:
            raise ApiError(409, "invalid_transition", "the inspection has ended", None) from None
        raise


def inspection_id_for(actor: Actor, key: str | None) -> str:
    """A fresh id, or one derived from the caller's Idempotency-Key so a retry finds it."""
    if not key:
        return uuid.uuid4().hex[:12]
    return _digest(f"{actor.user_id}:{key}")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def start_id(session: Session, actor: Actor, body: InspectionCreate, key: str | None) -> str:
    """The id of the inspection this request starts.

    From a plan item the id is the item's own (and its attempt after a termination), so two
    coordinators starting the same item at once meet in one workflow instead of two.
    """
    if body.plan_item_id:
        attempt = plans.terminated_count(session, body.plan_item_id)
        return _digest(f"plan-item:{body.plan_item_id}:{attempt}")
    return inspection_id_for(actor, key)


def _plan_item(
    session: Session, actor: Actor, body: InspectionCreate, key: str | None
) -> PlanItem | None:
    """The plan item the inspection starts from, checked: active, same unit and kind, and
    not already started (a retry with the caller's own Idempotency-Key replays instead)."""
    if not body.plan_item_id:
        return None
    item = session.get(PlanItem, body.plan_item_id)
    if item is None:
        raise ApiError(
            422,
            "invalid_command",
            f"unknown plan item {body.plan_item_id}",
            {"id": body.plan_item_id},
        )
    if item.status != PlanItemStatus.ACTIVE:
        raise ApiError(
            409,
            "conflict",
            f"the plan item was {item.status} by plan adjustment: {item.reason}",
            {"status": item.status},
        )
    if body.unit_id and body.unit_id != item.unit_id:
        raise ApiError(
            422,
            "invalid_command",
            f"the plan item is for {item.unit_name}",
            {"unit_id": item.unit_id},
        )
    if body.kind.value != item.kind:
        raise ApiError(
            422,
            "invalid_command",
            f"the plan item starts a {item.kind} inspection",
            {"kind": item.kind},
        )
    live = plans.live_inspection(session, item.id)
    if live is not None and not (key and live.coordinator_id == actor.user_id):
        raise ApiError(
            409,
            "conflict",
            f"the plan item is already being inspected ({live.decision_number or live.id})",
            {"inspection_id": live.id},
        )
    return item


def _scope_of(session: Session, parent_id: str | None) -> list[ScopedFinding]:
    snapshot = snapshot_of(session, parent_id) if parent_id else None
    if snapshot is None:
        raise ApiError(422, "invalid_command", "a reinspection names an existing inspection", None)
    scope = [
        ScopedFinding(criterion=f.criterion, description=f.description)
        for f in snapshot.findings
        if finding_is_active(f.status)
    ]
    if not scope:
        raise ApiError(
            422,
            "invalid_command",
            "the earlier inspection has no open findings to re-inspect",
            None,
        )
    return scope


def calendar_years(today: date) -> range:
    """The years a new inspection's deadlines can fall in (refreshed by calendar edits)."""
    return range(today.year - 1, today.year + 4)


def start_input(
    session: Session,
    actor: Actor,
    body: InspectionCreate,
    inspection_id: str,
    policies: PolicySet,
    key: str | None = None,
) -> StartInspectionInput:
    """Check the request against the records and build the workflow's input."""
    if actor.role not in DECIDE_ROLES:
        raise ApiError(403, "not_allowed", f"role '{actor.role}' may not start an inspection", None)
    item = _plan_item(session, actor, body, key)
    unit_id = body.unit_id or (item.unit_id if item else "")
    unit = session.get(Organisation, unit_id) if unit_id else None
    if unit is None:
        raise ApiError(
            422,
            "invalid_command",
            f"unknown unit {unit_id}" if unit_id else "name the unit_id or a plan_item_id",
            {"unit_id": unit_id},
        )
    unknown = sorted(set(body.checklist) - set(CRITERIA))
    if unknown:
        raise ApiError(422, "invalid_command", f"unknown criteria {unknown}", {"criteria": unknown})
    reinspection = body.kind is InspectionKind.REINSPECTION
    scope = _scope_of(session, body.parent_inspection_id) if reinspection else []
    if scope:
        checklist = sorted({s.criterion for s in scope})
    elif item is not None and "checklist" not in body.model_fields_set:
        checklist = checklist_of(item.content)
    else:
        checklist = body.checklist
    path = ancestry(session, unit.id)
    return StartInspectionInput(
        inspection_id=inspection_id,
        kind=body.kind,
        unit_id=unit.id,
        unit_name=unit.name,
        unit_path=path,
        unit_level=unit_level(session, [*path, unit.id]),
        policy=policies.for_kind(body.kind),
        calendar=calendar_for(session, calendar_years(local_date(datetime.now(UTC)))),
        title=body.title,
        legal_basis=body.legal_basis,
        checklist=checklist,
        decision=body.decision,
        plan_item_id=body.plan_item_id,
        parent_inspection_id=body.parent_inspection_id,
        scope=scope,
        remote=body.remote,
        actor=actor,
    )


def start_operation(
    inp: StartInspectionInput, task_queue: str
) -> WithStartWorkflowOperation[InspectionWorkflow, InspectionSnapshot]:
    """The inspection's workflow start, to send with its ``opened`` update.

    USE_EXISTING makes a retried start meet the running workflow; REJECT_DUPLICATE refuses
    to start a second one after it has ended.
    """
    return WithStartWorkflowOperation(
        InspectionWorkflow.run,
        inp,
        id=inspection_workflow_id(inp.inspection_id),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


async def start_inspection(
    client: Client,
    task_queue: str,
    inp: StartInspectionInput,
    timeout: float,
    gates: CommandGates | None = None,
) -> InspectionSnapshot:
    """Start the workflow and return once its decision is recorded (read-your-writes)."""
    operation = start_operation(inp, task_queue)
    gate = gates.hold(inp.inspection_id) if gates else None
    try:
        return await bounded(
            lambda: client.execute_update_with_start_workflow(
                InspectionWorkflow.opened, start_workflow_operation=operation, id="opened"
            ),
            timeout,
            gate,
        )
    except WorkflowAlreadyStartedError:
        # The same key after the inspection ended: answer with what it became.
        workflow_id = inspection_workflow_id(inp.inspection_id)
        handle = client.get_workflow_handle_for(InspectionWorkflow.run, workflow_id)
        return await bounded(handle.result, timeout)


@dataclass(frozen=True)
class Commander:
    """How commands reach Temporal: the client, the task queue, the bound on every call and
    this process's per-inspection gates (the HTTP API has them; the seeder runs alone)."""

    client: Client
    task_queue: str
    timeout: float
    gates: CommandGates | None = None

    async def start(self, session: Session, inp: StartInspectionInput) -> InspectionSnapshot:
        release(session)
        return await start_inspection(self.client, self.task_queue, inp, self.timeout, self.gates)

    async def fire(
        self,
        session: Session,
        inspection_id: str,
        trigger: Trigger,
        command: Command,
        key: str | None,
    ) -> InspectionSnapshot:
        return await fire(
            self.client, session, inspection_id, trigger, command, key, self.timeout, self.gates
        )


COMMUNE_LEVELS = frozenset({"commune", "ward", "special_zone"})


def release(session: Session) -> None:
    """End the request's read transaction before waiting on Temporal: its connection goes
    back to the pool, so fifty requests waiting on commands do not hold fifty connections
    (and starve the projection of the worker that would answer them)."""
    session.rollback()


def unit_level(session: Session, path: list[str]) -> UnitLevel:
    """Commune-level when the unit is a commune or sits under one (Decree 217 Art. 13)."""
    levels = {org.level for oid in path if (org := session.get(Organisation, oid)) is not None}
    return UnitLevel.COMMUNE if levels & COMMUNE_LEVELS else UnitLevel.PROVINCE


def team_input(session: Session, actor: Actor, body: TeamCreate) -> FormTeamInput:
    """Resolve team members from their accounts (name, organisation and its ancestry)."""
    members = []
    for ref in body.members:
        user = (
            session.get(User, ref.user_id)
            if ref.user_id
            else user_by_username(session, ref.username or "")
        )
        if user is None:
            who = ref.user_id or ref.username
            raise ApiError(422, "invalid_command", f"unknown user {who}", {"user": who})
        org = user.organisation_id
        members.append(
            TeamMember(
                user_id=user.id,
                name=user.full_name or user.username,
                team_role=ref.team_role,
                organisation_id=org,
                organisation_path=[*ancestry(session, org), org] if org else [],
            )
        )
    return FormTeamInput(actor=actor, members=members)


async def fire(
    client: Client,
    session: Session,
    inspection_id: str,
    trigger: Trigger,
    command: Command,
    key: str | None,
    timeout: float,
    gates: CommandGates | None = None,
) -> InspectionSnapshot:
    """One command = one Update, with the Idempotency-Key as update id, on an inspection the
    caller has already found (the route answers 404 before this for an unknown one)."""
    release(session)
    handle = client.get_workflow_handle_for(
        InspectionWorkflow.run, inspection_workflow_id(inspection_id)
    )
    return await bounded(
        lambda: handle.execute_update(
            trigger.value,
            command,
            # Keys are the caller's: another user's key never replays someone else's answer.
            id=f"{command.actor.user_id}:{key}" if key else uuid.uuid4().hex,
            result_type=InspectionSnapshot,
        ),
        timeout,
        gates.hold(inspection_id) if gates else None,
    )
