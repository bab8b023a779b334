"""What a document says: the data a template is rendered with, bounded so that no request
can make a document of unbounded size, and the Decree 30 place-and-date line."""

import re
from datetime import date
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from documents.kinds import DocumentKind

# XML 1.0 cannot carry most control characters, and docxtpl gives \a and \f a meaning (new
# paragraph, page break): only tab and newline (a line break in Word) are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


# One line: a name, a number, a heading, a recipient.
Line = Annotated[str, BeforeValidator(_clean), Field(max_length=300)]
Paragraph = Annotated[str, BeforeValidator(_clean), Field(max_length=5000)]
Cell = Annotated[str, BeforeValidator(_clean), Field(max_length=2000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signature(_Model):
    form: Line = ""  # signing form: "TM.", "KT.", "Q.", "TL.", "TUQ." or ""
    authority: Line = ""  # after the form: "ỦY BAN NHÂN DÂN" (TM. ỦY BAN NHÂN DÂN)
    position: Line = ""  # "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TRƯỞNG ĐOÀN", "ĐẠI DIỆN ĐƠN VỊ"
    name: Line = ""  # the signer's full name; the space above it is for signature and seal


class Table(_Model):
    header: list[Line] = Field(min_length=1, max_length=12)
    rows: list[list[Cell]] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _rectangular(self) -> Self:
        # A ragged row would shift every cell after it into the wrong column.
        width = len(self.header)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"row {number} has {len(row)} cells, the header {width}")
        return self


class Section(_Model):
    heading: Line = ""  # "Điều 1." or "I. KẾT QUẢ KIỂM TRA"
    paragraphs: list[Paragraph] = Field(default_factory=list, max_length=200)
    table: Table | None = None


class DocumentContext(_Model):
    kind: DocumentKind
    superior: Line = ""  # governing body, first line top left: "UBND TỈNH MINH SƠN"
    issuer: Line  # issuing body, bold: "ỦY BAN NHÂN DÂN XÃ AN PHÚ"
    number_line: Line  # "Số: 94/QĐ-UBND", already formatted
    place: Line  # "Minh Sơn"
    signed_on: date | None = None  # None: the date line keeps blanks to be filled by hand
    title: Line = ""  # "QUYẾT ĐỊNH", "THÔNG BÁO", "BIÊN BẢN", "BÁO CÁO"; none on a letter
    subject: Line = ""  # trích yếu under the title ("V/v …" under the number on a letter)
    authority: Line = ""  # a decision's enacting authority: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH"
    bases: list[Paragraph] = Field(default_factory=list, max_length=40)  # "Căn cứ …;"
    addressees: list[Line] = Field(default_factory=list, max_length=20)  # "Kính gửi: …"
    sections: list[Section] = Field(default_factory=list, max_length=100)
    signatures: list[Signature] = Field(default_factory=list, max_length=12)
    recipients: list[Line] = Field(default_factory=list, max_length=40)  # "Nơi nhận:" lines


def date_line(place: str, day: date | None) -> str:
    """ "Minh Sơn, ngày 05 tháng 01 năm 2027": Decree 30 writes a leading zero on days 1–9 and
    on months 1 and 2 only (so that nobody can add a digit: "ngày 15 tháng 3 năm 2027")."""
    if day is None:
        when = "ngày     tháng     năm"  # filled in by hand on signing
    else:
        month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
        when = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {when}" if place else when[:1].upper() + when[1:]


def sample_context(kind: DocumentKind, findings: int = 4) -> DocumentContext:
    """Realistic sample data of one kind (tests, the check of an uploaded template, the
    benchmark); ``findings`` sets the length of the findings tables."""
    from documents.samples import sample  # bulky data, loaded only when asked for

    return sample(kind, findings)
