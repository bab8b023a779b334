"""Citizens' complaints: the checks and answers the JSON API and the pages share.

The register belongs to the issuing side of an authority; a complaint the caller may not
read answers 404 exactly like an unknown one, and the complainant's identity is shown to
coordinators and decision-makers only (``states.complaints``).
"""

import hashlib
import re
from datetime import UTC, date, datetime
from email.utils import getaddresses
from typing import Annotated, Self

from fastapi import Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session

from api import papers
from api.bounds import Day
from api.errors import ApiError, ErrorCode, audit, not_found
from api.schemas import InspectionCreate, UtcDatetime
from documents.context import DocumentContext, Section, Signature
from documents.kinds import DocumentKind
from documents.render import render_docx
from states.bounds import Code, Id, Name, Reason, _one_line, _text
from states.calendar import local_date
from states.checklist import CRITERIA
from states.complaints import (
    CONTENT_MAX,
    EMAIL_MAX,
    PEOPLE_NAMED_MAX,
    PHONE_MAX,
    REFERENCE_MAX,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    may_keep,
    may_read,
    sees_identity,
)
from states.contract import Contract
from states.models import InspectionSnapshot
from states.scope import Viewer
from states.vocabulary import TERMINAL_STATES, InspectionKind
from store import complaints as register
from store import templates
from store.queries import ancestry, snapshot_of, visible_snapshot
from store.tables import Complaint, Document, Organisation

_PHONE = re.compile(r"^[0-9+() .-]*$")
# A reference is typed as the office writes it: letters, digits, - / . _
_REFERENCE = re.compile(r"^[\w./-]*$")


def _email(value: str) -> str:
    value = _one_line(value).strip()
    if value and (len(getaddresses([value])) != 1 or "@" not in value or " " in value):
        raise ValueError("not one e-mail address")
    return value


def _phone(value: str) -> str:
    if not _PHONE.match(_one_line(value)):
        raise ValueError("a phone number has digits, spaces and + ( ) . - only")
    return value.strip()


def _reference(value: str) -> str:
    if not _REFERENCE.match(_one_line(value.strip())):
        raise ValueError("a reference has letters, digits and - / . _ only")
    return value.strip()


Reference = Annotated[str, Field(max_length=REFERENCE_MAX), AfterValidator(_reference)]
Email = Annotated[str, Field(max_length=EMAIL_MAX), AfterValidator(_email)]
Phone = Annotated[str, Field(max_length=PHONE_MAX), AfterValidator(_phone)]
Content = Annotated[str, Field(min_length=1, max_length=CONTENT_MAX), AfterValidator(_text)]
PeopleNamed = Annotated[str, Field(max_length=PEOPLE_NAMED_MAX), AfterValidator(_text)]


class ComplaintCreate(Contract):
    reference: Reference = Field(default="", description="typed; default: allocated PA-yyyy-nnn")
    received_on: Day
    channel: ComplaintChannel
    unit_id: Id
    people_named: PeopleNamed = ""
    content: Content
    criterion: Code = Field(default="", description="a checklist code (states.checklist)")
    complainant_name: Name = ""
    complainant_email: Email = ""
    complainant_phone: Phone = ""


class AssessmentCreate(Contract):
    """Close the complaint with a reason, or inspect it in an open complaint inspection."""

    outcome: ComplaintOutcome
    reason: Reason | None = None
    inspection_id: Id | None = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.outcome is ComplaintOutcome.INSPECT:
            if not self.inspection_id or self.reason:
                raise ValueError("'inspect' names the inspection_id, and no reason")
        elif not self.reason or self.inspection_id:
            raise ValueError(f"'{self.outcome.value}' gives a reason, and no inspection_id")
        return self


class ComplaintPublic(BaseModel):
    """A complaint as the caller may read it: the complainant's name and contact are None
    for a reader who may not see them."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    received_on: date
    channel: ComplaintChannel
    unit_id: str
    unit_name: str
    people_named: str
    content: str
    criterion: str
    status: ComplaintStatus
    reason: str
    inspection_id: str | None
    assessed_at: UtcDatetime | None
    answered_at: UtcDatetime | None
    answer_number: str
    created_at: UtcDatetime
    complainant_name: str | None = None
    complainant_email: str | None = None
    complainant_phone: str | None = None
    answer_email: str | None = Field(
        default=None, description="the answer e-mail's delivery: pending, sent, failed"
    )


class ComplaintsPublic(BaseModel):
    data: list[ComplaintPublic]
    count: int


def public(session: Session, viewer: Viewer, row: Complaint) -> ComplaintPublic:
    out = ComplaintPublic.model_validate(row)
    if not sees_identity(viewer):
        return out.model_copy(
            update={"complainant_name": None, "complainant_email": None, "complainant_phone": None}
        )
    email = register.answer_email(session, row.id) if row.complainant_email else None
    return out.model_copy(update={"answer_email": email.status if email else None})


def owner_of(viewer: Viewer) -> str:
    """The register the caller reads: its authority's, if its role reads registers."""
    if viewer.authority_root is None or not may_read(viewer, viewer.authority_root):
        raise ApiError(
            ErrorCode.FORBIDDEN,
            "the register of complaints is kept by the issuing side's offices",
            {"role": viewer.role.value},
            vi="Sổ tiếp nhận phản ánh, kiến nghị chỉ do cơ quan kiểm tra quản lý.",
        )
    return viewer.authority_root


def inspected_by(session: Session, viewer: Viewer, snapshot: InspectionSnapshot) -> int:
    """How many complaints a complaint inspection inspects, as the caller's register reads
    them (none for whoever reads no register, or stands on the complaints' side)."""
    owner = viewer.authority_root
    if (
        snapshot.kind is not InspectionKind.COMPLAINT
        or owner is None
        or not may_read(viewer, owner)
    ):
        return 0
    return register.listed(session, owner, viewer, inspection_id=snapshot.inspection_id, limit=1)[1]


def load(session: Session, viewer: Viewer, complaint_id: str) -> Complaint:
    """The complaint if the caller reads its register; 404 like an unknown id otherwise."""
    row = register.visible(session, viewer, complaint_id)
    if row is None or not may_read(viewer, row.owner_id):
        raise not_found("complaint", complaint_id)
    return row


def _keeper(viewer: Viewer, unit_chain: list[str]) -> None:
    if not may_keep(viewer, unit_chain):
        raise ApiError(
            ErrorCode.NOT_ALLOWED,
            "complaints are received and assessed by coordinators and decision-makers, about "
            "units within their authority",
            {"role": viewer.role.value},
            vi="Chỉ cán bộ đầu mối, người ra quyết định tiếp nhận, đánh giá phản ánh về đơn vị "
            "thuộc thẩm quyền.",
        )


def _chain(session: Session, unit_id: str) -> list[str]:
    return [*ancestry(session, unit_id), unit_id]


def receive(
    request: Request,
    session: Session,
    viewer: Viewer,
    body: ComplaintCreate,
    key: str | None = None,
) -> Complaint:
    """Receive a complaint; a retry with the same Idempotency-Key (a double click on the
    form, a lost answer) meets the complaint its first request recorded."""
    owner = owner_of(viewer)
    # The id follows from the caller and the key, so a retry finds what its first request
    # recorded; a request refused records nothing and leaves the key free for its retry.
    complaint_id = keyed_id(viewer.user_id, key) if key else None
    if complaint_id is not None and session.get(Complaint, complaint_id) is not None:
        return load(session, viewer, complaint_id)
    unit = session.get(Organisation, body.unit_id)
    if unit is None:
        raise ApiError(
            ErrorCode.INVALID_COMMAND, f"unknown unit {body.unit_id}", {"unit_id": body.unit_id}
        )
    _keeper(viewer, _chain(session, unit.id))
    if body.received_on > local_date(datetime.now(UTC)):
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            "a complaint cannot be received in the future",
            {"received_on": body.received_on.isoformat()},
            vi="Ngày tiếp nhận không được sau ngày hôm nay.",
        )
    if body.criterion and body.criterion not in CRITERIA:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"unknown criterion {body.criterion}",
            {"criterion": body.criterion},
        )
    new = register.NewComplaint(**body.model_dump())
    try:
        row = register.receive(session, viewer, unit, new, owner, complaint_id)
    except register.ReferenceTaken:
        raise ApiError(
            ErrorCode.CONFLICT,
            f"reference {body.reference} is already in the register",
            {"reference": body.reference},
            vi=f"Số phản ánh {body.reference} đã có trong sổ.",
        ) from None
    audit(request, 201, "complaint_received", f"complaint_received {row.id}")
    return row


def keyed_id(user_id: str, key: str) -> str:
    """A complaint's id from who received it and their Idempotency-Key."""
    return hashlib.sha256(f"complaint\x00{user_id}\x00{key}".encode()).hexdigest()[:32]


def assess(
    request: Request, session: Session, viewer: Viewer, complaint_id: str, body: AssessmentCreate
) -> Complaint:
    row = load(session, viewer, complaint_id)
    _keeper(viewer, _chain(session, row.unit_id))
    if row.status != ComplaintStatus.RECEIVED.value:
        raise ApiError(
            ErrorCode.CONFLICT,
            f"the complaint was assessed already ({row.status})",
            {"status": row.status},
            vi="Phản ánh này đã được đánh giá.",
        )
    if body.outcome is ComplaintOutcome.INSPECT:
        joinable(session, viewer, [row], body.inspection_id or "")
        register.link(session, [row], body.inspection_id or "", viewer.user_id)
    else:
        register.close(session, row, body.outcome, body.reason or "", viewer.user_id)
    audit(request, 200, "complaint_assessed", f"complaint_assessed {row.id}")
    session.refresh(row)
    return row


def joinable(session: Session, viewer: Viewer, rows: list[Complaint], inspection_id: str) -> None:
    """The complaints may join ``inspection_id``: a complaint inspection of their unit,
    visible to the caller and not yet ended (an unknown one answers the same)."""
    s = visible_snapshot(session, viewer, inspection_id)
    if (
        s is None
        or s.kind is not InspectionKind.COMPLAINT
        or s.state in TERMINAL_STATES
        or any(r.unit_id != s.unit_id for r in rows)
    ):
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            "a complaint joins an open complaint inspection of the same unit, visible to you",
            {"inspection_id": inspection_id},
            vi="Phản ánh chỉ được gộp vào cuộc kiểm tra theo phản ánh đang diễn ra, của cùng "
            "đơn vị.",
        )


def for_start(
    session: Session, viewer: Viewer, body: InspectionCreate, retried: str | None
) -> list[Complaint]:
    """The complaints a starting inspection will inspect, checked before anything starts:
    a complaint inspection of their unit, each received (or already linked to the
    inspection a retry of this request started) and in the caller's register."""
    if not body.complaint_ids:
        return []
    if body.kind is not InspectionKind.COMPLAINT:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            "complaints start a complaint inspection only",
            {"kind": body.kind.value},
            vi="Chỉ cuộc kiểm tra theo phản ánh, kiến nghị mới gắn với phản ánh.",
        )
    rows = [load(session, viewer, cid) for cid in dict.fromkeys(body.complaint_ids)]
    for row in rows:
        again = retried is not None and row.inspection_id == retried
        if row.status != ComplaintStatus.RECEIVED.value and not again:
            raise ApiError(
                ErrorCode.INVALID_COMMAND,
                f"complaint {row.reference} was assessed already ({row.status})",
                {"complaint_id": row.id, "status": row.status},
                vi=f"Phản ánh {row.reference} đã được đánh giá.",
            )
        if row.unit_id != body.unit_id:
            raise ApiError(
                ErrorCode.INVALID_COMMAND,
                f"complaint {row.reference} is about {row.unit_name}, not the inspected unit",
                {"complaint_id": row.id, "unit_id": row.unit_id},
                vi=f"Phản ánh {row.reference} không phải về đơn vị được kiểm tra.",
            )
    return rows


def link_started(
    request: Request, session: Session, ids: list[str], inspection_id: str, by: str
) -> None:
    """After the start committed: the complaints are inspected by it."""
    for row in register.link(session, register.by_ids(session, ids), inspection_id, by):
        audit(request, 200, "complaint_assessed", f"complaint_assessed {row.id}")


CHANNEL_VI = {
    ComplaintChannel.HOTLINE: "đường dây nóng",
    ComplaintChannel.EMAIL: "thư điện tử",
    ComplaintChannel.APP: "ứng dụng của tỉnh",
    ComplaintChannel.LETTER: "đơn, thư",
    ComplaintChannel.IN_PERSON: "trực tiếp",
}


def answer_docx(session: Session, viewer: Viewer, complaint_id: str) -> tuple[Complaint, bytes]:
    """The answer letter as a Word file (the office's own template when it has one). It
    names the complainant: only coordinators and decision-makers download it."""
    row = load(session, viewer, complaint_id)
    document = session.get(Document, row.answer_document_id) if row.answer_document_id else None
    if document is None:
        raise not_found("answer to complaint", complaint_id)
    if not sees_identity(viewer):
        raise ApiError(
            ErrorCode.FORBIDDEN,
            "the answer names the complainant: coordinators and decision-makers read it",
            {"role": viewer.role.value},
            vi="Văn bản trả lời có thông tin người phản ánh; chỉ cán bộ đầu mối, người ra "
            "quyết định được xem.",
        )
    ctx = answer_context(session, row, document)
    template = templates.in_use(session, document.issuer_id, DocumentKind.complaint_answer.value)
    return row, render_docx(ctx, template)


def answer_context(session: Session, row: Complaint, document: Document) -> DocumentContext:
    """What the answer letter says, in Vietnamese as offices write it."""
    office = session.get(Organisation, document.issuer_id)
    superior = session.get(Organisation, office.parent_id) if office and office.parent_id else None
    office_name = office.name if office else ""
    person = f"Ông/Bà {row.complainant_name}".strip()
    decision = ""
    if row.inspection_id:
        s = snapshot_of(session, row.inspection_id)
        decision = s.decision.number if s else ""
    founded_ = row.status == ComplaintStatus.ANSWERED_FOUNDED.value
    result = (
        "nội dung phản ánh có cơ sở; đơn vị đã được yêu cầu chấn chỉnh, khắc phục theo kết "
        "luận kiểm tra."
        if founded_
        else "chưa có cơ sở để kết luận nội dung phản ánh là đúng."
    )
    channel = CHANNEL_VI.get(ComplaintChannel(row.channel), row.channel)
    return DocumentContext(
        kind=DocumentKind.complaint_answer,
        superior=papers.body_name(superior),
        issuer=papers.body_name(office),
        number_line=f"Số: {document.symbol}",
        place=papers.place_of(session, office),
        signed_on=document.signed_on,
        subject=f"V/v trả lời phản ánh, kiến nghị số {row.reference}",
        addressees=[person],
        sections=[
            Section(
                paragraphs=[
                    f"Ngày {row.received_on:%d/%m/%Y}, {office_name} nhận được phản ánh, kiến "
                    f"nghị của {person} qua {channel} về {row.unit_name}.",
                    "Cơ quan có thẩm quyền đã tiến hành kiểm tra công vụ tại đơn vị"
                    + (f" theo Quyết định số {decision}" if decision else "")
                    + f". Kết quả kiểm tra cho thấy {result}",
                    f"{office_name} trân trọng cảm ơn {person} đã phản ánh.",
                ]
            )
        ],
        signatures=[Signature(position="THỦ TRƯỞNG CƠ QUAN", name=document.signer)],
        recipients=["- Như trên;", "- Lưu: VT."],
    )
