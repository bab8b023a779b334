"""The ranges every date and number a caller sends must lie in.

Python's dates end at year 9999 and reports add a day to their last date, coverage counts
quarters back from its day: at the edges of that range the arithmetic itself fails (a 500).
No inspection, plan or calendar of this office lies outside these bounds, so anything
beyond them is a caller's mistake and answers 422 before any arithmetic runs.
"""

from datetime import date
from typing import Annotated

from pydantic import Field

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
# Ten years of working days: more than any deadline or plan needs.
MAX_WORKING_DAYS = 3660

Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
DAY_RANGE = f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
