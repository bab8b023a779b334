"""Annual inspection plans (kế hoạch kiểm tra năm) as pure rules: periods and coverage.

A plan item names one organisation and the month or quarter it is planned for. Whether it
is covered is derived, never stored: from the item's own status (cancelled or replaced by a
plan adjustment) and the inspections started from it.
"""

import re
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from states.labels import KIND_LABELS, Label, level_group, level_group_label
from states.vocabulary import InspectionKind, InspectionState


class PlanKind(StrEnum):
    """A plan of ordinary inspections, or a thematic one: one topic across many units."""

    PLANNED = "planned"
    THEMATIC = "thematic"


# The inspection kind an item of each plan kind starts.
ITEM_KINDS: dict[PlanKind, InspectionKind] = {
    PlanKind.PLANNED: InspectionKind.PLANNED,
    PlanKind.THEMATIC: InspectionKind.THEMATIC,
}


# Plans schedule these kinds by slots, without naming the units: a surprise check named in
# advance would be no surprise.
SLOT_KINDS = frozenset({InspectionKind.SURPRISE})
SLOT_COUNT_MAX = 1000


class PlanItemStatus(StrEnum):
    """An item stays active unless a plan adjustment cancels or replaces it."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    REPLACED = "replaced"


class PlanChangeAction(StrEnum):
    """What the plan's history records (điều chỉnh kế hoạch)."""

    CREATED = "created"
    ITEMS_ADDED = "items_added"
    ITEM_CANCELLED = "item_cancelled"
    ITEM_REPLACED = "item_replaced"
    SLOTS_ADDED = "slots_added"


class CoverageStatus(StrEnum):
    """Where a planned unit stands; the buckets of the coverage report add up to 'planned'."""

    INSPECTED = "inspected"  # the visit is done (minutes recorded)
    IN_PROGRESS = "in_progress"  # started, the visit not done yet
    NOT_STARTED = "not_started"
    CANCELLED = "cancelled"  # by plan adjustment, or the inspection was terminated


COVERAGE_LABELS: dict[CoverageStatus, Label] = {
    CoverageStatus.INSPECTED: ("Đã kiểm tra", "Inspected"),
    CoverageStatus.IN_PROGRESS: ("Đang kiểm tra", "In progress"),
    CoverageStatus.NOT_STARTED: ("Chưa kiểm tra", "Not started"),
    CoverageStatus.CANCELLED: ("Hủy/điều chỉnh", "Cancelled"),
}


class Period(NamedTuple):
    """A planned month (``2026-03``) or quarter (``2026-Q2``) as first and last day."""

    label: str
    start: date
    end: date


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def parse_period(text: str) -> Period:
    """``YYYY-MM`` or ``YYYY-Qn``; ValueError for anything else."""
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        return Period(text, date(year, month, 1), _month_end(year, month))
    if m := _QUARTER.match(text):
        year, quarter = int(m[1]), int(m[2])
        first = 3 * quarter - 2
        return Period(text, date(year, first, 1), _month_end(year, first + 2))
    raise ValueError(f"period {text!r} is neither a month (2026-03) nor a quarter (2026-Q2)")


_YEAR = re.compile(r"^(\d{4})$")


def parse_slot_period(text: str) -> Period:
    """A slot's period: a whole year (``2027``), a quarter or a month."""
    if m := _YEAR.match(text):
        year = int(m[1])
        return Period(text, date(year, 1, 1), date(year, 12, 31))
    return parse_period(text)


class SlotFill(NamedTuple):
    """An inspection that fills a slot: its state and whether its visit is done."""

    state: InspectionState
    visited: bool


class SlotFigures(NamedTuple):
    filled: int  # decided and not terminated or voided
    inspected: int  # of which the visit is done
    open: int  # slots not yet filled


def slot_figures(count: int, fills: list[SlotFill]) -> SlotFigures:
    """How far a slot's checks have come. A terminated inspection frees its slot (a voided
    one never took it)."""
    live = [f for f in fills if f.visited or f.state is not InspectionState.CANCELLED]
    inspected = sum(1 for f in live if f.visited)
    return SlotFigures(len(live), inspected, max(count - len(live), 0))


class SlotTerms(NamedTuple):
    """What a plan's surprise-check slot is for."""

    kind: str
    level: str
    period: str
    start: date
    end: date


def slot_refusal(
    slot: SlotTerms,
    kind: InspectionKind,
    from_item: bool,
    unit_name: str,
    unit_level: str,
    outside_of: str | None,
    on: date,
) -> tuple[str, str] | None:
    """Why an inspection decided ``on`` cannot fill the slot (English, Vietnamese), or None:
    it must be of the slot's kind and not from a plan item, of a unit of the slot's level
    group within the plan issuer's territory (``outside_of`` names the issuer otherwise),
    and decided within the slot's period."""
    if from_item or kind.value != slot.kind:
        return (
            f"the slot is filled by a {slot.kind} inspection, not from a plan item",
            f"Chỉ tiêu này dành cho cuộc kiểm tra {KIND_LABELS[InspectionKind(slot.kind)][0]}.",
        )
    if outside_of is not None:
        return (
            f"{unit_name} lies outside the plan's {outside_of}",
            f"{unit_name} không thuộc phạm vi kế hoạch của {outside_of}.",
        )
    if slot.level and level_group(slot.level) != level_group(unit_level):
        label = level_group_label(level_group(slot.level))
        return f"the slot is for {label[1]}", f"Chỉ tiêu dành cho {label[0]}."
    if not slot.start <= on <= slot.end:
        return (
            f"the slot is for {slot.period} ({slot.start} to {slot.end})",
            f"Chỉ tiêu dành cho kỳ {slot.period}.",
        )
    return None


def quarter_of(day: date) -> Period:
    """The calendar quarter ``day`` falls in."""
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def coverage_status(
    item_status: PlanItemStatus, inspections: list[tuple[InspectionState, bool]]
) -> CoverageStatus | None:
    """The coverage bucket of one item from its status and its inspections, oldest first,
    each as (state, visit done). None for a replaced item: its replacement counts instead.

    An item whose only inspections were terminated (đình chỉ) counts as cancelled until it
    is started again; a visit done counts however the inspection went on.
    """
    if item_status is PlanItemStatus.REPLACED:
        return None
    if item_status is PlanItemStatus.CANCELLED:
        return CoverageStatus.CANCELLED
    if any(visited for _, visited in inspections):
        return CoverageStatus.INSPECTED
    if any(state is not InspectionState.CANCELLED for state, _ in inspections):
        return CoverageStatus.IN_PROGRESS
    return CoverageStatus.CANCELLED if inspections else CoverageStatus.NOT_STARTED


def percent(part: int, whole: int) -> float:
    """A share in percent with one decimal, as reports print it (28/81 → 34.6)."""
    return round(100 * part / whole, 1) if whole else 0.0
