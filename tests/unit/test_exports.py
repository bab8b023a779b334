"""The .xlsx and CSV renderings of the reports and the inspection list, read back."""

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from api import exports
from api.schemas import InspectionPublic
from states.reports import (
    CoverageFigures,
    ReinspectionFigures,
)
from states.vocabulary import InspectionKind
from tests.unit.report_data import coverage_report, figures, summary_report

CSV_HEADER = ["Bảng", "Mã", "Nội dung", "Số lượng", "Tỷ lệ (%)"]


def inspection(**changes: object) -> InspectionPublic:
    values: dict[str, object] = {
        "id": "insp-1",
        "kind": InspectionKind.SURPRISE,
        "unit_id": "ward-1",
        "unit_name": "UBND phường Hoàn Kiếm",
        "title": "Kiểm tra đột xuất việc chấp hành kỷ luật",
        "state": "on_site",
        "decision_number": "45/QĐ-SNV",
        "year": 2026,
        "cycle": 1,
        # 18:30 UTC on 2 March is 01:30 on 3 March in Vietnam.
        "decided_at": datetime(2026, 3, 2, 18, 30, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 4, tzinfo=UTC),
        "next_deadline": datetime(2026, 3, 20, 16, 59, 59, tzinfo=UTC),
        "overdue": True,
    }
    values.update(changes)
    return InspectionPublic.model_validate(values)


def workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def row_of(ws: Worksheet, key: str) -> list[object]:
    """The values of the row whose first cell is ``key``."""
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2) if row[0].value == key]
    assert len(rows) == 1, f"{key!r} found {len(rows)} times in {ws.title}"
    return rows[0]


def cell_of(ws: Worksheet, key: str, header: str) -> Cell:
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == key:
            return row[headers.index(header)]
    raise AssertionError(f"no row {key!r} in {ws.title}")


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_summary_workbook_has_the_sheets_in_order() -> None:
    wb = workbook(exports.summary_xlsx(summary_report()))

    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo loại",
        "Theo cấp",
        "Theo nhóm tiêu chí",
        "Theo tiêu chí",
        "Khắc phục",
        "Tái kiểm tra",
        "Kiến nghị kỷ luật",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(c.font.bold for c in ws[1]), ws.title


def test_summary_workbook_keeps_numbers_dates_and_fractions() -> None:
    wb = workbook(exports.summary_xlsx(summary_report()))

    totals = wb["Tổng hợp"]
    assert [c.value for c in totals[1]] == ["Mã", "Nội dung", "Giá trị"]
    assert row_of(totals, "date_from") == ["date_from", "Từ ngày", datetime(2026, 1, 1)]
    assert cell_of(totals, "date_to", "Giá trị").number_format == "dd/mm/yyyy"
    assert row_of(totals, "organisation")[2] == "Sở Nội vụ"
    assert row_of(totals, "kind")[2] == "Tất cả"
    assert row_of(totals, "cancelled") == ["cancelled", "Trong đó: bị đình chỉ", 1]
    findings = cell_of(totals, "findings", "Giá trị")
    assert (findings.value, findings.number_format) == (1234, "#,##0")
    assert row_of(totals, "discipline_people")[2] == 1

    kinds = wb["Theo loại"]
    assert [c.value for c in kinds[1]] == ["Mã", "Loại kiểm tra", "Số cuộc", "Tỷ lệ"]
    assert row_of(kinds, "surprise") == ["surprise", "Đột xuất", 6, 0.231]
    assert row_of(kinds, "joint") == ["joint", "Liên ngành", 0, 0]
    assert cell_of(kinds, "surprise", "Tỷ lệ").number_format == "0.0%"

    assert [c.value for c in wb["Theo cấp"][1]] == ["Mã", "Cấp đơn vị", "Số cuộc", "Tỷ lệ"]
    group = cell_of(wb["Theo nhóm tiêu chí"], "WH", "Tỷ lệ")
    assert (group.value, group.number_format) == (0.346, "0.0%")
    assert row_of(wb["Theo tiêu chí"], "WH-01") == [
        "WH-01",
        "WH",
        "Chấp hành thời giờ làm việc",
        427,
        0.346,
    ]


DISCIPLINE_LINE = (
    "TB số 210/TB-UBND, tồn tại 2: Nguyễn Văn A — khiển trách (đã quyết định 15/QĐ-UBND ngày "
    "04/05/2026)"
)


def test_summary_workbook_lists_remediation_reinspection_and_discipline() -> None:
    wb = workbook(exports.summary_xlsx(summary_report()))

    remediation = wb["Khắc phục"]
    keys = [row[0].value for row in remediation.iter_rows(min_row=2)]
    assert keys == ["items", "on_time", "late", "open", "open_overdue", "on_time_pct"]
    assert row_of(remediation, "open_overdue")[2] == 4
    on_time = cell_of(remediation, "on_time_pct", "Số lượng")
    assert (on_time.value, on_time.number_format) == (0.735, "0.0%")

    reinspections = wb["Tái kiểm tra"]
    assert [row[0].value for row in reinspections.iter_rows(min_row=2)] == list(
        ReinspectionFigures.model_fields
    )
    assert row_of(reinspections, "findings_referred")[2] == 1

    discipline = wb["Kiến nghị kỷ luật"]
    assert [c.value for c in discipline[1]] == [
        "Người",
        "Thông báo kết luận",
        "Đơn vị",
        "Tồn tại số",
        "Tiêu chí",
        "Kiến nghị và kết quả xử lý",
    ]
    # People by the conclusion's number, never the inspection's internal id.
    assert row_of(discipline, "Nguyễn Văn A") == [
        "Nguyễn Văn A",
        "210/TB-UBND",
        "UBND phường Ba Đình",
        2,
        "WH-04",
        DISCIPLINE_LINE,
    ]


def test_summary_workbook_names_the_kind_it_was_filtered_by() -> None:
    report = summary_report().model_copy(update={"kind": "surprise"})

    totals = workbook(exports.summary_xlsx(report))["Tổng hợp"]

    assert row_of(totals, "kind")[2] == "Đột xuất"


def test_coverage_workbook_shows_the_inspected_share_as_a_fraction() -> None:
    wb = workbook(exports.coverage_xlsx(coverage_report()))

    assert wb.sheetnames == [
        "Tổng quan",
        "Theo cấp",
        "Đơn vị",
        "Đến hạn quý này",
        "Chậm so với kế hoạch",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(c.font.bold for c in ws[1]), ws.title
    overall = wb["Tổng quan"]
    assert row_of(overall, "planned") == ["planned", "Kế hoạch", 81, 1]
    assert row_of(overall, "inspected") == ["inspected", "Đã kiểm tra", 28, 0.346]
    share = cell_of(overall, "inspected", "Tỷ lệ")
    assert share.number_format == "0.0%"
    assert cell_of(overall, "inspected", "Số đơn vị").number_format == "#,##0"
    assert row_of(overall, "cancelled")[1:] == ["Hủy/điều chỉnh", 3, 0.037]

    levels = wb["Theo cấp"]
    assert [c.value for c in levels[1]] == [
        "Mã",
        "Cấp đơn vị",
        "Kế hoạch",
        "Đã kiểm tra",
        "Đang kiểm tra",
        "Chưa kiểm tra",
        "Hủy/điều chỉnh",
        "Tỷ lệ đã kiểm tra",
    ]
    assert row_of(levels, "public_service_unit")[2:] == [81, 28, 10, 40, 3, 0.346]


def test_coverage_workbook_lists_every_planned_unit() -> None:
    wb = workbook(exports.coverage_xlsx(coverage_report()))

    units = wb["Đơn vị"]
    assert [c.value for c in units[1]] == list(exports.ITEM_HEADERS)
    assert row_of(units, "item-1") == [
        "item-1",
        "Trường THCS số 1",
        "Đơn vị sự nghiệp (trường học…)",
        "2026-Q1",
        datetime(2026, 1, 1),
        datetime(2026, 3, 31),
        "Đã kiểm tra",
        "insp-1",
    ]
    assert cell_of(units, "item-1", "Từ ngày").number_format == "dd/mm/yyyy"
    assert row_of(units, "item-2")[6:] == ["Chưa kiểm tra", None]
    assert units.max_row == 3
    assert wb["Đến hạn quý này"].max_row == 1
    assert row_of(wb["Chậm so với kế hoạch"], "item-2")[1] == "Trường THCS số 2"


def test_inspection_workbook_uses_labels_and_vietnam_dates() -> None:
    rows = [inspection(), inspection(id="insp-2", state="mystery", next_deadline=None)]

    ws = workbook(exports.inspections_xlsx(rows))["Cuộc kiểm tra"]

    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == list(exports.INSPECTION_HEADERS)
    assert row_of(ws, "insp-1") == [
        "insp-1",
        "Đột xuất",
        "UBND phường Hoàn Kiếm",
        "Kiểm tra đột xuất việc chấp hành kỷ luật",
        "Đang kiểm tra tại đơn vị",
        "45/QĐ-SNV",
        2026,
        1,
        datetime(2026, 3, 3),
        datetime(2026, 3, 20),
        "Có",
    ]
    assert cell_of(ws, "insp-1", "Năm").number_format == "0"
    assert cell_of(ws, "insp-1", "Ngày quyết định").number_format == "dd/mm/yyyy"
    assert row_of(ws, "insp-2")[4] == "mystery"
    assert row_of(ws, "insp-2")[9] is None


def test_summary_csv_is_one_long_table() -> None:
    rows = read_csv(exports.summary_csv(summary_report()))

    assert rows[0] == CSV_HEADER
    assert [r[1] for r in rows if r[0] == "totals"] == [
        "inspections",
        "cancelled",
        "findings",
        "findings_withdrawn",
        "discipline_people",
    ]
    assert ["totals", "findings", "Số tồn tại, hạn chế", "1234", ""] in rows
    assert ["by_kind", "surprise", "Đột xuất", "6", "23.1"] in rows
    assert ["by_kind", "joint", "Liên ngành", "0", "0.0"] in rows
    assert ["findings_by_criterion", "WH-01", "Chấp hành thời giờ làm việc", "427", "34.6"] in rows
    assert [r[1] for r in rows if r[0] == "remediation"] == [
        "items",
        "on_time",
        "late",
        "open",
        "open_overdue",
        "on_time_pct",
    ]
    assert rows[[r[1] for r in rows].index("on_time_pct")][3:] == ["", "73.5"]
    assert [r[1] for r in rows if r[0] == "reinspections"] == list(ReinspectionFigures.model_fields)
    assert [r for r in rows if r[0] == "discipline"] == [
        [
            "discipline",
            "210/TB-UBND",
            f"Nguyễn Văn A — UBND phường Ba Đình — WH-04 — {DISCIPLINE_LINE}",
            "1",
            "",
        ]
    ]
    assert {len(r) for r in rows} == {5}


def test_coverage_csv_has_overall_levels_and_items() -> None:
    rows = read_csv(exports.coverage_csv(coverage_report()))

    assert rows[0] == CSV_HEADER
    assert [r for r in rows if r[0] == "overall"] == [
        ["overall", "planned", "Kế hoạch", "81", "100.0"],
        ["overall", "inspected", "Đã kiểm tra", "28", "34.6"],
        ["overall", "in_progress", "Đang kiểm tra", "10", "12.3"],
        ["overall", "not_started", "Chưa kiểm tra", "40", "49.4"],
        ["overall", "cancelled", "Hủy/điều chỉnh", "3", "3.7"],
    ]
    level = [r for r in rows if r[0] == "by_level:public_service_unit"]
    assert [r[1] for r in level] == [
        "planned",
        "inspected",
        "in_progress",
        "not_started",
        "cancelled",
    ]
    assert level[1][3:] == ["28", "34.6"]
    assert [r for r in rows if r[0] == "items"] == [
        ["items", "item-1", "Trường THCS số 1 — 2026-Q1 — inspected", "1", ""],
        ["items", "item-2", "Trường THCS số 2 — 2026-Q1 — not_started", "1", ""],
    ]


def test_coverage_of_an_empty_plan_has_no_shares() -> None:
    report = coverage_report().model_copy(
        update={"overall": CoverageFigures(**figures(0, 0, 0, 0, 0)), "by_level": [], "items": []}
    )

    rows = read_csv(exports.coverage_csv(report))
    overall = workbook(exports.coverage_xlsx(report))["Tổng quan"]

    assert rows[1] == ["overall", "planned", "Kế hoạch", "0", "0.0"]
    assert row_of(overall, "planned")[2:] == [0, 0]


def test_inspection_csv_has_the_workbook_columns() -> None:
    text = exports.inspections_csv([inspection(overdue=False, next_deadline=None)])

    rows = read_csv(text)

    assert rows == [
        list(exports.INSPECTION_HEADERS),
        [
            "insp-1",
            "Đột xuất",
            "UBND phường Hoàn Kiếm",
            "Kiểm tra đột xuất việc chấp hành kỷ luật",
            "Đang kiểm tra tại đơn vị",
            "45/QĐ-SNV",
            "2026",
            "1",
            "2026-03-03",
            "",
            "Không",
        ],
    ]


@pytest.mark.parametrize(
    "render",
    [
        lambda: exports.summary_csv(summary_report()),
        lambda: exports.coverage_csv(coverage_report()),
        lambda: exports.inspections_csv([inspection()]),
    ],
    ids=["summary", "coverage", "inspections"],
)
def test_csv_starts_with_a_bom_once(render: Callable[[], str]) -> None:
    text = render()

    assert text.startswith("\ufeff")
    assert text.count("\ufeff") == 1
    assert text.endswith("\r\n")


# What people type or import: formulas (and what Excel strips before seeing one), an error
# literal, and the control characters of a paste from Word or a broken import.
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
CONTROLS = "Kiểm\x01tra\x0bcông\x1fvụ\ud800\uffff"
CONTROLS_SHOWN = "Kiểm\ufffdtra\ufffdcông\ufffdvụ\ufffd\ufffd"


def hostile_workbooks(text: str) -> dict[str, bytes]:
    """Each workbook with ``text`` in every field a person or an import fills in."""
    summary = summary_report(organisation_name=text).model_copy(
        update={
            "discipline": [
                d.model_copy(update={"person": text, "unit_name": text})
                for d in summary_report().discipline
            ]
        }
    )
    coverage = coverage_report(plan_number=text, plan_title=text)
    coverage = coverage.model_copy(
        update={"items": [i.model_copy(update={"unit_name": text}) for i in coverage.items]}
    )
    rows = [inspection(title=text, unit_name=text, decision_number=text, id=text)]
    return {
        "summary": exports.summary_xlsx(summary),
        "coverage": exports.coverage_xlsx(coverage),
        "inspections": exports.inspections_xlsx(rows),
    }


def sheet_xml(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        ]


@pytest.mark.parametrize("text", [*FORMULAS, "#N/A"])
def test_workbook_text_never_becomes_a_formula(text: str) -> None:
    for name, data in hostile_workbooks(text).items():
        # No formula element anywhere, whatever a reader makes of the cells.
        assert all("<f>" not in xml and "<f " not in xml for xml in sheet_xml(data)), name
        cells = [c for ws in workbook(data).worksheets for row in ws.iter_rows() for c in row]
        # Parsers read a carriage return in text back as a newline (lxml < 6.1) or keep it.
        found = [c for c in cells if c.value in (text, text.replace("\r", "\n"))]
        assert found, f"{text!r} not written to {name}"
        assert all(c.data_type == "s" for c in found), name
        assert all(c.data_type != "f" for c in cells), name


def test_workbook_numbers_stay_numbers_next_to_hostile_text() -> None:
    ws = workbook(hostile_workbooks("=1+1")["inspections"]).active
    assert ws is not None
    year, cycle = ws["G2"], ws["H2"]
    assert (year.value, year.data_type, cycle.value, cycle.data_type) == (2026, "n", 1, "n")
    assert (ws["I2"].data_type, ws["I2"].number_format) == ("d", "dd/mm/yyyy")


def test_control_characters_never_break_a_workbook() -> None:
    # Tab and newline are text a cell may hold; the rest is shown as U+FFFD.
    for name, data in hostile_workbooks(CONTROLS + "\ttab\nline").items():
        cells = [c.value for ws in workbook(data).worksheets for row in ws.iter_rows() for c in row]
        assert CONTROLS_SHOWN + "\ttab\nline" in cells, name
    title = "1/KH-\x01"
    book = workbook(exports.coverage_xlsx(coverage_report(plan_number=title)))
    assert book.properties.title == "Tiến độ thực hiện kế hoạch 1/KH-\ufffd"


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_quotes_text_a_spreadsheet_would_run(text: str) -> None:
    rows = read_csv(exports.inspections_csv([inspection(title=text, unit_name=text)]))
    assert rows[1][2] == rows[1][3] == "'" + text
    # Numbers and dates are not text and stay as they were.
    assert rows[1][6:9] == ["2026", "1", "2026-03-03"]

    summary = summary_report(
        discipline=[d.model_copy(update={"person": text}) for d in summary_report().discipline]
    )
    discipline = [r for r in read_csv(exports.summary_csv(summary)) if r[0] == "discipline"]
    assert discipline[0][2].startswith("'" + text)
    items = [
        r
        for r in read_csv(
            exports.coverage_csv(
                coverage_report(
                    items=[
                        i.model_copy(update={"unit_name": text}) for i in coverage_report().items
                    ]
                )
            )
        )
        if r[0] == "items"
    ]
    assert all(r[2].startswith("'" + text) for r in items)


def test_csv_leaves_harmless_text_alone() -> None:
    for text in ("Kiểm tra =1", "1-2", "'quoted", "UBND xã An Phú"):
        assert exports.csv_cell(text) == text
    assert exports.csv_cell(-5) == -5
