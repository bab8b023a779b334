"""The ranges every date and number a caller sends must lie in.

Python's dates end at year 9999 and reports add a day to their last date, coverage counts
quarters back from its day: at the edges of that range the arithmetic itself fails (a 500).
No inspection, plan or calendar of this office lies outside these bounds, so anything
beyond them is a caller's mistake and answers 422 before any arithmetic runs.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
# Ten years of working days: more than any deadline or plan needs.
MAX_WORKING_DAYS = 3660

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """A day is written YYYY-MM-DD: pydantic would also take a number as seconds since 1970
    (``from=0`` meaning 1 January 1970), which no caller means."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_iso_day), Field(ge=FIRST_DAY, le=LAST_DAY)]
DAY_RANGE = f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
