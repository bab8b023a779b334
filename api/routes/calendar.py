"""The working-day calendar: configured days (admin) and "N working days after D"."""

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session
from temporalio.client import Client

from activities.calendar import broadcast_calendar
from api.bounds import DAY_RANGE, MAX_WORKING_DAYS, Day
from api.commands import calendar_years
from api.deps import CurrentUser, SessionDep, TemporalDep, require_role
from api.errors import not_found
from states.calendar import ConfiguredDay, local_date
from states.vocabulary import Role
from store.calendar import calendar_for, configured_days, delete_day, set_day

router = APIRouter(prefix="/calendar", tags=["calendar"])


class ConfiguredDayCreate(ConfiguredDay):
    """A configured day within the calendar's range (the same range every date query has)."""

    day: Day


class ConfiguredDaysPublic(BaseModel):
    data: list[ConfiguredDay]
    count: int


class SkippedDay(BaseModel):
    day: date
    reason: str


class WorkingDaysAnswer(BaseModel):
    start: date
    days: int
    result: date
    skipped: list[SkippedDay]


def _today() -> date:
    return local_date(datetime.now(UTC))


@router.get("/days", response_model=ConfiguredDaysPublic)
def list_days(user: CurrentUser, session: SessionDep) -> ConfiguredDaysPublic:
    """Days the administrator configured: announced days off and make-up working days."""
    days = configured_days(session)
    return ConfiguredDaysPublic(data=days, count=len(days))


@router.post("/days", status_code=201, response_model=ConfiguredDay)
def add_day(
    body: ConfiguredDayCreate,
    user: CurrentUser,
    session: SessionDep,
    client: TemporalDep,
    tasks: BackgroundTasks,
) -> ConfiguredDay:
    """Add or replace a configured day; running inspections recompute their deadlines."""
    require_role(user, Role.ADMIN)
    save_day(session, client, tasks, body)
    return body


def save_day(session: Session, client: Client, tasks: BackgroundTasks, day: ConfiguredDay) -> None:
    """Add or replace a configured day and tell running inspections (the pages use it too)."""
    set_day(session, day)
    tasks.add_task(broadcast_calendar, client, calendar_for(session, calendar_years(_today())))


def forget_day(session: Session, client: Client, tasks: BackgroundTasks, day: date) -> None:
    """Remove a configured day (404 when there is none) and tell running inspections."""
    if not delete_day(session, day):
        raise not_found("configured day", day.isoformat())
    tasks.add_task(broadcast_calendar, client, calendar_for(session, calendar_years(_today())))


@router.delete("/days/{day}", status_code=204)
def remove_day(
    day: Annotated[Day, Path(description=DAY_RANGE)],
    user: CurrentUser,
    session: SessionDep,
    client: TemporalDep,
    tasks: BackgroundTasks,
) -> Response:
    require_role(user, Role.ADMIN)
    forget_day(session, client, tasks, day)
    return Response(status_code=204)


@router.get("/add", response_model=WorkingDaysAnswer)
def add_working_days(
    user: CurrentUser,
    session: SessionDep,
    start: Annotated[Day, Query(alias="from", description=DAY_RANGE)],
    days: Annotated[int, Query(ge=0, le=MAX_WORKING_DAYS)],
) -> WorkingDaysAnswer:
    """N working days after a date, with every skipped day and why, so a person can check."""
    years = range(start.year, start.year + days // 200 + 2)
    calendar = calendar_for(session, years)
    result = calendar.add_working_days(start, days)
    skipped = [SkippedDay(day=d, reason=r) for d, r in calendar.skipped_days(start, result)]
    return WorkingDaysAnswer(start=start, days=days, result=result, skipped=skipped)
