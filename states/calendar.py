"""Dates as Vietnamese offices count them."""

from datetime import date, datetime, timedelta, timezone

# Vietnam has no daylight saving time: a fixed offset is exact and sandbox-safe.
VN_TZ = timezone(timedelta(hours=7), "ICT")


def local_date(moment: datetime) -> date:
    """The calendar date in Vietnam at ``moment`` (an aware datetime)."""
    return moment.astimezone(VN_TZ).date()
