"""PDF with LibreOffice: a real conversion of a decision, looked at with poppler."""

import shutil
import subprocess
from pathlib import Path

import pytest

from documents.context import sample_context
from documents.kinds import DocumentKind
from documents.pdf import PdfFailed, PdfUnavailable, pdf_unavailable, to_pdf
from documents.render import render_docx
from tests.documents.png import luminance

needs_soffice = pytest.mark.skipif(
    pdf_unavailable() is not None, reason="LibreOffice (soffice) is not installed"
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) is not installed",
)


@needs_soffice
@needs_poppler
def test_a_decision_becomes_an_a4_pdf_that_reads_right(tmp_path: Path) -> None:
    pdf = to_pdf(render_docx(sample_context(DocumentKind.decision)))
    assert pdf.startswith(b"%PDF-")
    source = tmp_path / "decision.pdf"
    source.write_bytes(pdf)

    text = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True, text=True
    ).stdout
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 94/QĐ-UBND",
        "Minh Sơn, ngày 05 tháng 01 năm 2027",
        "QUYẾT ĐỊNH",
        "Nguyễn Văn Bình",
    ):
        assert expected in text

    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")],
        check=True,
    )
    (page,) = tmp_path.glob("p*.png")
    width, height, pixels = luminance(page.read_bytes())
    assert abs(width - 413) <= 1 and abs(height - 585) <= 1  # A4 at 50 dpi: 210 × 297 mm
    white = sum(1 for p in pixels if p > 200) / len(pixels)
    dark = sum(1 for p in pixels if p < 100) / len(pixels)
    assert white > 0.85  # a page of text on white paper …
    assert dark > 0.01  # … with text on it


@needs_soffice
def test_a_damaged_file_fails_plainly() -> None:
    with pytest.raises(PdfFailed):
        to_pdf(b"PK\x03\x04 this is no Word document", timeout=60)


def test_without_libreoffice_the_reason_is_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH where no soffice lives
    reason = pdf_unavailable()
    assert reason is not None
    assert "Chưa cài LibreOffice" in reason and "LibreOffice is not installed" in reason
    with pytest.raises(PdfUnavailable) as unavailable:
        to_pdf(b"")
    assert str(unavailable.value) == reason
