"""Configured calendar days (days off, make-up working days) and the calendar built from them."""

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from states.calendar import ConfiguredDay, DayKind, WorkingCalendar, build_calendar
from store.tables import CalendarDay


def configured_days(session: Session) -> list[ConfiguredDay]:
    rows = session.exec(select(CalendarDay).order_by(col(CalendarDay.day))).all()
    return [ConfiguredDay(day=r.day, kind=DayKind(r.kind), note=r.note) for r in rows]


def set_day(session: Session, day: ConfiguredDay) -> bool:
    """Add or replace the configuration of ``day``; True when it was new."""
    row = session.get(CalendarDay, day.day)
    created = row is None
    row = row or CalendarDay(day=day.day, kind=day.kind.value, note=day.note)
    row.kind, row.note = day.kind.value, day.note
    session.add(row)
    session.commit()
    return created


def delete_day(session: Session, day: date) -> bool:
    row = session.get(CalendarDay, day)
    if row is None:
        return False
    session.delete(row)
    session.commit()
    return True


def calendar_for(session: Session, years: Iterable[int]) -> WorkingCalendar:
    """Vietnamese public holidays of ``years`` with the administrator's days applied."""
    return build_calendar(years, configured_days(session))
