"""The official documents kiemtra produces, with their register type code and names."""

from enum import StrEnum


class DocumentKind(StrEnum):
    decision = "decision"
    team_change = "team_change"
    notice = "notice"
    minutes = "minutes"
    findings_report = "findings_report"
    conclusion = "conclusion"
    visit_extension = "visit_extension"
    reminder = "reminder"
    remediation_report = "remediation_report"
    self_report = "self_report"
    period_report = "period_report"
    complaint_answer = "complaint_answer"


# The type code in the number "Số: 94/QĐ-UBND" (Decree 30/2020 Appendix III). A reminder is an
# official letter (CV): its number carries no type ("Số: 345/UBND-VP"), but the register
# still files it under CV.
KIND_TYPE: dict[DocumentKind, str] = {
    DocumentKind.decision: "QĐ",
    DocumentKind.team_change: "QĐ",
    DocumentKind.notice: "TB",
    DocumentKind.minutes: "BB",
    DocumentKind.findings_report: "BC",
    DocumentKind.conclusion: "TB",
    DocumentKind.visit_extension: "QĐ",
    DocumentKind.reminder: "CV",
    DocumentKind.remediation_report: "BC",
    DocumentKind.self_report: "BC",
    DocumentKind.period_report: "BC",
    DocumentKind.complaint_answer: "CV",
}

KIND_TITLE: dict[DocumentKind, tuple[str, str]] = {
    DocumentKind.decision: ("Quyết định kiểm tra", "Inspection decision"),
    DocumentKind.team_change: (
        "Quyết định thay đổi thành viên Đoàn kiểm tra",
        "Decision changing the team's members",
    ),
    DocumentKind.notice: ("Thông báo kiểm tra", "Inspection notice"),
    DocumentKind.minutes: ("Biên bản kiểm tra", "Inspection minutes"),
    DocumentKind.findings_report: (
        "Báo cáo kết quả kiểm tra",
        "Findings report of the team leader",
    ),
    DocumentKind.conclusion: ("Thông báo kết luận kiểm tra", "Conclusion notice"),
    DocumentKind.visit_extension: (
        "Quyết định gia hạn thời gian kiểm tra",
        "Decision extending the visit",
    ),
    DocumentKind.reminder: ("Công văn đôn đốc khắc phục", "Remediation reminder letter"),
    DocumentKind.remediation_report: (
        "Báo cáo kết quả khắc phục",
        "Remediation report of the unit",
    ),
    DocumentKind.self_report: (
        "Báo cáo kết quả tự kiểm tra",
        "Self-inspection report to the managing body",
    ),
    DocumentKind.period_report: (
        "Báo cáo kết quả công tác kiểm tra 6 tháng/năm",
        "Half-year or annual inspection report",
    ),
    DocumentKind.complaint_answer: (
        "Công văn trả lời phản ánh, kiến nghị",
        "Answer to a citizen's complaint",
    ),
}
