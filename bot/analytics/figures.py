"""The helpdesk's figures for a period: contacts per theme, type, month, role, sector and channel.

Counted in SQL over the coded `contacts` rows (no free text is read), with every
label present in label order, zeros included, so a report or chart always has
the same rows. Days are local days in Europe/Amsterdam, both ends included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, select

from bot import labels
from bot.hours import MONTH_NAMES
from bot.storage import values
from bot.storage.database import Database
from bot.storage.dates import AMSTERDAM, day_range_utc
from bot.storage.models import Contact

UNKNOWN = "onbekend"
# One word for a contact handed to staff, in the dashboard, the report, the CSV and the digest
# ("doorverwijzen" is what the bot does when it sends someone to Veilig Thuis or 112).
HANDED_OFF = "overgedragen aan een medewerker"


@dataclass(frozen=True)
class Figures:
    date_from: date | None
    date_to: date | None
    total: int
    by_theme: dict[str, int]
    by_question_type: dict[str, int]
    by_month: dict[str, int]
    by_role: dict[str, int]
    by_sector: dict[str, int]
    by_channel: dict[str, int]
    handed_off: int
    urgent: int

    @property
    def handoff_rate(self) -> float:
        return self.handed_off / self.total if self.total else 0.0

    @property
    def urgent_rate(self) -> float:
        return self.urgent / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["date_from"] = self.date_from.isoformat() if self.date_from else None
        data["date_to"] = self.date_to.isoformat() if self.date_to else None
        data["handoff_rate"], data["urgent_rate"] = self.handoff_rate, self.urgent_rate
        return data


def _ordered(counts: Mapping[str | None, int], order: Iterable[str]) -> dict[str, int]:
    """Every label in order (zeros too); a missing value counts as 'onbekend' at the end."""
    result = {code: int(counts.get(code, 0)) for code in order}
    unknown = sum(int(n) for code, n in counts.items() if code not in result)
    if unknown:
        result[UNKNOWN] = unknown
    return result


def _months(start: date, end: date) -> Iterable[str]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year}"


def compute(db: Database, date_from: date | None = None, date_to: date | None = None) -> Figures:
    start, end = day_range_utc(date_from, date_to)
    conditions = []
    if start is not None:
        conditions.append(Contact.started_at >= start)
    if end is not None:
        conditions.append(Contact.started_at < end)

    def grouped(column) -> dict[str | None, int]:
        rows = session.execute(select(column, func.count()).where(*conditions).group_by(column)).all()
        return {value: count for value, count in rows}

    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(Contact).where(*conditions)) or 0
        by_theme = grouped(Contact.theme)
        by_type = grouped(Contact.question_type)
        by_role = grouped(Contact.caller_role)
        by_sector = grouped(Contact.school_type)
        by_channel = grouped(Contact.channel)
        handed_off = (
            session.scalar(select(func.count()).select_from(Contact).where(*conditions, Contact.handoff != "geen")) or 0
        )
        urgent = (
            session.scalar(select(func.count()).select_from(Contact).where(*conditions, Contact.urgent.is_(True))) or 0
        )
        # Months in local time: read the start times (one column) and bucket them here, the same
        # way on SQLite and PostgreSQL.
        months: dict[str, int] = {}
        for (started,) in session.execute(select(Contact.started_at).where(*conditions)):
            key = started.astimezone(AMSTERDAM).strftime("%Y-%m")
            months[key] = months.get(key, 0) + 1
    if months or (date_from and date_to):
        first = date_from or min(_as_date(k) for k in months)
        last = date_to or max(_as_date(k) for k in months)
        by_month = {key: months.get(key, 0) for key in _months(first, last)}
    else:
        by_month = {}
    return Figures(
        date_from,
        date_to,
        int(total),
        _ordered(by_theme, labels.themes()),
        _ordered(by_type, labels.question_types()),
        by_month,
        _ordered(by_role, labels.caller_roles()),
        _ordered(by_sector, labels.school_types()),
        _ordered(by_channel, values.CHANNELS),
        int(handed_off),
        int(urgent),
    )


def _as_date(month_key: str) -> date:
    year, month = month_key.split("-")
    return date(int(year), int(month), 1)


def label_for(axis: str, code: str) -> str:
    """The Dutch name of a code for reports and charts."""
    if code == UNKNOWN:
        return "onbekend"
    if axis == "month":
        return month_label(code)
    if axis == "channel":
        return code
    return labels.label_text(axis, code)


AXES: tuple[tuple[str, str, str], ...] = (
    ("by_theme", "themes", "Contacten per thema"),
    ("by_question_type", "question_types", "Contacten per soort vraag (vraag betreft)"),
    ("by_month", "month", "Contacten per maand"),
    ("by_role", "caller_roles", "Contacten per rol"),
    ("by_sector", "school_types", "Contacten per sector"),
    ("by_channel", "channel", "Contacten per kanaal"),
)


def cross_table(db: Database, date_from: date | None = None, date_to: date | None = None) -> dict[str, dict[str, int]]:
    """Theme x question type for the period: every theme and type in label order, zeros included."""
    start, end = day_range_utc(date_from, date_to)
    conditions = []
    if start is not None:
        conditions.append(Contact.started_at >= start)
    if end is not None:
        conditions.append(Contact.started_at < end)
    with db.session() as session:
        rows = session.execute(
            select(Contact.theme, Contact.question_type, func.count())
            .where(*conditions)
            .group_by(Contact.theme, Contact.question_type)
        ).all()
    counts = {(theme, kind): int(n) for theme, kind, n in rows}
    return {
        theme: {kind: counts.get((theme, kind), 0) for kind in labels.question_types()} for theme in labels.themes()
    }
