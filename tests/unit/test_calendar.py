"""Working days as Vietnamese offices count them (DOMAIN.md §7).

Expected dates are written out literally, read off a printed calendar of the ``holidays``
package (0.109): deriving them from ``states.calendar`` would agree with any mistake there.
"""

import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from temporalio.contrib.pydantic import pydantic_data_converter

from states.calendar import (
    CONFIGURED_DAY_OFF,
    ConfiguredDay,
    DayKind,
    WorkingCalendar,
    build_calendar,
    make_up_working_days,
    public_holidays,
)
from states.policies import DeadlinePolicy

VN = build_calendar([2026, 2027])

FRIDAY_BEFORE_TET_2027 = date(2027, 1, 29)


def test_tet_2027_as_the_package_gives_it() -> None:
    # Lunar New Year is Saturday 6 Feb 2027; its Saturday and Sunday are made up on
    # Thursday 4 and Wednesday 10, so the office is closed Thursday 4 to Wednesday 10.
    tet = [d for d, _ in VN.skipped_days(date(2027, 2, 1), date(2027, 2, 14))]
    assert tet == [
        date(2027, 2, 4),
        date(2027, 2, 5),
        date(2027, 2, 6),
        date(2027, 2, 7),
        date(2027, 2, 8),
        date(2027, 2, 9),
        date(2027, 2, 10),
        date(2027, 2, 13),
        date(2027, 2, 14),
    ]
    assert VN.why_not_working(date(2027, 2, 6)) == "Lunar New Year"
    assert VN.why_not_working(date(2027, 2, 13)) == "Saturday"
    assert VN.is_working_day(date(2027, 2, 3))
    assert VN.is_working_day(date(2027, 2, 11))


def test_remediation_requested_on_the_friday_before_tet_2027() -> None:
    assert FRIDAY_BEFORE_TET_2027.strftime("%A") == "Friday"
    assert VN.add_working_days(FRIDAY_BEFORE_TET_2027, 1) == date(2027, 2, 1)
    assert VN.add_working_days(FRIDAY_BEFORE_TET_2027, 3) == date(2027, 2, 3)
    assert VN.add_working_days(FRIDAY_BEFORE_TET_2027, 4) == date(2027, 2, 11)
    assert VN.add_working_days(FRIDAY_BEFORE_TET_2027, 10) == date(2027, 2, 19)
    # The default remediation limit (30 working days).
    assert VN.add_working_days(FRIDAY_BEFORE_TET_2027, 30) == date(2027, 3, 19)
    assert VN.working_days_between(FRIDAY_BEFORE_TET_2027, date(2027, 2, 19)) == 10


def test_reminders_before_a_due_date_straddling_tet_2027() -> None:
    due = date(2027, 2, 19)
    offsets = DeadlinePolicy().reminder_offsets
    assert offsets == [7, 3, 1]
    reminders = [VN.subtract_working_days(due, k) for k in offsets]
    # Seven working days back jumps the whole of Tết to Wednesday 3 February.
    assert reminders == [date(2027, 2, 3), date(2027, 2, 16), date(2027, 2, 18)]
    # First overdue escalation, 15 working days after the due date.
    assert VN.add_working_days(due, 15) == date(2027, 3, 12)


def test_reunification_and_labour_day_2026() -> None:
    # 30/4 is a Thursday and 1/5 a Friday: from Wednesday the next working day is Monday.
    assert VN.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    assert [d for d, _ in VN.skipped_days(date(2026, 4, 29), date(2026, 5, 4))] == [
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 5, 2),
        date(2026, 5, 3),
    ]
    # Hùng Kings' day (10/3 lunar) falls on Sunday 26 April; Monday 27 is off instead.
    assert VN.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)


def test_national_day_2026_with_its_adjacent_day_and_swap() -> None:
    # 2/9 is a Wednesday, 1/9 the adjacent day; Monday 31/8 is off in exchange for
    # Saturday 22/8, which is worked.
    assert VN.why_not_working(date(2026, 9, 1)) == "National Day"
    assert VN.why_not_working(date(2026, 9, 2)) == "National Day"
    assert VN.why_not_working(date(2026, 8, 31)) is not None
    assert VN.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    assert VN.is_working_day(date(2026, 8, 22))
    assert VN.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)


def test_configured_make_up_saturday_counts() -> None:
    saturday = ConfiguredDay(day=date(2027, 1, 30), kind=DayKind.WORKING_DAY, note="Làm bù")
    calendar = build_calendar([2027], [saturday])
    assert calendar.is_working_day(date(2027, 1, 30))
    assert calendar.add_working_days(FRIDAY_BEFORE_TET_2027, 1) == date(2027, 1, 30)
    assert calendar.add_working_days(FRIDAY_BEFORE_TET_2027, 10) == date(2027, 2, 18)


def test_configured_day_off_is_skipped() -> None:
    extra = ConfiguredDay(day=date(2027, 2, 11), kind=DayKind.DAY_OFF, note="Nghỉ thêm sau Tết")
    calendar = build_calendar([2027], [extra])
    assert calendar.why_not_working(date(2027, 2, 11)) == "Nghỉ thêm sau Tết"
    assert calendar.add_working_days(FRIDAY_BEFORE_TET_2027, 10) == date(2027, 2, 22)
    unnamed = WorkingCalendar(configured=[extra.model_copy(update={"note": ""})])
    assert unnamed.why_not_working(date(2027, 2, 11)) == CONFIGURED_DAY_OFF


def test_configured_working_day_overrides_a_holiday() -> None:
    # An administrator's announcement wins over the package's estimate of Tết.
    worked = ConfiguredDay(day=date(2027, 2, 10), kind=DayKind.WORKING_DAY)
    calendar = build_calendar([2027], [worked])
    assert calendar.is_working_day(date(2027, 2, 10))
    assert calendar.add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 10)


def test_admin_entry_replaces_the_package_make_up_day() -> None:
    not_worked = ConfiguredDay(day=date(2026, 8, 22), kind=DayKind.DAY_OFF, note="Không làm bù")
    calendar = build_calendar([2026], [not_worked])
    assert calendar.configured == [not_worked]
    assert calendar.why_not_working(date(2026, 8, 22)) == "Không làm bù"


def test_zero_and_start_day_rules() -> None:
    saturday, friday, monday = date(2027, 1, 30), date(2027, 1, 29), date(2027, 2, 1)
    assert VN.add_working_days(friday, 0) == friday
    assert VN.add_working_days(saturday, 0) == monday
    assert VN.subtract_working_days(saturday, 0) == friday
    # The start day is never counted, working or not.
    assert VN.add_working_days(saturday, 1) == monday
    assert VN.add_working_days(friday, 1) == monday
    assert VN.subtract_working_days(monday, 1) == friday
    assert VN.add_working_days(monday, -1) == friday
    assert VN.working_days_between(friday, friday) == 0
    assert VN.working_days_between(date(2027, 2, 19), FRIDAY_BEFORE_TET_2027) == -10


def test_skipped_days_lists_reasons() -> None:
    calendar = WorkingCalendar(
        holidays={date(2027, 2, 8): "Mùng ba Tết"},
        configured=[
            ConfiguredDay(day=date(2027, 2, 6), kind=DayKind.WORKING_DAY),
            ConfiguredDay(day=date(2027, 2, 9), kind=DayKind.DAY_OFF, note="Nghỉ bù"),
        ],
    )
    assert calendar.skipped_days(date(2027, 2, 5), date(2027, 2, 10)) == [
        (date(2027, 2, 7), "Sunday"),
        (date(2027, 2, 8), "Mùng ba Tết"),
        (date(2027, 2, 9), "Nghỉ bù"),
    ]
    # The earlier date is excluded and the later one included, whichever comes first.
    assert calendar.skipped_days(date(2027, 2, 7), date(2027, 2, 9)) == [
        (date(2027, 2, 8), "Mùng ba Tết"),
        (date(2027, 2, 9), "Nghỉ bù"),
    ]
    assert calendar.skipped_days(date(2027, 2, 9), date(2027, 2, 7)) == [
        (date(2027, 2, 8), "Mùng ba Tết"),
        (date(2027, 2, 9), "Nghỉ bù"),
    ]


def test_a_day_configured_twice_is_refused() -> None:
    day = date(2027, 1, 30)
    with pytest.raises(ValueError, match="configured twice: 2027-01-30"):
        WorkingCalendar(
            configured=[
                ConfiguredDay(day=day, kind=DayKind.WORKING_DAY),
                ConfiguredDay(day=day, kind=DayKind.DAY_OFF),
            ]
        )


def test_package_functions() -> None:
    assert public_holidays([2027], "vi")[date(2027, 2, 6)] == "Tết Nguyên Đán"
    assert public_holidays([2027])[date(2027, 4, 16)] == "Hung Kings' Commemoration Day"
    assert set(make_up_working_days([2026])) == {date(2026, 8, 22)}
    assert make_up_working_days([2027]) == {}


def test_round_trips_through_json_and_the_workflow_converter() -> None:
    extra = ConfiguredDay(day=date(2027, 2, 11), kind=DayKind.DAY_OFF, note="Nghỉ thêm")
    calendar = build_calendar([2026, 2027], [extra])
    again = WorkingCalendar.model_validate_json(calendar.model_dump_json())
    assert again == calendar
    assert again.add_working_days(FRIDAY_BEFORE_TET_2027, 10) == date(2027, 2, 22)
    converter = pydantic_data_converter.payload_converter
    [decoded] = converter.from_payloads(converter.to_payloads([calendar]), [WorkingCalendar])
    assert decoded == calendar
    assert not decoded.is_working_day(date(2027, 2, 11))


def test_importing_states_loads_neither_holidays_nor_yaml() -> None:
    # Workflow code imports these modules; the package's rules must not reach a replay.
    code = (
        "import sys, states.calendar, states.policies; "
        "print(sorted({'holidays', 'yaml'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# Properties, over the real calendar and over random ones.

DAYS = st.dates(min_value=date(2025, 11, 1), max_value=date(2027, 12, 31))
WINDOW = st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 3, 31))


@st.composite
def random_calendars(draw: st.DrawFn) -> WorkingCalendar:
    holidays = draw(st.dictionaries(WINDOW, st.sampled_from(["Tết", "Lễ", ""]), max_size=20))
    days = draw(st.lists(WINDOW, unique=True, max_size=15))
    kinds = draw(st.lists(st.sampled_from(DayKind), min_size=len(days), max_size=len(days)))
    configured = [ConfiguredDay(day=d, kind=k) for d, k in zip(days, kinds, strict=True)]
    return WorkingCalendar(holidays=holidays, configured=configured)


CALENDARS = st.one_of(st.just(VN), random_calendars())


def _naive_is_working(calendar: WorkingCalendar, d: date) -> bool:
    """The precedence rule read straight off the lists, without the lookup tables."""
    for c in calendar.configured:
        if c.day == d:
            return c.kind is DayKind.WORKING_DAY
    return d not in calendar.holidays and d.weekday() < 5


def _working(calendar: WorkingCalendar, d: date) -> date:
    while not calendar.is_working_day(d):
        d += timedelta(days=1)
    return d


@given(CALENDARS)
def test_lookup_tables_follow_the_precedence_rule(calendar: WorkingCalendar) -> None:
    for i in range(90):
        d = date(2027, 1, 1) + timedelta(days=i)
        assert calendar.is_working_day(d) == _naive_is_working(calendar, d), d
        reason = calendar.why_not_working(d)
        assert (reason is None) == calendar.is_working_day(d)
        assert reason != ""


@given(CALENDARS, DAYS, st.integers(0, 120))
def test_adding_n_then_counting_back_gives_n(calendar: WorkingCalendar, d: date, n: int) -> None:
    start = _working(calendar, d)
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n
    assert calendar.working_days_between(start, calendar.subtract_working_days(start, n)) == -n


@given(CALENDARS, DAYS, st.integers(-120, 120))
def test_never_lands_on_a_day_off(calendar: WorkingCalendar, start: date, n: int) -> None:
    assert calendar.is_working_day(calendar.add_working_days(start, n))
    assert calendar.is_working_day(calendar.subtract_working_days(start, n))


@given(CALENDARS, DAYS, st.integers(0, 120))
def test_add_and_subtract_invert(calendar: WorkingCalendar, d: date, n: int) -> None:
    start = _working(calendar, d)
    assert calendar.subtract_working_days(calendar.add_working_days(start, n), n) == start
    assert calendar.add_working_days(calendar.subtract_working_days(start, n), n) == start


@given(CALENDARS, DAYS, DAYS, DAYS)
def test_spans_add_up(calendar: WorkingCalendar, a: date, b: date, c: date) -> None:
    counted = calendar.working_days_between(a, b)
    assert counted == -calendar.working_days_between(b, a)
    assert counted + calendar.working_days_between(b, c) == calendar.working_days_between(a, c)
    # Every day of a span is either counted or skipped, never both.
    assert abs(counted) + len(calendar.skipped_days(a, b)) == abs((b - a).days)
