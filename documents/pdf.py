"""PDF from a Word file with LibreOffice, headless, one private profile per conversion."""

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

UNAVAILABLE = (
    "Chưa cài LibreOffice trên máy chủ nên chưa xuất được PDF (LibreOffice is not installed)"
)


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed: the reason, in Vietnamese and English."""


class PdfFailed(RuntimeError):
    """LibreOffice ran but produced no PDF (a damaged file, a crash, the time limit)."""


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_unavailable() -> str | None:
    """None when PDFs can be made here, else why not (Vietnamese, then English)."""
    return None if _soffice() else UNAVAILABLE


def to_pdf(docx: bytes, timeout: float = 60) -> bytes:
    """The PDF of a .docx. Each call has its own LibreOffice profile in its own temporary
    directory: two conversions sharing a profile would collide on its lock, and the second
    would quietly hand its file to the first one's process."""
    soffice = _soffice()
    if soffice is None:
        raise PdfUnavailable(UNAVAILABLE)
    with tempfile.TemporaryDirectory(prefix="kiemtra-pdf-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        # Its own session, so that the time limit kills LibreOffice's helper processes too.
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "HOME": work},
        )
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfFailed(f"LibreOffice took longer than {timeout:g} s") from error
        result = folder / "document.pdf"
        if process.returncode != 0 or not result.exists():
            detail = errors.decode(errors="replace").strip()[-500:]
            raise PdfFailed(f"LibreOffice failed (exit {process.returncode}): {detail}")
        return result.read_bytes()
