"""Uploaded templates: what check_template accepts, and what the sandbox refuses."""

import zipfile
from io import BytesIO

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from documents.context import sample_context
from documents.kinds import DocumentKind
from documents.layout import build_default_template
from documents.render import MAX_TEMPLATE_BYTES, TemplateRefused, check_template, render_docx

KIND = DocumentKind.decision


def template(*paragraphs: str) -> bytes:
    """An office's own template: a Word file whose paragraphs hold docxtpl tags."""
    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def texts(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(BytesIO(content)).paragraphs]


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr(name, data)
    return out.getvalue()


def test_an_office_template_is_accepted_and_filled() -> None:
    own = template(
        "{{ issuer }} — {{ number_line }}",
        "{{ date_line }}",
        "{%p for s in signatures %}",
        "{{ s.position }}: {{ s.name }}",
        "{%p endfor %}",
        "[{{ no_such_field }}]",
        "{{ '%05.1f'|format(3.14159) }} {{ '{:>6}'.format('ab') }} {{ 'ab'|center(6) }}|",
        "{{ range(3)|join(', ') }} {{ 'a-b'|replace('-', ' / ') }}",
    )
    check_template(own, KIND)
    filled = texts(render_docx(sample_context(KIND), own))
    assert filled == [
        "ỦY BAN NHÂN DÂN TỈNH MINH SƠN — Số: 94/QĐ-UBND",
        "Minh Sơn, ngày 05 tháng 01 năm 2027",
        "PHÓ CHỦ TỊCH: Nguyễn Văn Bình",
        "[]",  # an unknown name renders empty
        "003.1     ab   ab  |",  # the bounded filters still work
        "0, 1, 2 a / b",
    ]


def test_every_default_template_passes_the_upload_check() -> None:
    for kind in DocumentKind:
        check_template(build_default_template(kind), kind)


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ ''.__class__ }}",  # a plain sandbox renders this as empty text: refused here
        "{{ issuer.__class__ }}",
        "{{ signed_on.__class__.__subclasses__() }}",
        "{{ 'x' * 1000000 }}",
        "{{ 2 ** 64 ** 64 ** 64 ** 64 }}",
        "{{ lipsum(100000) }}",
        "{{ '%999999999s' % 'x' }}",
        "{{ '%*s' % (999999999, 'x') }}",
        "{{ '{:>999999999}'.format('x') }}",
        "{{ '%999999999s'|format('x') }}",
        "{{ 'x'|center(999999999) }}",
        "{{ ('x' * 99999)|replace('x', 'y' * 99999) }}",
        "{{ range(99999)|join('y' * 99999) }}",
        "{{ [1]|slice(999999999)|list }}",
    ],
)
def test_a_template_reaching_for_python_objects_or_building_huge_values_is_refused(
    body: str,
) -> None:
    bad = template("{{ issuer }}", body)
    with pytest.raises(TemplateRefused) as refused:
        check_template(bad, KIND)
    assert refused.value.vi.startswith("Mẫu văn bản")
    with pytest.raises(TemplateRefused):
        render_docx(sample_context(KIND), bad)


@pytest.mark.parametrize(
    "body", ["{% if %}", "{{ issuer.x.y }}", "{{ 1 / 0 }}", "{% include 'other.docx' %}"]
)
def test_a_broken_template_is_refused_with_a_reason(body: str) -> None:
    with pytest.raises(TemplateRefused) as refused:
        check_template(template(body), KIND)
    assert isinstance(refused.value, ValueError)
    assert refused.value.vi


def test_a_template_with_macros_is_refused() -> None:
    macro = with_part(template("{{ issuer }}"), "word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    with pytest.raises(TemplateRefused, match="macros") as refused:
        check_template(macro, KIND)
    assert "macro" in refused.value.vi


def with_linked_image(content: bytes) -> bytes:
    """The same template with an image linked from a web address, not embedded in it."""
    out = BytesIO()
    rels = "word/_rels/document.xml.rels"
    linked = (
        '<Relationship Id="rIdRemote" TargetMode="External" Target="http://169.254.169.254/x.png" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>'
    )
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == rels:
                data = data.replace(b"</Relationships>", linked.encode() + b"</Relationships>")
            target.writestr(item, data)
    return out.getvalue()


def test_a_template_fetching_from_elsewhere_is_refused() -> None:
    with pytest.raises(TemplateRefused, match="outside") as refused:
        check_template(with_linked_image(template("{{ issuer }}")), KIND)
    assert "bên ngoài" in refused.value.vi


def test_a_template_with_a_field_loading_a_picture_from_the_web_is_refused() -> None:
    doc = docx.Document()
    paragraph = doc.add_paragraph("{{ issuer }}")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), 'INCLUDEPICTURE "http://example.org/a.png" \\d')
    paragraph._p.append(field)
    out = BytesIO()
    doc.save(out)
    with pytest.raises(TemplateRefused, match="field INCLUDEPICTURE"):
        check_template(out.getvalue(), KIND)


def plain_zip() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "a zip archive, but no Word document")
    return out.getvalue()


@pytest.mark.parametrize("content", [b"%PDF-1.7 not a Word file", b"", plain_zip()])
def test_something_else_than_a_docx_is_refused(content: bytes) -> None:
    with pytest.raises(TemplateRefused) as refused:
        check_template(content, KIND)
    assert "Word" in refused.value.vi
    with pytest.raises(TemplateRefused):
        render_docx(sample_context(KIND), content)


def test_a_template_over_2_mib_is_refused() -> None:
    big = template("{{ issuer }}") + b"\0" * MAX_TEMPLATE_BYTES
    with pytest.raises(TemplateRefused, match="larger"):
        check_template(big, KIND)
