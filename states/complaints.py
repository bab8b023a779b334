"""Citizens' complaints (phản ánh, kiến nghị; DOMAIN.md §4, issue 15 §3), as pure rules.

A complaint is received into the register of the issuing side's authority, assessed by a
coordinator or decision-maker — closed (unfounded, out of scope) with a reason, or inspected
by a complaint inspection that several complaints about one unit may share — and answered
when that inspection closes. Who sees it: the issuing side within its authority; the
complainant's identity only by coordinators and decision-makers, never by the unit.
"""

from collections.abc import Iterable
from enum import StrEnum

from pydantic import Field

from states.contract import Contract
from states.scope import Viewer, within_authority
from states.vocabulary import Role


class ComplaintChannel(StrEnum):
    """How the complaint arrived."""

    HOTLINE = "hotline"
    EMAIL = "email"
    APP = "app"
    LETTER = "letter"
    IN_PERSON = "in_person"


class ComplaintStatus(StrEnum):
    RECEIVED = "received"
    INSPECTING = "inspecting"
    ANSWERED_FOUNDED = "answered_founded"
    ANSWERED_UNFOUNDED = "answered_unfounded"
    CLOSED_UNFOUNDED = "closed_unfounded"
    CLOSED_OUT_OF_SCOPE = "closed_out_of_scope"


class ComplaintOutcome(StrEnum):
    """What an assessment decides."""

    INSPECT = "inspect"
    UNFOUNDED = "unfounded"
    OUT_OF_SCOPE = "out_of_scope"


CLOSING_OUTCOMES = {
    ComplaintOutcome.UNFOUNDED: ComplaintStatus.CLOSED_UNFOUNDED,
    ComplaintOutcome.OUT_OF_SCOPE: ComplaintStatus.CLOSED_OUT_OF_SCOPE,
}
ANSWERED = frozenset({ComplaintStatus.ANSWERED_FOUNDED, ComplaintStatus.ANSWERED_UNFOUNDED})
# Roles that keep the register: receive, assess, and read the complainant's identity.
KEEPER_ROLES = frozenset({Role.COORDINATOR, Role.DECISION_MAKER})
# Roles that read the register: a viewer reads it without the complainant's identity.
READER_ROLES = frozenset({*KEEPER_ROLES, Role.VIEWER})
# Sizes (characters) and list bounds.
REFERENCE_MAX = 40
CONTENT_MAX = 4000
PEOPLE_NAMED_MAX = 500
PHONE_MAX = 30
EMAIL_MAX = 254
COMPLAINTS_PER_START_MAX = 50


def may_read(viewer: Viewer, owner_id: str) -> bool:
    """The register of ``owner_id`` (an authority root) exists for its own issuing side only:
    unit representatives and inspectors never see a complaint (DOMAIN.md §4)."""
    return viewer.role in READER_ROLES and viewer.authority_root == owner_id


def about_own_side(viewer: Viewer, unit_chain: list[str]) -> bool:
    """The complaint is about the reader's own organisation or one above it, or about a unit
    the reader's organisation manages (below it): the reader would stand on the inspected
    side, so it never reads the complaint, nor who made it. ``store.complaints`` is the SQL
    twin."""
    office = viewer.organisation_id
    manages = office is not None and office != viewer.authority_root and office in unit_chain
    return unit_chain[-1] in viewer.chain or manages


def may_keep(viewer: Viewer, unit_chain: list[str]) -> bool:
    """A coordinator or decision-maker receives and assesses complaints about units within
    the authority, never about their own side (``about_own_side``)."""
    return (
        viewer.role in KEEPER_ROLES
        and within_authority(viewer, unit_chain)
        and not about_own_side(viewer, unit_chain)
    )


def sees_identity(viewer: Viewer) -> bool:
    """Whether the complainant's name and contact are shown to ``viewer``."""
    return viewer.role in KEEPER_ROLES


def founded(criterion: str, finding_criteria: Iterable[str]) -> bool:
    """A complaint is founded when the inspection found a shortcoming on the criterion it
    names, or any shortcoming when it names none."""
    found = set(finding_criteria)
    return criterion in found if criterion else bool(found)


class ComplaintFigures(Contract):
    """Complaints received in a period within the caller's authority."""

    received: int = 0
    inspected: int = Field(default=0, description="joined a complaint inspection")
    founded: int = 0
    unfounded: int = Field(default=0, description="closed as unfounded or answered unfounded")
    out_of_scope: int = 0
    pending: int = Field(default=0, description="received, not yet assessed")


CHANNEL_LABELS: dict[ComplaintChannel, tuple[str, str]] = {
    ComplaintChannel.HOTLINE: ("Đường dây nóng", "Hotline"),
    ComplaintChannel.EMAIL: ("Thư điện tử", "E-mail"),
    ComplaintChannel.APP: ("Ứng dụng của tỉnh", "The province's app"),
    ComplaintChannel.LETTER: ("Đơn, thư", "Letter"),
    ComplaintChannel.IN_PERSON: ("Trực tiếp", "In person"),
}
STATUS_LABELS: dict[ComplaintStatus, tuple[str, str]] = {
    ComplaintStatus.RECEIVED: ("Đã tiếp nhận, chờ đánh giá", "Received, to assess"),
    ComplaintStatus.INSPECTING: ("Đang kiểm tra", "Being inspected"),
    ComplaintStatus.ANSWERED_FOUNDED: ("Đã trả lời: có cơ sở", "Answered: founded"),
    ComplaintStatus.ANSWERED_UNFOUNDED: ("Đã trả lời: chưa có cơ sở", "Answered: not founded"),
    ComplaintStatus.CLOSED_UNFOUNDED: ("Kết thúc: không có cơ sở", "Closed: unfounded"),
    ComplaintStatus.CLOSED_OUT_OF_SCOPE: (
        "Kết thúc: không thuộc phạm vi",
        "Closed: out of scope",
    ),
}
OUTCOME_LABELS: dict[ComplaintOutcome, tuple[str, str]] = {
    ComplaintOutcome.INSPECT: ("Kiểm tra", "Inspect"),
    ComplaintOutcome.UNFOUNDED: ("Không có cơ sở", "Unfounded"),
    ComplaintOutcome.OUT_OF_SCOPE: ("Không thuộc phạm vi", "Out of scope"),
}
