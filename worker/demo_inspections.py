"""The demo's inspections: each is a decision and the commands that carry it to its state.

Bodies are the HTTP command bodies of DESIGN.md §6 (the actor comes from the account named
in ``by``), so the seeder exercises the same checks a caller of the API meets. Dates are
relative to ``today`` because the procedure refuses deadlines in the past.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from states.vocabulary import InspectionKind, InspectionState, TeamRole, Trigger
from worker import demo_data as org
from worker.demo_plans import ANNUAL, SCHOOLS

T = Trigger
LEADER, MEMBER, SECRETARY = TeamRole.TEAM_LEADER, TeamRole.MEMBER, TeamRole.SECRETARY


@dataclass(frozen=True)
class Step:
    """One command: who fires it (a demo username), the trigger and its body."""

    by: str
    trigger: Trigger
    body: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """One inspection: its decision, the commands to replay and the state they must reach."""

    key: str
    kind: InspectionKind
    unit_id: str
    title: str
    decision_number: str
    legal_basis: str
    steps: tuple[Step, ...]
    ends_in: InspectionState
    checklist: tuple[str, ...] | None = None  # None: the standard checklist, or the item's
    plan: str | None = None  # the demo plan whose item for this unit it starts from
    adjustment: str = ""  # after the steps: cancel the plan item with this reason


def team(*members: tuple[str, TeamRole]) -> Step:
    """Form the team; members are demo usernames, resolved to accounts by the seeder."""
    body = {"members": [{"username": u, "team_role": r.value} for u, r in members]}
    return Step("decision_maker", T.FORM_TEAM, body)


# The five-office team of 94/QĐ-UBND, as far as the demo has inspectors for it.
PLANNED_TEAM = team(
    ("inspector_snv", LEADER), ("inspector_vp", MEMBER), ("inspector_stp", SECRETARY)
)


def ok(*codes: str) -> list[dict[str, Any]]:
    return [{"criterion": c, "result": "compliant"} for c in codes]


def bad(code: str, note: str, result: str = "non_compliant") -> dict[str, Any]:
    return {"criterion": code, "result": result, "note": note}


def visit(by: str, results: list[dict[str, Any]], explanation: str = "") -> Step:
    return Step(by, T.RECORD_VISIT, {"results": results, "unit_explanation": explanation})


def conclude(
    leader: str, number: str, summary: str, actions: list[str], due_on: date
) -> tuple[Step, Step]:
    """The team leader's findings report, then the conclusion notice: one remediation order
    per finding, in finding order."""
    orders = [
        {"finding_no": no, "action": action, "due_on": due_on}
        for no, action in enumerate(actions, start=1)
    ]
    report = Step(leader, T.REPORT_FINDINGS, {"summary": summary, "proposals": summary})
    return report, Step(
        "decision_maker", T.CONCLUDE, {"number": number, "summary": summary, "orders": orders}
    )


def notice(number: str, visit_on: date) -> Step:
    note = "Đề nghị Thủ trưởng đơn vị chuẩn bị báo cáo và bố trí làm việc với Đoàn kiểm tra."
    return Step(
        "coordinator", T.SEND_NOTICE, {"number": number, "visit_planned_on": visit_on, "note": note}
    )


def start_visit(by: str, note: str = "") -> Step:
    return Step(by, T.START_VISIT, {"note": note})


# Internal-rules findings of the five-office team's report (IR-01, IR-02, IR-04).
OUTDATED_RULES = bad(
    "IR-01",
    "Quy chế làm việc ban hành năm 2021, chưa sửa đổi, bổ sung theo chức năng, nhiệm vụ "
    "sau sắp xếp đơn vị hành chính",
)
SCHEDULE_NOT_PUBLISHED = bad(
    "IR-02", "Lịch công tác tuần không được công khai trên Cổng thông tin điện tử và bảng tin"
)
TRIPS_NOT_REPORTED = bad(
    "IR-04", "Công chức đi công tác, giải quyết việc đột xuất chưa báo cáo, ghi sổ theo dõi đầy đủ"
)
NO_REGULAR_MEETINGS = bad(
    "IR-03", "Chưa duy trì họp giao ban định kỳ hằng tháng theo quy chế", "partial"
)

# Findings of the surprise visits to commune one-stop shops (plan 207/KH-UBND report).
SHOP_CHECKLIST = ("WH-01", "WH-02", "ID-01", "ID-02", "CD-01", "OS-01", "OS-03", "OS-04", "TP-01")
SHOP_FINDINGS = [
    bad("WH-01", "Lúc 7 giờ 45 phút, 02/05 công chức tại quầy tiếp nhận chưa có mặt"),
    bad("ID-01", "03 công chức không đeo thẻ công chức khi tiếp công dân"),
    bad("ID-02", "Chưa bố trí biển tên, chức danh trên bàn làm việc tại quầy"),
    bad("OS-03", "Một số hồ sơ chưa cập nhật vào Hệ thống thông tin giải quyết TTHC", "partial"),
    bad("TP-01", "05 hồ sơ chứng thực, hộ tịch giải quyết quá hạn từ 2 đến 5 ngày"),
]


# Hiệp Hạ's inspection is withdrawn from the year's plan (the city report's plan adjustment).
ADJUSTMENT = "Điều chỉnh kế hoạch theo đề nghị của UBND xã Hiệp Hạ (sắp xếp tổ chức bộ máy)"


def scenarios(today: date) -> list[Scenario]:
    """The demo inspections, oldest decision first (decision numbers run in this order)."""
    year = today.year
    plan = f"Kế hoạch số 207/KH-UBND của UBND tỉnh về kiểm tra công vụ năm {year}"
    surprise_basis = (
        "Chỉ thị số 26/CT-TTg ngày 20/10/2023 của Thủ tướng Chính phủ; " + plan + " (đột xuất)"
    )
    soon, due = today + timedelta(days=5), today + timedelta(days=30)
    return [
        Scenario(
            key="an-phu-shop-planned",
            kind=InspectionKind.PLANNED,
            plan=ANNUAL,
            unit_id=org.AN_PHU_SHOP,
            title="Kiểm tra công vụ, cải cách hành chính tại Trung tâm Phục vụ hành chính công "
            "xã An Phú",
            decision_number="94/QĐ-UBND",
            legal_basis=plan,
            ends_in=InspectionState.CLOSED,
            steps=(
                PLANNED_TEAM,
                notice("12/TB-SNV", soon),
                start_visit("inspector_snv"),
                visit(
                    "inspector_snv",
                    [
                        bad(
                            "OS-01", "Chưa niêm yết 04 TTHC lĩnh vực đất đai mới công bố", "partial"
                        ),
                        bad("OS-04", "03 hồ sơ trễ hạn không có Phiếu xin lỗi và hẹn lại ngày trả"),
                        *ok("WH-01", "ID-01", "CD-01", "OS-02", "OS-03", "OS-05"),
                    ],
                    "Trung tâm tiếp thu, cam kết khắc phục trong tháng.",
                ),
                *conclude(
                    "inspector_snv",
                    "210/TB-UBND",
                    "Trung tâm chấp hành tốt giờ giấc; còn hạn chế về niêm yết và hồ sơ trễ hạn.",
                    [
                        "Niêm yết bổ sung đầy đủ TTHC lĩnh vực đất đai",
                        "Lập Phiếu xin lỗi và hẹn lại ngày trả kết quả cho hồ sơ trễ hạn",
                    ],
                    due,
                ),
                Step("unit_rep", T.ACKNOWLEDGE, {"note": "UBND xã tiếp thu toàn bộ kết luận."}),
                Step(
                    "unit_rep",
                    T.REPORT_REMEDIATION,
                    {
                        "items": [
                            {
                                "finding_no": 1,
                                "report": "Đã niêm yết bổ sung 04 TTHC lĩnh vực đất đai",
                                "evidence": ["anh-bang-niem-yet.jpg"],
                            },
                            {
                                "finding_no": 2,
                                "report": "Đã lập Phiếu xin lỗi, hẹn lại cho 03 hồ sơ trễ hạn",
                                "evidence": ["phieu-xin-loi.pdf"],
                            },
                        ]
                    },
                ),
                Step(
                    "coordinator",
                    T.SCHEDULE_REINSPECTION,
                    {"planned_on": today + timedelta(days=7), "number": "104/QĐ-UBND"},
                ),
                Step(
                    "inspector_vp",
                    T.VERIFY,
                    {
                        "results": [
                            {"finding_no": 1, "outcome": "resolved", "note": "Đã niêm yết đủ"},
                            {"finding_no": 2, "outcome": "resolved", "note": "Đã có phiếu"},
                        ]
                    },
                ),
            ),
        ),
        Scenario(
            key="an-phu-planned",
            kind=InspectionKind.PLANNED,
            plan=ANNUAL,
            unit_id=org.AN_PHU,
            title=f"Kiểm tra công vụ năm {year} tại UBND xã An Phú",
            decision_number="95/QĐ-UBND",
            legal_basis=plan,
            ends_in=InspectionState.REMEDIATING,
            steps=(
                PLANNED_TEAM,
                notice("13/TB-SNV", soon),
                start_visit("inspector_snv"),
                visit(
                    "inspector_snv",
                    [
                        OUTDATED_RULES,
                        NO_REGULAR_MEETINGS,
                        TRIPS_NOT_REPORTED,
                        *ok("WH-01", "ID-01", "CD-01", "CD-03", "IR-02", "OS-01"),
                    ],
                ),
                *conclude(
                    "inspector_snv",
                    "211/TB-UBND",
                    "Yêu cầu Chủ tịch UBND xã chấn chỉnh việc thực hiện quy chế nội bộ.",
                    [
                        "Sửa đổi, bổ sung Quy chế làm việc của UBND xã",
                        "Duy trì họp giao ban định kỳ hằng tháng",
                        "Mở sổ theo dõi công chức đi công tác, việc đột xuất",
                    ],
                    due,
                ),
                Step("unit_rep", T.ACKNOWLEDGE, {"note": "Tiếp thu, đang triển khai khắc phục."}),
            ),
        ),
        Scenario(
            key="hop-tien-planned",
            kind=InspectionKind.PLANNED,
            plan=ANNUAL,
            unit_id=org.HOP_TIEN,
            title=f"Kiểm tra công vụ năm {year} tại UBND xã Hợp Tiến",
            decision_number="96/QĐ-UBND",
            legal_basis=plan,
            ends_in=InspectionState.REMEDIATION_REQUESTED,
            steps=(
                team(
                    ("inspector_stp", LEADER), ("inspector_snv", MEMBER), ("inspector_vp", MEMBER)
                ),
                notice("14/TB-SNV", soon),
                start_visit("inspector_stp"),
                visit(
                    "inspector_stp",
                    [
                        OUTDATED_RULES,
                        SCHEDULE_NOT_PUBLISHED,
                        TRIPS_NOT_REPORTED,
                        *ok("WH-01", "WH-02", "ID-01", "IR-03", "OS-01", "OS-03"),
                    ],
                ),
                *conclude(
                    "inspector_stp",
                    "212/TB-UBND",
                    "Yêu cầu Thủ trưởng đơn vị nghiêm túc rút kinh nghiệm và khắc phục.",
                    [
                        "Rà soát, sửa đổi Quy chế làm việc, nội quy cơ quan",
                        "Công khai lịch công tác tuần trên Cổng thông tin điện tử",
                        "Thực hiện chế độ báo cáo khi đi công tác, công việc đột xuất",
                    ],
                    due,
                ),
            ),
        ),
        Scenario(
            key="dai-hung-shop-surprise",
            kind=InspectionKind.SURPRISE,
            unit_id=org.DAI_HUNG_SHOP,
            title="Kiểm tra đột xuất việc thực thi công vụ tại Trung tâm Phục vụ hành chính công "
            "xã Đại Hưng",
            decision_number="97/QĐ-UBND",
            legal_basis=surprise_basis,
            checklist=SHOP_CHECKLIST,
            ends_in=InspectionState.VISITED,
            steps=(
                team(("inspector_vp", LEADER), ("inspector_snv", MEMBER)),
                start_visit("inspector_vp", "Đoàn đến lúc 7 giờ 30 phút, công bố quyết định."),
                visit(
                    "inspector_vp",
                    [*SHOP_FINDINGS, *ok("WH-02", "CD-01", "OS-01", "OS-04")],
                    "Đại diện lãnh đạo UBND xã Đại Hưng giải trình và tiếp thu các ý kiến "
                    "của Đoàn kiểm tra.",
                ),
            ),
        ),
        Scenario(
            key="hiep-ha-planned",
            kind=InspectionKind.PLANNED,
            plan=ANNUAL,
            unit_id=org.HIEP_HA,
            title=f"Kiểm tra công vụ năm {year} tại UBND xã Hiệp Hạ",
            decision_number="98/QĐ-UBND",
            legal_basis=plan,
            ends_in=InspectionState.CANCELLED,
            steps=(PLANNED_TEAM,),
            adjustment=ADJUSTMENT,
        ),
        Scenario(
            key="land-branch-complaint",
            kind=InspectionKind.COMPLAINT,
            unit_id=org.LAND_BRANCH,
            title="Kiểm tra theo phản ánh của công dân qua Đường dây nóng về việc chậm giải "
            "quyết hồ sơ đăng ký đất đai",
            decision_number="99/QĐ-UBND",
            legal_basis="Phản ánh của công dân qua Đường dây nóng của UBND tỉnh",
            checklist=("CD-01", "CD-02", "TP-01", "OS-03", "OS-04"),
            ends_in=InspectionState.ON_SITE,
            steps=(
                team(("inspector_snv", LEADER), ("inspector_stp", MEMBER)),
                start_visit("inspector_snv", "Đoàn làm việc tại bộ phận tiếp nhận hồ sơ."),
            ),
        ),
        Scenario(
            key="dong-hung-school-thematic",
            kind=InspectionKind.THEMATIC,
            plan=SCHOOLS,
            unit_id=org.FIRST_PRIMARY_SCHOOL,
            title="Kiểm tra kỷ luật, kỷ cương hành chính tại Trường Tiểu học Đông Hưng số 1",
            decision_number="100/QĐ-UBND",
            legal_basis=f"Kế hoạch số {SCHOOLS} của UBND tỉnh về kiểm tra chuyên đề năm {year}",
            checklist=("WH-01", "WH-02", "ID-01", "CD-01", "CD-03", "IR-01", "IR-02", "TP-02"),
            ends_in=InspectionState.NOTIFIED,
            steps=(
                team(("inspector_stp", LEADER), ("inspector_vp", MEMBER)),
                notice("15/TB-SNV", today + timedelta(days=7)),
            ),
        ),
        Scenario(
            key="agriculture-planned",
            kind=InspectionKind.PLANNED,
            plan=ANNUAL,
            unit_id=org.AGRICULTURE,
            title=f"Kiểm tra công vụ năm {year} tại Sở Nông nghiệp và Môi trường",
            decision_number="101/QĐ-UBND",
            legal_basis=plan,
            ends_in=InspectionState.TEAM_FORMED,
            steps=(PLANNED_TEAM,),
        ),
        Scenario(
            key="binh-an-shop-surprise",
            kind=InspectionKind.SURPRISE,
            unit_id=org.BINH_AN_SHOP,
            title="Kiểm tra đột xuất việc thực thi công vụ tại Trung tâm Phục vụ hành chính công "
            "xã Bình An",
            decision_number="102/QĐ-UBND",
            legal_basis=surprise_basis,
            checklist=SHOP_CHECKLIST,
            ends_in=InspectionState.TEAM_FORMED,
            steps=(team(("inspector_vp", LEADER), ("inspector_stp", MEMBER)),),
        ),
        Scenario(
            key="finance-planned",
            kind=InspectionKind.PLANNED,
            plan=ANNUAL,
            unit_id=org.FINANCE,
            title=f"Kiểm tra công vụ năm {year} tại Sở Tài chính",
            decision_number="103/QĐ-UBND",
            legal_basis=plan,
            ends_in=InspectionState.DECIDED,
            steps=(),
        ),
    ]
