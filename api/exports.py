"""Reports and the inspection list as .xlsx and CSV, for offices that file them upward.

Pure rendering of the report contracts (``states.reports``): no queries, no clock, so the
JSON, workbook and CSV of one report always show the same figures. Workbooks keep numbers
as numbers (counts, fractions, dates) so that offices can go on computing with them; CSV
keeps the report's own percent figures as text with one decimal.

Every text comes from people (titles, names, plan numbers), so none may become a formula:
workbook text cells are typed as strings, and CSV text that a spreadsheet would read as a
formula is quoted with a leading apostrophe (OWASP, CSV injection).
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.schemas import InspectionPublic
from api.xmltext import xml_text
from states.calendar import local_date
from states.labels import KIND_LABELS, STATE_LABELS, level_group, level_group_label
from states.plans import COVERAGE_LABELS, CoverageStatus
from states.reports import CoverageFigures, CoverageItem, CoverageReport, Line, SummaryReport
from store.tables import Document

# Excel reads a BOM-less UTF-8 CSV in the machine's legacy code page and garbles Vietnamese.
BOM = "\ufeff"
CSV_HEADER = ("Bảng", "Mã", "Nội dung", "Số lượng", "Tỷ lệ (%)")
COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
_SEP = " — "
# A spreadsheet reads a CSV cell starting with one of these as a formula (tab and carriage
# return because some programs strip them first and then see the formula behind them).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

TOTAL_LABELS: dict[str, str] = {
    "inspections": "Số cuộc kiểm tra",
    "cancelled": "Trong đó: bị đình chỉ",
    "findings": "Số tồn tại, hạn chế",
    "findings_withdrawn": "Số tồn tại đã rút lại",
    "discipline_people": "Số người bị kiến nghị xử lý kỷ luật",
}
REMEDIATION_LABELS: dict[str, str] = {
    "items": "Số nội dung phải khắc phục",
    "on_time": "Báo cáo khắc phục đúng hạn",
    "late": "Báo cáo khắc phục trễ hạn",
    "open": "Chưa báo cáo khắc phục",
    "open_overdue": "Chưa báo cáo, đã quá hạn",
    "on_time_pct": "Tỷ lệ đúng hạn (trên số đã đến hạn)",
}
REINSPECTION_LABELS: dict[str, str] = {
    "verifications": "Số lần kiểm tra lại đã kết luận",
    "closed": "Kết thúc sau kiểm tra lại",
    "next_cycle": "Phải khắc phục tiếp",
    "in_progress": "Đang kiểm tra lại",
    "reinspection_inspections": "Số cuộc tái kiểm tra",
    "findings_resolved": "Tồn tại đã khắc phục",
    "findings_unresolved": "Tồn tại chưa khắc phục",
    "findings_referred": "Tồn tại chuyển cơ quan có thẩm quyền",
}
PLANNED_LABEL = "Kế hoạch"
INSPECTION_HEADERS = (
    "Mã",
    "Loại",
    "Đơn vị được kiểm tra",
    "Tên cuộc kiểm tra",
    "Trạng thái",
    "Số quyết định",
    "Năm",
    "Chu kỳ",
    "Ngày quyết định",
    "Hạn tiếp theo",
    "Quá hạn",
)
# Mã (the plan item id) leads, as in every table sheet and in the CSV's "items" table.
ITEM_HEADERS = (
    "Mã",
    "Đơn vị",
    "Cấp",
    "Thời gian",
    "Từ ngày",
    "Đến ngày",
    "Trạng thái",
    "Mã cuộc kiểm tra",
)

# The label tables are keyed by enums; rows carry plain strings (InspectionPublic.state).
_KIND_VI = {k.value: vi for k, (vi, _) in KIND_LABELS.items()}
_STATE_VI = {s.value: vi for s, (vi, _) in STATE_LABELS.items()}
_COVERAGE_VI = {s.value: vi for s, (vi, _) in COVERAGE_LABELS.items()}


@dataclass(frozen=True, slots=True)
class Share:
    """A percent figure of a report (34.6), written to a workbook as a fraction (0.346)."""

    pct: float


Cell = str | int | date | Share | None


class Column(NamedTuple):
    header: str
    # Overrides the format of integer cells (a year is not a count: 2026, not 2,026).
    int_format: str = COUNT_FORMAT


def _columns(*headers: str) -> list[Column]:
    return [Column(h) for h in headers]


def _display(value: Cell) -> str:
    """Roughly what Excel shows, to size the column."""
    if isinstance(value, Share):
        return f"{value.pct:.1f}%"
    if isinstance(value, date):
        return "00/00/0000"
    if isinstance(value, int):
        return f"{value:,}"
    return value or ""


def _write(ws: Worksheet, row: int, col: int, value: Cell, column: Column) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Share):
        # pct has one decimal, so the fraction has three; rounding drops float noise.
        cell.value = round(value.pct / 100, 3)
        cell.number_format = SHARE_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = column.int_format
    elif value is not None:
        _text(cell, value)


def _text(cell: SheetCell, value: str) -> None:
    """A text cell that stays text: openpyxl makes "=…" a formula and "#N/A" an error value
    when it guesses the type, so the type is set after the value."""
    cell.value = xml_text(value)
    cell.data_type = "s"


def _sheet(wb: Workbook, title: str, columns: list[Column], rows: Iterable[Sequence[Cell]]) -> None:
    """One table per sheet: bold frozen header, typed cells, columns as wide as their text."""
    ws = wb.create_sheet(title)
    widths = [len(c.header) for c in columns]
    for i, column in enumerate(columns, start=1):
        header = ws.cell(row=1, column=i)
        _text(header, column.header)
        header.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for i, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            _write(ws, r, i, value, column)
            widths[i - 1] = max(widths[i - 1], len(_display(value)))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"


def _workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _new_workbook(title: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)  # every sheet is created by name, in order
    wb.properties.title = xml_text(title)
    return wb


def _line_rows(lines: Sequence[Line]) -> list[list[Cell]]:
    return [[line.key, line.label_vi, line.count, Share(line.pct)] for line in lines]


# The complaints received in the period (the issuing side's reports only: no personal data,
# counts alone).
COMPLAINT_LABELS: dict[str, str] = {
    "received": "Phản ánh, kiến nghị tiếp nhận",
    "inspected": "Trong đó: đưa vào kiểm tra",
    "founded": "Có cơ sở",
    "unfounded": "Không có cơ sở",
    "out_of_scope": "Không thuộc phạm vi kiểm tra công vụ",
    "pending": "Đang xem xét",
}


def _complaint_rows(report: SummaryReport) -> list[tuple[str, str, int]]:
    if report.complaints is None:
        return []
    figures = report.complaints.model_dump()
    return [(key, label, int(figures[key])) for key, label in COMPLAINT_LABELS.items()]


def summary_xlsx(report: SummaryReport) -> bytes:
    """The summary report as a workbook, one sheet per table."""
    wb = _new_workbook(f"Báo cáo tổng hợp {_period(report)}")
    totals: list[list[Cell]] = [
        ["date_from", "Từ ngày", report.date_from],
        ["date_to", "Đến ngày", report.date_to],
        ["organisation", "Đơn vị", report.organisation_name or "Tất cả đơn vị trong phạm vi"],
        [
            "kind",
            "Loại kiểm tra",
            _KIND_VI.get(report.kind, report.kind) if report.kind else "Tất cả",
        ],
        ["plan", "Kế hoạch", report.plan_number or "Tất cả"],
        ["issuer", "Cơ quan ban hành", report.issuer_name or "Tất cả"],
        [
            "attached_as_parent",
            "Đơn vị trực thuộc UBND tính vào cấp của UBND",
            "Có" if report.attached_as_parent else "Không",
        ],
        *([key, label, getattr(report, key)] for key, label in TOTAL_LABELS.items()),
    ]
    _sheet(wb, "Tổng hợp", _columns("Mã", "Nội dung", "Giá trị"), totals)
    for title, what, lines in (
        ("Theo loại", "Loại kiểm tra", report.by_kind),
        ("Theo cấp", "Cấp đơn vị", report.by_level),
    ):
        _sheet(wb, title, _columns("Mã", what, "Số cuộc", "Tỷ lệ"), _line_rows(lines))
    _sheet(
        wb,
        "Theo nhóm tiêu chí",
        _columns("Mã", "Nhóm tiêu chí", "Số tồn tại", "Tỷ lệ"),
        _line_rows(report.findings_by_group),
    )
    _sheet(
        wb,
        "Theo tiêu chí",
        _columns("Mã", "Nhóm", "Tiêu chí", "Số tồn tại", "Tỷ lệ"),
        ([c.key, c.group, c.label_vi, c.count, Share(c.pct)] for c in report.findings_by_criterion),
    )
    remediation = report.remediation.model_dump()
    _sheet(
        wb,
        "Khắc phục",
        _columns("Mã", "Nội dung", "Số lượng"),
        (
            [key, label, _share(remediation[key]) if key == "on_time_pct" else remediation[key]]
            for key, label in REMEDIATION_LABELS.items()
        ),
    )
    if report.complaints is not None:
        _sheet(wb, "Phản ánh", _columns("Mã", "Nội dung", "Số lượng"), _complaint_rows(report))
    reinspections = report.reinspections.model_dump()
    _sheet(
        wb,
        "Tái kiểm tra",
        _columns("Mã", "Nội dung", "Số lượng"),
        ([key, REINSPECTION_LABELS.get(key, key), n] for key, n in reinspections.items()),
    )
    _sheet(
        wb,
        "Kiến nghị kỷ luật",
        _columns(
            "Người",
            "Thông báo kết luận",
            "Đơn vị",
            "Tồn tại số",
            "Tiêu chí",
            "Kiến nghị và kết quả xử lý",
        ),
        (
            [d.person, d.conclusion_number, d.unit_name, d.finding_no, d.criterion, d.line()]
            for d in report.discipline
        ),
    )
    return _workbook_bytes(wb)


def _period(report: SummaryReport) -> str:
    return f"{report.date_from:%d/%m/%Y} – {report.date_to:%d/%m/%Y}"


def _buckets(figures: CoverageFigures) -> list[tuple[str, str, int, float]]:
    """Key, label, count and percent of 'planned' and the four buckets that add up to it."""
    # Planned is the whole, except when nothing is planned (no share of nothing).
    planned = ("planned", PLANNED_LABEL, figures.planned, 100.0 if figures.planned else 0.0)
    return [
        planned,
        *(
            (
                s.value,
                _COVERAGE_VI[s.value],
                int(getattr(figures, s.value)),
                float(getattr(figures, f"pct_{s.value}")),
            )
            for s in CoverageStatus
        ),
    ]


def _level_vi(level: str) -> str:
    return level_group_label(level_group(level))[0]


def _item_rows(items: Sequence[CoverageItem]) -> list[list[Cell]]:
    return [
        [
            i.item_id,
            i.unit_name,
            _level_vi(i.level),
            i.period,
            i.period_start,
            i.period_end,
            _COVERAGE_VI.get(i.status.value, i.status.value),
            i.inspection_id or "",
        ]
        for i in items
    ]


def coverage_xlsx(report: CoverageReport) -> bytes:
    """A plan's coverage as a workbook: overall, by level, and the planned units."""
    wb = _new_workbook(f"Tiến độ thực hiện kế hoạch {report.plan_number}")
    _sheet(
        wb,
        "Tổng quan",
        _columns("Mã", "Trạng thái", "Số đơn vị", "Tỷ lệ"),
        ([key, label, n, Share(pct)] for key, label, n, pct in _buckets(report.overall)),
    )
    _sheet(
        wb,
        "Theo cấp",
        _columns(
            "Mã",
            "Cấp đơn vị",
            PLANNED_LABEL,
            *(_COVERAGE_VI[s.value] for s in CoverageStatus),
            "Tỷ lệ đã kiểm tra",
        ),
        (
            [
                g.level,
                g.label_vi,
                g.planned,
                *(getattr(g, s.value) for s in CoverageStatus),
                Share(g.pct_inspected),
            ]
            for g in report.by_level
        ),
    )
    for title, items in (
        ("Đơn vị", report.items),
        ("Đến hạn quý này", report.due_this_quarter_not_started),
        ("Chậm so với kế hoạch", report.late_not_started),
    ):
        _sheet(wb, title, _columns(*ITEM_HEADERS), _item_rows(items))
    return _workbook_bytes(wb)


def _inspection_rows(rows: Sequence[InspectionPublic]) -> list[list[Cell]]:
    return [
        [
            r.id,
            _KIND_VI.get(r.kind.value, r.kind.value),
            r.unit_name,
            r.title,
            _STATE_VI.get(r.state, r.state),
            r.decision_number,
            r.year,
            r.cycle,
            local_date(r.decided_at),
            local_date(r.next_deadline) if r.next_deadline else None,
            "Có" if r.overdue else "Không",
        ]
        for r in rows
    ]


def inspections_xlsx(rows: Sequence[InspectionPublic]) -> bytes:
    """The inspection list as a workbook of one sheet, dates in Vietnam time."""
    wb = _new_workbook("Danh sách cuộc kiểm tra")
    columns = _columns(*INSPECTION_HEADERS)
    for i in (6, 7):  # Năm, Chu kỳ are identifiers, not counts
        columns[i] = columns[i]._replace(int_format="0")
    _sheet(wb, "Cuộc kiểm tra", columns, _inspection_rows(rows))
    return _workbook_bytes(wb)


def csv_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula, quoted with a leading apostrophe; numbers
    (never text here) stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_text(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [csv_cell(value) for value in row] for row in rows
    )
    return buffer.getvalue()


def _csv_pct(pct: float | None) -> str:
    return "" if pct is None else f"{pct:.1f}"


def _share(pct: float | None) -> Share | None:
    """An empty cell for a rate of nothing (no item fell due), not 0 %."""
    return None if pct is None else Share(pct)


def _csv_lines(table: str, lines: Sequence[Line]) -> list[list[object]]:
    return [[table, x.key, x.label_vi, x.count, _csv_pct(x.pct)] for x in lines]


def summary_csv(report: SummaryReport) -> str:
    """The summary report as one long table: Bảng, Mã, Nội dung, Số lượng, Tỷ lệ (%)."""
    r = report.remediation
    rows: list[list[object]] = [
        list(CSV_HEADER),
        *(["totals", k, label, getattr(report, k), ""] for k, label in TOTAL_LABELS.items()),
        *_csv_lines("by_kind", report.by_kind),
        *_csv_lines("by_level", report.by_level),
        *_csv_lines("findings_by_group", report.findings_by_group),
        *_csv_lines("findings_by_criterion", report.findings_by_criterion),
        *(
            ["remediation", k, label, getattr(r, k), ""]
            for k, label in REMEDIATION_LABELS.items()
            if k != "on_time_pct"
        ),
        [
            "remediation",
            "on_time_pct",
            REMEDIATION_LABELS["on_time_pct"],
            "",
            _csv_pct(r.on_time_pct),
        ],
        *(
            ["reinspections", k, REINSPECTION_LABELS.get(k, k), n, ""]
            for k, n in report.reinspections.model_dump().items()
        ),
        *(["complaints", key, label, n, ""] for key, label, n in _complaint_rows(report)),
        *(
            [
                "discipline",
                d.conclusion_number or d.inspection_id,
                _SEP.join((d.person, d.unit_name, d.criterion, d.line())),
                1,
                "",
            ]
            for d in report.discipline
        ),
    ]
    return _csv_text(rows)


def _csv_coverage(table: str, figures: CoverageFigures) -> list[list[object]]:
    return [[table, key, label, n, _csv_pct(pct)] for key, label, n, pct in _buckets(figures)]


def coverage_csv(report: CoverageReport) -> str:
    """A plan's coverage as one long table: overall, each level, then every planned unit."""
    rows: list[list[object]] = [
        list(CSV_HEADER),
        *_csv_coverage("overall", report.overall),
        *(row for g in report.by_level for row in _csv_coverage(f"by_level:{g.level}", g)),
        *(
            ["items", i.item_id, _SEP.join((i.unit_name, i.period, i.status.value)), 1, ""]
            for i in report.items
        ),
    ]
    return _csv_text(rows)


def inspections_csv(rows: Sequence[InspectionPublic]) -> str:
    """The inspection list as CSV with the workbook's columns; dates as ISO 8601 text."""
    return _csv_text(
        [
            list(INSPECTION_HEADERS),
            *(
                [v.isoformat() if isinstance(v, date) else v for v in row]
                for row in _inspection_rows(rows)
            ),
        ]
    )


DOCUMENT_HEADERS = (
    "Số, ký hiệu",
    "Loại",
    "Năm",
    "Số",
    "Ngày ký",
    "Người ký",
    "Trích yếu",
    "Cơ quan ban hành",
    "Nhập tay",
)


def documents_xlsx(rows: Sequence[Document], issuers: dict[str, str]) -> bytes:
    """The register of documents as a workbook of one sheet."""
    wb = _new_workbook("Sổ đăng ký văn bản")
    columns = _columns(*DOCUMENT_HEADERS)
    for i in (2, 3):  # year and number are identifiers, not counts
        columns[i] = columns[i]._replace(int_format="0")
    lines: list[list[Cell]] = [
        [
            d.symbol,
            d.type,
            d.year,
            d.number,
            d.signed_on,
            d.signer,
            d.subject,
            issuers.get(d.issuer_id, d.issuer_id),
            "Có" if d.entered else "Không",
        ]
        for d in rows
    ]
    _sheet(wb, "Sổ đăng ký", columns, lines)
    return _workbook_bytes(wb)
