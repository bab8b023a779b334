"""Every kind rendered with its default template and read back with python-docx: the page,
the fonts and the places Decree 30/2020 Appendix I gives each part of a document."""

from datetime import date
from functools import cache
from io import BytesIO

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table
from docx.text.paragraph import Paragraph

from documents.context import DocumentContext, Signature, sample_context
from documents.kinds import DocumentKind
from documents.layout import LETTERS
from documents.render import render_docx

LETTER = DocumentKind.reminder


@cache
def rendered(kind: DocumentKind) -> Document:
    return docx.Document(BytesIO(render_docx(sample_context(kind))))


def read(ctx: DocumentContext) -> Document:
    return docx.Document(BytesIO(render_docx(ctx)))


def lines(cell_or_doc: object) -> list[str]:
    return [p.text for p in cell_or_doc.paragraphs if p.text.strip()]  # type: ignore[attr-defined]


def find(paragraphs: list[Paragraph], text: str) -> Paragraph:
    for paragraph in paragraphs:
        if paragraph.text.strip() == text:
            return paragraph
    raise AssertionError(f"no paragraph {text!r} in {[p.text for p in paragraphs]}")


def size(paragraph: Paragraph) -> float:
    sizes = {run.font.size.pt for run in paragraph.runs if run.text.strip() and run.font.size}
    assert len(sizes) == 1, sizes
    return float(sizes.pop())


def bold(paragraph: Paragraph) -> bool:
    return all(run.font.bold for run in paragraph.runs if run.text.strip())


def mm(length: Length | None) -> float:
    assert length is not None
    return float(length.mm)


def closing(doc: Document) -> Table:
    return doc.tables[-1]


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_page_is_a4_with_decree_30_margins_in_times_new_roman(kind: DocumentKind) -> None:
    doc = rendered(kind)
    section = doc.sections[0]
    page = (section.page_width, section.page_height)
    assert [round(mm(length)) for length in page] == [210, 297]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(mm(m)) for m in margins] == [20, 20, 30, 15]
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 13
    assert normal.element.rPr.rFonts.get(qn("w:hAnsi")) == "Times New Roman"


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_header_has_the_issuer_left_and_the_national_name_right(kind: DocumentKind) -> None:
    ctx = sample_context(kind)
    header = rendered(kind).tables[0]
    left, right = header.rows[0].cells
    number, when = header.rows[1].cells
    assert " ".join(lines(left)).replace("\n", " ").endswith(ctx.issuer.upper())
    if ctx.superior:
        assert lines(left)[0] == ctx.superior.upper()
    issuer = left.paragraphs[-2]
    assert bold(issuer) and size(issuer) == 12
    assert lines(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    national, motto = right.paragraphs[0], right.paragraphs[1]
    assert bold(national) and size(national) == 12
    assert bold(motto) and size(motto) == 13
    # the thin rules under the issuer and the motto
    for cell in (left, right):
        assert cell.paragraphs[-1]._p.pPr.find(qn("w:pBdr")) is not None
    assert lines(number)[0] == ctx.number_line
    assert number.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert lines(when) == [ctx.place + ", " + lines(when)[0].split(", ", 1)[1]]
    assert all(run.font.italic for run in when.paragraphs[0].runs)


def test_the_date_line_pads_as_decree_30_says() -> None:
    january = sample_context(DocumentKind.decision).model_copy(
        update={"signed_on": date(2027, 1, 5)}
    )
    march = sample_context(DocumentKind.conclusion).model_copy(
        update={"signed_on": date(2027, 3, 15)}
    )
    assert lines(read(january).tables[0].cell(1, 1)) == ["Minh Sơn, ngày 05 tháng 01 năm 2027"]
    assert lines(read(march).tables[0].cell(1, 1)) == ["Minh Sơn, ngày 15 tháng 3 năm 2027"]
    unsigned = march.model_copy(update={"signed_on": None})
    assert lines(read(unsigned).tables[0].cell(1, 1))[0].startswith("Minh Sơn, ngày  ")


@pytest.mark.parametrize("kind", [k for k in DocumentKind if k not in LETTERS])
def test_title_and_subject_are_bold_and_centred(kind: DocumentKind) -> None:
    ctx = sample_context(kind)
    doc = rendered(kind)
    title = find(doc.paragraphs, ctx.title)
    assert bold(title) and size(title) == 14
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    subject = find(doc.paragraphs, ctx.subject)
    assert bold(subject) and subject.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_a_letter_has_no_title_and_its_subject_under_its_number() -> None:
    ctx = sample_context(LETTER)
    doc = rendered(LETTER)
    assert lines(doc.tables[0].cell(1, 0)) == [ctx.number_line, ctx.subject]
    assert ctx.subject not in [p.text for p in doc.paragraphs]
    assert "Kính gửi: Ủy ban nhân dân xã An Phú" in [p.text for p in doc.paragraphs]


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_body_paragraphs_are_justified_with_a_first_line_indent(kind: DocumentKind) -> None:
    ctx = sample_context(kind)
    doc = rendered(kind)
    texts = [p for s in ctx.sections for p in s.paragraphs]
    for paragraph in doc.paragraphs:
        if any(paragraph.text.endswith(text) for text in texts):
            fmt = paragraph.paragraph_format
            assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
            assert 10 <= fmt.first_line_indent.mm <= 12.7
            assert fmt.space_after.pt >= 6
            assert size(paragraph) == 13


def test_a_decision_states_its_authority_bases_and_articles() -> None:
    ctx = sample_context(DocumentKind.decision)
    doc = rendered(DocumentKind.decision)
    texts = [p.text for p in doc.paragraphs]
    assert ctx.authority in texts
    for base in ctx.bases:
        assert all(run.font.italic for run in find(doc.paragraphs, base).runs)
    assert texts.index("QUYẾT ĐỊNH:") > texts.index(ctx.bases[-1])
    article = next(p for p in doc.paragraphs if p.text.startswith("Điều 1. Kiểm tra"))
    assert article.runs[0].text == "Điều 1." and article.runs[0].font.bold


def test_section_tables_have_borders_and_a_bold_header_row() -> None:
    ctx = sample_context(DocumentKind.conclusion, findings=6)
    doc = read(ctx)
    table = next(t for t in doc.tables if t.cell(0, 0).text == "STT")
    assert [c.text for c in table.rows[0].cells] == ctx.sections[2].table.header  # type: ignore[union-attr]
    assert len(table.rows) == 1 + 6
    assert all(bold(p) for c in table.rows[0].cells for p in c.paragraphs)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"}
    assert len(borders) == 6
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid]
    assert len(widths) == 4 and widths[0] < widths[1]  # the number column is narrow


@pytest.mark.parametrize("kind", [k for k in DocumentKind if k is not DocumentKind.minutes])
def test_recipients_bottom_left_and_the_signature_right(kind: DocumentKind) -> None:
    ctx = sample_context(kind)
    recipients, signature = closing(rendered(kind)).rows[0].cells
    assert lines(recipients) == ["Nơi nhận:", *ctx.recipients]
    heading = find(recipients.paragraphs, "Nơi nhận:")
    assert size(heading) == 12 and bold(heading) and heading.runs[0].font.italic
    assert {size(find(recipients.paragraphs, r)) for r in ctx.recipients} == {11}
    (signer,) = ctx.signatures
    expected = [f"{signer.form} {signer.authority}".strip(), signer.position, signer.name]
    assert lines(signature) == [line for line in expected if line]
    assert all(bold(p) for p in signature.paragraphs if p.text)


def test_minutes_are_signed_side_by_side_and_extra_signers_go_below() -> None:
    ctx = sample_context(DocumentKind.minutes)
    row = closing(rendered(DocumentKind.minutes)).rows[0]
    assert [lines(c) for c in row.cells] == [
        ["ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", "Lê Thị Hoa"],
        ["TRƯỞNG ĐOÀN", "Trần Minh Quân"],
    ]
    witness = Signature(position="Người chứng kiến", name="Phạm Văn Chứng")
    three = read(ctx.model_copy(update={"signatures": [*ctx.signatures, witness]}))
    table = closing(three)
    assert len(table.rows) == 2
    assert [lines(c) for c in table.rows[1].cells] == [["NGƯỜI CHỨNG KIẾN", "Phạm Văn Chứng"], []]


def test_xml_special_characters_come_out_as_typed() -> None:
    odd = "Sở A & B <C> \"D\" 'E'"
    ctx = sample_context(DocumentKind.notice).model_copy(
        update={"issuer": odd, "subject": "x < y & z > w", "recipients": ["- <b>&amp;</b>;"]}
    )
    doc = read(ctx)
    assert lines(doc.tables[0].cell(0, 0))[-1] == odd.upper()
    assert "x < y & z > w" in [p.text for p in doc.paragraphs]
    assert "- <b>&amp;</b>;" in lines(closing(doc).cell(0, 0))


def test_without_a_superior_the_issuer_stands_alone() -> None:
    ctx = sample_context(DocumentKind.remediation_report)
    assert ctx.superior == ""
    left = rendered(DocumentKind.remediation_report).tables[0].cell(0, 0)
    assert lines(left) == ["ỦY BAN NHÂN DÂN\nXÃ AN PHÚ"]


def test_long_issuers_break_after_the_organ() -> None:
    left = rendered(DocumentKind.decision).tables[0].cell(0, 0)
    assert lines(left) == ["ỦY BAN NHÂN DÂN\nTỈNH MINH SƠN"]


def test_page_numbers_from_page_two() -> None:
    section = rendered(DocumentKind.conclusion).sections[0]
    assert section.different_first_page_header_footer
    assert section.header._element.find(f".//{qn('w:fldSimple')}").get(qn("w:instr")) == "PAGE"


@pytest.mark.parametrize("kind", [DocumentKind.decision, DocumentKind.conclusion])
def test_the_last_paragraph_goes_with_the_signature(kind: DocumentKind) -> None:
    body = [p for p in rendered(kind).paragraphs if p.text.strip()]
    kept = [p.text for p in body if p.paragraph_format.keep_with_next]
    assert len(kept) == 1
    assert kept[0].endswith(sample_context(kind).sections[-1].paragraphs[-1])
