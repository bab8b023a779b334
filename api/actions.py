"""Starting inspections and firing their triggers: the one path the JSON API and the web
pages both take, so a rule is checked in one place whichever door a person comes through."""

from fastapi import Request
from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import commands, complaints, discipline, paper
from api.commands import Commander
from api.deps import actor_of
from api.errors import ApiError, ErrorCode
from api.schemas import (
    AllowedAction,
    InspectionCreate,
    InspectionDetail,
    TeamChange,
    TeamCreate,
)
from api.scope import get_viewer, load_visible
from states import procedure
from states.models import Actor, Command, InspectionSnapshot, StartInspectionInput
from states.policies import PolicySet
from states.rules import check_actor
from states.scope import Viewer
from states.triggers import COMMAND_PATHS, COMMAND_TYPES
from states.vocabulary import Trigger
from store import plans, starts
from store.tables import PlanItem, User


def action_path(snapshot: InspectionSnapshot, trigger: Trigger) -> str:
    pending = next((e.n for e in snapshot.extensions if e.status == "pending"), 0)
    tail = COMMAND_PATHS[trigger].replace("{n}", str(pending))
    return f"/api/v1/inspections/{snapshot.inspection_id}/{tail}"


def detail_of(snapshot: InspectionSnapshot, actor: Actor) -> InspectionDetail:
    allowed = [
        AllowedAction(trigger=t, path=action_path(snapshot, t))
        for t in procedure.allowed_triggers(snapshot, actor)
    ]
    return InspectionDetail(**snapshot.model_dump(), allowed_actions=allowed)


def start_input_for(
    session: Session,
    actor: Actor,
    viewer: Viewer,
    body: InspectionCreate,
    policies: PolicySet,
    key: str | None,
) -> StartInspectionInput:
    """The checks against the records, off the event loop (a locked database must not stall
    every other request); the connection is back in the pool before Temporal is called."""
    item = session.get(PlanItem, body.plan_item_id) if body.plan_item_id else None
    if item is not None and not plans.item_visible(item, viewer):
        raise ApiError(ErrorCode.INVALID_COMMAND, f"unknown plan item {item.id}", {"id": item.id})
    natural = commands.natural_key(session, actor, body, key)
    retried = starts.lookup(session, natural) if natural else None
    complaints.for_start(session, viewer, body, retried)
    inp = commands.start_input(session, actor, viewer, body, policies, key)
    commands.release(session)
    return inp


async def start(
    request: Request,
    body: InspectionCreate,
    user: User,
    viewer: Viewer,
    session: Session,
    commander: Commander,
    idempotency_key: str | None,
) -> InspectionDetail:
    """Start an inspection from its decision; its workflow runs until closure."""
    actor = actor_of(user, request, viewer)
    inp = await run_in_threadpool(
        start_input_for, session, actor, viewer, body, request.app.state.policies, idempotency_key
    )
    snapshot = await commander.start(session, inp)
    if body.complaint_ids:
        await run_in_threadpool(
            complaints.link_started,
            request,
            session,
            body.complaint_ids,
            snapshot.inspection_id,
            user.id,
        )
    return detail_of(snapshot, actor)


async def fire(
    trigger: Trigger,
    inspection_id: str,
    payload: BaseModel,
    request: Request,
    user: User,
    session: Session,
    commander: Commander,
    idempotency_key: str | None,
) -> InspectionDetail:
    before, command = await run_in_threadpool(
        command_for, trigger, inspection_id, payload, request, user, session
    )
    snapshot = await commander.fire(
        session, inspection_id, trigger, command, idempotency_key, before
    )
    return detail_of(snapshot, command.actor)


def command_for(
    trigger: Trigger,
    inspection_id: str,
    payload: BaseModel,
    request: Request,
    user: User,
    session: Session,
) -> tuple[InspectionSnapshot, Command]:
    """The command, checked against the records off the event loop (see ``start_input_for``).

    Who may fire it is checked here already, against the read model (the workflow's
    validator checks again): a refusal costs no call to Temporal, and a caller who may not
    form the team learns nothing about which accounts exist."""
    viewer = get_viewer(user, session)
    actor = actor_of(user, request, viewer)
    before = load_visible(session, viewer, inspection_id)
    check_actor(before, trigger, actor)
    command: Command
    if isinstance(payload, TeamCreate):
        command = commands.team_input(session, actor, payload, viewer)
    elif isinstance(payload, TeamChange):
        command = commands.team_change_input(session, actor, payload)
    else:
        command = COMMAND_TYPES[trigger].model_validate({**payload.model_dump(), "actor": actor})
    paper.check_command(session, before, trigger.value, command)
    discipline.check_referrals(session, before, command)
    commands.release(session)
    return before, command
