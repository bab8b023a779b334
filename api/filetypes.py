"""What an uploaded file is, decided from its bytes, and the name it is kept and served under.

Neither the name a client gives nor its Content-Type says anything: a page renamed
``.pdf`` is still a page. Five kinds are accepted — PDF, JPEG, PNG and Office Open XML
documents and workbooks without macros — each recognised by its first bytes, the Office
files by the entries of their zip (read from the central directory only, never unpacked).
"""

import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote


@dataclass(frozen=True)
class FileType:
    media_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", "pdf", "PDF")
JPEG = FileType("image/jpeg", "jpg", "JPEG")
PNG = FileType("image/png", "png", "PNG")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word"
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel"
)
FILE_TYPES = (PDF, JPEG, PNG, DOCX, XLSX)
BY_MEDIA_TYPE = {t.media_type: t for t in FILE_TYPES}
ACCEPTED = ", ".join(t.label for t in FILE_TYPES)

_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_ZIP = b"PK\x03\x04"
_END_OF_DIRECTORY = b"PK\x05\x06"
# An Office file of 20 MiB has a few hundred entries; a zip of a million tiny entries would
# cost far more memory to list than it weighs.
ZIP_ENTRIES_MAX = 5000
CONTENT_TYPES_MAX = 1024 * 1024


class Refused(ValueError):
    """Not a kind of file kiemtra keeps; ``reason`` says why in a word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(path: Path) -> FileType:
    """The kind of the file at ``path`` from its content; ``Refused`` for anything else."""
    with path.open("rb") as f:
        head = f.read(16)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(_ZIP):
        return _office(path)
    raise Refused("type")


def _zip_entries(path: Path) -> int:
    """The entry count the end-of-central-directory record declares (no zip64, no comment
    longer than a zip allows)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 22 - 0xFFFF))
        tail = f.read()
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < 22:
        raise Refused("type")
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    return int(entries)


def _office(path: Path) -> FileType:
    if _zip_entries(path) > ZIP_ENTRIES_MAX:
        raise Refused("type")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if any(n.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for n in names):
                raise Refused("macros")
            types = next((i for i in infos if i.filename == "[Content_Types].xml"), None)
            if types is None or types.file_size > CONTENT_TYPES_MAX:
                raise Refused("type")
            declared = z.read(types).lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        raise Refused("type") from None
    if b"macroenabled" in declared or b"vbaproject" in declared:
        raise Refused("macros")
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise Refused("type")


NAME_MAX = 200
FALLBACK_STEM = "tep-dinh-kem"
# Quotes, and what no file system of an office's computers accepts in a name.
_UNSAFE = re.compile(r"[\"'`<>:|?*;\\/]")
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def _plain(given: str) -> str:
    """The last path part, NFC, without control or format characters, line breaks or quotes."""
    name = unicodedata.normalize("NFC", given[: 4 * NAME_MAX])
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Categories C*: control (CR, LF, NUL …), format (bidirectional overrides), surrogates,
    # private use, unassigned; Z*: every kind of space, made a plain one.
    name = "".join(" " if unicodedata.category(c).startswith(("C", "Z")) else c for c in name)
    return _SPACES.sub(" ", _UNSAFE.sub("", name)).strip()


def shown_name(given: str) -> str:
    """A name the client gave, fit to be shown back in a refusal."""
    return _plain(given)[:100]


def clean_name(given: str, kind: FileType) -> str:
    """The name a file is kept under: its last path part, NFC, without control or format
    characters, line breaks or quotes, Vietnamese letters kept, the extension of its real
    kind, at most ``NAME_MAX`` characters and never empty."""
    stem = _EXTENSION.sub("", _plain(given)).strip(" .")
    if not stem:
        stem = FALLBACK_STEM
    suffix = f".{kind.extension}"
    return stem[: NAME_MAX - len(suffix)].rstrip(" .") + suffix


def ascii_name(name: str) -> str:
    """The name for clients that read only ``filename=``: letters without their marks."""
    plain = name.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", plain)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%;' else "_" for c in plain)
    return plain or FALLBACK_STEM


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name (RFC 6266 / 8187)."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
