"""What the pages call each value of the vocabulary, in Vietnamese and English.

Kinds and states come from ``states.labels`` (reports and exports use the same words);
triggers from their declaration (``states.triggers``); the rest is here.
"""

from enum import Enum
from typing import Any

from states.complaints import CHANNEL_LABELS, OUTCOME_LABELS, STATUS_LABELS
from states.labels import KIND_LABELS, STATE_LABELS, Label
from states.plans import COVERAGE_LABELS
from states.triggers import TRIGGERS
from states.vocabulary import (
    CheckResult,
    DisputeOutcome,
    ExtensionStatus,
    FindingStatus,
    RemediationStatus,
    Role,
    Severity,
    TeamRole,
    Trigger,
    VerificationOutcome,
)

_TABLE: list[tuple[Enum, Label]] = [
    *KIND_LABELS.items(),
    *STATE_LABELS.items(),
    *COVERAGE_LABELS.items(),
    *CHANNEL_LABELS.items(),
    *STATUS_LABELS.items(),
    *OUTCOME_LABELS.items(),
    *{t: (spec.label.vi, spec.label.en) for t, spec in TRIGGERS.items()}.items(),
    (CheckResult.COMPLIANT, ("Đạt", "Compliant")),
    (CheckResult.NON_COMPLIANT, ("Không đạt", "Non-compliant")),
    (CheckResult.PARTIAL, ("Đạt một phần", "Partly compliant")),
    (CheckResult.NOT_APPLICABLE, ("Không áp dụng", "Not applicable")),
    (Severity.MINOR, ("Nhẹ", "Minor")),
    (Severity.MAJOR, ("Nghiêm trọng", "Major")),
    (Severity.SERIOUS, ("Rất nghiêm trọng", "Serious")),
    (FindingStatus.OPEN, ("Chưa xử lý", "Open")),
    (FindingStatus.ACKNOWLEDGED, ("Đơn vị đã tiếp thu", "Acknowledged")),
    (FindingStatus.DISPUTED, ("Đơn vị giải trình", "Disputed")),
    (FindingStatus.WITHDRAWN, ("Đã rút", "Withdrawn")),
    (FindingStatus.REPORTED, ("Đã báo cáo khắc phục", "Reported")),
    (FindingStatus.RESOLVED, ("Đã khắc phục", "Resolved")),
    (FindingStatus.UNRESOLVED, ("Chưa khắc phục", "Unresolved")),
    (FindingStatus.REFERRED, ("Chuyển xử lý kỷ luật", "Referred")),
    (VerificationOutcome.RESOLVED, ("Đã khắc phục", "Resolved")),
    (VerificationOutcome.UNRESOLVED, ("Chưa khắc phục", "Unresolved")),
    (VerificationOutcome.REFERRED, ("Chuyển xử lý kỷ luật", "Referred")),
    (DisputeOutcome.UPHELD, ("Giữ nguyên", "Upheld")),
    (DisputeOutcome.WITHDRAWN, ("Rút nội dung", "Withdrawn")),
    (ExtensionStatus.PENDING, ("Chờ quyết định", "Pending")),
    (ExtensionStatus.GRANTED, ("Đã đồng ý", "Granted")),
    (ExtensionStatus.REFUSED, ("Không đồng ý", "Refused")),
    (ExtensionStatus.LAPSED, ("Không còn hiệu lực", "Lapsed")),
    (RemediationStatus.OPEN, ("Đang khắc phục", "Open")),
    (RemediationStatus.REPORTED, ("Đã báo cáo", "Reported")),
    (RemediationStatus.DONE, ("Hoàn thành", "Done")),
    (RemediationStatus.NOT_DONE, ("Chưa hoàn thành", "Not done")),
    (RemediationStatus.CANCELLED, ("Hủy bỏ", "Cancelled")),
    (TeamRole.TEAM_LEADER, ("Trưởng đoàn", "Team leader")),
    (TeamRole.DEPUTY_LEADER, ("Phó trưởng đoàn", "Deputy leader")),
    (TeamRole.MEMBER, ("Thành viên", "Member")),
    (TeamRole.SECRETARY, ("Thư ký", "Secretary")),
    (Role.ADMIN, ("Quản trị hệ thống", "Administrator")),
    (Role.COORDINATOR, ("Cán bộ điều phối", "Coordinator")),
    (Role.DECISION_MAKER, ("Lãnh đạo ký quyết định", "Decision-maker")),
    (Role.INSPECTOR, ("Thành viên đoàn kiểm tra", "Inspector")),
    (Role.UNIT_REP, ("Đại diện đơn vị", "Unit representative")),
    (Role.VIEWER, ("Lãnh đạo theo dõi", "Leader (reports)")),
    (Role.SYSTEM, ("Hệ thống", "System")),
]

# StrEnum members equal their strings ("cancelled" is a state, a remediation status and a
# coverage status): keyed by type and value, never by the member alone.
LABELS: dict[tuple[type, str], Label] = {(type(k), k.value): v for k, v in _TABLE}
# Timeline entries that are no trigger of the machine.
EVENT_LABELS: dict[str, Label] = {
    "start": ("Ban hành quyết định kiểm tra", "Decision issued"),
    "decided": ("Ban hành quyết định kiểm tra", "Decision issued"),
    "decide": ("Ban hành quyết định kiểm tra", "Decision issued"),
}


def label_of(value: object, language: str, kind: type[Enum] | None = None) -> str:
    """The label of a vocabulary value in ``language``. A plain string needs its ``kind``;
    without one it is read as a trigger (timeline entries). The value itself when nothing
    names it."""
    found: Label | None = None
    if isinstance(value, Enum):
        found = LABELS.get((type(value), value.value))
    elif isinstance(value, str):
        found = LABELS.get((kind or Trigger, value)) or EVENT_LABELS.get(value)
    if found is None:
        return str(value.value if isinstance(value, Enum) else value)
    return found[1] if language == "en" else found[0]


# What a form calls each field of a command body (a trigger's own ``fields`` hints win).
FIELD_LABELS: dict[str, Label] = {
    "note": ("Ghi chú", "Note"),
    "number": ("Số văn bản", "Document number"),
    "visit_planned_on": ("Ngày dự kiến kiểm tra", "Planned visit date"),
    "reason": ("Lý do", "Reason"),
    "planned_on": ("Ngày dự kiến kiểm tra lại", "Planned re-inspection date"),
    "next_due_on": ("Hạn khắc phục tiếp theo", "Next due date"),
    "summary": ("Nội dung kết luận", "Summary of the conclusion"),
    "signed_by_leader": ("Trưởng đoàn đã ký biên bản", "Signed by the team leader"),
    "signed_by_unit": ("Đại diện đơn vị đã ký biên bản", "Signed by the unit"),
    "witness": (
        "Người chứng kiến (khi đơn vị không ký)",
        "Witness (when the unit refuses to sign)",
    ),
    "unit_explanation": ("Ý kiến giải trình của đơn vị", "The unit's explanation"),
    "explanation": ("Nội dung giải trình", "Explanation"),
    "unit_accepted": ("Đơn vị đã chấp nhận kết quả", "The unit accepted the result"),
    "due_on": ("Hạn khắc phục", "Due date"),
    "grant": ("Đồng ý gia hạn", "Grant the extension"),
    "finding_no": ("Nội dung (thiếu sót)", "Finding"),
    "action": ("Biện pháp khắc phục", "Remedial action"),
    "discipline_recommended": (
        "Kiến nghị xử lý kỷ luật (mỗi người một dòng)",
        "Discipline recommended (one person per line)",
    ),
    "report": ("Kết quả khắc phục", "What was done"),
    "evidence": ("Tài liệu minh chứng (mỗi tài liệu một dòng)", "Evidence (one per line)"),
    "severity": ("Mức độ", "Severity"),
    "people": ("Người liên quan (mỗi người một dòng)", "People concerned (one per line)"),
    "result": ("Kết quả", "Result"),
    "outcome": ("Kết luận", "Outcome"),
    "team_role": ("Vai trò trong đoàn", "Role in the team"),
    "signed_on": ("Ngày ký văn bản", "Date signed"),
    "held_on": ("Ngày thực hiện", "Date it took place"),
    "place": ("Địa điểm lập biên bản", "Where the minutes were made"),
    "leader_name": ("Trưởng đoàn ký biên bản", "Team leader who signs"),
    "team_present": ("Thành phần Đoàn kiểm tra", "Team members present"),
    "unit_present": ("Thành phần đơn vị được kiểm tra", "Unit's people present"),
    "name": ("Họ và tên", "Full name"),
    "position": ("Chức vụ", "Position"),
    "proposals": ("Đề xuất, kiến nghị", "Proposals"),
}


def field_label(name: str, language: str, hints: dict[str, Any] | None = None) -> str:
    """A field's label: the trigger's own hint, else the common one, else its name."""
    hint = (hints or {}).get(name)
    if hint is not None:
        return str(hint.in_(language))
    found = FIELD_LABELS.get(name)
    if found is None:
        return name.replace("_", " ")
    return found[1] if language == "en" else found[0]
