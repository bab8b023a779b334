"""What a file is from its bytes, and the names it is kept and served under."""

from pathlib import Path

import pytest

from api.filetypes import (
    DOCX,
    JPEG,
    NAME_MAX,
    PDF,
    PNG,
    XLSX,
    Refused,
    ascii_name,
    clean_name,
    content_disposition,
    sniff,
)
from tests.api.evidence_world import PNG_1PX, docx, office, pdf, xlsx


def sniffed(tmp_path: Path, content: bytes) -> object:
    path = tmp_path / "f"
    path.write_bytes(content)
    try:
        return sniff(path)
    except Refused as e:
        return e.reason


def test_types_come_from_the_content(tmp_path: Path) -> None:
    assert sniffed(tmp_path, pdf()) is PDF
    assert sniffed(tmp_path, b"\xff\xd8\xff\xe0" + bytes(20)) is JPEG
    assert sniffed(tmp_path, PNG_1PX) is PNG
    assert sniffed(tmp_path, docx()) is DOCX
    assert sniffed(tmp_path, xlsx()) is XLSX
    assert sniffed(tmp_path, b"") == "type"
    assert sniffed(tmp_path, b"<html>%PDF-") == "type"
    assert sniffed(tmp_path, b"PK\x03\x04 not really a zip") == "type"
    assert sniffed(tmp_path, office({"word/document.xml": b"x"})) == "type"  # no content types
    assert sniffed(tmp_path, docx({"word/vbaProject.bin": b"x"})) == "macros"
    macro_types = b'<Types><Default ContentType="application/vnd.ms-word.document.macroEnabled"/>'
    macro = office({"[Content_Types].xml": macro_types, "word/document.xml": b"x"})
    assert sniffed(tmp_path, macro) == "macros"
    many = office({"[Content_Types].xml": b"<Types/>", **{f"{n}": b"" for n in range(5001)}})
    assert sniffed(tmp_path, many) == "type"


@pytest.mark.parametrize(
    ("given", "kind", "kept"),
    [
        ("Biên bản.pdf", PDF, "Biên bản.pdf"),
        ("Bie\u0302n ba\u0309n.PDF", PDF, "Biên bản.pdf"),  # NFD from a Mac: NFC
        ("C:\\Users\\lan\\Ảnh chụp.jpeg", JPEG, "Ảnh chụp.jpg"),
        ("../../etc/passwd", PNG, "passwd.png"),
        ("a\r\nContent-Type: text\x00.pdf", PDF, "a Content-Type text.pdf"),
        ('"báo cáo" \u202egnp.exe', PDF, "báo cáo gnp.pdf"),  # quotes, a bidi override
        ("", XLSX, "tep-dinh-kem.xlsx"),
        ("...", DOCX, "tep-dinh-kem.docx"),
        ("trang.html", PDF, "trang.pdf"),
    ],
)
def test_names_are_cleaned(given: str, kind: object, kept: str) -> None:
    assert clean_name(given, kind) == kept  # type: ignore[arg-type]


def test_names_are_bounded_and_served_in_both_forms() -> None:
    long = clean_name("Đ" * 500 + ".pdf", PDF)
    assert len(long) == NAME_MAX and long.endswith("Đ.pdf")
    assert ascii_name("Đơn đề nghị; 100%.pdf") == "Don de nghi_ 100_.pdf"
    assert content_disposition("Quyết định.pdf") == (
        'attachment; filename="Quyet dinh.pdf"; '
        "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf"
    )
