"""Declared bounds: every text and list a caller can send has a size, and one line means one.

Texts travel into workflow histories, the read model, e-mail headers, spreadsheets and
PostgreSQL (which cannot store a NUL): control characters are refused everywhere, and
single-line fields also refuse line breaks. The byte budgets at the end bound what one
command and one inspection's record may weigh, well under the Temporal server's 2 MiB
payload limit, so an accepted command can never make the workflow's own answers too large.
"""

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

# Control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) and the line and
# paragraph separators. A multi-line text keeps tab, LF and CR; a single line keeps none.
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_NOT_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _refuse(pattern: re.Pattern[str], value: str, where: str) -> str:
    found = pattern.search(value)
    if found is not None:
        what = "line break" if found.group() in "\r\n\u2028\u2029\x85" else "control character"
        raise ValueError(f"{what} U+{ord(found.group()):04X} is not allowed{where}")
    return value


def _one_line(value: str) -> str:
    return _refuse(_NOT_IN_LINE, value, " in a single-line field")


def _text(value: str) -> str:
    return _refuse(_NOT_IN_TEXT, value, "")


# Sizes in characters.
ID_MAX = 64
CODE_MAX = 20
NUMBER_MAX = 50
NAME_MAX = 200
TITLE_MAX = 500
LEGAL_BASIS_MAX = 2000
NOTE_MAX = 2000
REPORT_MAX = 4000
EVIDENCE_MAX = 500
ORGANISATION_NAME_MAX = 300
DEPTH_MAX = 32  # organisations in one chain, root to leaf
# Sizes of lists.
CRITERIA_MAX = 100  # results in minutes, criteria in a checklist
FINDINGS_MAX = 100  # findings named by one command
TEAM_MAX = 30
EVIDENCE_ITEMS_MAX = 10
PEOPLE_MAX = 20
EXTENSIONS_MAX = 20  # extension requests over an inspection's life

Id = Annotated[str, Field(max_length=ID_MAX), AfterValidator(_one_line)]
Code = Annotated[str, Field(max_length=CODE_MAX), AfterValidator(_one_line)]
Number = Annotated[str, Field(max_length=NUMBER_MAX), AfterValidator(_one_line)]
Name = Annotated[str, Field(max_length=NAME_MAX), AfterValidator(_one_line)]
Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX), AfterValidator(_one_line)]
LegalBasis = Annotated[str, Field(max_length=LEGAL_BASIS_MAX), AfterValidator(_text)]
Note = Annotated[str, Field(max_length=NOTE_MAX), AfterValidator(_text)]
Reason = Annotated[str, Field(min_length=1, max_length=NOTE_MAX), AfterValidator(_text)]
Report = Annotated[str, Field(min_length=1, max_length=REPORT_MAX), AfterValidator(_text)]
LongNote = Annotated[str, Field(max_length=REPORT_MAX), AfterValidator(_text)]
OrganisationName = Annotated[
    str, Field(max_length=ORGANISATION_NAME_MAX), AfterValidator(_one_line)
]
FindingNo = Annotated[int, Field(ge=1, le=FINDINGS_MAX)]
Chain = Annotated[list[Id], Field(max_length=DEPTH_MAX)]
Evidence = Annotated[str, Field(min_length=1, max_length=EVIDENCE_MAX), AfterValidator(_one_line)]

# What one command may weigh (its JSON), and what it may leave the inspection's record
# weighing. The update's request and answer (the snapshot) and the record activity's input
# (both together) stay under the server's 512 KiB warning level, far from its 2 MiB limit.
COMMAND_BYTES_MAX = 128 * 1024
SNAPSHOT_BYTES_BUDGET = 320 * 1024
# A command adding less than this is accepted even past the budget (up to the hard limit):
# the lifecycle can always move on — growth of that kind is itself bounded (history kept
# short, extension requests capped, reasons replaced rather than added).
SMALL_GROWTH_BYTES = 8 * 1024
SNAPSHOT_BYTES_HARD_MAX = SNAPSHOT_BYTES_BUDGET + 48 * 1024


def json_bytes(model: BaseModel) -> int:
    """What ``model`` weighs as JSON (UTF-8 bytes, as it travels to Temporal)."""
    return len(model.__pydantic_serializer__.to_json(model))
