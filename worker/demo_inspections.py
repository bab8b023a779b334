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
class DemoDiscipline:
    """A person a finding names, recommended for discipline before step ``before`` (its
    number in the scenario's steps); ``decided``: the managing authority's decision number."""

    before: int
    finding_no: int
    person_name: str
    position: str
    authority_id: str
    proposed_form: str
    category: str = "civil_servant"
    decided: str = ""


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
    # The level of the annual plan's surprise-check slot it fills.
    slot: str | None = None
    # Working days before the first step, and gaps (working days) before given steps by
    # their number: when things happened, so some deadlines have passed.
    earlier: int = 0
    gaps: tuple[tuple[int, int], ...] = ()
    # Demo complaints (by key) the inspection is started from.
    complaints: tuple[str, ...] = ()
    discipline: tuple[DemoDiscipline, ...] = ()


def team(*members: tuple[str, TeamRole]) -> Step:
    """Form the team; members are demo usernames, resolved to accounts by the seeder."""
    body = {"members": [{"username": u, "team_role": r.value} for u, r in members]}
    return Step("decision_maker", T.FORM_TEAM, body)


# The province's standing five-office team (seed 000's 94/QĐ-UBND.TL): three members with
# an account, two named on the documents only.
PLANNED_TEAM = Step("decision_maker", T.FORM_TEAM, {"standing_team": org.STANDING_TEAM_DECISION})


def ok(*codes: str) -> list[dict[str, Any]]:
    return [{"criterion": c, "result": "compliant"} for c in codes]


def bad(code: str, note: str, result: str = "non_compliant") -> dict[str, Any]:
    return {"criterion": code, "result": result, "note": note}


def visit(by: str, results: list[dict[str, Any]], explanation: str = "") -> Step:
    return Step(by, T.RECORD_VISIT, {"results": results, "unit_explanation": explanation})


def conclude(
    leader: str, number: str, summary: str, actions: list[str], due_on: date | int
) -> tuple[Step, Step]:
    """The team leader's findings report, then the conclusion notice: one remediation order
    per finding, in finding order, due on a day or (an int) that many working days after
    the conclusion."""
    due: dict[str, Any] = {"due_after": due_on} if isinstance(due_on, int) else {"due_on": due_on}
    orders = [
        {"finding_no": no, "action": action, **due} for no, action in enumerate(actions, start=1)
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
            # Concluded five weeks ago with ten working days to remediate, acknowledged only
            # today: the items are overdue, and the reminders go out.
            gaps=((7, 25),),
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
                    10,
                ),
                # Entered as it happens (today): nothing holds the overdue items back.
                Step(
                    "unit_rep",
                    T.ACKNOWLEDGE,
                    {"note": "Tiếp thu, đang triển khai khắc phục.", "signed_on": today},
                ),
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
            # The commune decided on the person the conclusion named (after its six steps).
            discipline=(
                DemoDiscipline(
                    before=7,
                    finding_no=3,
                    person_name="Lê Thị Hoa",
                    position="Công chức Văn phòng - Thống kê",
                    authority_id=org.HOP_TIEN,
                    proposed_form="reprimand",
                    decided="15/QĐ-UBND",
                ),
            ),
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
            slot="one_stop_shop",
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
            complaints=("hotline-land",),
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
            slot="one_stop_shop",
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
        *complaint_scenarios(),
        *surprise_series(),
        *school_series(today),
    ]


def _surprise(
    key: str,
    unit_id: str,
    name: str,
    number: int,
    slot: str | None,
    steps: tuple[Step, ...],
    ends_in: InspectionState,
    earlier: int,
) -> Scenario:
    return Scenario(
        key=key,
        kind=InspectionKind.SURPRISE,
        unit_id=unit_id,
        title=f"Kiểm tra đột xuất việc thực thi công vụ tại {name}",
        decision_number=f"{number}/QĐ-UBND",
        legal_basis="Chỉ thị số 26/CT-TTg ngày 20/10/2023 của Thủ tướng Chính phủ; Kế hoạch "
        "số 207/KH-UBND (kiểm tra đột xuất)",
        steps=steps,
        ends_in=ends_in,
        slot=slot,
        earlier=earlier,
    )


SERIES_TEAM = team(("inspector_vp", LEADER), ("inspector_stp", MEMBER))
LATE_ARRIVAL = bad("WH-01", "Lúc 7 giờ 40 phút, 02 công chức chưa có mặt tại cơ quan")
NO_BADGE = bad("ID-01", "01 công chức không đeo thẻ khi làm việc với công dân")


def _clean() -> tuple[Step, ...]:
    return (
        SERIES_TEAM,
        start_visit("inspector_vp"),
        visit("inspector_vp", ok("WH-01", "WH-02", "ID-01", "CD-01")),
        Step("inspector_vp", T.REPORT_FINDINGS, {"summary": "Chấp hành tốt kỷ luật công vụ."}),
        Step("decision_maker", T.CONCLUDE, {"summary": "Đơn vị chấp hành tốt."}),
    )


def _with_findings(rep: str) -> tuple[Step, ...]:
    """Visited with two findings and concluded, remediation due ten working days later."""
    return (
        SERIES_TEAM,
        start_visit("inspector_vp"),
        visit("inspector_vp", [LATE_ARRIVAL, NO_BADGE, *ok("CD-01", "ID-02")]),
        *conclude(
            "inspector_vp",
            "",
            "Yêu cầu chấn chỉnh giờ giấc làm việc và việc đeo thẻ công chức.",
            ["Chấn chỉnh giờ giấc làm việc", "Yêu cầu công chức đeo thẻ khi thi hành công vụ"],
            10,
        ),
    )


def _remediated(rep: str) -> tuple[Step, ...]:
    items = [
        {"finding_no": 1, "report": "Đã họp, nhắc nhở và ký cam kết chấp hành giờ giấc"},
        {"finding_no": 2, "report": "Đã cấp lại thẻ, kiểm tra việc đeo thẻ hằng ngày"},
    ]
    return (
        *_with_findings(rep),
        Step(rep, T.ACKNOWLEDGE, {"note": "Tiếp thu kết luận."}),
        Step(rep, T.REPORT_REMEDIATION, {"items": items}),
    )


def surprise_series() -> list[Scenario]:
    """The year's surprise checks beyond the two one-stop shops above (seed 004): 16 commune
    and ward People's Committees, An Phú's one-stop shop, 3 agencies, 3 departments — each
    filling a slot of plan 207/KH-UBND — and one entered by mistake, then voided."""
    communes = [
        (org.AN_PHU, "UBND xã An Phú"),
        (org.BINH_AN, "UBND xã Bình An"),
        (org.HOP_TIEN, "UBND xã Hợp Tiến"),
        (org.DAI_HUNG, "UBND xã Đại Hưng"),
        (org.HIEP_HA, "UBND xã Hiệp Hạ"),
        (org.MY_AN, "UBND xã Mỹ An"),
        (org.DONG_HUNG, "UBND phường Đông Hưng"),
        (org.TAN_LAP, "UBND phường Tân Lập"),
        *(
            (oid, ("UBND phường " if level == "ward" else "UBND xã ") + name)
            for oid, _, name, level in org.MORE_COMMUNES
        ),
    ]
    special: dict[str, tuple[tuple[Step, ...], InspectionState]] = {
        org.AN_PHU: (
            (
                *_with_findings("unit_rep"),
                Step(
                    "unit_rep",
                    T.DISPUTE,
                    {"finding_nos": [1], "explanation": "Hai công chức đi công tác có báo cáo"},
                ),
            ),
            InspectionState.DISPUTED,
        ),
        org.BINH_AN: (
            (
                *_remediated("unit_rep_binh_an"),
                Step("coordinator", T.SCHEDULE_REINSPECTION, {"note": "Kiểm tra lại"}),
            ),
            InspectionState.REINSPECTING,
        ),
        "org-x-long-hung": (
            (
                SERIES_TEAM,
                start_visit("inspector_vp"),
                visit("inspector_vp", [LATE_ARRIVAL, *ok("ID-01", "CD-01")]),
                Step("inspector_vp", T.REPORT_FINDINGS, {"proposals": "Nhắc nhở, chấn chỉnh"}),
            ),
            InspectionState.FINDINGS_REPORTED,
        ),
        "org-x-thong-nhat": (
            (
                SERIES_TEAM,
                Step(
                    "decision_maker",
                    T.SUSPEND,
                    {"reason": "Tạm dừng để ưu tiên công tác phòng, chống bão lũ"},
                ),
            ),
            InspectionState.SUSPENDED,
        ),
    }
    found = []
    targets: list[tuple[str, str, str]] = [(oid, name, "commune") for oid, name in communes]
    targets += [
        (org.AN_PHU_SHOP, "Trung tâm Phục vụ hành chính công xã An Phú", "one_stop_shop"),
        (org.LAND_OFFICE, "Văn phòng Đăng ký đất đai", "agency"),
        (org.LAND_BRANCH, "Chi nhánh Văn phòng Đăng ký đất đai khu vực Đông Hưng", "agency"),
        (org.AGRI_QUALITY, "Chi cục Quản lý chất lượng nông lâm sản và thủy sản", "agency"),
        (org.FINANCE, "Sở Tài chính", "department"),
        (org.EDUCATION, "Sở Giáo dục và Đào tạo", "department"),
        (org.AGRICULTURE, "Sở Nông nghiệp và Môi trường", "department"),
    ]
    for n, (unit_id, name, slot) in enumerate(targets):
        steps, ends_in = special.get(unit_id, (_clean(), InspectionState.CLOSED))
        if unit_id == org.AN_PHU_SHOP:
            steps, ends_in = _remediated("unit_rep"), InspectionState.REMEDIATION_REPORTED
        if unit_id == org.AGRI_QUALITY:
            steps, ends_in = _with_findings("")[:3], InspectionState.VISITED
        key = f"surprise-{unit_id.removeprefix('org-')}"
        found.append(_surprise(key, unit_id, name, 105 + n, slot, steps, ends_in, 3 * n))
    voided = _surprise(
        "surprise-voided",
        "org-x-dong-tam",
        "UBND xã Đồng Tâm",
        130,
        None,
        (Step("coordinator", T.VOID, {"reason": "Nhập trùng quyết định số 122/QĐ-UBND"}),),
        InspectionState.VOIDED,
        0,
    )
    return [*found, voided]


def complaint_scenarios() -> list[Scenario]:
    """Complaint inspections carried to closure: one founded (a person referred for
    discipline), one unfounded. Their complaints are answered when they close."""
    items = [{"finding_no": 1, "report": "Đã kiểm điểm, xin lỗi công dân"}]
    rude = bad("CD-01", "Công chức tiếp nhận hồ sơ có thái độ thiếu tôn trọng công dân")
    return [
        Scenario(
            key="binh-an-shop-complaint",
            kind=InspectionKind.COMPLAINT,
            unit_id=org.BINH_AN_SHOP,
            title="Kiểm tra theo phản ánh của công dân về thái độ tiếp nhận hồ sơ tại Trung tâm "
            "Phục vụ hành chính công xã Bình An",
            decision_number="131/QĐ-UBND",
            legal_basis="Phản ánh của công dân qua ứng dụng Tỉnh Minh Sơn số",
            checklist=("CD-01", "CD-02", "OS-03"),
            complaints=("app-binh-an-shop",),
            ends_in=InspectionState.CLOSED,
            steps=(
                team(("inspector_snv", LEADER), ("inspector_stp", MEMBER)),
                start_visit("inspector_snv"),
                visit("inspector_snv", [rude, *ok("CD-02", "OS-03")]),
                *conclude(
                    "inspector_snv",
                    "",
                    "Phản ánh có cơ sở; đề nghị xem xét xử lý kỷ luật công chức vi phạm.",
                    ["Kiểm điểm công chức, xin lỗi công dân"],
                    10,
                ),
                Step("unit_rep_binh_an", T.ACKNOWLEDGE, {"note": "Tiếp thu."}),
                Step("unit_rep_binh_an", T.REPORT_REMEDIATION, {"items": items}),
                Step("coordinator", T.SCHEDULE_REINSPECTION, {"note": "Kiểm tra lại"}),
                Step(
                    "inspector_snv",
                    T.VERIFY,
                    {"results": [{"finding_no": 1, "outcome": "referred"}]},
                ),
            ),
            discipline=(
                DemoDiscipline(
                    before=9,
                    finding_no=1,
                    person_name="Trần Văn Lợi",
                    position="Công chức Tư pháp - Hộ tịch",
                    authority_id=org.BINH_AN,
                    proposed_form="reprimand",
                ),
            ),
        ),
        Scenario(
            key="my-an-complaint",
            kind=InspectionKind.COMPLAINT,
            unit_id=org.MY_AN,
            title="Kiểm tra theo phản ánh của công dân về việc trả kết quả hồ sơ tại UBND xã Mỹ An",
            decision_number="132/QĐ-UBND",
            legal_basis="Phản ánh của công dân qua thư điện tử",
            checklist=("OS-03", "OS-04", "TP-01"),
            complaints=("email-my-an",),
            ends_in=InspectionState.CLOSED,
            steps=(
                team(("inspector_stp", LEADER), ("inspector_vp", MEMBER)),
                start_visit("inspector_stp"),
                visit("inspector_stp", ok("OS-03", "OS-04", "TP-01")),
                Step("inspector_stp", T.REPORT_FINDINGS, {"summary": "Không phát hiện vi phạm."}),
                Step("decision_maker", T.CONCLUDE, {"summary": "Phản ánh không có cơ sở."}),
            ),
        ),
    ]


def school_series(today: date) -> list[Scenario]:
    """28 of the 81 schools of plan 208/KH-UBND visited (seed 003's "28/81 trường"): primary
    schools 2 to 29 (the first is notified, above)."""
    found = []
    for n in range(2, 30):
        unit_id = f"org-p-dong-hung-th-{n:02d}"
        results = ok("WH-02", "ID-01", "CD-01")
        if n % 3 == 0:
            results = [bad("WH-01", "01 giáo viên đến muộn 15 phút"), *ok("ID-01", "CD-01")]
        found.append(
            Scenario(
                key=f"school-{n:02d}",
                kind=InspectionKind.THEMATIC,
                plan=SCHOOLS,
                unit_id=unit_id,
                title=f"Kiểm tra kỷ luật, kỷ cương hành chính tại Trường Tiểu học Đông Hưng số {n}",
                decision_number=f"{140 + n}/QĐ-UBND",
                legal_basis=f"Kế hoạch số {SCHOOLS} của UBND tỉnh về kiểm tra chuyên đề",
                checklist=("WH-01", "WH-02", "ID-01", "CD-01"),
                ends_in=InspectionState.VISITED,
                steps=(
                    team(("inspector_stp", LEADER), ("inspector_vp", MEMBER)),
                    notice(f"{20 + n}/TB-SNV", today),  # the visit's date is the seeder's
                    start_visit("inspector_stp"),
                    visit("inspector_stp", results),
                ),
                earlier=n,
            )
        )
    return found
