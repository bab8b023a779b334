"""The agenda as pure functions: on-site limits by unit level and their single extension."""

from datetime import UTC, date, datetime

import pytest

from states import procedure
from states.calendar import build_calendar
from states.deadlines import DeadlineKind, open_deadlines, secret_from_unit
from states.models import ExtendVisitInput
from states.policies import UnitLevel
from states.vocabulary import InspectionKind, Trigger
from testkit import samples as b

CALENDAR = build_calendar([2025])
MONDAY = datetime(2025, 3, 3, 2, tzinfo=UTC)  # 09:00 in Vietnam


def on_site(level: UnitLevel, kind: InspectionKind = InspectionKind.PLANNED):
    snapshot, _ = procedure.start(
        b.start_input(kind).model_copy(update={"unit_level": level}), MONDAY
    )
    steps = [(Trigger.FORM_TEAM, b.form_team())]
    if kind is InspectionKind.PLANNED:
        steps.append((Trigger.SEND_NOTICE, b.send_notice()))
    steps.append((Trigger.START_VISIT, b.start_visit()))
    for trigger, cmd in steps:
        snapshot, _ = procedure.apply(snapshot, trigger, cmd, MONDAY, CALENDAR)
    return snapshot


@pytest.mark.parametrize(
    ("level", "due", "extended_due"),
    [
        (UnitLevel.COMMUNE, date(2025, 3, 12), date(2025, 3, 17)),  # 7, then 7 + 3
        (UnitLevel.PROVINCE, date(2025, 3, 17), date(2025, 3, 24)),  # 10, then 10 + 5
    ],
)
def test_on_site_limit_and_its_one_extension(level: UnitLevel, due: date, extended_due: date):
    snapshot = on_site(level)
    [deadline] = open_deadlines(snapshot, CALENDAR)
    assert (deadline.kind, deadline.due_on) == (DeadlineKind.ON_SITE, due)
    cmd = ExtendVisitInput(actor=b.DECISION_MAKER, reason="nhiều hồ sơ")
    procedure.check(snapshot, Trigger.EXTEND_VISIT, cmd, MONDAY)
    extended, _ = procedure.apply(snapshot, Trigger.EXTEND_VISIT, cmd, MONDAY, CALENDAR)
    assert open_deadlines(extended, CALENDAR)[0].due_on == extended_due


def test_surprise_is_secret_from_the_unit_until_on_site():
    decided, _ = procedure.start(b.start_input(InspectionKind.SURPRISE), MONDAY)
    assert secret_from_unit(decided)
    assert not secret_from_unit(on_site(UnitLevel.COMMUNE, InspectionKind.SURPRISE))
    planned, _ = procedure.start(b.start_input(), MONDAY)
    assert not secret_from_unit(planned)
