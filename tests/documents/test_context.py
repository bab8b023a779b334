"""The document context: Decree 30 dates, bounds, and the kinds' tables."""

from datetime import date

import pytest
from pydantic import ValidationError

from documents.context import DocumentContext, Section, Table, date_line, sample_context
from documents.kinds import KIND_TITLE, KIND_TYPE, DocumentKind


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 5), "Minh Sơn, ngày 05 tháng 01 năm 2027"),
        (date(2027, 3, 15), "Minh Sơn, ngày 15 tháng 3 năm 2027"),
        (date(2027, 2, 5), "Minh Sơn, ngày 05 tháng 02 năm 2027"),
        (date(2027, 12, 9), "Minh Sơn, ngày 09 tháng 12 năm 2027"),
        (date(2027, 10, 31), "Minh Sơn, ngày 31 tháng 10 năm 2027"),
    ],
)
def test_date_line_pads_days_below_10_and_months_1_and_2_only(day: date, expected: str) -> None:
    assert date_line("Minh Sơn", day) == expected


def test_an_unsigned_document_leaves_the_date_blank() -> None:
    line = date_line("Minh Sơn", None)
    assert line.startswith("Minh Sơn, ngày ")
    assert "tháng" in line and line.rstrip().endswith("năm")
    assert not any(ch.isdigit() for ch in line)


def test_every_kind_has_a_type_code_a_title_and_a_sample() -> None:
    assert set(KIND_TYPE) == set(KIND_TITLE) == set(DocumentKind)
    assert [KIND_TYPE[k] for k in DocumentKind] == [
        "QĐ", "QĐ", "TB", "BB", "BC", "TB", "QĐ", "CV", "BC", "BC", "BC", "CV",
    ]  # fmt: skip
    for kind in DocumentKind:
        assert sample_context(kind).kind is kind


def test_strings_and_lists_are_bounded() -> None:
    base = sample_context(DocumentKind.notice).model_dump()
    with pytest.raises(ValidationError):
        DocumentContext.model_validate({**base, "issuer": "X" * 301})
    with pytest.raises(ValidationError):
        DocumentContext.model_validate({**base, "recipients": ["- A;"] * 41})
    with pytest.raises(ValidationError):
        Section(paragraphs=["x" * 5001])
    with pytest.raises(ValidationError):
        Table(header=["a"] * 13, rows=[])


def test_a_ragged_table_is_refused() -> None:
    with pytest.raises(ValidationError, match="row 2 has 1 cells"):
        Table(header=["STT", "Nội dung"], rows=[["1", "a"], ["2"]])


def test_control_characters_are_dropped_but_line_breaks_kept() -> None:
    section = Section(paragraphs=["a\x00b\x07c\x0cd\r\ne\tf"])
    assert section.paragraphs == ["abcd\ne\tf"]
