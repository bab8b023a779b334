"""The standard checklist of DOMAIN.md §5 as data (codes are ours, groups from practice)."""

import re
from typing import Annotated, NamedTuple

from pydantic import Field

from states.bounds import NAME_MAX, Code
from states.contract import Contract
from states.errors import InvalidCommand


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


def unknown_content(content: list[str], catalogue: "Catalogue | None" = None) -> list[str]:
    """Entries of a plan item's content that are neither a group (``IR``) nor a criterion
    in use (of ``catalogue``, the built-in one by default)."""
    codes = set((catalogue or BUILTIN).active_codes())
    return sorted({c for c in content if c not in GROUPS and c not in codes})


def checklist_of(content: list[str], catalogue: "Catalogue | None" = None) -> list[str]:
    """The criteria a plan item's content names, groups expanded, in the catalogue's order;
    every criterion in use when it names nothing."""
    active = [c for c in (catalogue or BUILTIN).criteria if not c.retired]
    if not content:
        return [c.code for c in active]
    wanted = set(content)
    return [c.code for c in active if c.code in wanted or c.group in wanted]


# The catalogue of criteria (issue 15 §4): editable by an administrator and versioned. A new
# version is a full list; a code once published keeps its group and stays in every later
# version (retired, never reused with another meaning), so an inspection started under any
# version — it keeps that version's number — can always be labelled.
CATALOGUE_MAX = 300
_CODE = re.compile(r"[A-Z]{2,4}-[0-9]{2,3}")


class CatalogueEntry(Contract):
    code: Code
    group: Code
    vi: Annotated[str, Field(min_length=1, max_length=NAME_MAX)]
    en: Annotated[str, Field(max_length=NAME_MAX)] = ""
    retired: bool = False

    def criterion(self) -> Criterion:
        return Criterion(self.code, self.group, self.vi, self.en or self.vi)


class Catalogue(Contract):
    version: int = Field(ge=1)
    criteria: list[CatalogueEntry] = Field(max_length=CATALOGUE_MAX)

    def active_codes(self) -> list[str]:
        return [c.code for c in self.criteria if not c.retired]

    def labels(self) -> dict[str, Criterion]:
        return {c.code: c.criterion() for c in self.criteria}

    def active(self) -> list[Criterion]:
        return [c.criterion() for c in self.criteria if not c.retired]


BUILTIN = Catalogue(version=1, criteria=[CatalogueEntry(**c._asdict()) for c in STANDARD_CHECKLIST])


def check_successor(previous: Catalogue, entries: list[CatalogueEntry]) -> None:
    """Whether ``entries`` may follow ``previous`` as the next version (InvalidCommand)."""
    codes = [e.code for e in entries]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InvalidCommand(
            f"codes listed twice: {twice}",
            {"codes": twice},
            vi=f"Mã tiêu chí {', '.join(twice)} bị lặp.",
        )
    bad = sorted(c for c in codes if not _CODE.fullmatch(c) or c.startswith(OTHER_PREFIX))
    if bad:
        raise InvalidCommand(
            f"codes must look like WH-01 (KHAC- is reserved): {bad}",
            {"codes": bad},
            vi=f"Mã tiêu chí không hợp lệ (dạng WH-01; KHAC- dành cho tồn tại khác): "
            f"{', '.join(bad)}.",
        )
    groups = sorted({e.group for e in entries if e.group not in GROUPS})
    if groups:
        raise InvalidCommand(
            f"unknown groups {groups}; groups are {list(GROUPS)}",
            {"groups": groups},
            vi=f"Nhóm nội dung {', '.join(groups)} không có trong danh mục nhóm.",
        )
    new = {e.code: e for e in entries}
    dropped = sorted(c.code for c in previous.criteria if c.code not in new)
    if dropped:
        raise InvalidCommand(
            f"codes cannot be removed, only retired: {dropped}",
            {"codes": dropped},
            vi=f"Không được xóa mã tiêu chí đã dùng, chỉ được ngừng sử dụng: {', '.join(dropped)}.",
        )
    moved = sorted(c.code for c in previous.criteria if new[c.code].group != c.group)
    revived = sorted(c.code for c in previous.criteria if c.retired and not new[c.code].retired)
    if moved or revived:
        raise InvalidCommand(
            "a code never takes another meaning: it keeps its group, and a retired code "
            f"stays retired ({moved + revived})",
            {"codes": moved + revived},
            vi="Mã tiêu chí không được dùng lại với nội dung khác: giữ nguyên nhóm, mã đã ngừng "
            f"sử dụng thì không dùng lại ({', '.join(moved + revived)}).",
        )
    if not any(not e.retired for e in entries):
        raise InvalidCommand(
            "the catalogue needs at least one criterion in use",
            vi="Danh mục cần ít nhất một tiêu chí đang sử dụng.",
        )


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
