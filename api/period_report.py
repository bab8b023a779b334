"""The half-year or annual report (báo cáo kết quả công tác kiểm tra công vụ) as a Word
document laid out per Decree 30, from the summary report the offices already read."""

from sqlmodel import Session

from api import papers
from documents.context import DocumentContext, Section, Signature, Table
from documents.kinds import DocumentKind
from states.reports import Line, SummaryReport
from states.scope import Viewer
from store.tables import Organisation


def _rows(lines: list[Line]) -> list[list[str]]:
    return [[line.label_vi, str(line.count), f"{line.pct:g} %"] for line in lines]


def _period(report: SummaryReport) -> str:
    start, end = report.date_from, report.date_to
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"năm {start.year}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 6, 30) and start.year == end.year:
        return f"6 tháng đầu năm {start.year}"
    return f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def _scope(report: SummaryReport) -> list[str]:
    """Which inspections the figures count, when the report is narrowed to a plan or an
    issuing organisation."""
    parts = []
    if report.plan_number:
        parts.append(f"theo Kế hoạch số {report.plan_number}")
    if report.issuer_name:
        parts.append(f"do {report.issuer_name} quyết định kiểm tra")
    return [f"Số liệu gồm các cuộc kiểm tra {', '.join(parts)}."] if parts else []


def context(session: Session, viewer: Viewer, report: SummaryReport) -> DocumentContext:
    """What the report says: the figures of the summary, in the order offices write them."""
    issuer = session.get(Organisation, viewer.authority_root) if viewer.authority_root else None
    superior = session.get(Organisation, issuer.parent_id) if issuer and issuer.parent_id else None
    place = papers.place_of(session, issuer)
    period = _period(report)
    r, v = report.remediation, report.reinspections
    on_time = "—" if r.on_time_pct is None else f"{r.on_time_pct:g} %"
    sections = [
        Section(
            heading="I. KẾT QUẢ KIỂM TRA",
            paragraphs=[
                f"Trong {period}, đã tiến hành {report.inspections} cuộc kiểm tra công vụ"
                + (f" (trong đó {report.cancelled} cuộc bị đình chỉ)" if report.cancelled else "")
                + ".",
                *_scope(report),
            ],
            table=Table(header=["Loại hình", "Số cuộc", "Tỷ lệ"], rows=_rows(report.by_kind))
            if report.by_kind
            else None,
        ),
        Section(
            heading="1. Theo cấp đơn vị được kiểm tra",
            paragraphs=[
                "Đơn vị trực thuộc Ủy ban nhân dân (bộ phận một cửa, cơ quan chuyên môn) được "
                "tính vào cấp của Ủy ban nhân dân đó."
                if report.attached_as_parent
                else "Mỗi đơn vị được tính theo cấp của chính đơn vị."
            ],
            table=Table(header=["Cấp", "Số cuộc", "Tỷ lệ"], rows=_rows(report.by_level))
            if report.by_level
            else None,
        ),
        Section(
            heading="2. Tồn tại, hạn chế phát hiện qua kiểm tra",
            paragraphs=[
                f"Phát hiện {report.findings} nội dung tồn tại, hạn chế"
                + (
                    f" ({report.findings_withdrawn} nội dung đã rút)"
                    if report.findings_withdrawn
                    else ""
                )
                + "."
            ],
            table=Table(
                header=["Nhóm nội dung", "Số nội dung", "Tỷ lệ"],
                rows=_rows(report.findings_by_group),
            )
            if report.findings_by_group
            else None,
        ),
        Section(
            heading="3. Kết quả khắc phục",
            paragraphs=[
                f"Tổng số yêu cầu khắc phục: {r.items}; báo cáo đúng hạn: {r.on_time}; quá hạn: "
                f"{r.late}; chưa báo cáo: {r.open} (trong đó quá hạn {r.open_overdue}). Tỷ lệ "
                f"khắc phục đúng hạn: {on_time}.",
                f"Kiểm tra lại: {v.verifications} lượt; đã khắc phục {v.findings_resolved}, chưa "
                f"khắc phục {v.findings_unresolved}, chuyển xử lý kỷ luật {v.findings_referred}.",
            ],
        ),
    ]
    if report.discipline:
        sections.append(
            Section(
                heading="4. Kiến nghị xử lý kỷ luật",
                table=Table(
                    header=["STT", "Họ và tên", "Đơn vị", "Kiến nghị và kết quả xử lý"],
                    rows=[
                        [str(i), d.person, d.unit_name, d.line()]
                        for i, d in enumerate(report.discipline, start=1)
                    ],
                ),
            )
        )
    sections.append(
        Section(
            heading="II. ĐÁNH GIÁ CHUNG VÀ KIẾN NGHỊ",
            paragraphs=["(Cơ quan báo cáo bổ sung nhận xét, đánh giá và kiến nghị.)"],
        )
    )
    return DocumentContext(
        kind=DocumentKind.period_report,
        superior=(superior.name if superior else "").upper(),
        issuer=(issuer.name if issuer else "").upper(),
        number_line="Số:        /BC-",
        place=place,
        signed_on=None,
        title="BÁO CÁO",
        subject=f"Kết quả công tác kiểm tra công vụ {period}"
        + (f" — {report.organisation_name}" if report.organisation_name else "")
        + (f" — Kế hoạch {report.plan_number}" if report.plan_number else ""),
        sections=sections,
        signatures=[Signature(form="TM.", authority="ỦY BAN NHÂN DÂN", position="CHỦ TỊCH")],
        recipients=["- Bộ Nội vụ;", "- Lưu: VT."],
    )
