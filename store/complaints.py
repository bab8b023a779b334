"""The register of citizens' complaints: receive, list, assess, link to a complaint
inspection, answer when it ends (from the projection, in its transaction) and count.

Every query is keyed by the register's owner (an authority root): a complaint exists only
for the issuing side of that authority (``states.complaints.may_read``).
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from states.calendar import local_date
from states.complaints import (
    CLOSING_OUTCOMES,
    ComplaintFigures,
    ComplaintOutcome,
    ComplaintStatus,
    about_own_side,
    founded,
)
from states.models import InspectionSnapshot
from states.scope import Viewer
from states.vocabulary import FindingStatus, InspectionKind, InspectionState
from store import outbox, register
from store.outbox import Channel, Delivery
from store.plans import chain_of
from store.queries import ancestry
from store.register import Entry
from store.tables import Complaint, Notification, Organisation

ANSWER_TYPE = "CV"  # the answer is an official letter (công văn trả lời)
EMAIL_KIND = "complaint_answer"
REFERENCE_PREFIX = "PA"
# Why a complaint is back in ``received``: its inspection was terminated (đình chỉ).
CANCELLED_REASON = "Cuộc kiểm tra đã bị đình chỉ; phản ánh chờ đánh giá lại."
_REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class NewComplaint:
    """What the person receiving a complaint writes down (already checked for bounds)."""

    received_on: date
    channel: str
    unit_id: str
    content: str
    reference: str = ""
    people_named: str = ""
    criterion: str = ""
    complainant_name: str = ""
    complainant_email: str = ""
    complainant_phone: str = ""


class ReferenceTaken(ValueError):
    pass


def answer_key(complaint_id: str) -> str:
    """What issued the answer letter, for the register (a retry finds the same number)."""
    return f"complaint:{complaint_id}:answer"


def _next_reference(session: Session, owner_id: str, year: int) -> str:
    """The next allocated reference of the year: one more than the highest allocated or
    typed in that form (PA-2027-001, PA-2027-002 …)."""
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    taken = session.exec(
        select(Complaint.reference).where(
            Complaint.owner_id == owner_id, col(Complaint.reference).startswith(prefix)
        )
    ).all()
    numbers = [int(r[len(prefix) :]) for r in taken if r[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def receive(
    session: Session,
    viewer: Viewer,
    unit: Organisation,
    new: NewComplaint,
    owner_id: str,
    complaint_id: str | None = None,
) -> Complaint:
    """Add a complaint to ``owner_id``'s register; an allocated reference (PA-2027-001) when
    none is typed. A typed reference already in the register raises ``ReferenceTaken``.
    ``complaint_id`` already recorded (by a twin of the same request): that complaint."""
    path = [*ancestry(session, unit.id), unit.id]
    for _ in range(_REFERENCE_ATTEMPTS):
        reference = new.reference or _next_reference(session, owner_id, new.received_on.year)
        row = Complaint(
            id=complaint_id or uuid.uuid4().hex,
            owner_id=owner_id,
            office_id=viewer.organisation_id or owner_id,
            reference=reference,
            year=new.received_on.year,
            received_on=new.received_on,
            channel=new.channel,
            unit_id=unit.id,
            unit_name=unit.name,
            unit_path="/" + "/".join(path) + "/",
            people_named=new.people_named,
            content=new.content,
            criterion=new.criterion,
            complainant_name=new.complainant_name,
            complainant_email=new.complainant_email,
            complainant_phone=new.complainant_phone,
            status=ComplaintStatus.RECEIVED.value,
            created_by=viewer.user_id,
            created_at=datetime.now(UTC),
        )
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            twin = session.get(Complaint, complaint_id) if complaint_id else None
            if twin is not None:
                return twin  # the same request, recorded a moment ago by its twin
            if new.reference:
                raise ReferenceTaken(new.reference) from None
            continue  # another complaint took the allocated reference a moment ago
        session.refresh(row)
        return row
    raise ReferenceTaken(new.reference)


def by_ids(session: Session, ids: list[str]) -> list[Complaint]:
    return list(session.exec(select(Complaint).where(col(Complaint.id).in_(ids))).all())


def visible(session: Session, viewer: Viewer, complaint_id: str) -> Complaint | None:
    """The complaint if it is in the caller's register (the rule: ``may_read``) and not
    about the caller's own side (``about_own_side``)."""
    row = session.get(Complaint, complaint_id)
    if row is None or viewer.authority_root is None or row.owner_id != viewer.authority_root:
        return None
    if about_own_side(viewer, chain_of(row.unit_path)):
        return None
    return row


def _not_own_side(reader: Viewer) -> list[Any]:
    """``about_own_side`` in SQL: not about the reader's organisation or above it, nor below
    an organisation of the reader's other than the authority's root."""
    where: list[Any] = [col(Complaint.unit_id).not_in(list(reader.chain) or [""])]
    office = reader.organisation_id
    if office and office != reader.authority_root:
        where.append(~col(Complaint.unit_path).contains(f"/{office}/", autoescape=True))
    return where


def listed(
    session: Session,
    owner_id: str,
    reader: Viewer,
    *,
    status: str | None = None,
    unit_id: str | None = None,
    q: str | None = None,
    inspection_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Complaint], int]:
    """One page of ``owner_id``'s register as ``reader`` may read it (never a complaint
    about its own side), newest first, and the count of the whole."""
    query = select(Complaint).where(Complaint.owner_id == owner_id, *_not_own_side(reader))
    if status:
        query = query.where(Complaint.status == status)
    if unit_id:
        query = query.where(col(Complaint.unit_path).contains(f"/{unit_id}/"))
    if inspection_id:
        query = query.where(Complaint.inspection_id == inspection_id)
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(
                col(Complaint.reference).ilike(like),
                col(Complaint.content).ilike(like),
                col(Complaint.unit_name).ilike(like),
            )
        )
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Complaint.received_on).desc(), col(Complaint.created_at).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), count


def close(
    session: Session, row: Complaint, outcome: ComplaintOutcome, reason: str, by: str
) -> Complaint:
    """Close a received complaint without an inspection (unfounded, out of scope)."""
    row.status = CLOSING_OUTCOMES[outcome].value
    row.reason = reason
    row.assessed_by, row.assessed_at = by, datetime.now(UTC)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def link(session: Session, rows: list[Complaint], inspection_id: str, by: str) -> list[Complaint]:
    """The complaints are inspected by ``inspection_id`` (a retry links nothing twice);
    returns those this call linked."""
    now = datetime.now(UTC)
    linked = []
    for row in rows:
        if row.status == ComplaintStatus.INSPECTING.value and row.inspection_id == inspection_id:
            continue
        linked.append(row)
        row.status = ComplaintStatus.INSPECTING.value
        row.inspection_id = inspection_id
        row.reason = ""
        row.assessed_by, row.assessed_at = by, now
        session.add(row)
    session.commit()
    return linked


def settle(session: Session, s: InspectionSnapshot) -> None:
    """What a complaint inspection's end means for its complaints, in the projection's
    transaction, once: closed, each is answered (founded when a finding, not withdrawn,
    concerns it) with a letter and, given an address, an e-mail; cancelled, each goes back
    to ``received`` for a new assessment."""
    if s.kind is not InspectionKind.COMPLAINT:
        return
    if s.state not in (InspectionState.CLOSED, InspectionState.CANCELLED):
        return
    rows = session.exec(
        select(Complaint).where(
            Complaint.inspection_id == s.inspection_id,
            Complaint.status == ComplaintStatus.INSPECTING.value,
        )
    ).all()
    if not rows:
        return
    if s.state is InspectionState.CANCELLED:
        for row in rows:
            row.status = ComplaintStatus.RECEIVED.value
            row.inspection_id = None
            row.reason = CANCELLED_REASON
            session.add(row)
        session.flush()
        return
    criteria = [f.criterion for f in s.findings if f.status is not FindingStatus.WITHDRAWN]
    on = local_date(s.updated_at)
    for row in rows:
        is_founded = founded(row.criterion, criteria)
        row.status = (
            ComplaintStatus.ANSWERED_FOUNDED if is_founded else ComplaintStatus.ANSWERED_UNFOUNDED
        ).value
        row.answered_at = s.updated_at
        document = register.issue(
            session,
            Entry(
                key=answer_key(row.id),
                issuer_id=row.office_id,
                type=ANSWER_TYPE,
                year=on.year,
                subject=f"Trả lời phản ánh, kiến nghị số {row.reference}",
                signed_on=on,
                created_by="kiemtra",
            ),
            commit=False,
        )
        row.answer_number = document.symbol
        row.answer_document_id = document.id
        session.add(row)
        if row.complainant_email:
            _queue_answer_email(session, row, s, is_founded)
    session.flush()


def _queue_answer_email(
    session: Session, row: Complaint, s: InspectionSnapshot, is_founded: bool
) -> None:
    office = session.get(Organisation, row.office_id)
    office_name = office.name if office else ""
    result_vi = "có cơ sở" if is_founded else "chưa có cơ sở"
    result_en = "founded" if is_founded else "not founded"
    received = f"{row.received_on:%d/%m/%Y}"
    body_vi = (
        f"Kính gửi Ông/Bà {row.complainant_name or ''},\n\n"
        f"{office_name} đã kiểm tra nội dung phản ánh, kiến nghị số {row.reference} "
        f"tiếp nhận ngày {received} về {row.unit_name}. Kết quả: nội dung phản ánh "
        f"{result_vi}. Văn bản trả lời số {row.answer_number}.\n\n"
        f"Trân trọng cảm ơn Ông/Bà đã phản ánh."
    )
    body_en = (
        f"{office_name} has inspected complaint {row.reference}, received on {received}, "
        f"about {row.unit_name}. Result: the complaint is {result_en}. "
        f"Answer letter {row.answer_number}."
    )
    now = datetime.now(UTC)
    outbox.insert_once(
        session,
        [
            Notification(
                key=f"{answer_key(row.id)}:email",
                inspection_id=None,  # about no inspection the unit could list
                recipient_user_id=row.assessed_by or row.created_by,
                recipient_address=row.complainant_email,
                channel=Channel.EMAIL.value,
                kind=EMAIL_KIND,
                subject_vi=f"Trả lời phản ánh, kiến nghị số {row.reference}",
                subject_en=f"Answer to complaint {row.reference}",
                body_vi=body_vi,
                body_en=body_en,
                payload={"complaint_id": row.id},
                status=Delivery.PENDING.value,
                created_at=now,
            )
        ],
    )


def answered_by(s: InspectionSnapshot) -> bool:
    """Whether ``s`` is a closed complaint inspection (its complaints have their answers)."""
    return s.kind is InspectionKind.COMPLAINT and s.state is InspectionState.CLOSED


def undelivered_answers(session: Session, inspection_id: str) -> list[int]:
    """The answer e-mails of the inspection's complaints still to deliver."""
    ids = session.exec(
        select(Complaint.id).where(
            Complaint.inspection_id == inspection_id, col(Complaint.complainant_email) != ""
        )
    ).all()
    return outbox.undelivered_ids(session, [f"{answer_key(i)}:email" for i in ids])


def answer_email(session: Session, complaint_id: str) -> Notification | None:
    return session.exec(
        select(Notification).where(Notification.key == f"{answer_key(complaint_id)}:email")
    ).first()


def figures(
    session: Session, owner_id: str, start: date, end: date, within: str | None = None
) -> ComplaintFigures:
    """Complaints received in [start, end] in ``owner_id``'s register (``within``: about
    units in that organisation's subtree), by what became of them."""
    query: Any = (
        select(Complaint.status, func.count())
        .where(
            Complaint.owner_id == owner_id,
            col(Complaint.received_on) >= start,
            col(Complaint.received_on) <= end,
        )
        .group_by(col(Complaint.status))
    )
    if within:
        query = query.where(col(Complaint.unit_path).contains(f"/{within}/"))
    counts: dict[str, int] = {}
    for status, n in session.exec(query).all():
        counts[status] = n
    st = ComplaintStatus
    founded_n = counts.get(st.ANSWERED_FOUNDED, 0)
    answered_unfounded = counts.get(st.ANSWERED_UNFOUNDED, 0)
    return ComplaintFigures(
        received=sum(counts.values()),
        inspected=counts.get(st.INSPECTING, 0) + founded_n + answered_unfounded,
        founded=founded_n,
        unfounded=counts.get(st.CLOSED_UNFOUNDED, 0) + answered_unfounded,
        out_of_scope=counts.get(st.CLOSED_OUT_OF_SCOPE, 0),
        pending=counts.get(st.RECEIVED, 0),
    )
