"""Việc cần làm: what is the signed-in person's to do now, most urgent first, with its
deadline in working days and a month calendar of due dates; a leader who only reads gets an
overview of what they may see.

What is someone's to do is ``states.procedure.allowed_triggers`` on each candidate — the
API's ``allowed_actions`` — never a rule of this page; the candidates are chosen in SQL
(``store.work``) so the page stays cheap however many inspections there are.
"""

import calendar as months
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.deps import SessionDep
from api.errors import ApiError, ErrorCode
from api.web.caller import PageCaller, PageCallerDep
from api.web.inspections import FormQueryRoute, history_restore
from api.web.render import page
from api.web.session import check_csrf
from states.calendar import WorkingCalendar, local_date
from states.deadlines import Deadline, DeadlineKind, open_deadlines
from states.models import InspectionSnapshot
from states.procedure import allowed_triggers
from states.reports import RemediationEntry
from states.vocabulary import InspectionState, RemediationStatus, Role, Trigger
from store.calendar import calendar_for
from store.remediations import RemediationFilter, remediations
from store.work import (
    OPTIONAL_TRIGGERS,
    REMEDIATION_ROWS,
    acting_states,
    state_counts,
    work_candidates,
)

router = APIRouter(dependencies=[Depends(check_csrf)], route_class=FormQueryRoute)

MONTH = r"^\d{4}-\d{2}$"
# How far the calendar may be moved from today, in months either way.
MONTHS_AROUND = 120
# Cards shown at once; the rest are in the inspections list.
SHOWN_MAX = 100
# Deadlines further than this from today are data errors, not dates to count days to.
YEARS_AROUND = 5
# What each deadline is called (message ids of work.po: the template translates them).
DEADLINE_NAMES = {
    DeadlineKind.VISIT.value: "Planned visit date",
    DeadlineKind.ON_SITE.value: "End of the on-site check",
    DeadlineKind.FINDINGS_REPORT.value: "Findings report due",
    DeadlineKind.CONCLUSION.value: "Conclusion due",
    DeadlineKind.ACKNOWLEDGEMENT.value: "Acknowledgement or explanation due",
    DeadlineKind.REMEDIATION.value: "Remediation due",
    DeadlineKind.REINSPECTION.value: "Re-inspection to be scheduled by",
    DeadlineKind.VERIFICATION.value: "Re-inspection due",
}
assert set(DEADLINE_NAMES) == {k.value for k in DeadlineKind}


@dataclass(frozen=True)
class WorkItem:
    """One inspection with a step that is the person's now, and its nearest deadline."""

    snapshot: InspectionSnapshot
    actions: list[Trigger]
    deadline: Deadline | None
    overdue: bool
    # Working days left until the due date (0: due today), or, when overdue, since it.
    days: int


@dataclass(frozen=True)
class RemediationLine:
    """A remediation item and where its due date stands today."""

    row: RemediationEntry
    overdue: bool
    days: int


@dataclass(frozen=True)
class DueEntry:
    """A due date in the month calendar."""

    inspection_id: str
    title: str
    kind: str
    overdue: bool


def today() -> date:
    return local_date(datetime.now(UTC))


def shown_month(month: str | None, now: date) -> date:
    """The first day of the month asked for (this month when none), within bounds."""
    if month is None:
        return now.replace(day=1)
    year, number = int(month[:4]), int(month[5:])
    offset = (year - now.year) * 12 + number - now.month
    if not 1 <= number <= 12 or abs(offset) > MONTHS_AROUND:
        raise ApiError(
            ErrorCode.INVALID_PAYLOAD,
            f"month must be YYYY-MM within {MONTHS_AROUND} months of today",
            {"month": month},
        )
    return date(year, number, 1)


def month_after(first: date, step: int, now: date) -> str | None:
    """``YYYY-MM`` ``step`` months from ``first``, or None past the bounds."""
    index = first.year * 12 + first.month - 1 + step
    if abs(index - (now.year * 12 + now.month - 1)) > MONTHS_AROUND:
        return None
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def working_calendar(db: Session, now: date) -> WorkingCalendar:
    """The calendar deadlines are counted in: Vietnamese holidays and the configured days."""
    return calendar_for(db, range(now.year - 1, now.year + 3))


class WorkingDays:
    """Working days between today and many dates, each day asked of the calendar once:
    ``WorkingCalendar.working_days_between`` walks every span again, and overdue items
    are months apart."""

    def __init__(self, calendar: WorkingCalendar, now: date) -> None:
        self.calendar, self.now = calendar, now
        # after[n]: working days in (now, now + n]; before[n]: in (now - n, now].
        self.after, self.before = [0], [0]

    def to(self, due: date) -> int:
        """How many working days from today to ``due``, or from ``due`` to today (0 for a
        date too far away to be a real deadline)."""
        span = (due - self.now).days
        if abs(span) > YEARS_AROUND * 366:
            return 0
        counts, step = (self.after, 1) if span >= 0 else (self.before, -1)
        while len(counts) <= abs(span):
            n = len(counts)
            day = self.now + timedelta(days=n if step == 1 else 1 - n)
            counts.append(counts[-1] + self.calendar.is_working_day(day))
        return counts[abs(span)]


def work_items(
    db: Session, caller: PageCaller, calendar: WorkingCalendar, now: date
) -> tuple[list[WorkItem], bool]:
    """The person's steps, most urgent first; and whether some step has more waiting than
    the page reads (the inspections list has them all)."""
    items = []
    days = WorkingDays(calendar, now)
    found = work_candidates(db, caller.viewer)
    for snapshot in found.snapshots:
        actions = [
            t for t in allowed_triggers(snapshot, caller.actor) if t not in OPTIONAL_TRIGGERS
        ]
        if not actions:
            continue
        deadlines = open_deadlines(snapshot, calendar)
        deadline = min(deadlines, key=lambda d: d.due_on, default=None)
        overdue = deadline is not None and deadline.due_on < now
        left = days.to(deadline.due_on) if deadline else 0
        items.append(WorkItem(snapshot, actions, deadline, overdue, left))
    return sorted(items, key=urgency), found.more


def urgency(item: WorkItem) -> tuple[int, date, datetime]:
    """Overdue first, then by nearest deadline, those without one last; then the oldest."""
    rank = 0 if item.overdue else 1 if item.deadline else 2
    due = item.deadline.due_on if item.deadline else date.max
    return rank, due, item.snapshot.decided_at


def month_grid(
    first: date,
    now: date,
    items: list[WorkItem],
    remediation: list[RemediationEntry],
    calendar: WorkingCalendar,
) -> dict[str, Any]:
    """The month's weeks (Monday first) and the due dates that fall in them."""
    weeks = months.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    entries: dict[date, list[DueEntry]] = {}
    seen: set[tuple[str, date, str]] = set()

    def add(day: date, entry: DueEntry) -> None:
        if start <= day <= end and (entry.inspection_id, day, entry.kind) not in seen:
            seen.add((entry.inspection_id, day, entry.kind))
            entries.setdefault(day, []).append(entry)

    for item in items:
        if item.deadline is not None:
            s = item.snapshot
            kind = item.deadline.kind.value
            add(item.deadline.due_on, DueEntry(s.inspection_id, s.title, kind, item.overdue))
    for row in remediation:
        if row.status is RemediationStatus.OPEN:
            entry = DueEntry(
                row.inspection_id, row.title, DeadlineKind.REMEDIATION.value, row.due_on < now
            )
            add(row.due_on, entry)
    return {
        "first": first,
        "weeks": weeks,
        "entries": entries,
        "off": {d for week in weeks for d in week if not calendar.is_working_day(d)},
        "previous": month_after(first, -1, now),
        "next": month_after(first, 1, now),
        "this_month": now.strftime("%Y-%m"),
    }


@router.get("/work")
def work(
    request: Request,
    caller: PageCallerDep,
    db: SessionDep,
    month: Annotated[str | None, Query(pattern=MONTH, max_length=7)] = None,
) -> Response:
    """The landing page after sign-in."""
    if caller.role is Role.ADMIN:
        return RedirectResponse("/admin", status_code=303)
    now = today()
    first = shown_month(month, now)
    if not acting_states(caller.role):
        counts = state_counts(db, caller.viewer)
        order = {s.value: n for n, s in enumerate(InspectionState)}
        counts.sort(key=lambda c: order.get(c.state, len(order)))
        return page(
            request,
            "work.html",
            {
                "overview": counts,
                "total": sum(c.count for c in counts),
                "overdue": sum(c.overdue for c in counts),
                "InspectionState": InspectionState,
            },
        )
    calendar = working_calendar(db, now)
    items, more = work_items(db, caller, calendar, now)
    remediation: list[RemediationEntry] = []
    if caller.role is Role.UNIT_REP:
        # The unit's open items across all its inspections, overdue first, then by due date.
        still_open = RemediationFilter(status=RemediationStatus.OPEN)
        remediation, _ = remediations(db, caller.viewer, still_open, now, REMEDIATION_ROWS, 0)
    days = WorkingDays(calendar, now)
    lines = [RemediationLine(row, row.overdue, days.to(row.due_on)) for row in remediation]
    return page(
        request,
        "work.html",
        {
            "overview": None,
            "items": items[:SHOWN_MAX],
            "count": len(items),
            "more": more,
            "overdue": sum(1 for i in items if i.overdue),
            "remediation": lines,
            "is_unit": caller.role is Role.UNIT_REP,
            "today": now,
            "deadline_names": DEADLINE_NAMES,
            "month": month_grid(first, now, items, remediation, calendar),
        },
        block=None if history_restore(request) else "calendar",
    )
