"""The standard checklist of DOMAIN.md §5 as data (codes are ours, groups from practice)."""

import re
from typing import NamedTuple


class Criterion(NamedTuple):
    code: str
    group: str
    vi: str
    en: str


GROUPS: dict[str, tuple[str, str]] = {
    "WH": ("Thời giờ làm việc", "Working hours"),
    "ID": ("Thẻ, biển tên, trang phục", "Badges, name plates, attire"),
    "CD": ("Văn hóa ứng xử", "Conduct"),
    "IR": ("Quy chế nội bộ", "Internal rules"),
    "TP": ("Tiến độ, hồ sơ", "Timeliness and records"),
    "OS": ("Bộ phận một cửa", "One-stop shop"),
    "FU": ("Thực hiện kết luận trước", "Follow-up of earlier conclusions"),
}

STANDARD_CHECKLIST: tuple[Criterion, ...] = tuple(
    Criterion(code, code.split("-")[0], vi, en)
    for code, vi, en in (
        ("WH-01", "Chấp hành thời giờ làm việc", "Keeps working hours"),
        ("WH-02", "Có mặt tại vị trí; vắng mặt có lý do", "Present at post; absences justified"),
        ("WH-03", "Không làm việc riêng trong giờ", "No personal business during hours"),
        (
            "WH-04",
            "Không uống rượu, bia trong giờ làm việc, nghỉ trưa",
            "No alcohol during hours or lunch break",
        ),
        ("WH-05", "Không hút thuốc trong phòng làm việc", "No smoking in offices"),
        ("ID-01", "Đeo thẻ công chức, viên chức", "Wears civil-servant badge"),
        ("ID-02", "Biển tên, chức danh trên bàn làm việc", "Desk name plate"),
        ("ID-03", "Trang phục đúng quy định", "Proper attire"),
        ("CD-01", "Thái độ, văn hóa giao tiếp với người dân", "Courtesy toward citizens"),
        ("CD-02", "Không gây phiền hà, sách nhiễu", "No harassment or petty extortion"),
        ("CD-03", "Thực hiện quy tắc ứng xử", "Follows the code of conduct"),
        ("IR-01", "Quy chế làm việc, nội quy cơ quan còn phù hợp", "Working rules up to date"),
        ("IR-02", "Lịch công tác tuần được công khai", "Weekly work schedule published"),
        ("IR-03", "Họp giao ban định kỳ theo quy chế", "Regular meetings held"),
        (
            "IR-04",
            "Báo cáo khi đi công tác, công việc đột xuất",
            "Business trips and urgent absences reported",
        ),
        ("TP-01", "Giải quyết công việc đúng hạn", "Tasks handled on time"),
        ("TP-02", "Lưu trữ hồ sơ, văn bản khoa học", "Files and records kept in order"),
        ("OS-01", "Niêm yết đầy đủ TTHC, phí, lệ phí", "Procedures and fees posted completely"),
        ("OS-02", "Niêm yết địa chỉ tiếp nhận phản ánh", "Feedback address posted"),
        (
            "OS-03",
            "Tiếp nhận, trả kết quả đúng quy trình",
            "Files received and returned by the rules",
        ),
        (
            "OS-04",
            "Hồ sơ trễ hạn có phiếu xin lỗi, hẹn lại",
            "Late files carry an apology and new date",
        ),
        ("OS-05", "Dịch vụ công trực tuyến", "Online public services work"),
        ("FU-01", "Thực hiện kết luận kiểm tra trước", "Earlier conclusions implemented"),
    )
)

CRITERIA: dict[str, Criterion] = {c.code: c for c in STANDARD_CHECKLIST}
STANDARD_CODES: tuple[str, ...] = tuple(CRITERIA)


def unknown_content(content: list[str]) -> list[str]:
    """Entries of a plan item's content that are neither a group (``IR``) nor a criterion."""
    return sorted({c for c in content if c not in GROUPS and c not in CRITERIA})


def checklist_of(content: list[str]) -> list[str]:
    """The criteria a plan item's content names, groups expanded, in standard order;
    the whole standard checklist when it names nothing."""
    if not content:
        return list(STANDARD_CODES)
    wanted = set(content)
    return [c.code for c in STANDARD_CHECKLIST if c.code in wanted or c.group in wanted]


# Findings outside the standard checklist (tồn tại khác): reserved codes KHAC-01 … KHAC-99,
# each with its own description and one of the groups above (or "other") as its category.
# They are allowed in any minutes whatever the inspection's checklist or scope.
OTHER_PREFIX = "KHAC-"
OTHER_CATEGORY = "other"
OTHER_CATEGORIES: tuple[str, ...] = (*GROUPS, OTHER_CATEGORY)
_OTHER_CODE = re.compile(r"KHAC-(0[1-9]|[1-9][0-9])")


def is_other(code: str) -> bool:
    """A reserved code of a finding outside the standard checklist (``KHAC-01`` …)."""
    return _OTHER_CODE.fullmatch(code) is not None


def other_code(n: int) -> str:
    return f"{OTHER_PREFIX}{n:02d}"
