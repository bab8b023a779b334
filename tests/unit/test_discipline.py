"""Discipline (DOMAIN.md §8): the forms each category may receive, the time limit in calendar
days; and findings outside the standard checklist through the minutes."""

from datetime import date

import pytest

from states import procedure
from states.checklist import is_other
from states.discipline import (
    DisciplineForm,
    DisciplineStatus,
    PersonCategory,
    allowed_forms,
    due_on,
    form_allowed,
    is_overdue,
)
from states.errors import InvalidCommand
from states.models import ChecklistResult, RecordVisitInput
from states.vocabulary import CheckResult, InspectionKind, Trigger
from tests.unit.builders import LEADER, T0, advance, reach

F, C = DisciplineForm, PersonCategory


def test_forms_by_category() -> None:
    assert allowed_forms(C.CADRE, holds_post=True) == (
        F.REPRIMAND,
        F.WARNING,
        F.REMOVAL_FROM_POST,
        F.DISMISSAL_FROM_OFFICE,
    )
    # Removal from post only for a civil servant or public employee who holds a post.
    assert allowed_forms(C.CIVIL_SERVANT, holds_post=False) == (F.REPRIMAND, F.WARNING, F.DISMISSAL)
    assert form_allowed(C.CIVIL_SERVANT, True, F.REMOVAL_FROM_POST)
    assert not form_allowed(C.PUBLIC_EMPLOYEE, False, F.REMOVAL_FROM_POST)
    # Bãi nhiệm is for (elected) cadres only; buộc thôi việc never for a cadre.
    assert not form_allowed(C.CIVIL_SERVANT, True, F.DISMISSAL_FROM_OFFICE)
    assert not form_allowed(C.CADRE, True, F.DISMISSAL)
    assert form_allowed(C.CADRE, False, F.REMOVAL_FROM_POST)


def test_time_limit_is_90_or_150_calendar_days() -> None:
    assert due_on(date(2026, 1, 10), complex_case=False) == date(2026, 4, 10)
    assert due_on(date(2026, 1, 10), complex_case=True) == date(2026, 6, 9)
    # Calendar days: a limit may end on a Sunday (2026-04-12 is one).
    assert due_on(date(2026, 1, 12), complex_case=False).isoweekday() == 7
    assert is_overdue(DisciplineStatus.PROPOSED, date(2026, 4, 10), date(2026, 4, 11))
    assert not is_overdue(DisciplineStatus.PROPOSED, date(2026, 4, 10), date(2026, 4, 10))
    assert not is_overdue(DisciplineStatus.DECIDED, date(2026, 4, 10), date(2027, 1, 1))


def _minutes(*extra: ChecklistResult) -> RecordVisitInput:
    return RecordVisitInput(
        actor=LEADER,
        results=[
            ChecklistResult(criterion="WH-01", result=CheckResult.NON_COMPLIANT, note="đi muộn"),
            *extra,
        ],
    )


def test_a_finding_outside_the_checklist_becomes_a_finding() -> None:
    on_site = reach("on_site", InspectionKind.PLANNED)
    other = ChecklistResult(
        criterion="KHAC-01",
        result=CheckResult.NON_COMPLIANT,
        description="Tự ý thu thêm phí photo hồ sơ",
        category="OS",
        note="2 trường hợp",
        people=["Nguyễn Văn A"],
    )
    visited = advance(on_site, (Trigger.RECORD_VISIT, _minutes(other)))
    assert [(f.no, f.criterion, f.category) for f in visited.findings] == [
        (1, "WH-01", "WH"),
        (2, "KHAC-01", "OS"),
    ]
    assert visited.findings[1].description == "Tự ý thu thêm phí photo hồ sơ — 2 trường hợp"
    assert visited.findings[1].people == ["Nguyễn Văn A"]


@pytest.mark.parametrize(
    ("code", "description", "category", "named"),
    [
        ("KHAC-02", "", "other", "describe it"),
        ("KHAC-02", "Không đeo khẩu trang", "XX", "category"),
        ("KHAC-2", "Không đeo khẩu trang", "other", "outside this inspection"),
        ("XYZ-01", "Không đeo khẩu trang", "other", "outside this inspection"),
    ],
)
def test_an_other_finding_is_described_and_categorised(
    code: str, description: str, category: str, named: str
) -> None:
    on_site = reach("on_site", InspectionKind.PLANNED)
    bad = ChecklistResult(
        criterion=code, result=CheckResult.PARTIAL, description=description, category=category
    )
    with pytest.raises(InvalidCommand, match=named):
        procedure.check(on_site, Trigger.RECORD_VISIT, _minutes(bad), T0)
    assert is_other("KHAC-01") and is_other("KHAC-99")
    assert not is_other("KHAC-00") and not is_other("KHAC-100")
