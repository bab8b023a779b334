"""The SVG charts of the reports, parsed back as XML."""

import xml.etree.ElementTree as ET

import pytest

from api import charts
from states.plans import CoverageStatus
from states.reports import (
    CoverageFigures,
    CoverageLevel,
    CoverageReport,
    CriterionLine,
    SummaryReport,
)
from states.vocabulary import InspectionKind
from tests.unit import report_data as data
from tests.unit.report_data import figures, line

SVG = "{http://www.w3.org/2000/svg}"


def summary_report(**changes: object) -> SummaryReport:
    """The shared report with labels that need escaping and a label too long for the bar."""
    return data.summary_report(
        **{
            "organisation_id": None,
            "by_level": [
                line("commune", "UBND cấp xã (xã, phường, đặc khu)", 19, 73.1),
                line("lab", "Phòng R&D <thử>", 7, 26.9),
            ],
            "findings_by_criterion": [
                CriterionLine(
                    key="WH-01",
                    group="WH",
                    label_vi="Chấp hành thời giờ làm việc",
                    label_en="Keeps working hours",
                    count=1200,
                    pct=97.2,
                ),
                CriterionLine(
                    key="WH-04",
                    group="WH",
                    label_vi="Không uống rượu, bia trong giờ làm việc, nghỉ trưa",
                    label_en="No alcohol",
                    count=34,
                    pct=2.8,
                ),
            ],
        }
        | changes
    )


def coverage_report(overall: CoverageFigures | None = None) -> CoverageReport:
    """The shared coverage split into two levels."""
    return data.coverage_report(
        overall=overall or CoverageFigures(**figures(81, 28, 10, 40, 3)),
        by_level=[
            CoverageLevel(
                level="public_service_unit",
                label_vi="Đơn vị sự nghiệp (trường học…)",
                label_en="Schools",
                **figures(62, 20, 8, 31, 3),
            ),
            CoverageLevel(
                level="commune",
                label_vi="UBND cấp xã (xã, phường, đặc khu)",
                label_en="Communes",
                **figures(19, 8, 2, 9, 0),
            ),
        ],
    )


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    width, height = root.get("width"), root.get("height")
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert root.get("font-family") == "sans-serif"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def rects(root: ET.Element, css: str) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if css in (r.get("class") or "").split()]


def test_kind_chart_has_one_bar_per_kind_and_prints_counts() -> None:
    root = parse(charts.summary_svg(summary_report(), "kind"))

    words = texts(root)
    assert "Số cuộc kiểm tra theo loại" in words
    assert "Kỳ báo cáo: 01/01/2026 – 31/03/2026 — Sở Nội vụ" in words
    bars = rects(root, "bar")
    # The report's three lines, then every other kind at zero.
    assert len(bars) == len(InspectionKind)
    assert {"Theo kế hoạch", "Đột xuất", "Liên ngành", "Tái kiểm tra"} <= set(words)
    counts = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "count"]
    assert counts == ["20", "6", "0", "0", "0", "0", "0"]
    widths = [float(b.get("width") or "nan") for b in bars]
    assert widths[0] == max(widths) > 0
    assert widths[1] == pytest.approx(widths[0] * 6 / 20)
    assert widths[2] == 0


def test_level_chart_escapes_its_labels() -> None:
    svg = charts.summary_svg(summary_report(), "level")

    assert "Phòng R&amp;D &lt;thử&gt;" in svg
    root = parse(svg)
    assert "Phòng R&D <thử>" in texts(root)
    assert "Số cuộc kiểm tra theo cấp đơn vị" in texts(root)
    assert len(rects(root, "bar")) == 2


def test_criterion_chart_labels_code_and_name_with_thousands_dots() -> None:
    root = parse(charts.summary_svg(summary_report(), "criterion"))

    words = texts(root)
    assert "Số tồn tại, hạn chế theo tiêu chí" in words
    assert "WH-01 — Chấp hành thời giờ làm việc" in words
    assert "1.200" in words
    # A long label is cut for the layout; the bar's tooltip keeps it whole.
    assert "WH-04 — Không uống rượu, bia trong giờ làm việc…" in words
    tips = [r.findtext(f"{SVG}title") for r in rects(root, "bar")]
    assert tips[1] == "WH-04 — Không uống rượu, bia trong giờ làm việc, nghỉ trưa: 34"


def test_all_stacks_the_three_panels() -> None:
    root = parse(charts.summary_svg(summary_report()))

    titles = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "panel-title"]
    assert titles == list(charts.PANEL_TITLES.values())
    assert len(rects(root, "bar")) == len(InspectionKind) + 2 + 2
    single = parse(charts.summary_svg(summary_report(), "kind"))
    assert float(root.get("height") or 0) > float(single.get("height") or 0)


def test_empty_report_draws_no_bars_and_no_division_by_zero() -> None:
    report = summary_report(
        by_kind=[line(k.value, k.value, 0, 0.0) for k in InspectionKind],
        by_level=[],
        findings_by_criterion=[],
    )

    root = parse(charts.summary_svg(report))

    assert [float(b.get("width") or "nan") for b in rects(root, "bar")] == [0.0] * 7
    assert texts(root).count(charts.NO_DATA) == 2


def test_heading_names_the_kind_filter() -> None:
    root = parse(charts.summary_svg(summary_report(kind="surprise", organisation_name=""), "kind"))

    assert "Kỳ báo cáo: 01/01/2026 – 31/03/2026 — Đột xuất" in texts(root)


def test_unknown_chart_is_refused() -> None:
    with pytest.raises(ValueError, match="pie"):
        charts.summary_svg(summary_report(), "pie")


def test_coverage_chart_has_a_progress_bar_and_legend() -> None:
    root = parse(charts.coverage_svg(coverage_report()))

    words = texts(root)
    assert "Tiến độ thực hiện kế hoạch 12/KH-SNV" in words
    assert "Toàn kế hoạch (81 đơn vị)" in words
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend"]
    assert legend == [
        "Đã kiểm tra: 28 (34,6 %)",
        "Đang kiểm tra: 10 (12,3 %)",
        "Chưa kiểm tra: 40 (49,4 %)",
        "Hủy/điều chỉnh: 3 (3,7 %)",
    ]
    overall = rects(root, "segment")[:4]
    assert [r.get("class") for r in overall] == [f"segment {s.value}" for s in CoverageStatus]
    assert len({r.get("fill") for r in overall}) == 4
    track = rects(root, "track")[0]
    widths = [float(r.get("width") or "nan") for r in overall]
    assert sum(widths) == pytest.approx(float(track.get("width") or "nan"), abs=0.05)
    assert widths[0] / sum(widths) == pytest.approx(28 / 81, abs=0.001)
    # Segments follow each other without gaps.
    x = [float(r.get("x") or "nan") for r in overall]
    assert x[1] == pytest.approx(x[0] + widths[0], abs=0.01)


def test_coverage_chart_has_one_bar_per_level() -> None:
    root = parse(charts.coverage_svg(coverage_report()))

    words = texts(root)
    assert "Đơn vị sự nghiệp (trường học…)" in words
    assert "UBND cấp xã (xã, phường, đặc khu)" in words
    assert len(rects(root, "track")) == 3
    assert len(rects(root, "segment")) == 3 * 4
    counts = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "count"]
    assert counts == ["20/62", "8/19"]


def test_coverage_of_an_empty_plan_draws_empty_segments() -> None:
    report = coverage_report(CoverageFigures(**figures(0, 0, 0, 0, 0)))

    root = parse(charts.coverage_svg(report))

    assert [float(r.get("width") or "nan") for r in rects(root, "segment")[:4]] == [0.0] * 4
    assert "Toàn kế hoạch (0 đơn vị)" in texts(root)


# A paste from Word (vertical tab), stray control bytes, a lone surrogate, a non-character.
CONTROLS = "Phòng\x0bR&D\x01<thử>\x1f\ud800\ufffe\tx"
SHOWN = "Phòng\ufffdR&D\ufffd<thử>\ufffd\ufffd\ufffd\tx"


def test_control_characters_never_break_a_summary_chart() -> None:
    report = summary_report(
        organisation_name=CONTROLS,
        by_level=[line("lab", CONTROLS, 7, 100.0)],
        findings_by_criterion=[
            CriterionLine(
                key="XX-01", group="XX", label_vi=CONTROLS, label_en="x", count=1, pct=100.0
            )
        ],
    )
    for chart in charts.SUMMARY_CHARTS:
        svg = charts.summary_svg(report, chart)
        svg.encode("utf-8")  # a lone surrogate would not even encode
        root = parse(svg)
        assert f"Kỳ báo cáo: 01/01/2026 – 31/03/2026 — {SHOWN}" in texts(root)
    root = parse(charts.summary_svg(report, "level"))
    assert SHOWN in texts(root)
    assert [r.findtext(f"{SVG}title") for r in rects(root, "bar")] == [f"{SHOWN}: 7"]


def test_control_characters_never_break_a_coverage_chart() -> None:
    report = coverage_report().model_copy(
        update={
            "plan_number": "1/KH-\x01",
            "plan_title": CONTROLS,
            "by_level": [
                CoverageLevel(
                    level=CONTROLS, label_vi=CONTROLS, label_en="x", **figures(1, 1, 0, 0, 0)
                )
            ],
        }
    )
    svg = charts.coverage_svg(report)
    root = parse(svg)
    words = texts(root)
    assert "Tiến độ thực hiện kế hoạch 1/KH-\ufffd" in words
    assert root.findtext(f"{SVG}title") == "Tiến độ thực hiện kế hoạch 1/KH-\ufffd"
    assert f"{SHOWN} — tính đến 15/05/2026" in words
    assert SHOWN in words
