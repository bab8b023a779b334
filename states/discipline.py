"""Recommendations of discipline (kiến nghị xử lý kỷ luật, DOMAIN.md §8) as pure rules: the
forms each category of person may receive, and the time limit the managing authority has.

Legal basis (from 1 July 2025):
- Law on Cadres and Civil Servants No. 80/2025/QH15 and Decree 172/2025/NĐ-CP on the
  discipline of cadres and civil servants: a cadre (cán bộ) may be reprimanded (khiển trách),
  warned (cảnh cáo), removed from post (cách chức) or dismissed from office (bãi nhiệm); a
  civil servant (công chức) may be reprimanded, warned, removed from post — only one who
  holds a leadership or management post — or dismissed (buộc thôi việc).
- Law on Public Employees 2010 (amended 2019) and Decree 112/2020/NĐ-CP (amended by Decree
  71/2023/NĐ-CP) for public employees (viên chức) [?]: reprimand, warning, removal from post
  (managers only), dismissal.
- Time limit: at most 90 days, at most 150 days when the case is complex (Decree 172/2025,
  as Decree 112/2020 Art. 4 before it). The text says "ngày" — where Vietnamese law means
  working days it says "ngày làm việc" — so these are **calendar days**, counted here from
  the conclusion notice's date (the day the inspection established the violation).

The inspection only recommends; the person's managing authority decides.
"""

from datetime import date, timedelta
from enum import StrEnum


class PersonCategory(StrEnum):
    """Who the person is under the law (cán bộ, công chức, viên chức)."""

    CADRE = "cadre"
    CIVIL_SERVANT = "civil_servant"
    PUBLIC_EMPLOYEE = "public_employee"


class DisciplineForm(StrEnum):
    REPRIMAND = "reprimand"  # khiển trách
    WARNING = "warning"  # cảnh cáo
    REMOVAL_FROM_POST = "removal_from_post"  # cách chức
    DISMISSAL_FROM_OFFICE = "dismissal_from_office"  # bãi nhiệm (cadres)
    DISMISSAL = "dismissal"  # buộc thôi việc (civil servants, public employees)


class DisciplineStatus(StrEnum):
    PROPOSED = "proposed"  # recommended, the managing authority has not decided
    DECIDED = "decided"  # disciplined: form, decision number, date
    NOT_PURSUED = "not_pursued"  # the authority decided not to discipline (reason)


class DisciplineOutcome(StrEnum):
    """What the managing authority's answer records."""

    DECIDED = "decided"
    NOT_PURSUED = "not_pursued"


_F = DisciplineForm
FORMS: dict[PersonCategory, tuple[DisciplineForm, ...]] = {
    PersonCategory.CADRE: (
        _F.REPRIMAND,
        _F.WARNING,
        _F.REMOVAL_FROM_POST,
        _F.DISMISSAL_FROM_OFFICE,
    ),
    PersonCategory.CIVIL_SERVANT: (_F.REPRIMAND, _F.WARNING, _F.REMOVAL_FROM_POST, _F.DISMISSAL),
    PersonCategory.PUBLIC_EMPLOYEE: (_F.REPRIMAND, _F.WARNING, _F.REMOVAL_FROM_POST, _F.DISMISSAL),
}
# Removal from post only for one who holds a post: a cadre always does (elected or appointed
# to one); a civil servant or public employee only in a leadership or management post.
POST_ONLY = frozenset({PersonCategory.CIVIL_SERVANT, PersonCategory.PUBLIC_EMPLOYEE})

TIME_LIMIT_DAYS = 90
COMPLEX_TIME_LIMIT_DAYS = 150

FORM_LABELS: dict[DisciplineForm, tuple[str, str]] = {
    _F.REPRIMAND: ("Khiển trách", "Reprimand"),
    _F.WARNING: ("Cảnh cáo", "Warning"),
    _F.REMOVAL_FROM_POST: ("Cách chức", "Removal from post"),
    _F.DISMISSAL_FROM_OFFICE: ("Bãi nhiệm", "Dismissal from office"),
    _F.DISMISSAL: ("Buộc thôi việc", "Dismissal"),
}
CATEGORY_LABELS: dict[PersonCategory, tuple[str, str]] = {
    PersonCategory.CADRE: ("Cán bộ", "Cadre"),
    PersonCategory.CIVIL_SERVANT: ("Công chức", "Civil servant"),
    PersonCategory.PUBLIC_EMPLOYEE: ("Viên chức", "Public employee"),
}
STATUS_LABELS: dict[DisciplineStatus, tuple[str, str]] = {
    DisciplineStatus.PROPOSED: ("Chờ xem xét", "Awaiting decision"),
    DisciplineStatus.DECIDED: ("Đã quyết định", "Decided"),
    DisciplineStatus.NOT_PURSUED: ("Không xử lý", "Not pursued"),
}


def allowed_forms(category: PersonCategory, holds_post: bool) -> tuple[DisciplineForm, ...]:
    """The forms the law allows for ``category`` (removal from post only with a post)."""
    forms = FORMS[category]
    if category in POST_ONLY and not holds_post:
        return tuple(f for f in forms if f is not DisciplineForm.REMOVAL_FROM_POST)
    return forms


def form_allowed(category: PersonCategory, holds_post: bool, form: DisciplineForm) -> bool:
    return form in allowed_forms(category, holds_post)


def due_on(concluded_on: date, complex_case: bool) -> date:
    """The last day the managing authority has: 90 calendar days (150 when complex)."""
    days = COMPLEX_TIME_LIMIT_DAYS if complex_case else TIME_LIMIT_DAYS
    return concluded_on + timedelta(days=days)


def is_overdue(status: DisciplineStatus, due: date, today: date) -> bool:
    return status is DisciplineStatus.PROPOSED and today > due
