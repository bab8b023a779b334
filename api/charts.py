"""Bar charts of the reports as standalone SVG text, for web pages and for pasting into a
report (Word and LibreOffice take SVG), labelled in Vietnamese.

Plain strings rather than a plotting package: the charts are a few rectangles and texts,
and a string renders the same on the API server, in a browser and in a test. Every text and
attribute goes through ``_esc``/``_attr``: names and titles come from people, so they are
escaped and stripped of characters XML forbids, and the chart always parses.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from api.xmltext import xml_text
from states.labels import KIND_LABELS
from states.plans import COVERAGE_LABELS, CoverageStatus
from states.reports import CoverageFigures, CoverageReport, SummaryReport
from states.vocabulary import InspectionKind

SUMMARY_CHARTS = ("kind", "level", "criterion", "all")
PANEL_TITLES = {
    "kind": "Số cuộc kiểm tra theo loại",
    "level": "Số cuộc kiểm tra theo cấp đơn vị",
    "criterion": "Số tồn tại, hạn chế theo tiêu chí",
}
COVERAGE_COLOURS: dict[CoverageStatus, str] = {
    CoverageStatus.INSPECTED: "#2e7d32",
    CoverageStatus.IN_PROGRESS: "#f9a825",
    CoverageStatus.NOT_STARTED: "#b0bec5",
    CoverageStatus.CANCELLED: "#c62828",
}
BAR_COLOUR = "#1565c0"
NO_DATA = "Không có số liệu"

WIDTH = 760
MARGIN = 16
LABEL_WIDTH = 330  # room for "CD-02 — Không gây phiền hà, sách nhiễu" at 12 px
COUNT_WIDTH = 56  # room for the count printed after the longest bar
ROW = 22
BAR_HEIGHT = 14
TITLE_GAP = 28
MAX_LABEL = 52  # characters; longer labels are cut, the full text stays in a <title>


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int


def vi_number(n: int) -> str:
    """1234 → "1.234": Vietnamese groups thousands with dots."""
    return f"{n:,}".replace(",", ".")


def vi_percent(pct: float) -> str:
    """34.6 → "34,6 %": Vietnamese decimal comma."""
    return f"{pct:.1f}".replace(".", ",") + " %"


def _attr(value: object) -> str:
    return quoteattr(xml_text(str(value)))


def _esc(content: str) -> str:
    return escape(xml_text(content))


def _text(x: float, y: float, content: str, css: str = "", **attrs: object) -> str:
    """A text element; ``font_size=14`` becomes ``font-size="14"``, ``css`` the class."""
    extra = f" class={_attr(css)}" if css else ""
    extra += "".join(f" {k.replace('_', '-')}={_attr(v)}" for k, v in attrs.items())
    return f"<text x={_attr(_n(x))} y={_attr(_n(y))}{extra}>{_esc(content)}</text>"


def _rect(x: float, y: float, w: float, h: float, fill: str, css: str, tip: str = "") -> str:
    geometry = f"x={_attr(_n(x))} y={_attr(_n(y))} width={_attr(_n(w))} height={_attr(_n(h))}"
    start = f"<rect class={_attr(css)} {geometry} fill={_attr(fill)}"
    return f"{start}><title>{_esc(tip)}</title></rect>" if tip else f"{start}/>"


def _n(value: float) -> str:
    """Coordinates with at most two decimals: enough for a screen, short in the file."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _clip(label: str) -> str:
    """The label, or as many whole words of it as fit, then "…"."""
    if len(label) <= MAX_LABEL:
        return label
    head = label[: MAX_LABEL - 1]
    words = head.rsplit(" ", 1)[0] if " " in head else head
    return words.rstrip(" ,;—–") + "…"


def _document(title: str, body: list[str], height: float) -> str:
    h = _n(height)
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{h}" '
            f'viewBox="0 0 {WIDTH} {h}" font-family="sans-serif" font-size="12" role="img">',
            f"<title>{_esc(title)}</title>",
            # Opaque: a transparent chart pasted on a dark page or slide loses its text.
            f'<rect class="background" width="{WIDTH}" height="{h}" fill="#ffffff"/>',
            *body,
            "</svg>",
        ]
    )


def _panel(title: str, bars: Sequence[Bar], top: float) -> tuple[list[str], float]:
    """A titled panel of horizontal bars scaled to the largest count; returns the elements
    and the y below the panel."""
    out = [_text(MARGIN, top + 16, title, font_size=14, font_weight="bold", css="panel-title")]
    y = top + TITLE_GAP
    if not bars:
        out.append(_text(MARGIN, y + 14, NO_DATA, fill="#555555"))
        return out, y + ROW
    x0 = MARGIN + LABEL_WIDTH
    span = WIDTH - MARGIN - COUNT_WIDTH - x0
    largest = max(b.count for b in bars)
    for bar in bars:
        w = span * bar.count / largest if largest else 0.0
        middle = y + BAR_HEIGHT / 2 + 4
        out.append(_text(x0 - 8, middle, _clip(bar.label), text_anchor="end"))
        out.append(_rect(x0, y, w, BAR_HEIGHT, BAR_COLOUR, "bar", f"{bar.label}: {bar.count}"))
        out.append(_text(x0 + w + 6, middle, vi_number(bar.count), css="count"))
        y += ROW
    return out, y


def _kind_bars(report: SummaryReport) -> list[Bar]:
    """Every kind, zeros included, even one the report left out: the list of kinds is fixed."""
    bars = [Bar(line.label_vi, line.count) for line in report.by_kind]
    present = {line.key for line in report.by_kind}
    missing = [k for k in InspectionKind if k.value not in present]
    return bars + [Bar(KIND_LABELS[k][0], 0) for k in missing]


def _summary_bars(report: SummaryReport, chart: str) -> list[Bar]:
    if chart == "kind":
        return _kind_bars(report)
    if chart == "level":
        return [Bar(line.label_vi, line.count) for line in report.by_level]
    return [Bar(f"{c.key} — {c.label_vi}", c.count) for c in report.findings_by_criterion]


def summary_svg(report: SummaryReport, chart: str = "all") -> str:
    """Bars of the summary report: ``kind``, ``level``, ``criterion`` or ``all`` stacked."""
    if chart not in SUMMARY_CHARTS:
        raise ValueError(f"unknown chart {chart!r}; expected one of {', '.join(SUMMARY_CHARTS)}")
    period = f"{report.date_from:%d/%m/%Y} – {report.date_to:%d/%m/%Y}"
    heading = f"Kỳ báo cáo: {period}"
    if report.organisation_name:
        heading += f" — {report.organisation_name}"
    if report.kind:
        kinds = {k.value: vi for k, (vi, _) in KIND_LABELS.items()}
        heading += f" — {kinds.get(report.kind, report.kind)}"
    body = [_text(MARGIN, MARGIN + 12, heading, css="heading")]
    y = MARGIN + 24.0
    for name in PANEL_TITLES if chart == "all" else (chart,):
        elements, y = _panel(PANEL_TITLES[name], _summary_bars(report, name), y + 8)
        body += elements
    return _document(f"Báo cáo tổng hợp {period}", body, y + MARGIN)


def _stacked(figures: CoverageFigures, x0: float, y: float, span: float) -> list[str]:
    """One 100 % bar: a segment per bucket, each starting where the buckets before end, so
    rounding never leaves a gap or an overlap."""
    out = [_rect(x0, y, span, BAR_HEIGHT, "#eceff1", "track")]
    done = 0
    for status in CoverageStatus:
        n: int = getattr(figures, status.value)
        start = span * done / figures.planned if figures.planned else 0.0
        done += n
        end = span * done / figures.planned if figures.planned else 0.0
        tip = f"{COVERAGE_LABELS[status][0]}: {_count_pct(n, figures, status)}"
        out.append(
            _rect(
                x0 + start,
                y,
                end - start,
                BAR_HEIGHT,
                COVERAGE_COLOURS[status],
                f"segment {status.value}",
                tip,
            )
        )
    return out


def _count_pct(n: int, figures: CoverageFigures, status: CoverageStatus) -> str:
    pct: float = getattr(figures, f"pct_{status.value}")
    return f"{vi_number(n)} ({vi_percent(pct)})"


def coverage_svg(report: CoverageReport) -> str:
    """Progress of a plan: one 100 % bar overall with a legend, then one bar per level."""
    title = f"Tiến độ thực hiện kế hoạch {report.plan_number}"
    body = [
        _text(MARGIN, MARGIN + 14, title, font_size=15, font_weight="bold", css="heading"),
        _text(MARGIN, MARGIN + 32, f"{report.plan_title} — tính đến {report.on:%d/%m/%Y}"),
    ]
    x0 = MARGIN + LABEL_WIDTH
    span = WIDTH - MARGIN - COUNT_WIDTH - x0
    y = MARGIN + 48.0
    overall = report.overall
    body.append(
        _text(
            x0 - 8,
            y + 11,
            f"Toàn kế hoạch ({vi_number(overall.planned)} đơn vị)",
            text_anchor="end",
            font_weight="bold",
        )
    )
    body += _stacked(overall, x0, y, span)
    y += ROW + 4
    for status in CoverageStatus:
        n: int = getattr(overall, status.value)
        label = f"{COVERAGE_LABELS[status][0]}: {_count_pct(n, overall, status)}"
        body.append(_rect(x0, y, 12, 12, COVERAGE_COLOURS[status], f"swatch {status.value}"))
        body.append(_text(x0 + 18, y + 10, label, css="legend"))
        y += 18
    if report.by_level:
        body.append(
            _text(
                MARGIN,
                y + 22,
                "Theo cấp đơn vị",
                font_size=14,
                font_weight="bold",
                css="panel-title",
            )
        )
        y += TITLE_GAP + 8
    for group in report.by_level:
        middle = y + BAR_HEIGHT / 2 + 4
        body.append(_text(x0 - 8, middle, _clip(group.label_vi), text_anchor="end"))
        body += _stacked(group, x0, y, span)
        done = f"{vi_number(group.inspected)}/{vi_number(group.planned)}"
        body.append(_text(x0 + span + 6, middle, done, css="count"))
        y += ROW
    return _document(title, body, y + MARGIN)
