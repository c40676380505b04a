"""Is the helpdesk open now, and when does it open next?

School days Monday-Friday 9:00-16:00 Europe/Amsterdam (bot/knowledge/hours.yml),
closed on Dutch public holidays (the `holidays` package) and on the school
holidays listed in hours.yml or in the file named by DOORVRAAG_SCHOOL_HOLIDAYS.
Every function takes `now` so tests can fix the moment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import yaml

from bot import knowledge

SCHOOL_HOLIDAYS_ENV = "DOORVRAAG_SCHOOL_HOLIDAYS"
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTH_NAMES = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


@dataclass(frozen=True)
class Hours:
    zone: ZoneInfo
    opens: time
    closes: time
    weekdays: tuple[int, ...]
    school_holidays: tuple[tuple[date, date], ...]


def _time(text: str) -> time:
    hours, minutes = str(text).split(":")
    return time(int(hours), int(minutes))


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _ranges(entries) -> tuple[tuple[date, date], ...]:
    return tuple((_date(e["start"]), _date(e["end"])) for e in entries or ())


@lru_cache(maxsize=8)
def _load(extra_file: str | None) -> Hours:
    spec = knowledge.load("hours")
    ranges = _ranges(spec.get("school_holidays"))
    if extra_file:
        with Path(extra_file).open(encoding="utf-8") as handle:
            ranges += _ranges((yaml.safe_load(handle) or {}).get("school_holidays"))
    return Hours(ZoneInfo(spec["timezone"]), _time(spec["open"]), _time(spec["close"]), tuple(spec["weekdays"]), ranges)


def config() -> Hours:
    return _load(os.environ.get(SCHOOL_HOLIDAYS_ENV) or None)


@lru_cache(maxsize=16)
def _public_holidays(year: int):
    return holidays.country_holidays("NL", years=year)


def is_school_day(day: date, hours: Hours | None = None) -> bool:
    hours = hours or config()
    if day.weekday() not in hours.weekdays or day in _public_holidays(day.year):
        return False
    return not any(start <= day <= end for start, end in hours.school_holidays)


def _local(now: datetime | None, hours: Hours) -> datetime:
    now = now or current_time()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(hours.zone)


def is_open(now: datetime | None = None) -> bool:
    hours = config()
    local = _local(now, hours)
    return is_school_day(local.date(), hours) and hours.opens <= local.time() < hours.closes


def next_opening(now: datetime | None = None) -> datetime:
    """The next moment the helpdesk opens (after `now`; `now` itself when it opens right then)."""
    hours = config()
    local = _local(now, hours)
    day = local.date()
    if local.time() > hours.opens:
        day += timedelta(days=1)
    for _ in range(400):
        if is_school_day(day, hours):
            return datetime.combine(day, hours.opens, tzinfo=hours.zone)
        day += timedelta(days=1)
    raise RuntimeError("no school day within a year: check the school holidays")


def describe_opening(opening: datetime, now: datetime | None = None) -> str:
    """Dutch words for when the helpdesk opens: 'morgen (dinsdag 24 november) om 9:00'."""
    hours = config()
    local_now = _local(now, hours)
    day = opening.date()
    moment = f"{opening.hour}:{opening.minute:02d}"
    full = f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    if day == local_now.date():
        return f"vandaag om {moment}"
    if day == local_now.date() + timedelta(days=1):
        return f"morgen ({full}) om {moment}"
    return f"{full} om {moment}"


def opening_hours_text() -> str:
    hours = config()
    opens, closes = hours.opens, hours.closes
    return f"elke schooldag van {opens.hour}:{opens.minute:02d} tot {closes.hour}:{closes.minute:02d}"


def school_holidays() -> list[tuple[date, date]]:
    return list(config().school_holidays)


NOW_ENV = "DOORVRAAG_NOW"


def current_time() -> datetime:
    """The current moment; DOORVRAAG_NOW (ISO 8601 with offset) fixes it for tests and demos."""
    fixed = (os.environ.get(NOW_ENV) or "").strip()
    if fixed:
        moment = datetime.fromisoformat(fixed)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=config().zone)
        return moment
    return datetime.now(tz=config().zone)
