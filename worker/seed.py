"""Demo data: the organisation tree, one account per role, inspections in many states.

Organisations and accounts are written to the database directly; inspections are driven
through the real workflow with ``api.commands`` (the application service behind the HTTP
routes), so every step passes the same role, payload and guard checks as an API call and
the read model, events and histories look exactly like real use.
"""

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError

from api import commands
from api import plans as plan_service
from api.commands import Commander, calendar_years
from api.deps import actor_of
from api.errors import ApiError
from api.plan_schemas import PlanCreate
from api.schemas import COMMAND_BODIES, InspectionCreate, TeamCreate
from api.security import hash_password
from api.settings import ApiSettings
from states.calendar import WorkingCalendar, local_date
from states.models import Actor, Command, Decision, InspectionSnapshot
from states.scope import Viewer
from states.triggers import COMMAND_TYPES
from states.vocabulary import Trigger
from store import plans as plan_store
from store.accounts import create_user
from store.calendar import calendar_for
from store.queries import organisation_by_code, snapshot_of, viewer_of
from store.tables import Organisation, Plan, PlanItem, User
from worker.demo_data import DEMO_ACCOUNTS, DEMO_PASSWORD, ORGANISATIONS, PROVINCE, PROVINCE_CODE
from worker.demo_inspections import Scenario, Step, scenarios
from worker.demo_plans import plans

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "SeedError", "seed_demo"]

log = logging.getLogger(__name__)


class SeedError(RuntimeError):
    """The demo could not be loaded; the message names the inspection and the step."""


async def seed_demo(client: Client, engine: Engine, settings: ApiSettings) -> bool:
    """Load the demo once: False (and nothing written) if the province is already there.

    Raises ``SeedError`` when no worker polls the task queue (nothing is written then) or
    when a command is refused; a demo that failed midway stays partial, so start again
    from an empty database.
    """
    with Session(engine) as session:
        if organisation_by_code(session, PROVINCE_CODE) is not None:
            return False
    # Seeding is not resumable (a second run sees the province and stops), so refuse to
    # write anything before a worker is there to carry the inspections.
    await _await_worker(client, settings.task_queue, settings.update_timeout_seconds)
    with Session(engine) as session:
        _add_organisations(session)
        actors = _add_accounts(session)
    today = local_date(datetime.now(UTC))
    with Session(engine) as session:
        items = _add_plans(session, actors["coordinator"], today)
    for scenario in scenarios(today):
        await _drive(client, engine, settings, actors, scenario, today, items)
    log.info("demo data loaded: %d organisations, %d accounts", len(ORGANISATIONS), len(actors))
    return True


async def _await_worker(client: Client, task_queue: str, timeout: float) -> None:
    """Wait until a worker polls ``task_queue``; raise ``SeedError`` if none comes in time."""
    request = DescribeTaskQueueRequest(
        namespace=client.namespace,
        task_queue=TaskQueue(name=task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    )
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        try:
            described = await client.workflow_service.describe_task_queue(
                request, timeout=timedelta(seconds=max(left, 1))
            )
        except RPCError as error:
            # A busy or restarting server cancels a call now and then: ask again until the
            # deadline, and only then say it cannot be reached.
            if asyncio.get_running_loop().time() >= deadline:
                raise SeedError(f"Temporal is not reachable: {error.message}") from error
            await asyncio.sleep(0.2)
            continue
        if described.pollers:
            return
        if asyncio.get_running_loop().time() >= deadline:
            raise SeedError(f"no worker polls task queue {task_queue!r}; start one first")
        await asyncio.sleep(0.2)


def _add_organisations(session: Session) -> None:
    """All rows in one transaction, parents first (the foreign keys are checked at once)."""
    session.add_all(Organisation(**row._asdict()) for row in ORGANISATIONS)
    session.commit()


def _add_accounts(session: Session) -> dict[str, Actor]:
    """One account per role, as actors by username (each commit expires the ORM rows).

    argon2 is slow by design, so the one shared password is hashed once.
    """
    hashed = hash_password(DEMO_PASSWORD)
    actors = {}
    for account in DEMO_ACCOUNTS:
        user = create_user(
            session,
            username=account.username,
            password_hash=hashed,
            role=account.role,
            organisation_id=account.organisation_id,
            full_name=account.full_name,
        )
        actors[account.username] = actor_of(user, viewer=viewer_of(session, user))
    return actors


def _add_plans(session: Session, coordinator: Actor, today: date) -> dict[tuple[str, str], str]:
    """The demo plans through the plan service; their item ids by (plan number, unit)."""
    user = session.get(User, coordinator.user_id)
    assert user is not None
    viewer = viewer_of(session, user)
    items = {}
    for body in plans(today):
        plan = plan_service.create_plan(
            session, viewer, coordinator, PlanCreate.model_validate(body)
        )
        for item in plan_store.items_of(session, plan.id, viewer):
            items[(plan.number, item.unit_id)] = item.id
    return items


async def _drive(
    client: Client,
    engine: Engine,
    settings: ApiSettings,
    actors: dict[str, Actor],
    scenario: Scenario,
    today: date,
    items: dict[tuple[str, str], str],
) -> None:
    """Start one inspection and fire its steps; fail loudly if it misses its state."""
    commander = Commander(client, settings.task_queue, settings.update_timeout_seconds, engine)
    coordinator = actors["coordinator"]
    with Session(engine) as session:
        calendar = calendar_for(session, calendar_years(today))
    lead = settings.policies().for_kind(scenario.kind).notice_lead_days
    dates = business_dates(scenario, today, calendar, lead)
    body = InspectionCreate(
        kind=scenario.kind,
        unit_id=scenario.unit_id,
        title=scenario.title,
        legal_basis=scenario.legal_basis,
        decision=Decision(
            number=scenario.decision_number,
            signed_on=dates[0],
            signer=actors["decision_maker"].name,
            issuer_id=PROVINCE,
        ),
        **({"checklist": list(scenario.checklist)} if scenario.checklist else {}),
        plan_item_id=items[(scenario.plan, scenario.unit_id)] if scenario.plan else None,
    )
    # A stable key, as an API caller's Idempotency-Key: the id is derived the same way.
    key = f"demo-{scenario.key}"
    stage = "decide"
    with Session(engine) as session:
        try:
            inp = commands.start_input(
                session, coordinator, _viewer(session, coordinator), body, settings.policies(), key
            )
            inspection_id = inp.inspection_id
            snapshot = await commander.start(session, inp)
            for no, step in enumerate(scenario.steps, start=1):
                stage = f"step {no} ({step.trigger})"
                command = _command(session, actors, dated(step, dates, no, calendar))
                snapshot = await commander.fire(
                    session, inspection_id, step.trigger, command, f"demo-{scenario.key}-{no}"
                )
            if scenario.adjustment:
                stage = "plan adjustment"
                snapshot = await _adjust(commander, session, actors, scenario, items, inspection_id)
        except ApiError as error:
            raise SeedError(
                f"demo inspection {scenario.key!r}, {stage}: {error.message}"
            ) from error
    if snapshot.state is not scenario.ends_in:
        raise SeedError(
            f"demo inspection {scenario.key!r} ended in {snapshot.state}, not {scenario.ends_in}"
        )
    log.info("demo inspection %s: %s", scenario.key, snapshot.state)


async def _adjust(
    commander: Commander,
    session: Session,
    actors: dict[str, Actor],
    scenario: Scenario,
    items: dict[tuple[str, str], str],
    inspection_id: str,
) -> InspectionSnapshot:
    """Cancel the scenario's plan item as the decision-maker: its inspection is terminated."""
    item = session.get(PlanItem, items[(scenario.plan or "", scenario.unit_id)])
    actor = actors["decision_maker"]
    user = session.get(User, actor.user_id)
    plan = session.get(Plan, item.plan_id) if item else None
    assert item is not None and user is not None and plan is not None
    await plan_service.cancel_item(
        commander,
        session,
        viewer_of(session, user),
        actor,
        plan,
        item.id,
        scenario.adjustment,
        f"demo-{scenario.key}-adjustment",
    )
    session.expire_all()  # the projection wrote the terminated inspection meanwhile
    snapshot = snapshot_of(session, inspection_id)
    assert snapshot is not None
    return snapshot


# Working days from the step before to each step: the demo was done on paper over weeks,
# and is entered as it happened (every document keeps its own date).
STEP_GAPS: dict[Trigger, int] = {
    Trigger.FORM_TEAM: 1,
    Trigger.SEND_NOTICE: 1,
    Trigger.START_VISIT: 5,
    Trigger.RECORD_VISIT: 0,
    Trigger.REPORT_FINDINGS: 3,
    Trigger.CONCLUDE: 3,
    Trigger.ACKNOWLEDGE: 2,
    Trigger.REPORT_REMEDIATION: 8,
    Trigger.SCHEDULE_REINSPECTION: 1,
    Trigger.VERIFY: 3,
}


def business_dates(
    scenario: Scenario, today: date, calendar: WorkingCalendar, lead: int
) -> list[date]:
    """The decision's date and each step's: as long ago as the steps took, ending today."""
    gaps = [
        max(STEP_GAPS.get(s.trigger, 1), lead if s.trigger is Trigger.START_VISIT else 0)
        for s in scenario.steps
    ]
    day = calendar.subtract_working_days(calendar.add_working_days(today, 0), sum(gaps) + 1)
    if day > today:  # today is a day off: the last step was the working day before
        day = calendar.subtract_working_days(day, 1)
    dates = [day]
    for gap in gaps:
        day = calendar.add_working_days(day, gap)
        dates.append(min(day, today))
    return dates


def dated(step: Step, dates: list[date], no: int, calendar: WorkingCalendar) -> Step:
    """``step`` with its business date, the visit its notice announces and due dates on
    working days."""
    body = dict(step.body)
    command = COMMAND_TYPES[step.trigger]
    field = "held_on" if "held_on" in command.model_fields else "signed_on"
    if field in command.model_fields:
        body.setdefault(field, dates[no])
    if step.trigger is Trigger.SEND_NOTICE and no + 1 < len(dates):
        body["visit_planned_on"] = dates[no + 1]
    if step.trigger is Trigger.SCHEDULE_REINSPECTION and no + 1 < len(dates):
        body["planned_on"] = dates[no + 1]
    if "orders" in body:
        body["orders"] = [
            {**o, "due_on": calendar.add_working_days(o["due_on"], 0)} for o in body["orders"]
        ]
    return Step(step.by, step.trigger, body)


def _viewer(session: Session, actor: Actor) -> Viewer:
    user = session.get(User, actor.user_id)
    assert user is not None
    return viewer_of(session, user)


def _command(session: Session, actors: dict[str, Actor], step: Step) -> Command:
    """The command as the HTTP route builds it: the body, plus the actor from the account."""
    actor = actors[step.by]
    if step.trigger is Trigger.FORM_TEAM:
        members = [
            {"user_id": actors[m["username"]].user_id, "team_role": m["team_role"]}
            for m in step.body["members"]
        ]
        body = {"members": members, "signed_on": step.body.get("signed_on")}
        return commands.team_input(session, actor, TeamCreate.model_validate(body))
    payload = COMMAND_BODIES[step.trigger].model_validate(step.body)
    return COMMAND_TYPES[step.trigger].model_validate({**payload.model_dump(), "actor": actor})
