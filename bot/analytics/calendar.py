"""ISO weeks in Dutch local time, and how much of each week pupils were at school.

Questions to the helpdesk follow the school year: a week of zomervakantie brings
far fewer of them, and the first school week after it more. The trends scale a
week's expected count by its school share (public holidays from the `holidays`
package, school holidays per region from bot/knowledge/school_holidays.yml), so a
holiday neither hides a rise nor makes the week after it look like one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache

import holidays

from bot import knowledge
from bot.storage.dates import AMSTERDAM

WEEK_PATTERN = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
SCHOOL_DAYS = 5


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week (Monday to Sunday, local time), e.g. 2026-W07."""

    year: int
    number: int

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def shifted(self, weeks: int) -> Week:
        return week_of(self.monday + timedelta(weeks=weeks))

    def utc_range(self) -> tuple[datetime, datetime]:
        """[Monday 00:00, next Monday 00:00) local time, in UTC."""
        start = datetime.combine(self.monday, time.min, tzinfo=AMSTERDAM)
        end = datetime.combine(self.monday + timedelta(days=7), time.min, tzinfo=AMSTERDAM)
        return start.astimezone(timezone.utc), end.astimezone(timezone.utc)

    def same_week_years_back(self, years: int) -> Week | None:
        """The week with the same number `years` earlier (week 53 becomes 52 in a 52-week year)."""
        year = self.year - years
        number = min(self.number, date(year, 12, 28).isocalendar()[1])
        return Week(year, number)


def week_of(day: date) -> Week:
    iso = day.isocalendar()
    return Week(iso[0], iso[1])


def week_of_moment(moment: datetime) -> Week:
    return week_of(moment.astimezone(AMSTERDAM).date())


def parse_week(text: str) -> Week:
    """'2026-W07' (or 2026W7); ValueError with a readable message otherwise."""
    match = WEEK_PATTERN.match(text or "")
    if match:
        year, number = int(match.group(1)), int(match.group(2))
        try:
            return Week(*date.fromisocalendar(year, number, 1).isocalendar()[:2])
        except ValueError:
            pass
    raise ValueError(f"invalid week {text!r}: expected YYYY-Www, e.g. 2026-W07")


def previous_complete_week(today: date) -> Week:
    return week_of(today - timedelta(days=7))


@dataclass(frozen=True)
class SchoolCalendar:
    """Regions with their share of pupils, and each region's holiday days."""

    regions: Mapping[str, float]
    holiday_days: Mapping[str, frozenset[date]]

    def is_school_day(self, day: date, region: str) -> bool:
        return (
            day.weekday() < SCHOOL_DAYS
            and day not in _public_holidays(day.year)
            and (day not in self.holiday_days[region])
        )

    def school_share(self, week: Week) -> float:
        """Share of pupils' school days (Monday-Friday) that were school days in `week`: 0..1."""
        days = [week.monday + timedelta(days=offset) for offset in range(SCHOOL_DAYS)]
        total = sum(self.regions.values())
        share = sum(
            weight * sum(self.is_school_day(day, region) for day in days) / SCHOOL_DAYS
            for region, weight in self.regions.items()
        )
        return share / total if total else 1.0


@cache
def _public_holidays(year: int):
    return holidays.country_holidays("NL", years=year)


def calendar_from(spec: Mapping) -> SchoolCalendar:
    regions = {str(code): float(share) for code, share in spec["regions"].items()}
    days: dict[str, set[date]] = {region: set() for region in regions}
    for entry in spec.get("holidays") or ():
        start, end = _date(entry["start"]), _date(entry["end"])
        for region in entry.get("regions") or regions:
            if region not in regions:
                raise ValueError(f"school holiday {entry['name']}: unknown region {region!r}")
            day = start
            while day <= end:
                days[region].add(day)
                day += timedelta(days=1)
    return SchoolCalendar(regions, {region: frozenset(found) for region, found in days.items()})


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@cache
def school_calendar() -> SchoolCalendar:
    return calendar_from(knowledge.load("school_holidays"))
