"""Word files from a template and a document's context, rendered in the sandbox; the check
of an office's own template before it is stored."""

import re
import zipfile
from io import BytesIO
from typing import Any

from docx.opc.exceptions import OpcError
from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from lxml import etree

from documents.context import DocumentContext, date_line, sample_context
from documents.kinds import DocumentKind
from documents.layout import TEXT_TWIPS, build_default_template
from documents.sandbox import Sandbox

MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 32 * 1024 * 1024  # a zip bomb stops here, not in memory
MAX_PARTS = 1000


class TemplateRefused(ValueError):
    """A template that is not a usable Word template, or that tried what a template may not."""

    def __init__(self, message: str, vi: str) -> None:
        super().__init__(message)
        self.vi = vi


# One environment for every rendering: it holds no state a rendering changes (autoescape is
# set here, so docxtpl is never asked to set it), and Jinja renders from threads safely.
_SANDBOX = Sandbox(autoescape=True)


def render_docx(ctx: DocumentContext, template: bytes | None = None) -> bytes:
    """The Word file of ``ctx`` from ``template`` (.docx bytes with docxtpl tags), or from
    the default template of its kind. Raises ``TemplateRefused``."""
    source = template if template is not None else build_default_template(ctx.kind)
    values = ctx.model_dump()
    values["date_line"] = date_line(ctx.place, ctx.signed_on)
    for section in values["sections"]:
        if section["table"] is not None:
            section["table"].update(_columns(section["table"]))
    try:
        doc = DocxTemplate(BytesIO(source))
        doc.init_docx()
    except (zipfile.BadZipFile, KeyError, OpcError, etree.XMLSyntaxError) as error:
        raise TemplateRefused(
            f"not a Word document: {error}", "Tệp mẫu không phải văn bản Word (.docx) hợp lệ."
        ) from error
    try:
        doc.render(values, jinja_env=_SANDBOX)
    except SecurityError as error:
        raise TemplateRefused(
            f"the template reaches what a template may not: {error}",
            f"Mẫu văn bản dùng thao tác không được phép ({error}).",
        ) from error
    except TemplateSyntaxError as error:
        raise TemplateRefused(
            f"template syntax error: {error.message}",
            f"Mẫu văn bản sai cú pháp trường trộn: {error.message}.",
        ) from error
    except UndefinedError as error:
        raise TemplateRefused(
            f"the template uses a field that does not exist: {error.message}",
            f"Mẫu văn bản dùng trường dữ liệu không có: {error.message}.",
        ) from error
    except TemplateError as error:
        raise TemplateRefused(
            f"the template cannot be rendered: {error}",
            f"Không điền được dữ liệu vào mẫu văn bản: {error}.",
        ) from error
    except Exception as error:  # an expression of the template failed: 1/0, include, …
        raise TemplateRefused(
            f"the template failed while rendering: {type(error).__name__}: {error}",
            f"Mẫu văn bản lỗi khi điền dữ liệu ({type(error).__name__}: {error}).",
        ) from error
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def check_template(content: bytes, kind: DocumentKind) -> None:
    """Accept an uploaded template of ``kind`` or raise ``TemplateRefused``: a .docx of at
    most 2 MiB, without macros, that renders the sample document of its kind."""
    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(
            f"the template is larger than {MAX_TEMPLATE_BYTES // 1024 // 1024} MiB",
            "Tệp mẫu lớn hơn 2 MiB.",
        )
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise TemplateRefused(
            "not a Word document (.docx is a zip archive)",
            "Tệp mẫu không phải văn bản Word (.docx).",
        ) from error
    names = {part.filename.lower() for part in parts}
    if "word/document.xml" not in names or "[content_types].xml" not in names:
        raise TemplateRefused(
            "not a Word document: no word/document.xml",
            "Tệp mẫu không phải văn bản Word (.docx): thiếu phần nội dung word/document.xml.",
        )
    if any(name.rsplit("/", 1)[-1] in {"vbaproject.bin", "vbadata.xml"} for name in names):
        raise TemplateRefused(
            "the template carries macros",
            "Tệp mẫu có chứa macro; chỉ nhận mẫu .docx không có macro.",
        )
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNZIPPED_BYTES:
        raise TemplateRefused(
            "the template unpacks to too much data",
            "Tệp mẫu giải nén ra quá lớn.",
        )
    with zipfile.ZipFile(BytesIO(content)) as archive:
        reaching = _reaching_out(archive)
    if reaching:
        raise TemplateRefused(
            f"the template fetches from outside when opened: {reaching}",
            "Tệp mẫu liên kết tới tệp hoặc địa chỉ bên ngoài (ảnh liên kết, trường "
            "INCLUDEPICTURE, DDE…); hãy nhúng trực tiếp nội dung vào mẫu.",
        )
    render_docx(sample_context(kind), content)


# Word fields that load another file or program when the document is opened or converted.
_FETCHING_FIELDS = re.compile(rb"\b(INCLUDEPICTURE|INCLUDETEXT|IMPORT|LINK|DDE|DDEAUTO)\b")
_INSTRUCTIONS = re.compile(rb'<w:instrText[^>]*>([^<]*)</w:instrText>|w:instr="([^"]*)"')


def _reaching_out(archive: zipfile.ZipFile) -> str:
    """What in a template would make Word or LibreOffice fetch something from elsewhere
    (a linked image, an attached template, a field): converting it to PDF on the server
    would make the server fetch it. Hyperlinks are only followed by a reader's click."""
    for part in archive.infolist():
        name = part.filename
        if name.endswith(".rels"):
            for rel in re.finditer(rb"<Relationship\b[^>]*>", archive.read(part)):
                tag = rel.group(0)
                if b'TargetMode="External"' in tag and not re.search(
                    rb'Type="[^"]*/hyperlink"', tag
                ):
                    return f"{name}: {tag.decode(errors='replace')}"
        elif name.startswith("word/") and name.endswith(".xml"):
            for found in _INSTRUCTIONS.finditer(archive.read(part)):
                instruction = found.group(1) or found.group(2) or b""
                if _FETCHING_FIELDS.search(instruction.upper()):
                    return f"{name}: field {instruction.decode(errors='replace').strip()}"
    return ""


def _columns(table: dict[str, Any]) -> dict[str, list[Any]]:
    """Each column's width (twips, together the text width) and alignment, from what it
    holds: short values (numbers, dates, "Đạt") centred in a narrow column, text left in a
    wide one; no column narrower than its longest word."""
    need, want, align = [], [], []
    for header, *cells in zip(table["header"], *table["rows"], strict=True):
        texts = [header, *cells]
        word = max((len(w) for text in texts for w in text.split()), default=1)
        longest = max(len(text) for text in texts)
        short = all(len(cell) <= 12 for cell in cells)
        # A short value ("Đã khắc phục", a date) stays on one line, a long text may wrap.
        need.append(max(word * _BOLD_CHAR, longest * _CHAR if short else 0) + _CELL_PADDING)
        want.append(max(need[-1], min(longest, 45) * _CHAR + _CELL_PADDING))
        align.append("center" if short else "left")
    if sum(want) <= TEXT_TWIPS:  # everything fits on one line: share out the rest alike
        widths = [TEXT_TWIPS * w // sum(want) for w in want]
    elif sum(need) < TEXT_TWIPS:  # long texts wrap: each column keeps its longest word
        extra = [w - n for w, n in zip(want, need, strict=True)]
        spare = TEXT_TWIPS - sum(need)
        widths = [n + spare * e // sum(extra) for n, e in zip(need, extra, strict=True)]
    else:  # too many columns for the page: in proportion, words may break
        widths = [TEXT_TWIPS * n // sum(need) for n in need]
    widths[-1] += TEXT_TWIPS - sum(widths)
    return {"widths": widths, "align": align}


# Rough widths of a 12 pt Times character in twips (1/1440 inch), regular and bold capital,
# and the cell's left and right padding.
_CHAR = 110
_BOLD_CHAR = 150
_CELL_PADDING = 260
