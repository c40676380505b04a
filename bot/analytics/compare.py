"""Year over year: a period against the same period a year earlier, per theme, type and month.

The annual report and the dashboard open with a few Dutch sentences of the main
changes ("Pesten: 344 contacten, 12 % meer dan vorig jaar"); earlier years come
from the same contact log, so contacts brought in with `doorvraag import` count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analytics import dutch
from bot.analytics.figures import Figures, compute, cross_table, label_for, month_label
from bot.storage.database import Database

BUSIEST_MONTHS = 3
SUMMARY_THEMES = 3


def year_earlier(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Change:
    label: str
    now: int
    before: int

    @property
    def relative(self) -> float | None:
        return (self.now - self.before) / self.before if self.before else None

    def comparison(self) -> str:
        """'12 % meer dan vorig jaar', 'evenveel als vorig jaar', 'vorig jaar nog geen'."""
        if self.before == 0:
            return "vorig jaar nog geen" if self.now else "ook vorig jaar geen"
        relative = self.relative or 0.0
        if round(relative * 100) == 0:
            return "evenveel als vorig jaar"
        return f"{dutch.percent(abs(relative))} {'meer' if relative > 0 else 'minder'} dan vorig jaar"

    def sentence(self, with_previous: bool = True) -> str:
        noun = "contact" if self.now == 1 else "contacten"
        subject = self.label[:1].upper() + self.label[1:]
        text = f"{subject}: {dutch.number(self.now)} {noun}"
        return f"{text}, {self.comparison()}" if with_previous else text


@dataclass(frozen=True)
class YearComparison:
    current: Figures
    previous: Figures
    cross: dict[str, dict[str, int]]

    @property
    def has_previous(self) -> bool:
        return self.previous.total > 0

    def changes(self, attribute: str, axis: str) -> list[Change]:
        now, before = getattr(self.current, attribute), getattr(self.previous, attribute)
        return [Change(label_for(axis, code), count, before.get(code, 0)) for code, count in now.items()]

    def month_changes(self) -> list[Change]:
        """Each month of the period against the same month a year earlier."""
        changes = []
        for key, count in self.current.by_month.items():
            year, month = key.split("-")
            earlier = f"{int(year) - 1:04d}-{month}"
            changes.append(Change(month_label(key), count, self.previous.by_month.get(earlier, 0)))
        return changes

    def busiest_months(self) -> list[tuple[str, int]]:
        ranked = sorted(self.current.by_month.items(), key=lambda item: (-item[1], item[0]))
        return [(month_label(key), count) for key, count in ranked[:BUSIEST_MONTHS] if count]

    def summary(self) -> list[str]:
        """The opening lines: the total, then the themes that changed most."""
        total = Change("in totaal", self.current.total, self.previous.total)
        if not self.has_previous:
            lines = [
                f"In totaal {dutch.number(self.current.total)} contacten. Over dezelfde periode vorig jaar zijn "
                "nog geen contacten bekend; eerdere jaren kun je toevoegen met 'doorvraag import'."
            ]
            themes = sorted(self.changes("by_theme", "themes"), key=lambda c: -c.now)
            return lines + [c.sentence(with_previous=False) + "." for c in themes[:SUMMARY_THEMES] if c.now]
        lines = [f"In totaal {dutch.number(total.now)} contacten, {total.comparison()}."]
        themes = sorted(self.changes("by_theme", "themes"), key=lambda c: (-abs(c.now - c.before), -c.now))
        lines += [c.sentence() + "." for c in themes[:SUMMARY_THEMES] if c.now or c.before]
        return lines


def compare(db: Database, date_from: date, date_to: date) -> YearComparison:
    current = compute(db, date_from, date_to)
    previous = compute(db, year_earlier(date_from), year_earlier(date_to))
    return YearComparison(current, previous, cross_table(db, date_from, date_to))
