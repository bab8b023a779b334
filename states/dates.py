"""Dates as business facts: a command carries the date of its document or act, and the due
dates a person sets fall on working days.

Checked when a command is offered (the update validator), never when a history replays:
an old history's commands were judged by the rules of their day.
"""

from datetime import date, datetime, time

from states.calendar import VN_TZ, WorkingCalendar, local_date
from states.errors import InvalidCommand
from states.models import (
    Command,
    ConcludeInput,
    HistoryEntry,
    InspectionSnapshot,
    RequestExtensionInput,
    ScheduleReinspectionInput,
    SendNoticeInput,
    VerifyInput,
)

# A backdated step took place during that office day; its moment is the day's start, so
# that deadlines count from its date and nothing after it can come before it.
BACKDATED_AT = time(8, 0)


def step_on(snapshot: InspectionSnapshot) -> date:
    """The business date of the inspection's last step."""
    if not snapshot.history:
        return local_date(snapshot.decided_at)
    last = snapshot.history[-1]
    return last.on or local_date(last.at)


def step_at(entry: HistoryEntry) -> datetime:
    """When a step took effect: entered on its day, or the start of the day it names."""
    if entry.on is None or entry.on >= local_date(entry.at):
        return entry.at
    return datetime.combine(entry.on, BACKDATED_AT, VN_TZ)


def effective_at(cmd: Command, now: datetime) -> datetime:
    """The moment a command takes effect: now, or the start of the office day it names."""
    day = cmd.dated()
    if day is None or day >= local_date(now):
        return now
    return datetime.combine(day, BACKDATED_AT, VN_TZ)


def _dated_field(cmd: Command) -> str:
    return "held_on" if "held_on" in type(cmd).model_fields else "signed_on"


def due_dates(cmd: Command) -> list[tuple[str, date]]:
    """The due dates a person sets in ``cmd``, by their field's location."""
    if isinstance(cmd, SendNoticeInput) and cmd.visit_planned_on:
        return [("visit_planned_on", cmd.visit_planned_on)]
    if isinstance(cmd, ConcludeInput):
        return [(f"orders.{i}.due_on", o.due_on) for i, o in enumerate(cmd.orders) if o.due_on]
    if isinstance(cmd, VerifyInput) and cmd.next_due_on:
        return [("next_due_on", cmd.next_due_on)]
    if isinstance(cmd, RequestExtensionInput):
        return [("due_on", cmd.due_on)]
    if isinstance(cmd, ScheduleReinspectionInput) and cmd.planned_on:
        return [("planned_on", cmd.planned_on)]
    return []


def check_dates(
    snapshot: InspectionSnapshot, cmd: Command, today: date, calendar: WorkingCalendar
) -> None:
    """Refuse a business date in the future or before the step it follows, a due date on a
    day off, and a planned visit inside the notice's lead time."""
    on = cmd.dated()
    if on is not None:
        field = _dated_field(cmd)
        if on > today:
            raise InvalidCommand(
                f"{field} {on} is in the future",
                {"field": field, field: on.isoformat()},
                vi=f"Ngày {on:%d/%m/%Y} chưa đến: chỉ ghi nhận việc đã làm.",
            )
        previous = step_on(snapshot)
        if on < previous:
            raise InvalidCommand(
                f"{field} {on} is before the previous step ({previous})",
                {"field": field, field: on.isoformat(), "previous": previous.isoformat()},
                vi=f"Ngày {on:%d/%m/%Y} trước ngày của bước trước ({previous:%d/%m/%Y}).",
            )
    for field, day in due_dates(cmd):
        why = calendar.why_not_working(day)
        if why is not None:
            following = calendar.add_working_days(day, 0)
            raise InvalidCommand(
                f"{field} {day} is not a working day ({why}); the next one is {following}",
                {"field": field, field: day.isoformat(), "next_working_day": following.isoformat()},
                vi=f"Ngày {day:%d/%m/%Y} không phải ngày làm việc; ngày làm việc kế tiếp là "
                f"{following:%d/%m/%Y}.",
            )
    lead = snapshot.policy.notice_lead_days
    if isinstance(cmd, SendNoticeInput) and cmd.visit_planned_on and lead:
        earliest = calendar.add_working_days(on or today, lead)
        if cmd.visit_planned_on < earliest:
            raise InvalidCommand(
                f"the visit must be planned at least {lead} working days after the notice: "
                f"{earliest} at the earliest",
                {"field": "visit_planned_on", "earliest": earliest.isoformat()},
                vi=f"Ngày kiểm tra phải sau ngày thông báo ít nhất {lead} ngày làm việc: sớm "
                f"nhất là {earliest:%d/%m/%Y}.",
            )
