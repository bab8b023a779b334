"""Demo data: the organisation tree, one account per role, inspections in many states.

Organisations and accounts are written to the database directly; inspections are driven
through the real workflow with ``api.commands`` (the application service behind the HTTP
routes), so every step passes the same role, payload and guard checks as an API call and
the read model, events and histories look exactly like real use.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError

from api import commands
from api import complaints as complaint_service
from api import discipline as discipline_service
from api import plans as plan_service
from api import teams as team_service
from api.commands import Commander, calendar_years
from api.deps import actor_of
from api.discipline import DisciplineCreate, DisciplineDecision
from api.errors import ApiError
from api.plan_schemas import PlanCreate
from api.schemas import COMMAND_BODIES, InspectionCreate, TeamCreate
from api.security import hash_password
from api.settings import ApiSettings
from api.team_schemas import StandingMemberCreate, StandingTeamCreate
from states.calendar import WorkingCalendar, local_date
from states.complaints import ComplaintOutcome
from states.discipline import DisciplineForm, DisciplineOutcome, PersonCategory
from states.models import Actor, Command, Decision, InspectionSnapshot
from states.scope import Viewer
from states.triggers import COMMAND_TYPES
from states.vocabulary import Trigger
from store import complaints as complaint_store
from store import plans as plan_store
from store.accounts import create_user
from store.calendar import calendar_for
from store.queries import organisation_by_code, snapshot_of, user_by_username, viewer_of
from store.tables import Organisation, Plan, PlanItem, User
from worker import demo_data as org
from worker.demo_complaints import COMPLAINTS
from worker.demo_data import DEMO_ACCOUNTS, DEMO_PASSWORD, ORGANISATIONS, PROVINCE, PROVINCE_CODE
from worker.demo_inspections import DemoDiscipline, Scenario, Step, scenarios
from worker.demo_plans import ANNUAL, plans

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
        plan_refs = _add_plans(session, actors["coordinator"], today)
        refs = Refs(
            items=plan_refs[0],
            slots=plan_refs[1],
            standing=_add_standing_team(session, actors["coordinator"], today),
            complaints=_add_complaints(session, actors["coordinator"], today),
        )
    # The inspections are independent: several at once, as a busy office enters them.
    gate = asyncio.Semaphore(DRIVEN_AT_ONCE)

    async def drive(scenario: Scenario) -> None:
        async with gate:
            await _drive(client, engine, settings, actors, scenario, today, refs)

    async with asyncio.TaskGroup() as group:
        for scenario in scenarios(today):
            group.create_task(drive(scenario))
    log.info("demo data loaded: %d organisations, %d accounts", len(ORGANISATIONS), len(actors))
    return True


# Inspections driven at once while seeding (each its own workflow and session).
DRIVEN_AT_ONCE = 8


@dataclass(frozen=True)
class Refs:
    """What the scenarios name by key, as the records know it."""

    items: dict[tuple[str, str], str]  # (plan number, unit) → plan item id
    slots: dict[tuple[str, str], str]  # (plan number, level) → surprise-check slot id
    standing: dict[str, str]  # decision number → standing team id
    complaints: dict[str, str]  # demo key → complaint id


def _add_standing_team(session: Session, coordinator: Actor, today: date) -> dict[str, str]:
    """The province's standing team: five offices, two members without an account."""
    user = session.get(User, coordinator.user_id)
    assert user is not None
    members = [
        {"user_id": _user_id(session, "inspector_snv"), "team_role": "team_leader"},
        {"user_id": _user_id(session, "inspector_vp"), "team_role": "member"},
        {"user_id": _user_id(session, "inspector_stp"), "team_role": "secretary"},
        {
            "name": "Đỗ Văn Nam",
            "position": "Thanh tra viên",
            "organisation_id": org.INSPECTORATE,
            "organisation_name": "Thanh tra tỉnh",
        },
        {
            "name": "Ngô Thị Hương",
            "position": "Chuyên viên Văn phòng Sở",
            "organisation_id": org.CULTURE,
            "organisation_name": "Sở Văn hóa, Thể thao và Du lịch",
        },
    ]
    body = StandingTeamCreate(
        name="Tổ kiểm tra công vụ tỉnh Minh Sơn",
        decision_number=org.STANDING_TEAM_DECISION,
        decision_signed_on=date(today.year, 1, 2),
        valid_from=date(today.year, 1, 2),
        members=[StandingMemberCreate.model_validate(m) for m in members],
    )
    standing = team_service.create(session, viewer_of(session, user), body)
    return {org.STANDING_TEAM_DECISION: standing.id}


def _user_id(session: Session, username: str) -> str:
    user = user_by_username(session, username)
    assert user is not None
    return user.id


def _add_complaints(session: Session, coordinator: Actor, today: date) -> dict[str, str]:
    """The register of complaints; those closed without an inspection are assessed."""
    user = session.get(User, coordinator.user_id)
    assert user is not None
    viewer = viewer_of(session, user)
    found = {}
    for c in COMPLAINTS:
        unit = session.get(Organisation, c.unit_id)
        assert unit is not None
        new = complaint_store.NewComplaint(
            # Received this year, so the year's report counts every one of them.
            received_on=max(today - timedelta(days=c.days_ago), date(today.year, 1, 1)),
            channel=c.channel,
            unit_id=c.unit_id,
            content=c.content,
            people_named=c.people_named,
            criterion=c.criterion,
            complainant_name=c.complainant_name,
            complainant_email=c.complainant_email,
            complainant_phone=c.complainant_phone,
        )
        row = complaint_store.receive(
            session, viewer, unit, new, complaint_service.owner_of(viewer)
        )
        if c.closed:
            outcome, reason = c.closed
            complaint_store.close(session, row, ComplaintOutcome(outcome), reason, user.id)
        found[c.key] = row.id
    return found


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


def _add_plans(
    session: Session, coordinator: Actor, today: date
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """The demo plans through the plan service; their item ids by (plan number, unit) and
    their slot ids by (plan number, level)."""
    user = session.get(User, coordinator.user_id)
    assert user is not None
    viewer = viewer_of(session, user)
    items, slots = {}, {}
    for body in plans(today):
        plan = plan_service.create_plan(
            session, viewer, coordinator, PlanCreate.model_validate(body)
        )
        for item in plan_store.items_of(session, plan.id, viewer):
            items[(plan.number, item.unit_id)] = item.id
        for slot in plan_store.slots_of(session, plan.id):
            slots[(plan.number, slot.level)] = slot.id
    return items, slots


async def _drive(
    client: Client,
    engine: Engine,
    settings: ApiSettings,
    actors: dict[str, Actor],
    scenario: Scenario,
    today: date,
    refs: Refs,
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
        plan_item_id=refs.items[(scenario.plan, scenario.unit_id)] if scenario.plan else None,
        plan_slot_id=refs.slots[(ANNUAL, scenario.slot)] if scenario.slot else None,
        complaint_ids=[refs.complaints[k] for k in scenario.complaints],
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
            if body.complaint_ids:
                rows = complaint_store.by_ids(session, body.complaint_ids)
                complaint_store.link(session, rows, inspection_id, coordinator.user_id)
            for no, step in enumerate(scenario.steps, start=1):
                stage = f"step {no} ({step.trigger})"
                for record in (d for d in scenario.discipline if d.before == no):
                    _recommend(session, actors, inspection_id, record)
                command = _command(session, actors, refs, dated(step, dates, no, calendar))
                snapshot = await commander.fire(
                    session, inspection_id, step.trigger, command, f"demo-{scenario.key}-{no}"
                )
            stage = "discipline"
            for record in (d for d in scenario.discipline if d.before > len(scenario.steps)):
                _recommend(session, actors, inspection_id, record)
            if scenario.adjustment:
                stage = "plan adjustment"
                snapshot = await _adjust(
                    commander, session, actors, scenario, refs.items, inspection_id
                )
        except ApiError as error:
            raise SeedError(
                f"demo inspection {scenario.key!r}, {stage}: {error.message}"
            ) from error
    if snapshot.state is not scenario.ends_in:
        raise SeedError(
            f"demo inspection {scenario.key!r} ended in {snapshot.state}, not {scenario.ends_in}"
        )
    log.info("demo inspection %s: %s", scenario.key, snapshot.state)


def _organisation_name(session: Session, organisation_id: str) -> str:
    found = session.get(Organisation, organisation_id)
    return found.name if found else ""


def _recommend(
    session: Session, actors: dict[str, Actor], inspection_id: str, record: DemoDiscipline
) -> None:
    """A person the conclusion named, recommended for discipline (and decided, if so)."""
    session.expire_all()
    snapshot = snapshot_of(session, inspection_id)
    assert snapshot is not None
    viewer = _viewer(session, actors["coordinator"])
    body = DisciplineCreate(
        finding_no=record.finding_no,
        person_name=record.person_name,
        position=record.position,
        organisation_id=record.authority_id,
        organisation_name=_organisation_name(session, record.authority_id),
        category=PersonCategory(record.category),
        authority_id=record.authority_id,
        proposed_form=DisciplineForm(record.proposed_form),
    )
    case = discipline_service.create(session, snapshot, viewer, body)
    if record.decided:
        decision = DisciplineDecision(
            outcome=DisciplineOutcome.DECIDED,
            form=DisciplineForm(record.proposed_form),
            decision_number=record.decided,
            signed_on=local_date(datetime.now(UTC)),
        )
        discipline_service.decide(session, viewer, case.id, decision)


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
    given = dict(scenario.gaps)
    gaps = [
        given.get(no)
        or max(STEP_GAPS.get(s.trigger, 1), lead if s.trigger is Trigger.START_VISIT else 0)
        for no, s in enumerate(scenario.steps, start=1)
    ]
    back = sum(gaps) + 1 + scenario.earlier
    day = calendar.subtract_working_days(calendar.add_working_days(today, 0), back)
    if day > today:  # today is a day off: the last step was the working day before
        day = calendar.subtract_working_days(day, 1)
    if scenario.slot:  # a slot of this year's plan: decided this year
        day = min(max(day, calendar.add_working_days(date(today.year, 1, 1), 0)), today)
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
            {k: v for k, v in o.items() if k != "due_after"}
            | {
                "due_on": calendar.add_working_days(dates[no], o["due_after"])
                if "due_after" in o
                else calendar.add_working_days(o["due_on"], 0)
            }
            for o in body["orders"]
        ]
    return Step(step.by, step.trigger, body)


def _viewer(session: Session, actor: Actor) -> Viewer:
    user = session.get(User, actor.user_id)
    assert user is not None
    return viewer_of(session, user)


def _command(session: Session, actors: dict[str, Actor], refs: Refs, step: Step) -> Command:
    """The command as the HTTP route builds it: the body, plus the actor from the account."""
    actor = actors[step.by]
    if step.trigger is Trigger.FORM_TEAM and "standing_team" in step.body:
        standing = refs.standing[step.body["standing_team"]]
        body = {"standing_team_id": standing, "signed_on": step.body.get("signed_on")}
        viewer = _viewer(session, actor)
        return commands.team_input(session, actor, TeamCreate.model_validate(body), viewer)
    if step.trigger is Trigger.FORM_TEAM:
        members = [
            {"user_id": actors[m["username"]].user_id, "team_role": m["team_role"]}
            for m in step.body["members"]
        ]
        body = {"members": members, "signed_on": step.body.get("signed_on")}
        return commands.team_input(session, actor, TeamCreate.model_validate(body))
    payload = COMMAND_BODIES[step.trigger].model_validate(step.body)
    return COMMAND_TYPES[step.trigger].model_validate({**payload.model_dump(), "actor": actor})
