"""The organisation tree from CSV: every line checked before anything is written.

An import is usually a spreadsheet saved by hand, so each refusal names the line (as an
editor numbers it: the header is line 1, a quoted value over several lines counts from the
line it starts on) and, where one is at fault, the column.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from api.errors import ApiError, ErrorCode

COLUMNS = ("code", "name", "level", "parent_code", "valid_from", "valid_to")
REQUIRED = ("code", "name", "level")
# The same bounds as POST /organisations (OrganisationCreate).
MAX_LENGTH = {"code": 64, "name": 300, "level": 64, "parent_code": 64}
HEADER_HINT = "code,name,level,parent_code[,valid_from,valid_to]"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Never meant in a code or a name, and PostgreSQL cannot store NUL in text at all.
CONTROL = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ImportRow:
    """One organisation as the file states it."""

    line: int
    code: str
    name: str
    level: str
    parent_code: str
    valid_from: date | None
    valid_to: date | None


def refused(line: int, message: str, column: str | None = None) -> ApiError:
    where = f"line {line}, column {column}" if column else f"line {line}"
    detail: dict[str, Any] = {"line": line} | ({"column": column} if column else {})
    return ApiError(ErrorCode.INVALID_PAYLOAD, f"{where}: {message}", detail)


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM, as Excel writes it, is dropped); other bytes are refused, never
    guessed: a name imported garbled would go into every decision and report."""
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        byte = body[exc.start]
        raise refused(line, f"byte 0x{byte:02X} is not UTF-8; save the file as CSV UTF-8") from None


def parse(data: bytes) -> list[ImportRow]:
    """Every row of the file, each checked on its own and against the rows before it."""
    reader = csv.reader(io.StringIO(decode(data), newline=""), strict=True)
    try:
        header = _header(next(reader, None))
        rows: list[ImportRow] = []
        seen: dict[str, int] = {}
        while True:
            line = reader.line_num + 1
            fields = next(reader, None)
            if fields is None:
                break
            if not fields or fields == [""]:
                continue  # a blank line
            row = _row(line, header, fields)
            if row.code in seen:
                raise refused(
                    row.line, f"code {row.code} is already on line {seen[row.code]}", "code"
                )
            seen[row.code] = row.line
            rows.append(row)
    except csv.Error as exc:
        raise refused(reader.line_num or 1, f"not valid CSV ({exc})") from None
    if not rows:
        raise refused(2, "no organisations after the header")
    return rows


def _header(fields: list[str] | None) -> list[str]:
    if not fields:
        raise refused(1, f"the file is empty; expected the header {HEADER_HINT}")
    names = [f.strip() for f in fields]
    for name in names:
        if name not in COLUMNS:
            raise refused(1, f"unknown column; expected {HEADER_HINT}", name)
        if names.count(name) > 1:
            raise refused(1, "the column appears twice", name)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise refused(1, f"missing column {', '.join(missing)}; expected {HEADER_HINT}")
    return names


def _row(line: int, header: list[str], fields: list[str]) -> ImportRow:
    if len(fields) != len(header):
        raise refused(
            line, f"{len(fields)} fields where the header has {len(header)} ({','.join(header)})"
        )
    values = {name: value.strip() for name, value in zip(header, fields, strict=True)}
    for column in REQUIRED:
        if not values[column]:
            raise refused(line, "a value is required", column)
    for column, value in values.items():
        control = CONTROL.search(value)
        if control:
            raise refused(line, f"control character U+{ord(control[0]):04X}", column)
    for column, limit in MAX_LENGTH.items():
        if len(values.get(column, "")) > limit:
            raise refused(line, f"longer than {limit} characters", column)
    valid_from = _date(line, values, "valid_from")
    valid_to = _date(line, values, "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise refused(line, f"{valid_to} is before valid_from {valid_from}", "valid_to")
    if values.get("parent_code") == values["code"]:
        raise refused(line, "an organisation cannot be its own parent", "parent_code")
    return ImportRow(
        line=line,
        code=values["code"],
        name=values["name"],
        level=values["level"],
        parent_code=values.get("parent_code", ""),
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _date(line: int, values: dict[str, str], column: str) -> date | None:
    text = values.get(column, "")
    if not text:
        return None
    try:
        # fromisoformat alone also reads 20260101 and 2026-W01-1, which nobody means here.
        if ISO_DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise refused(line, f"{text!r} is not a date (YYYY-MM-DD)", column)
