"""Calendar days as the helpdesk means them: in Dutch local time.

A contact at 00:30 on 1 March in Amsterdam belongs to 1 March although it
is still 28 February in UTC, so export ranges are cut at local midnight.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def parse_date(text: str) -> date:
    """A YYYY-MM-DD date; ValueError with a readable message otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"invalid date {text!r}: expected YYYY-MM-DD, e.g. 2024-03-01") from None


def day_range_utc(
    date_from: date | None, date_to: date | None, zone: ZoneInfo = AMSTERDAM
) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC covering date_from..date_to inclusive in `zone`; None leaves a side open."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValueError(f"the start date {date_from} lies after the end date {date_to}")
    start = end = None
    if date_from is not None:
        start = datetime.combine(date_from, time.min, tzinfo=zone).astimezone(timezone.utc)
    if date_to is not None:
        end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone).astimezone(timezone.utc)
    return start, end
