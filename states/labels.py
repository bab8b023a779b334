"""What reports, exports and charts call things, in Vietnamese and English.

Organisation levels are free text in the tree (``commune``, ``ward``, ``school`` …); reports
group them the way offices count them: every commune, ward and special zone is one
"commune-level People's Committee" line (DOMAIN.md §1: "19 commune People's Committees").
"""

from states.vocabulary import InspectionKind, InspectionState

Label = tuple[str, str]

KIND_LABELS: dict[InspectionKind, Label] = {
    InspectionKind.PLANNED: ("Theo kế hoạch", "Planned"),
    InspectionKind.SURPRISE: ("Đột xuất", "Surprise"),
    InspectionKind.COMPLAINT: ("Theo phản ánh, kiến nghị", "Complaint"),
    InspectionKind.THEMATIC: ("Chuyên đề", "Thematic"),
    InspectionKind.SELF: ("Tự kiểm tra", "Self-inspection"),
    InspectionKind.JOINT: ("Liên ngành", "Joint"),
    InspectionKind.REINSPECTION: ("Tái kiểm tra", "Re-inspection"),
}

STATE_LABELS: dict[InspectionState, Label] = {
    InspectionState.DECIDED: ("Đã có quyết định", "Decided"),
    InspectionState.TEAM_FORMED: ("Đã thành lập đoàn", "Team formed"),
    InspectionState.NOTIFIED: ("Đã thông báo", "Notified"),
    InspectionState.ON_SITE: ("Đang kiểm tra tại đơn vị", "On site"),
    InspectionState.VISITED: ("Đã kiểm tra thực tế", "Visited"),
    InspectionState.FINDINGS_REPORTED: ("Đã báo cáo kết quả kiểm tra", "Findings reported"),
    InspectionState.REMEDIATION_REQUESTED: ("Đã yêu cầu khắc phục", "Remediation requested"),
    InspectionState.DISPUTED: ("Đơn vị giải trình", "Disputed"),
    InspectionState.REMEDIATING: ("Đang khắc phục", "Remediating"),
    InspectionState.REMEDIATION_REPORTED: ("Đã báo cáo khắc phục", "Remediation reported"),
    InspectionState.REINSPECTING: ("Đang kiểm tra lại", "Re-inspecting"),
    InspectionState.SUSPENDED: ("Tạm dừng", "Suspended"),
    InspectionState.CLOSED: ("Kết thúc", "Closed"),
    InspectionState.CANCELLED: ("Đình chỉ", "Cancelled"),
    InspectionState.VOIDED: ("Đã hủy (nhập nhầm)", "Voided (entered by mistake)"),
}

# Report line of each organisation level; unknown levels report under their own name.
LEVEL_GROUP_OF: dict[str, str] = {
    "province": "province",
    "commune": "commune",
    "ward": "commune",
    "special_zone": "commune",
    "department": "department",
    "agency": "agency",
    "school": "public_service_unit",
    "public_service_unit": "public_service_unit",
    "one_stop_shop": "one_stop_shop",
    "district": "district",
}

LEVEL_GROUP_LABELS: dict[str, Label] = {
    "province": ("UBND cấp tỉnh", "Provincial People's Committee"),
    "department": ("Sở, ban, ngành", "Departments"),
    "agency": ("Cơ quan, đơn vị trực thuộc", "Agencies and units under departments"),
    "commune": ("UBND cấp xã (xã, phường, đặc khu)", "Commune-level People's Committees"),
    "one_stop_shop": ("Trung tâm Phục vụ hành chính công", "One-stop shops"),
    "public_service_unit": ("Đơn vị sự nghiệp (trường học…)", "Public service units (schools…)"),
    "district": ("UBND cấp huyện (trước 01/7/2025)", "District level (before 1 July 2025)"),
    # Surprise checks a plan schedules by slot without naming the level of unit.
    "surprise_any": (
        "Kiểm tra đột xuất (chưa xác định đơn vị)",
        "Surprise checks (units not named)",
    ),
}
# Order of the level lines in every report.
LEVEL_GROUP_ORDER = tuple(LEVEL_GROUP_LABELS)


def level_group(level: str) -> str:
    """The report line an organisation level counts under."""
    return LEVEL_GROUP_OF.get(level, level)


# People's Committees: the bodies a unit without a level of its own is attached to.
PEOPLES_COMMITTEE_LEVELS = frozenset({"province", "district", "commune", "ward", "special_zone"})
# Report lines of bodies that count as themselves wherever they sit in the tree: People's
# Committees, departments, public service units (schools are legal persons of their own).
BODY_GROUPS = frozenset({"province", "district", "commune", "department", "public_service_unit"})


def report_group(level: str, parent_level: str | None, attached_as_parent: bool = True) -> str:
    """The report line of a unit of ``level`` whose parent is of ``parent_level``.

    With ``attached_as_parent`` (the default, as offices count: seed 004's "19 UBND xã,
    phường" include visits to their one-stop shops), a unit attached to a People's
    Committee counts under that Committee's level: its parent is a People's Committee and
    it is not itself a body with a line of its own (``BODY_GROUPS``): a one-stop shop
    (Bộ phận một cửa), an agency of the Committee (Phòng … quận counts at district level),
    or a unit of a level the tree names freely. Off, every unit counts by its own level."""
    own = level_group(level)
    if attached_as_parent and parent_level in PEOPLES_COMMITTEE_LEVELS and own not in BODY_GROUPS:
        return level_group(parent_level)
    return own


def level_group_label(group: str) -> Label:
    return LEVEL_GROUP_LABELS.get(group, (group, group))


def level_sort_key(group: str) -> tuple[int, str]:
    """Known groups in their fixed order, then unknown ones alphabetically."""
    order = LEVEL_GROUP_ORDER.index(group) if group in LEVEL_GROUP_ORDER else len(LEVEL_GROUP_ORDER)
    return order, group
