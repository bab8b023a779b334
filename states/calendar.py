"""Dates as Vietnamese offices count them: local dates and working days (DOMAIN.md §7).

A ``WorkingCalendar`` is data, built outside workflows (``build_calendar``) and passed into
them: it is then recorded in history, so a newer ``holidays`` package or an admin's edit
cannot change what a replay computes. Its methods are pure and cheap enough to call from
workflow code.

Counting rule: the day a count starts from is never one of its days. "10 working days after
Friday 29 January" is the tenth working day strictly after it, and "3 working days before the
due date" the third strictly before it. A span between two dates covers the days after the
earlier one up to and including the later one, whichever is given first, so spans add up:
``working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)``.
"""

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr, model_validator

from states.contract import Contract

# Vietnam has no daylight saving time: a fixed offset is exact and sandbox-safe.
VN_TZ = timezone(timedelta(hours=7), "ICT")

_DAY = timedelta(days=1)
_WEEKEND = {5: "Saturday", 6: "Sunday"}
CONFIGURED_DAY_OFF = "Day off (configured)"
PUBLIC_HOLIDAY = "Public holiday"
MAKE_UP_WORKING_DAY = "Make-up working day"


def local_date(moment: datetime) -> date:
    """The calendar date in Vietnam at ``moment`` (an aware datetime)."""
    return moment.astimezone(VN_TZ).date()


class DayKind(StrEnum):
    """What an administrator declares a configured day to be."""

    DAY_OFF = "day_off"  # extra day off the government announces (ngày nghỉ bù, nghỉ thêm)
    WORKING_DAY = "working_day"  # make-up working Saturday (ngày làm bù)


class ConfiguredDay(Contract):
    """One swap of the yearly announcement, entered by an administrator."""

    day: date
    kind: DayKind
    note: str = ""


@dataclass(slots=True)
class _Index:
    """Lookup tables derived once from a calendar's fields (compared by value, so that two
    equal calendars stay equal: pydantic compares private attributes too)."""

    working: frozenset[date]
    off: dict[date, str]
    # Answers of _step, by (day, n, direction): the agenda asks the same few many times.
    steps: dict[tuple[date, int, int], date] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, holidays: dict[date, str], configured: list[ConfiguredDay]) -> "_Index":
        working = frozenset(c.day for c in configured if c.kind is DayKind.WORKING_DAY)
        off = dict(holidays)  # a configured working day is looked up first, so it wins
        off.update(
            (c.day, c.note or CONFIGURED_DAY_OFF) for c in configured if c.kind is DayKind.DAY_OFF
        )
        return cls(working, off)


class WorkingCalendar(Contract):
    """Monday–Friday minus public holidays, adjusted by configured days.

    Precedence: a configured working day is worked even on a weekend or holiday; a configured
    day off is off even on a weekday. The calendar only knows the holidays it was built with:
    build it for every year a deadline may reach. Treat it as immutable (it is frozen; build a
    new one rather than ``model_copy(update=...)``, which would keep stale lookup tables).
    """

    model_config = ConfigDict(frozen=True)

    holidays: dict[date, str] = Field(default_factory=dict)
    configured: list[ConfiguredDay] = Field(default_factory=list)

    # Workflows ask these questions in loops: sets, not list scans.
    _index: _Index = PrivateAttr()

    @model_validator(mode="after")
    def _one_entry_per_day(self) -> "WorkingCalendar":
        counts = Counter(c.day for c in self.configured)
        twice = sorted(d for d, n in counts.items() if n > 1)
        if twice:
            raise ValueError(f"day(s) configured twice: {', '.join(map(str, twice))}")
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._index = _Index.of(self.holidays, self.configured)

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (ngày làm việc)."""
        index = self._index
        if d in index.working:
            return True
        return d not in index.off and d.weekday() < 5

    def why_not_working(self, d: date) -> str | None:
        """``None`` for a working day, else why not: configured note, holiday name, weekday."""
        if self.is_working_day(d):
            return None
        reason = self._index.off.get(d)
        if reason is None:
            return _WEEKEND[d.weekday()]
        return reason or PUBLIC_HOLIDAY  # a reason is never empty: callers test it for truth

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself never counts).

        ``n == 0`` gives ``start`` when it is a working day, else the next working day: "due
        today" moves to the first day the office is open. A negative ``n`` counts backwards.
        """
        if n < 0:
            return self.subtract_working_days(start, -n)
        return self._step(start, n, _DAY)

    def subtract_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day before ``d`` (``d`` itself never counts).

        ``n == 0`` gives ``d`` when it is a working day, else the previous working day, so
        that a reminder "0 days before" a due date never falls after it.
        """
        if n < 0:
            return self.add_working_days(d, -n)
        return self._step(d, n, -_DAY)

    def _step(self, start: date, n: int, step: timedelta) -> date:
        # Memoised, and is_working_day inlined (each private-attribute read goes through
        # pydantic): the agenda asks this a few dozen times per command.
        index = self._index
        key = (start, n, step.days)
        found = index.steps.get(key)
        if found is not None:
            return found
        working, off = index.working, index.off

        def worked(d: date) -> bool:
            return d in working or (d not in off and d.weekday() < 5)

        day, left = start, n
        if left == 0:
            while not worked(day):
                day += step
        while left:
            day += step
            if worked(day):
                left -= 1
        index.steps[key] = day
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after the earlier of ``a``, ``b`` up to the later; negative when
        ``b < a``. ``working_days_between(d, add_working_days(d, n)) == n`` for a working
        day ``d``, and ``-n`` for ``subtract_working_days``."""
        return sum(1 for d in _span(a, b) if self.is_working_day(d)) * (-1 if b < a else 1)

    def skipped_days(self, start: date, end: date) -> list[tuple[date, str]]:
        """The days off after the earlier of ``start``, ``end`` up to the later, oldest first,
        each with its reason: what a person checks "N working days after D" against."""
        return [(d, reason) for d in _span(start, end) if (reason := self.why_not_working(d))]


def _span(start: date, end: date) -> Iterable[date]:
    """The days after the earlier date up to and including the later one, oldest first."""
    first, last = (min(start, end) + _DAY, max(start, end))
    return (first + timedelta(days=i) for i in range((last - first).days + 1))


# The functions below read the ``holidays`` package: API and worker side only, never workflow
# code (the package's rules change between releases; a replay must not).

HolidayLanguage = Literal["en_US", "vi"]


def _vietnam(years: Iterable[int], language: HolidayLanguage) -> Any:
    return _vietnam_of(tuple(sorted(set(years))), language)


# The package computes lunar dates on every call, several milliseconds per year; every new
# inspection asks for five years. The answer for given years never changes within a process.
@functools.lru_cache(maxsize=32)
def _vietnam_of(years: tuple[int, ...], language: HolidayLanguage) -> Any:
    import holidays  # imported here so that workflow code importing this module never loads it

    # The language is explicit: left unset, ``holidays`` follows the process locale.
    return holidays.country_holidays("VN", years=list(years), language=language)


def public_holidays(years: Iterable[int], language: HolidayLanguage = "en_US") -> dict[date, str]:
    """Vietnamese public holidays of ``years`` with their names (Tết, Hùng Kings' day, 30/4,
    1/5, 2/9 with its adjacent day, and the swapped days off ``holidays`` knows of)."""
    return {d: str(name) for d, name in sorted(_vietnam(years, language).items())}


def make_up_working_days(years: Iterable[int]) -> dict[date, str]:
    """Weekend days ``holidays`` knows were declared working days (the other half of the swaps
    among ``public_holidays``: e.g. Saturday 22/8/2026 worked for Monday 31/8/2026 off)."""
    wanted = set(years)
    known: Iterable[date] = _vietnam(wanted, "en_US").weekend_workdays
    # The package keeps a few swaps across years whatever is asked; keep the asked years.
    return {d: MAKE_UP_WORKING_DAY for d in sorted(known) if d.year in wanted}


def build_calendar(
    years: Iterable[int],
    configured: Iterable[ConfiguredDay] = (),
    language: HolidayLanguage = "en_US",
) -> WorkingCalendar:
    """A calendar of ``years``: public holidays and the package's known make-up days, then the
    administrator's ``configured`` days, which win over the package on the same date."""
    wanted = set(years)
    admin = list(configured)
    admin_days = {c.day for c in admin}
    package = [
        ConfiguredDay(day=d, kind=DayKind.WORKING_DAY, note=note)
        for d, note in make_up_working_days(wanted).items()
        if d not in admin_days
    ]
    days = sorted([*package, *admin], key=lambda c: c.day)
    return WorkingCalendar(holidays=public_holidays(wanted, language), configured=days)
