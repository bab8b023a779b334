"""Discipline records (kiến nghị xử lý kỷ luật): the issuing side records who it recommends
after the conclusion, the person's managing authority (or the issuing side from the
authority's paper) records the answer. The JSON API and the pages both come through here.

Who sees what: the issuing side of the inspection (its organisation, coordinating office and
team) and the managing authority (its office roles, and the Home Affairs office advising the
People's Committee that is the authority). The inspected unit's representatives do not: the
records name people of their unit and are decided by the authority, not by the unit.
"""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.errors import ApiError, ErrorCode, not_found
from api.paper import today
from states.bounds import FindingNo, Id, Name, Note, Number, OrganisationName
from states.calendar import local_date
from states.contract import Contract
from states.discipline import (
    CATEGORY_LABELS,
    FORM_LABELS,
    STATUS_LABELS,
    DisciplineForm,
    DisciplineOutcome,
    DisciplineStatus,
    PersonCategory,
    allowed_forms,
    due_on,
    form_allowed,
    is_overdue,
)
from states.models import InspectionSnapshot, VerifyInput
from states.paper import Paper
from states.scope import Viewer, within_authority
from states.sides import OFFICE_ROLES, READER_ROLES, position_of_viewer
from states.vocabulary import ISSUING_POSITIONS, Position, VerificationOutcome
from store import discipline as records
from store import register
from store.queries import ancestry
from store.tables import DisciplineCase, Organisation

# History entries kept on one record (created, decided, corrections).
HISTORY_MAX = 20


class DisciplineCreate(Contract):
    """One person the conclusion recommends for discipline under one of its findings."""

    finding_no: FindingNo
    person_name: Name = Field(min_length=1)
    position: Name = ""
    organisation_name: OrganisationName = ""
    organisation_id: Id | None = None
    category: PersonCategory
    holds_post: bool = Field(
        default=False, description="holds a leadership or management post (cách chức)"
    )
    authority_id: Id = Field(description="the managing authority that decides")
    proposed_form: DisciplineForm
    complex_case: bool = Field(default=False, description="150 days instead of 90")
    note: Note = ""


class DisciplineDecision(Contract):
    """The managing authority's answer: decided (form, number, date) or not pursued."""

    outcome: DisciplineOutcome
    form: DisciplineForm | None = None
    decision_number: Number = ""
    signed_on: date | None = None
    reason: Note = ""

    @model_validator(mode="after")
    def _complete(self) -> "DisciplineDecision":
        if self.outcome is DisciplineOutcome.DECIDED:
            if self.form is None or not self.decision_number.strip() or self.signed_on is None:
                raise ValueError("a decision names its form, decision number and signing date")
        elif not self.reason.strip():
            raise ValueError("not pursuing it needs a reason")
        return self


class DisciplinePublic(BaseModel):
    id: str
    inspection_id: str
    finding_no: int
    criterion: str
    conclusion_number: str
    concluded_on: date
    person_name: str
    position: str
    organisation_name: str
    organisation_id: str | None
    category: PersonCategory
    category_label: str
    holds_post: bool
    authority_id: str
    authority_name: str = ""
    proposed_form: DisciplineForm
    proposed_form_label: str
    complex_case: bool
    note: str
    due_on: date
    overdue: bool
    status: DisciplineStatus
    decided_form: DisciplineForm | None
    decision_number: str
    decided_on: date | None
    reason: str
    created_at: datetime
    updated_at: datetime
    history: list[dict[str, Any]]
    reminded_days: int = Field(default=0, description="days the authority was reminded")


class DisciplineListPublic(BaseModel):
    data: list[DisciplinePublic]
    count: int


def require_office(viewer: Viewer) -> None:
    """Discipline lists are for the offices: coordinators and decision-makers (the API and
    the page alike)."""
    if viewer.role not in OFFICE_ROLES:
        raise ApiError(
            ErrorCode.FORBIDDEN,
            "discipline records are for coordinators and decision-makers",
            {"role": viewer.role.value},
        )


def listed(
    rows: list[DisciplineCase], session: Session, on: date | None = None
) -> list[DisciplinePublic]:
    reminded = records.reminders_of(session, rows)
    return [
        public(r, session, on).model_copy(update={"reminded_days": reminded.get(r.id, 0)})
        for r in rows
    ]


def public(row: DisciplineCase, session: Session, on: date | None = None) -> DisciplinePublic:
    authority = session.get(Organisation, row.authority_id)
    category, form = PersonCategory(row.category), DisciplineForm(row.proposed_form)
    status = DisciplineStatus(row.status)
    return DisciplinePublic(
        **row.model_dump(exclude={"category", "proposed_form", "status", "decided_form"}),
        category=category,
        category_label=CATEGORY_LABELS[category][0],
        authority_name=authority.name if authority else "",
        proposed_form=form,
        proposed_form_label=FORM_LABELS[form][0],
        overdue=is_overdue(status, row.due_on, on or today()),
        status=status,
        decided_form=DisciplineForm(row.decided_form) if row.decided_form else None,
    )


def concluded_on(snapshot: InspectionSnapshot) -> date | None:
    """The conclusion notice's date (its business date; the day it was entered otherwise)."""
    if snapshot.concluded_at is None:
        return None
    entry = next((h for h in reversed(snapshot.history) if h.trigger == "conclude"), None)
    if entry is not None and entry.on is not None:
        return entry.on
    return local_date(snapshot.concluded_at)


def conclusion_number(session: Session, snapshot: InspectionSnapshot) -> str:
    """The conclusion notice's number and symbol: typed, or as the register allocated it."""
    if snapshot.conclusion_number:
        return snapshot.conclusion_number
    tail = f":{Paper.CONCLUSION.value}"
    documents = register.of_inspection(session, snapshot.inspection_id)
    return next((d.symbol for d in documents if d.key.endswith(tail)), "")


def issuing_side(snapshot: InspectionSnapshot, viewer: Viewer) -> bool:
    """The issuing organisation's and coordinating office's offices, and the team."""
    where = position_of_viewer(snapshot, viewer)
    if where is Position.TEAM:
        return True
    return viewer.role in READER_ROLES and where in ISSUING_POSITIONS


def leadership(snapshot: InspectionSnapshot, viewer: Viewer) -> bool:
    """The issuing organisation's or coordinating office's coordinators and decision-makers."""
    return viewer.role in OFFICE_ROLES and position_of_viewer(snapshot, viewer) in (
        Position.ISSUER,
        Position.OFFICE,
    )


def require_issuing_side(snapshot: InspectionSnapshot, viewer: Viewer) -> None:
    if not issuing_side(snapshot, viewer):
        raise ApiError(
            ErrorCode.FORBIDDEN,
            "discipline records are kept by the issuing side and the managing authority",
            {"position": position_of_viewer(snapshot, viewer).value},
            vi="Hồ sơ kiến nghị xử lý kỷ luật do bên ra quyết định kiểm tra và cơ quan quản lý "
            "người vi phạm theo dõi.",
        )


def _invalid(message: str, detail: dict[str, Any], vi: str) -> ApiError:
    return ApiError(ErrorCode.INVALID_COMMAND, message, detail, vi=vi)


def _entry(action: str, viewer: Viewer, at: datetime, **what: Any) -> dict[str, Any]:
    return {"action": action, "by": viewer.user_id, "at": at.isoformat(), **what}


def create(
    session: Session, snapshot: InspectionSnapshot, viewer: Viewer, body: DisciplineCreate
) -> DisciplineCase:
    """Record a recommendation: issuing side leadership, after the conclusion, for one of
    the inspection's findings, to an authority within the caller's, with an allowed form."""
    if not leadership(snapshot, viewer):
        raise ApiError(
            ErrorCode.FORBIDDEN,
            "the issuing organisation or coordinating office recommends discipline",
            {"role": viewer.role.value},
            vi="Chỉ lãnh đạo, cán bộ đầu mối của bên ra quyết định kiểm tra kiến nghị xử lý kỷ "
            "luật.",
        )
    start = concluded_on(snapshot)
    if start is None:
        raise ApiError(
            ErrorCode.INVALID_TRANSITION,
            "discipline is recommended by the conclusion: conclude first",
            {"state": snapshot.state.value},
            vi="Kiến nghị xử lý kỷ luật được nêu trong thông báo kết luận; cần kết luận trước.",
        )
    finding = snapshot.finding(body.finding_no)
    if finding is None:
        raise _invalid(
            f"unknown finding {body.finding_no}",
            {"finding_no": body.finding_no},
            vi=f"Không có tồn tại số {body.finding_no} trong cuộc kiểm tra.",
        )
    if not form_allowed(body.category, body.holds_post, body.proposed_form):
        raise _form_refused(body.category, body.holds_post, body.proposed_form, "proposed_form")
    authority = session.get(Organisation, body.authority_id)
    chain = [*ancestry(session, body.authority_id), body.authority_id] if authority else []
    if authority is None or not within_authority(viewer, chain):
        raise _invalid(
            f"unknown managing authority {body.authority_id}",
            {"authority_id": body.authority_id},
            vi="Không tìm thấy cơ quan quản lý người vi phạm trong phạm vi của bạn.",
        )
    if body.organisation_id and session.get(Organisation, body.organisation_id) is None:
        raise _invalid(
            f"unknown organisation {body.organisation_id}",
            {"organisation_id": body.organisation_id},
            vi="Không tìm thấy cơ quan, đơn vị công tác của người bị kiến nghị.",
        )
    now = datetime.now(UTC)
    row = DisciplineCase(
        id=uuid.uuid4().hex,
        inspection_id=snapshot.inspection_id,
        finding_no=finding.no,
        criterion=finding.criterion,
        conclusion_number=conclusion_number(session, snapshot),
        concluded_on=start,
        issuer_id=snapshot.decision.issuer_id
        or (snapshot.issuer_path[-1] if snapshot.issuer_path else None),
        office_id=snapshot.office_id,
        person_name=body.person_name.strip(),
        position=body.position,
        organisation_name=body.organisation_name,
        organisation_id=body.organisation_id,
        category=body.category.value,
        holds_post=body.holds_post,
        authority_id=body.authority_id,
        proposed_form=body.proposed_form.value,
        complex_case=body.complex_case,
        note=body.note,
        due_on=due_on(start, body.complex_case),
        created_by=viewer.user_id,
        created_at=now,
        updated_by=viewer.user_id,
        updated_at=now,
        history=[_entry("proposed", viewer, now, form=body.proposed_form.value)],
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(
            ErrorCode.CONFLICT,
            f"{row.person_name} is already recorded under finding {row.finding_no}",
            {"finding_no": row.finding_no, "person_name": row.person_name},
            vi=f"{row.person_name} đã có trong hồ sơ kiến nghị của tồn tại số {row.finding_no}.",
        ) from None
    session.refresh(row)
    return row


def _form_refused(
    category: PersonCategory, holds_post: bool, form: DisciplineForm, field: str
) -> ApiError:
    allowed = allowed_forms(category, holds_post)
    return _invalid(
        f"{form.value} is not a form of discipline for a {category.value}"
        + ("" if holds_post else " without a post")
        + f"; allowed: {', '.join(f.value for f in allowed)}",
        {field: form.value, "allowed": [f.value for f in allowed]},
        vi=f"Hình thức {FORM_LABELS[form][0].lower()} không áp dụng đối với "
        f"{CATEGORY_LABELS[category][0].lower()}"
        + ("" if holds_post else " không giữ chức vụ")
        + f"; được áp dụng: {', '.join(FORM_LABELS[f][0].lower() for f in allowed)}.",
    )


def decide(
    session: Session, viewer: Viewer, case_id: str, body: DisciplineDecision
) -> DisciplineCase:
    """The managing authority's answer (or the issuing side recording its paper)."""
    row = records.visible(session, viewer, case_id) if viewer.role in OFFICE_ROLES else None
    if row is None:
        raise not_found("discipline record", case_id)
    if row.status != DisciplineStatus.PROPOSED.value:
        raise ApiError(
            ErrorCode.CONFLICT,
            f"discipline record {case_id} is already {row.status}",
            {"status": row.status},
            vi="Kiến nghị này đã được cơ quan có thẩm quyền xem xét.",
        )
    category = PersonCategory(row.category)
    now = datetime.now(UTC)
    if body.outcome is DisciplineOutcome.DECIDED:
        assert body.form is not None and body.signed_on is not None  # the validator's
        if not form_allowed(category, row.holds_post, body.form):
            raise _form_refused(category, row.holds_post, body.form, "form")
        if body.signed_on > today() or body.signed_on < row.concluded_on:
            raise _invalid(
                f"signed_on {body.signed_on} is before the conclusion or in the future",
                {"signed_on": body.signed_on.isoformat()},
                vi=f"Ngày ký quyết định {body.signed_on:%d/%m/%Y} không hợp lệ (trước ngày kết "
                "luận hoặc chưa đến).",
            )
        row.status = DisciplineStatus.DECIDED.value
        row.decided_form = body.form.value
        row.decision_number = body.decision_number.strip()
        row.decided_on = body.signed_on
        what: dict[str, Any] = {"form": body.form.value, "number": row.decision_number}
    else:
        row.status = DisciplineStatus.NOT_PURSUED.value
        row.reason = body.reason.strip()
        what = {"reason": row.reason}
    row.updated_by, row.updated_at = viewer.user_id, now
    row.history = [*row.history, _entry(row.status, viewer, now, **what)][-HISTORY_MAX:]
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def check_referrals(session: Session, snapshot: InspectionSnapshot, command: object) -> None:
    """A finding is verified as referred to discipline only once its discipline record
    exists: refused (422 naming the findings) before anything is sent to the workflow."""
    if not isinstance(command, VerifyInput):
        return
    referred = [r.finding_no for r in command.results if r.outcome is VerificationOutcome.REFERRED]
    missing = records.findings_without_case(session, snapshot.inspection_id, referred)
    if missing:
        nos = ", ".join(str(n) for n in missing)
        raise _invalid(
            f"finding(s) {nos} referred to discipline without a discipline record: "
            "record who is recommended and to which authority first",
            {"finding_nos": missing},
            vi=f"Tồn tại số {nos} chưa có hồ sơ kiến nghị xử lý kỷ luật (người vi phạm, cơ quan "
            "quản lý); cần lập hồ sơ trước khi chuyển xử lý kỷ luật.",
        )


# What the pages show.
LABELS = {
    "forms": {f.value: v for f, v in FORM_LABELS.items()},
    "categories": {c.value: v for c, v in CATEGORY_LABELS.items()},
    "statuses": {s.value: v for s, v in STATUS_LABELS.items()},
}


def authorities_for(
    session: Session, snapshot: InspectionSnapshot, viewer: Viewer
) -> list[Organisation]:
    """The managing authorities a page offers: the unit and the organisations above it,
    nearest first, within the caller's authority."""
    chain = [*snapshot.unit_path, snapshot.unit_id]
    found = []
    for i in range(len(chain) - 1, -1, -1):
        if not within_authority(viewer, chain[: i + 1]):
            break
        org = session.get(Organisation, chain[i])
        if org is not None:
            found.append(org)
    return found


def inspection_view(
    session: Session, snapshot: InspectionSnapshot, viewer: Viewer
) -> dict[str, Any]:
    """The inspection page's discipline section: the records for the issuing side (None:
    no section), and whether the caller may add one (leadership, once concluded)."""
    view: dict[str, Any] = {
        "discipline": None,
        "discipline_form": False,
        "discipline_authorities": [],
        "discipline_labels": LABELS,
        "discipline_refusal": None,
        "discipline_values": {},
    }
    if not issuing_side(snapshot, viewer):
        return view
    rows = listed(records.of_inspection(session, snapshot.inspection_id), session)
    may_add = leadership(snapshot, viewer) and snapshot.concluded_at is not None
    return view | {
        "discipline": rows,
        "discipline_form": may_add,
        "discipline_authorities": authorities_for(session, snapshot, viewer) if may_add else [],
    }
