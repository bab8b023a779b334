"""Dates as business facts, pure: the checks of states.dates and what a backdated step does
to deadlines and the agenda."""

from datetime import timedelta

import pytest

from states import deadlines, procedure
from states.calendar import local_date
from states.errors import InvalidCommand
from states.models import ConcludeInput, RemediationOrder, SendNoticeInput
from states.vocabulary import InspectionKind, Trigger
from tests.unit.builders import COORDINATOR, DECISION_MAKER, STEP, T0, WEEKDAYS, reach, run

T = Trigger
NOW = T0 + timedelta(days=40)  # entered weeks after the inspection began
TODAY = local_date(NOW)


def notice(**fields: object) -> SendNoticeInput:
    return SendNoticeInput(actor=COORDINATOR, **fields)  # type: ignore[arg-type]


def test_a_date_in_the_future_or_before_the_last_step_is_refused() -> None:
    s = run(InspectionKind.PLANNED, T.FORM_TEAM)
    with pytest.raises(InvalidCommand, match="in the future"):
        procedure.check(s, T.SEND_NOTICE, notice(signed_on=TODAY + timedelta(days=1)), NOW)
    with pytest.raises(InvalidCommand, match="before the previous step"):
        procedure.check(s, T.SEND_NOTICE, notice(signed_on=T0.date() - timedelta(days=1)), NOW)


def test_a_visit_inside_the_lead_time_or_on_a_day_off_is_refused_naming_the_right_day() -> None:
    s = run(InspectionKind.PLANNED, T.FORM_TEAM)
    signed = WEEKDAYS.add_working_days(T0.date(), 2)
    earliest = WEEKDAYS.add_working_days(signed, s.policy.notice_lead_days)
    too_soon = WEEKDAYS.subtract_working_days(earliest, 1)
    with pytest.raises(InvalidCommand) as refused:
        procedure.check(s, T.SEND_NOTICE, notice(signed_on=signed, visit_planned_on=too_soon), NOW)
    assert refused.value.detail["earliest"] == earliest.isoformat()
    saturday = earliest + timedelta(days=(5 - earliest.weekday()) % 7)
    with pytest.raises(InvalidCommand) as refused:
        procedure.check(s, T.SEND_NOTICE, notice(signed_on=signed, visit_planned_on=saturday), NOW)
    assert refused.value.detail["next_working_day"] == (saturday + timedelta(days=2)).isoformat()
    procedure.check(s, T.SEND_NOTICE, notice(signed_on=signed, visit_planned_on=earliest), NOW)


def test_a_backdated_step_counts_its_deadlines_from_its_date() -> None:
    s = reach("visited", InspectionKind.PLANNED)
    entered = s.updated_at + STEP
    signed = local_date(s.updated_at)  # the conclusion signed the day of the visit
    due = WEEKDAYS.add_working_days(signed, 3)
    conclude = ConcludeInput(
        actor=DECISION_MAKER,
        signed_on=signed,
        orders=[RemediationOrder(finding_no=1, due_on=due), RemediationOrder(finding_no=2)],
    )
    later = entered + timedelta(days=20)  # entered weeks after it was signed
    procedure.check(s, T.CONCLUDE, conclude, later)
    after, event = procedure.apply(s, T.CONCLUDE, conclude, later)
    assert after.history[-1].on == signed and event.at == later
    # The default due date counts from the signature, not from the day it was entered.
    second = next(r for r in after.remediation if r.finding_no == 2)
    assert second.due_on == WEEKDAYS.add_working_days(
        signed,
        s.policy.remediation.days(
            s.finding(2).severity if s.finding(2) else "minor"  # type: ignore[arg-type]
        ),
    )
    # What fell due before it was entered waits: the next paper step may follow at once.
    hold = deadlines.held_until(after)
    assert hold == later + deadlines.BACKDATED_GRACE
    items = deadlines.agenda(after, WEEKDAYS)
    assert items and all(i.at >= hold for i in items)
    send, _ = deadlines.due_now(after, WEEKDAYS, later + timedelta(minutes=1))
    assert send == []
    send, _ = deadlines.due_now(after, WEEKDAYS, hold)
    assert {i.action.value for i in send} >= {"overdue"}
