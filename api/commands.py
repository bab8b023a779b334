"""The application service: start inspections and fire commands as Temporal Updates.

Used by the HTTP routes and by the demo seeder, so both go through the same checks.
Every Temporal call is bounded; what goes wrong becomes an ``ApiError`` here and only here.
"""

import asyncio
import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.names import inspection_workflow_id
from api import paper, teams
from api.errors import ApiError, ErrorCode, unavailable
from api.gates import CommandGates
from api.schemas import InspectionCreate, TeamChange, TeamCreate
from states.calendar import local_date
from states.checklist import checklist_of
from states.machine import DECIDE_ROLES
from states.models import (
    Actor,
    ChangeTeamInput,
    Command,
    FormTeamInput,
    InspectionSnapshot,
    ScopedFinding,
    StartInspectionInput,
    changed_collections,
)
from states.plans import PlanItemStatus, SlotTerms, slot_figures, slot_refusal
from states.policies import PolicySet, UnitLevel
from states.procedure import command_payload, decision_payload, last_event
from states.reinspection import scope_of
from states.scope import Viewer
from states.sides import issuers_for, may_start, may_start_self, office_inspected
from states.vocabulary import InspectionKind, Trigger
from store import checklist as checklists
from store import plans, starts
from store.calendar import calendar_for
from store.projection import project
from store.queries import ancestry, visible_snapshot
from store.tables import Organisation, PlanItem, PlanSlot
from workflows.inspection import UPDATES, InspectionWorkflow
from workflows.search_attributes import KIEMTRA_KIND, KIEMTRA_UNIT

R = TypeVar("R")
log = logging.getLogger(__name__)


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
            vi = cause.details[1] if len(cause.details) > 1 else ""
            raise ApiError.from_type(cause.type, cause.message, detail, str(vi or "")) from None
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
            raise ApiError(ErrorCode.INVALID_TRANSITION, "the inspection has ended", None) from None
        raise


def new_inspection_id() -> str:
    """A random id (128 bits): nothing about an inspection can be guessed from another."""
    return secrets.token_hex(16)


def start_id(session: Session, actor: Actor, body: InspectionCreate, key: str | None) -> str:
    """The id of the inspection this request starts: a new random one, or the one its key
    already leads to (``start_key``).

    The key is the plan item (and its attempt after a termination), so two coordinators
    starting the same item at once meet in one workflow instead of two; otherwise the
    caller's own Idempotency-Key, so a retry finds what the first request started.
    """
    natural = natural_key(session, actor, body, key)
    if natural is None:
        return new_inspection_id()
    return starts.claim(session, natural, new_inspection_id())


def natural_key(
    session: Session, actor: Actor, body: InspectionCreate, key: str | None
) -> str | None:
    if body.plan_item_id:
        attempt = plans.terminated_count(session, body.plan_item_id)
        return f"plan-item:{body.plan_item_id}:{attempt}"
    return f"user:{actor.user_id}:{key}" if key else None


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
            ErrorCode.INVALID_COMMAND,
            f"unknown plan item {body.plan_item_id}",
            {"id": body.plan_item_id},
        )
    if item.status != PlanItemStatus.ACTIVE:
        raise ApiError(
            ErrorCode.CONFLICT,
            f"the plan item was {item.status} by plan adjustment: {item.reason}",
            {"status": item.status},
        )
    if body.unit_id and body.unit_id != item.unit_id:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"the plan item is for {item.unit_name}",
            {"unit_id": item.unit_id},
        )
    if body.kind.value != item.kind:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"the plan item starts a {item.kind} inspection",
            {"kind": item.kind},
        )
    live = plans.live_inspection(session, item.id)
    if live is not None and not (key and live.coordinator_id == actor.user_id):
        raise ApiError(
            ErrorCode.CONFLICT,
            f"the plan item is already being inspected ({live.decision_number or live.id})",
            {"inspection_id": live.id},
        )
    return item


def _plan_slot(
    session: Session,
    viewer: Viewer,
    body: InspectionCreate,
    unit: Organisation,
    unit_chain: list[str],
    on: date,
) -> PlanSlot | None:
    """The plan's surprise-check slot the inspection fills, checked: a slot of a plan the
    caller reads, of this kind, for the unit's level, within its period and not all filled
    (an unknown slot and one of a plan the caller cannot read look the same)."""
    if not body.plan_slot_id:
        return None
    found = plans.visible_slot(session, viewer, body.plan_slot_id)
    if found is None:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"unknown plan slot {body.plan_slot_id}",
            {"id": body.plan_slot_id},
        )
    slot, plan = found
    refusal = slot_refusal(
        SlotTerms(slot.kind, slot.level, slot.period, slot.period_start, slot.period_end),
        body.kind,
        bool(body.plan_item_id),
        unit.name,
        unit.level,
        plan.issuer_name if plan.issuer_id not in unit_chain else None,
        on,
    )
    if refusal:
        raise ApiError(ErrorCode.INVALID_COMMAND, refusal[0], {"id": slot.id}, vi=refusal[1])
    filled = slot_figures(slot.count, plans.slot_fills(session, [slot.id])[slot.id]).filled
    if filled >= slot.count:
        raise ApiError(
            ErrorCode.CONFLICT,
            f"all {slot.count} checks of the slot are decided",
            {"id": slot.id, "count": slot.count},
            vi=f"Đã quyết định đủ {slot.count} cuộc kiểm tra của chỉ tiêu này.",
        )
    return slot


def _parent_scope(
    session: Session, viewer: Viewer, parent_id: str | None, unit_id: str | None
) -> tuple[str, list[ScopedFinding]]:
    """The unit and the open findings of the inspection a re-inspection re-checks.

    An unknown parent, one the caller may not see, one of another unit and one with nothing
    open all get the same answer: the caller learns nothing it could not see."""
    parent = visible_snapshot(session, viewer, parent_id) if parent_id else None
    scope = scope_of(parent) if parent is not None else []
    if parent is None or not scope or (unit_id and unit_id != parent.unit_id):
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            "a re-inspection names an earlier inspection of the same unit, visible to you, "
            "with open findings",
            {"parent_inspection_id": parent_id},
        )
    return parent.unit_id, scope


def calendar_years(today: date) -> range:
    """The years a new inspection's deadlines can fall in (refreshed by calendar edits)."""
    return range(today.year - 1, today.year + 4)


def start_input(
    session: Session,
    actor: Actor,
    viewer: Viewer,
    body: InspectionCreate,
    policies: PolicySet,
    key: str | None = None,
) -> StartInspectionInput:
    """Check the request against the records and the caller's place, and build the
    workflow's input with the inspection's id (claimed last, once everything else holds)."""
    if actor.role not in DECIDE_ROLES:
        raise ApiError(
            ErrorCode.NOT_ALLOWED, f"role '{actor.role}' may not start an inspection", None
        )
    item = _plan_item(session, actor, body, key)
    reinspection = body.kind is InspectionKind.REINSPECTION
    scope: list[ScopedFinding] = []
    unit_id = body.unit_id or (item.unit_id if item else "")
    if reinspection:
        unit_id, scope = _parent_scope(session, viewer, body.parent_inspection_id, body.unit_id)
    unit = session.get(Organisation, unit_id) if unit_id else None
    if unit is None:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"unknown unit {unit_id}" if unit_id else "name the unit_id or a plan_item_id",
            {"unit_id": unit_id},
        )
    refuse_dissolved(session, unit, body.decision.signed_on or local_date(datetime.now(UTC)))
    catalogue = checklists.current(session)
    chosen = "checklist" in body.model_fields_set
    unknown = sorted(set(body.checklist) - set(catalogue.labels())) if chosen else []
    if unknown:
        raise ApiError(
            ErrorCode.INVALID_COMMAND, f"unknown criteria {unknown}", {"criteria": unknown}
        )
    retired = sorted(set(body.checklist) - set(catalogue.active_codes())) if chosen else []
    if retired:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"criteria no longer in use (catalogue version {catalogue.version}): {retired}",
            {"criteria": retired, "checklist_version": catalogue.version},
            vi=f"Tiêu chí {', '.join(retired)} đã ngừng sử dụng.",
        )
    path = ancestry(session, unit.id)
    issuer_id, issuer_path = _issuer(session, viewer, body, unit, path)
    decided_on = body.decision.signed_on or local_date(datetime.now(UTC))
    slot = _plan_slot(session, viewer, body, unit, [*path, unit.id], decided_on)
    natural = natural_key(session, actor, body, key)
    retried = starts.lookup(session, natural) if natural else None
    paper.check_decision(session, issuer_id, body.decision.number, body.decision.signed_on, retried)
    if scope:
        checklist = sorted({s.criterion for s in scope})
    elif item is not None and not chosen:
        checklist = checklist_of(item.content, catalogue)
    elif not chosen:
        checklist = catalogue.active_codes()
    else:
        checklist = body.checklist
    return StartInspectionInput(
        inspection_id=start_id(session, actor, body, key),
        kind=body.kind,
        unit_id=unit.id,
        unit_name=unit.name,
        unit_path=path,
        issuer_path=issuer_path,
        office_id=actor.organisation_id,
        unit_level=unit_level(session, [*path, unit.id]),
        policy=policies.for_kind(body.kind),
        calendar=calendar_for(session, calendar_years(local_date(datetime.now(UTC)))),
        title=body.title,
        legal_basis=body.legal_basis,
        checklist=checklist,
        checklist_version=catalogue.version,
        decision=body.decision.model_copy(update={"issuer_id": issuer_id}),
        plan_item_id=body.plan_item_id,
        plan_slot_id=slot.id if slot else None,
        parent_inspection_id=body.parent_inspection_id,
        scope=scope,
        remote=body.remote,
        actor=actor,
        findings_report_step=True,
        reports_upward=body.kind is InspectionKind.SELF,
    )


def refuse_dissolved(session: Session, unit: Organisation, on: date) -> None:
    """A unit that no longer existed on the decision's date cannot be inspected: the
    answer names what took its place (a decision dated before it ended still may)."""
    if unit.valid_to is None or unit.valid_to >= on:
        return
    successor = session.get(Organisation, unit.successor_id) if unit.successor_id else None
    after = f"; its successor is {successor.name}" if successor else ""
    after_vi = f"; đơn vị kế thừa là {successor.name}" if successor else ""
    raise ApiError(
        ErrorCode.INVALID_COMMAND,
        f"{unit.name} ceased to exist on {unit.valid_to}{after}",
        {
            "unit_id": unit.id,
            "valid_to": unit.valid_to.isoformat(),
            "successor_id": unit.successor_id,
        },
        vi=f"{unit.name} đã chấm dứt hoạt động từ ngày {unit.valid_to:%d/%m/%Y}{after_vi}.",
    )


def _issuer(
    session: Session, viewer: Viewer, body: InspectionCreate, unit: Organisation, path: list[str]
) -> tuple[str, list[str]]:
    """The issuing organisation (the coordinator's People's Committee unless the decision
    names its own agency) and its ancestry; refused when the unit lies outside the
    coordinator's authority or the coordinator's office would stand on the inspected side."""
    unit_chain = [*path, unit.id]
    if body.kind is InspectionKind.SELF:
        return _self_issuer(viewer, body, unit, path)
    if not may_start(viewer, unit_chain):
        raise ApiError(
            ErrorCode.NOT_ALLOWED,
            f"{unit.name} is outside the authority of your organisation, or above it",
            {"unit_id": unit.id, "authority": viewer.authority_root},
        )
    allowed = issuers_for(viewer)
    issuer_id = body.decision.issuer_id or viewer.authority_root or ""
    if issuer_id not in allowed:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            "the decision is issued by your People's Committee or your own agency: "
            + ", ".join(allowed),
            {"issuer_id": issuer_id, "allowed": allowed},
        )
    issuer_path = ancestry(session, issuer_id)
    if office_inspected(viewer, unit_chain, issuer_id, issuer_path):
        raise ApiError(
            ErrorCode.NOT_ALLOWED,
            f"your office manages {unit.name} below the issuing organisation: it stands on "
            "the inspected side (the decision may be issued by your own agency instead)",
            {"unit_id": unit.id, "office_id": viewer.organisation_id, "issuer_id": issuer_id},
        )
    return issuer_id, issuer_path


def _self_issuer(
    viewer: Viewer, body: InspectionCreate, unit: Organisation, path: list[str]
) -> tuple[str, list[str]]:
    """A self-inspection is decided by the unit itself: its own coordinator starts it and the
    unit issues the decision."""
    if not may_start_self(viewer, [*path, unit.id]):
        raise ApiError(
            ErrorCode.NOT_ALLOWED,
            f"a self-inspection of {unit.name} is decided by {unit.name} itself",
            {"unit_id": unit.id},
            vi=f"Việc tự kiểm tra của {unit.name} do chính {unit.name} quyết định.",
        )
    if body.decision.issuer_id not in (None, unit.id):
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            "a self-inspection's decision is issued by the unit itself",
            {"issuer_id": body.decision.issuer_id, "allowed": [unit.id]},
            vi="Quyết định tự kiểm tra do chính đơn vị ban hành.",
        )
    return unit.id, path


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
        # What never changes, for operators finding a workflow in Temporal's own lists.
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(KIEMTRA_UNIT, inp.unit_id),
                SearchAttributePair(KIEMTRA_KIND, inp.kind.value),
            ]
        ),
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
    """How commands reach Temporal: the client, the task queue, the bound on every call,
    this process's per-inspection gates (the HTTP API has them; the seeder runs alone) and
    the database the caller records each committed command in before it answers."""

    client: Client
    task_queue: str
    timeout: float
    engine: Engine | None = None
    gates: CommandGates | None = None

    async def start(self, session: Session | None, inp: StartInspectionInput) -> InspectionSnapshot:
        release(session)
        inp = inp.model_copy(update={"caller_records": self.engine is not None})
        snapshot = await start_inspection(
            self.client, self.task_queue, inp, self.timeout, self.gates
        )
        if snapshot.seq == 1:  # the decision itself (a late retry answers the final state)
            await self._record(snapshot, inp.actor, "decide", decision_payload(inp), None)
        return snapshot

    async def fire(
        self,
        session: Session | None,
        inspection_id: str,
        trigger: Trigger,
        command: Command,
        key: str | None,
        before: InspectionSnapshot | None = None,
    ) -> InspectionSnapshot:
        """``before``: the snapshot the caller saw, so only the collections that changed are
        rewritten when it was the latest."""
        command = command.model_copy(update={"caller_records": self.engine is not None})
        snapshot = await fire(
            self.client, session, inspection_id, trigger, command, key, self.timeout, self.gates
        )
        payload = command_payload(command)
        await self._record(snapshot, command.actor, trigger.value, payload, before)
        return snapshot

    async def _record(
        self,
        snapshot: InspectionSnapshot,
        actor: Actor,
        trigger: str,
        payload: dict[str, Any],
        before: InspectionSnapshot | None,
    ) -> None:
        """Write what Temporal committed — the command's event and the snapshot after it —
        before answering: read-your-writes without a second workflow task. Should this
        fail, the workflow writes it itself within ``CATCH_UP``; the command stands."""
        last = snapshot.history[-1] if snapshot.history else None
        if (
            self.engine is None
            or last is None
            or (last.trigger, last.actor_id)
            != (
                trigger,
                actor.user_id,
            )
        ):
            return
        event = last_event(snapshot, actor, payload)
        fresh = before is not None and before.seq == snapshot.seq - 1
        changed = changed_collections(before, snapshot) if before and fresh else None
        try:
            await asyncio.to_thread(project, self.engine, snapshot, [event], changed)
        except Exception:
            log.warning("command recorded by its workflow only: %s", snapshot.inspection_id)


COMMUNE_LEVELS = frozenset({"commune", "ward", "special_zone"})


def release(session: Session | None) -> None:
    """End the request's read transaction before waiting on Temporal: its connection goes
    back to the pool, so fifty requests waiting on commands do not hold fifty connections
    (and starve the projection of the worker that would answer them)."""
    if session is not None:
        session.rollback()


def unit_level(session: Session, path: list[str]) -> UnitLevel:
    """Commune-level when the unit is a commune or sits under one (Decree 217 Art. 13)."""
    levels = {org.level for oid in path if (org := session.get(Organisation, oid)) is not None}
    return UnitLevel.COMMUNE if levels & COMMUNE_LEVELS else UnitLevel.PROVINCE


def team_input(
    session: Session, actor: Actor, body: TeamCreate, viewer: Viewer | None = None
) -> FormTeamInput:
    """Resolve team members from their accounts (name, organisation and its ancestry) or as
    named; from a standing team in force within the caller's authority, its members unless
    the body adjusts them."""
    standing = None
    members = teams.members_of_refs(session, body.members)
    if body.standing_team_id is not None:
        day = body.signed_on or teams.today()
        standing = teams.standing_team_for(session, viewer, body.standing_team_id, day)
        if not body.members:
            members = teams.standing_members(session, standing)
    return FormTeamInput(
        actor=actor,
        members=members,
        signed_on=body.signed_on,
        standing_team_id=standing.id if standing else None,
        standing_team_decision=standing.decision_number if standing else "",
    )


def team_change_input(session: Session, actor: Actor, body: TeamChange) -> ChangeTeamInput:
    return ChangeTeamInput(
        actor=actor,
        members=teams.members_of_refs(session, body.members),
        number=body.number,
        reason=body.reason,
        signed_on=body.signed_on,
    )


async def fire(
    client: Client,
    session: Session | None,
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
            UPDATES[trigger],
            command,
            # Keys are the caller's: another user's key never replays someone else's answer.
            id=f"{command.actor.user_id}:{key}" if key else uuid.uuid4().hex,
        ),
        timeout,
        gates.hold(inspection_id) if gates else None,
    )
