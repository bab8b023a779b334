"""The default Word templates, laid out per Decree 30/2020/NĐ-CP Appendix I and built with
python-docx at first use (so no binary blob lives in git), with docxtpl tags in them.

One builder serves every kind; three traits change the layout: a decision has its enacting
authority, its bases and "QUYẾT ĐỊNH:" with articles; an official letter (công văn) has no
title, its subject ("V/v …") sits under its number; minutes are signed by both sides, side by
side. Offices may upload their own templates instead (``render.check_template``).
"""

from functools import cache
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.oxml.table import CT_Row
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from documents.kinds import DocumentKind

FONT = "Times New Roman"
BODY_PT = 13
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm between margins
TEXT_TWIPS = round(TEXT_MM * 1440 / 25.4)  # what ``render`` shares out among table columns
HEADER_MM = (70, 95)  # issuing body | national name: the usual split of a 165 mm line
CLOSING_MM = (75, 90)  # "Nơi nhận:" | signature
INDENT_MM = 12.7  # first-line indent of body paragraphs (1.27 cm)

DECISIONS = {DocumentKind.decision, DocumentKind.team_change, DocumentKind.visit_extension}
LETTERS = {DocumentKind.reminder, DocumentKind.complaint_answer}
MINUTES = {DocumentKind.minutes}

CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT

Container = DocxDocument | _Cell


@cache
def build_default_template(kind: DocumentKind) -> bytes:
    """The default template of one kind as .docx bytes (built once per process)."""
    doc = Document()
    _page(doc)
    _styles(doc)
    _heading(doc, kind)
    _opening(doc, kind)
    _body(doc, kind)
    if kind in MINUTES:
        _signed_by_both(doc)
    else:
        _closing(doc)
    _para(doc, size=1)  # Word wants the body to end in a paragraph, not in a table
    _prune(doc)
    doc.core_properties.author = "kiemtra"
    doc.core_properties.language = "vi-VN"
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# -- page and styles -----------------------------------------------------------------------


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(10)
    # Page numbers centred in the top margin, from page 2 on (Appendix I): the first page
    # gets its own, empty header.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    number._p.append(field)


def _styles(doc: DocxDocument) -> None:
    """Times New Roman 13 pt, Vietnamese, no spacing by default: every paragraph of the
    template says what it needs."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None  # python-docx's own template has them
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    assert rpr is not None and ppr is not None
    for child in list(rpr):
        rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)
    rpr.append(fonts)
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), str(BODY_PT * 2))
        rpr.append(size)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "en-US")
    rpr.append(lang)
    for child in list(ppr):
        ppr.remove(child)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    ppr.append(spacing)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rfonts = normal.element.rPr.rFonts
    rfonts.set(qn("w:eastAsia"), FONT)
    rfonts.set(qn("w:cs"), FONT)


# python-docx's own template carries 160 styles (780 KB of XML, twice), a thumbnail of a
# blank page and custom XML: unpacking and packing them would be most of a rendering.
_KEPT_STYLES = {"Normal", "Default Paragraph Font", "Normal Table", "No List", "header", "footer"}
_DROPPED_PARTS = ("stylesWithEffects", "customXml", "thumbnail", "webSettings")


def _prune(doc: DocxDocument) -> None:
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is None or name.get(qn("w:val")) not in _KEPT_STYLES:
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _DROPPED_PARTS:
                rels.pop(rid)


# -- building blocks -----------------------------------------------------------------------


def _para(
    where: Container,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = CENTER,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    exact: float | None = None,
) -> Paragraph:
    paragraph = where.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Mm(INDENT_MM)
    if exact is not None:
        fmt.line_spacing = Pt(exact)  # a length means "exactly"
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    else:  # an empty paragraph still takes the height of its mark's font
        _mark_size(paragraph, size)
    return paragraph


def _run(
    paragraph: Paragraph, text: str, *, size: float, bold: bool = False, italic: bool = False
) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None


def _mark_size(paragraph: Paragraph, size: float) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(round(size * 2)))
        rpr.append(element)
    ppr.append(rpr)


def _tag(where: Container, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag (``{%p for … %}``): docxtpl drops
    the paragraph and keeps the tag, so it leaves no empty line behind."""
    where.add_paragraph(tag)


def _body_para(
    where: Container, text: str = "", *, bold: bool = False, italic: bool = False
) -> Paragraph:
    # Decree 30 body text: justified, first-line indent, at least 6 pt between paragraphs;
    # exactly 18 pt line spacing keeps 13 pt Vietnamese with stacked accents unclipped.
    return _para(
        where, text, bold=bold, italic=italic, align=JUSTIFY, indent=True, after=6, exact=18
    )


def _rule(where: Container, length_mm: float, width_mm: float, before: float = 0) -> None:
    """A thin centred line: the top border of an empty one-point paragraph, indented from
    both sides so that the border is ``length_mm`` long."""
    paragraph = _para(where, size=1, before=before, exact=1)
    side = Mm(max(0.0, (width_mm - length_mm) / 2))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}.items():
        top.set(qn(key), value)
    borders.append(top)
    ppr = paragraph._p.get_or_add_pPr()
    # pBdr comes before spacing, ind and jc in CT_PPr's sequence.
    anchor = ppr.find(qn("w:spacing"))
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)


def _plain_table(where: DocxDocument, widths_mm: tuple[float, ...], rows: int = 1) -> Table:
    """A borderless table of fixed column widths, without cell padding: the header and the
    closing block of Appendix I."""
    table: Table = where.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_width(table, round(sum(widths_mm) * 1440 / 25.4))
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        margin = OxmlElement(side)
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    _table_property(table, margins)
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(mm)
    for column, mm in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(mm)
    return table


def _table_width(table: Table, twips: int) -> None:
    width = table._tbl.tblPr.find(qn("w:tblW"))  # python-docx writes an "auto" one
    assert width is not None
    width.set(qn("w:w"), str(twips))
    width.set(qn("w:type"), "dxa")


# CT_TblPr is a sequence: Word refuses a file whose table properties come out of order.
_TBLPR_AFTER = {
    "w:tblBorders": ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"),
    "w:tblCellMar": ("w:tblLook",),
}


def _table_property(table: Table, element: BaseOxmlElement) -> None:
    tag = element.tag.replace(f"{{{nsmap['w']}}}", "w:")
    table._tbl.tblPr.insert_element_before(element, *_TBLPR_AFTER[tag], "w:tblCaption")


def _first(cell: _Cell) -> None:
    """A new cell holds one empty paragraph; remove it so the cell holds only what we add."""
    paragraph = cell.paragraphs[0]
    paragraph._p.getparent().remove(paragraph._p)


# -- the parts of a document ---------------------------------------------------------------


def _heading(doc: DocxDocument, kind: DocumentKind) -> None:
    """Issuing body and number on the left, national name and date on the right: two rows,
    so that the number and the date share a line whatever the left column holds above."""
    table = _plain_table(doc, HEADER_MM, rows=2)
    left, right = table.rows[0].cells
    number, when = table.rows[1].cells
    for cell in (left, right, number, when):
        _first(cell)

    _tag(left, "{%p if superior %}")
    _para(left, "{{ superior|upper|balance(30) }}", size=12)
    _tag(left, "{%p endif %}")
    _para(left, "{{ issuer|upper|balance(22) }}", size=12, bold=True)
    _rule(left, 25, HEADER_MM[0], before=4)

    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True)
    _rule(right, 59, HEADER_MM[1], before=4)

    _para(number, "{{ number_line }}", before=4)
    if kind in LETTERS:  # the subject of an official letter, 12 pt under its number
        _tag(number, "{%p if subject %}")
        _para(number, "{{ subject }}", size=12, before=2)
        _tag(number, "{%p endif %}")
    _para(when, "{{ date_line }}", italic=True, before=4)


def _opening(doc: DocxDocument, kind: DocumentKind) -> None:
    """Title and subject; a decision's enacting authority and bases; "Kính gửi:"."""
    if kind not in LETTERS:
        _tag(doc, "{%p if title %}")
        _para(doc, "{{ title|upper }}", size=14, bold=True, before=18)
        _tag(doc, "{%p endif %}")
        _tag(doc, "{%p if subject %}")
        _para(doc, "{{ subject }}", size=14, bold=True)
        _rule(doc, 40, TEXT_MM, before=6)  # the short rule under the subject
        _tag(doc, "{%p endif %}")
    else:
        _para(doc, size=6)
    if kind in DECISIONS:
        _tag(doc, "{%p if authority %}")
        _para(doc, "{{ authority|upper }}", size=14, bold=True, before=12, after=6)
        _tag(doc, "{%p endif %}")
    _para(doc, size=6)

    # "Kính gửi: X." on one centred line for one addressee, else a list under it.
    _tag(doc, "{%p if addressees|length == 1 %}")
    _para(doc, "Kính gửi: {{ addressees[0] }}", size=14, before=6, after=12)
    _tag(doc, "{%p elif addressees %}")
    kinh_gui = _para(doc, "Kính gửi:", size=14, align=LEFT, before=6)
    kinh_gui.paragraph_format.left_indent = Mm(35)
    _tag(doc, "{%p for a in addressees %}")
    item = _para(doc, "- {{ a }}", size=14, align=LEFT)
    item.paragraph_format.left_indent = Mm(60)
    _tag(doc, "{%p endfor %}")
    _para(doc, size=6)
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p for b in bases %}")
    _body_para(doc, "{{ b }}", italic=True)
    _tag(doc, "{%p endfor %}")
    if kind in DECISIONS:
        _tag(doc, "{%p if bases %}")
        _para(doc, "QUYẾT ĐỊNH:", size=14, bold=True, before=6, after=12)
        _tag(doc, "{%p endif %}")


def _body(doc: DocxDocument, kind: DocumentKind) -> None:
    _tag(doc, "{%p for s in sections %}")
    _tag(doc, "{%p set last_section = loop.last and not s.table %}")
    if kind in DECISIONS:
        # "Điều 1. Text…": the article number bold, its first paragraph on the same line.
        _tag(doc, "{%p if s.heading or s.paragraphs %}")
        article = _body_para(doc)
        _run(article, "{{ s.heading }}", size=BODY_PT, bold=True)
        _run(
            article,
            "{% if s.heading and s.paragraphs %} {% endif %}"
            "{% if s.paragraphs %}{{ s.paragraphs[0] }}{% endif %}",
            size=BODY_PT,
        )
        _keep_with_next(article, "last_section and not s.paragraphs[1:]")
        _tag(doc, "{%p endif %}")
        _tag(doc, "{%p for para in s.paragraphs[1:] %}")
    else:
        _tag(doc, "{%p if s.heading %}")
        _body_para(doc, "{{ s.heading }}", bold=True)
        _tag(doc, "{%p endif %}")
        _tag(doc, "{%p for para in s.paragraphs %}")
    _keep_with_next(_body_para(doc, "{{ para }}"), "last_section and loop.last")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if s.table %}")
    _grid(doc)
    _para(doc, size=6)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")


def _keep_with_next(paragraph: Paragraph, condition: str) -> None:
    """The body's last paragraph goes to the next page with the signature rather than let
    the signature stand alone there (the condition is evaluated when rendering)."""
    keep = paragraph._p.get_or_add_pPr().get_or_add_keepNext()
    keep.set(qn("w:val"), f"{{{{ 'true' if {condition} else 'false' }}}}")


def _grid(doc: DocxDocument) -> None:
    """A section's table: thin borders, a bold header row repeated on every page, as many
    columns as the header has; ``render`` supplies each column's width and alignment."""
    table = doc.add_table(rows=4, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_width(table, TEXT_TWIPS)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        for key, value in {"w:val": "single", "w:sz": "4", "w:space": "0"}.items():
            line.set(qn(key), value)
        line.set(qn("w:color"), "000000")
        borders.append(line)
    _table_property(table, borders)
    # The grid: one column per header cell, widths from the context (docxtpl renders the
    # whole XML, attributes and the text between elements included).
    grid = table._tbl.tblGrid
    for column in list(grid):
        grid.remove(column)
    column = OxmlElement("w:gridCol")
    column.set(qn("w:w"), "{{ w }}")
    grid.text = "{% for w in s.table.widths %}"
    column.tail = "{% endfor %}"
    grid.append(column)

    header, loop_start, data, loop_end = table.rows
    _repeat_header(header._tr)
    _cells(header, "{%tc for h in s.table.header %}", "{{ h }}", "{%tc endfor %}", bold=True)
    _cells(loop_start, "", "{%tr for row in s.table.rows %}", "")
    _cells(data, "{%tc for c in row %}", "{{ c }}", "{%tc endfor %}", bold=False)
    _cells(loop_end, "", "{%tr endfor %}", "")


def _repeat_header(tr: CT_Row) -> None:
    trpr = tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    trpr.append(repeat)


def _cells(row: _Row, start: str, middle: str, end: str, bold: bool = False) -> None:
    first, cell, last = row.cells
    first.paragraphs[0].add_run(start)
    last.paragraphs[0].add_run(end)
    paragraph = cell.paragraphs[0]
    if middle.startswith("{{"):
        width = cell._tc.get_or_add_tcPr().get_or_add_tcW()
        width.set(qn("w:w"), "{{ s.table.widths[loop.index0] }}")
        width.set(qn("w:type"), "dxa")
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(3), Pt(3)
        jc = paragraph._p.get_or_add_pPr().get_or_add_jc()
        jc.set(qn("w:val"), "center" if bold else "{{ s.table.align[loop.index0] }}")
        _run(paragraph, middle, size=12, bold=bold)
    else:
        paragraph.add_run(middle)


def _closing(doc: DocxDocument) -> None:
    """ "Nơi nhận:" bottom left beside the signature, as Appendix I draws them."""
    table = _plain_table(doc, CLOSING_MM)
    _unsplit(table.rows[0]._tr)
    recipients, signature = table.rows[0].cells
    for cell in (recipients, signature):
        _first(cell)
    _para(recipients, size=6)
    _para(recipients, "{% if recipients %}Nơi nhận:{% endif %}", size=12, bold=True, italic=True)
    recipients.paragraphs[-1].alignment = LEFT
    _tag(recipients, "{%p for r in recipients %}")
    _para(recipients, "{{ r }}", size=11, align=LEFT)
    _tag(recipients, "{%p endfor %}")
    _para(signature, size=6)
    _tag(signature, "{%p for s in signatures %}")
    _signature(signature)
    _tag(signature, "{%p endfor %}")


def _signed_by_both(doc: DocxDocument) -> None:
    """Minutes: the unit on the left, the team leader on the right; more signers (a
    witness) in further rows of two; recipients, if any, under them."""
    table = _plain_table(doc, (TEXT_MM / 2, TEXT_MM / 2), rows=3)
    _cells_plain(table.rows[0], "{%tr for pair in signatures|batch(2, '') %}")
    _unsplit(table.rows[1]._tr)
    for n, cell in enumerate(table.rows[1].cells):
        _first(cell)
        _para(cell, size=6)
        _tag(cell, f"{{%p with s = pair[{n}] %}}")
        _signature(cell)
        _tag(cell, "{%p endwith %}")
    _cells_plain(table.rows[2], "{%tr endfor %}")
    _tag(doc, "{%p if recipients %}")
    _para(doc, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT, before=12)
    _tag(doc, "{%p for r in recipients %}")
    _para(doc, "{{ r }}", size=11, align=LEFT)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def _unsplit(tr: CT_Row) -> None:
    """A signature block is never cut by a page break: the signer's name would stand alone
    on the next page, away from the text it signs."""
    tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _cells_plain(row: _Row, tag: str) -> None:
    for cell in row.cells:
        cell.paragraphs[0].add_run(tag)


def _signature(cell: _Cell) -> None:
    """Signing form and authority ("KT. CHỦ TỊCH"), position, room for the signature and
    seal, the signer's name: bold, centred (Appendix I)."""
    _tag(cell, "{%p if s.form or s.authority %}")
    _para(cell, "{{ (s.form ~ ' ' ~ s.authority|upper)|trim }}", bold=True)
    _tag(cell, "{%p endif %}")
    _para(cell, "{{ s.position|upper }}", bold=True)
    for _ in range(4):
        _para(cell)
    _para(cell, "{{ s.name }}", bold=True, before=6)
