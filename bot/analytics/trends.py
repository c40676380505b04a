"""Emerging topics: what rose in a week against its baseline ("Opvallend").

A signal is a theme, a question type or a term whose count in the week is improbably high given
* the 12 weeks before it, and the same week (plus and minus one) of up to four
  earlier years, each earlier year scaled to today's level of contacts;
* each week's school share (bot/analytics/calendar.py), with the rate in holiday
  weeks estimated from the log itself, so holidays and the week after them do not
  produce signals.
The test is a negative-binomial upper tail (bot/analytics/stats.py); the
Benjamini-Hochberg procedure over every signal tested in the week keeps the share
of false signals at the chosen rate (DOORVRAAG_TRENDS_FDR, 0.05). Text comes from
`message_log.text_redacted` only, and a term needs MIN_CONTACTS contacts. A term
signal carries the words its contacts share most (each in MIN_CONTACTS of them
too), which labels the cluster of questions behind it; clusters found afresh in
the week itself are described in the digest (terms.clusters) but not tested,
since a cluster fitted to a week always looks unusual in that week.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from bot import labels
from bot.analytics import stats, terms
from bot.analytics.calendar import SchoolCalendar, Week, school_calendar, week_of_moment
from bot.storage.database import Database
from bot.storage.models import Contact, MessageLog

FDR_ENV = "DOORVRAAG_TRENDS_FDR"
DEFAULT_FDR = 0.05
BASELINE_WEEKS = 12
YEARS_BACK = 4
SEASON_SPREAD = 1  # the same week of an earlier year, and one week either side
MIN_COUNT = 3  # a theme or type with fewer contacts in the week is never a signal
HOLIDAY_SHARE = 0.2  # weeks at most this much school are holiday weeks
SCHOOL_SHARE = 0.95  # weeks at least this much school are school weeks
KINDS = ("theme", "question_type", "term")


def fdr_from_env() -> float:
    text = (os.environ.get(FDR_ENV) or "").strip()
    if not text:
        return DEFAULT_FDR
    value = float(text)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{FDR_ENV} must lie between 0 and 1, not {value}")
    return value


@dataclass(frozen=True)
class Signal:
    kind: str
    key: str
    label: str
    count: int
    expected: float
    p_value: float
    q_value: float = 1.0
    terms: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        """-log10 of the tail probability: 2 is one in a hundred, 6 one in a million."""
        return round(-math.log10(max(self.p_value, 1e-300)), 2)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "expected": round(self.expected, 2),
            "score": self.score,
            "p_value": self.p_value,
            "q_value": self.q_value,
        }
        if self.kind == "term":
            data["terms"] = list(self.terms)
        return data

    def sentence(self) -> str:
        """'Pesten: 34 contacten, verwacht rond 18.'"""
        noun = "contact" if self.count == 1 else "contacten"
        if self.kind == "term":
            subject = f"Vragen met '{self.label}'"
            if len(self.terms) > 1:
                subject += f" (vaak samen met {', '.join(self.terms[1:])})"
        else:
            subject = self.label[:1].upper() + self.label[1:]
        return f"{subject}: {self.count} {noun}, verwacht rond {self.expected:.0f}."


@dataclass(frozen=True)
class WeekData:
    """What the trends need of one week: its contacts' codes and its contacts' redacted text."""

    codes: list[tuple[str, str]] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TrendReport:
    week: Week
    signals: tuple[Signal, ...]
    tested: int
    fdr: float
    baseline: tuple[Week, ...]
    holiday_rate: float
    school_share: float
    total: int
    expected_total: float = 0.0  # the themes' expected counts added up: the week's expected contacts

    def as_list(self) -> list[dict[str, object]]:
        return [signal.as_dict() for signal in self.signals]


def baseline_weeks(week: Week, first: Week | None) -> tuple[list[Week], dict[int, list[Week]]]:
    """The recent weeks, and per earlier year the weeks around the same week; none before `first`."""
    recent = [week.shifted(-offset) for offset in range(1, BASELINE_WEEKS + 1)]
    seasonal: dict[int, list[Week]] = {}
    for years in range(1, YEARS_BACK + 1):
        same = week.same_week_years_back(years)
        if same is None:
            continue
        seasonal[years] = [same.shifted(offset) for offset in range(-SEASON_SPREAD, SEASON_SPREAD + 1)]
    if first is None:
        return [], {}
    recent = [w for w in recent if w >= first]
    seasonal = {y: [w for w in ws if w >= first] for y, ws in seasonal.items()}
    return recent, {y: ws for y, ws in seasonal.items() if ws}


def _load(db: Database, week: Week) -> tuple[dict[Week, WeekData], Week | None]:
    """Contacts of the week and the years before it, and the text of the weeks that are compared."""
    with db.session() as session:
        first_start = session.scalar(select(func.min(Contact.started_at)))
    first = week_of_moment(first_start) if first_start is not None else None
    recent, seasonal = baseline_weeks(week, first)
    text_weeks = [week, *recent, *(w for ws in seasonal.values() for w in ws)]
    oldest = week.shifted(-(52 * YEARS_BACK + BASELINE_WEEKS + 2 * SEASON_SPREAD + 2))
    start, end = oldest.utc_range()[0], week.utc_range()[1]
    data: dict[Week, WeekData] = {}
    with db.session() as session:
        rows = session.execute(
            select(Contact.id, Contact.started_at, Contact.theme, Contact.question_type).where(
                Contact.started_at >= start, Contact.started_at < end
            )
        ).all()
        for _id, started, theme, kind in rows:
            data.setdefault(week_of_moment(started), WeekData()).codes.append((theme, kind))
        ranges = [w.utc_range() for w in text_weeks]
        messages = session.execute(
            select(MessageLog.sent_at, MessageLog.contact_id, MessageLog.conversation_id, MessageLog.text_redacted)
            .where(MessageLog.text_redacted.is_not(None))
            .where(or_(*(MessageLog.sent_at.between(a, b) for a, b in ranges)))
        ).all()
    wanted = set(text_weeks)
    for sent, contact_id, conversation_id, text in messages:
        message_week = week_of_moment(sent)
        if message_week not in wanted:
            continue  # `between` includes the next Monday's first instant
        documents = data.setdefault(message_week, WeekData()).documents
        key = contact_id or f"gesprek:{conversation_id}"
        documents[key] = f"{documents[key]} {text}" if key in documents else text
    return data, first


def holiday_rate(data: Mapping[Week, WeekData], weeks: Sequence[Week], calendar: SchoolCalendar) -> float:
    """Contacts in a holiday week relative to a school week, from the log itself (1.0 when unknown)."""
    holiday, school = [], []
    for w in weeks:
        share = calendar.school_share(w)
        total = len(data[w].codes) if w in data else 0
        if share <= HOLIDAY_SHARE:
            holiday.append(total)
        elif share >= SCHOOL_SHARE:
            school.append(total)
    if len(holiday) < 2 or len(school) < 4 or sum(school) == 0:
        return 1.0
    rate = (sum(holiday) / len(holiday)) / (sum(school) / len(school))
    return min(1.0, max(0.05, rate))


def trends(
    db: Database, week: Week, *, fdr: float | None = None, calendar: SchoolCalendar | None = None
) -> TrendReport:
    fdr = fdr_from_env() if fdr is None else fdr
    calendar = calendar or school_calendar()
    data, first = _load(db, week)
    target = data.get(week, WeekData())
    history: list[Week] = []
    if first is not None:
        current = max(first, week.shifted(-(52 * YEARS_BACK + BASELINE_WEEKS)))
        while current < week:
            history.append(current)
            current = current.shifted(1)
    rate = holiday_rate(data, history, calendar)

    def school_exposure(w: Week) -> float:
        share = calendar.school_share(w)
        return share + rate * (1.0 - share)

    recent, seasonal = baseline_weeks(week, first)
    exposure = {w: school_exposure(w) for w in recent}
    recent_level = _level(data, recent, school_exposure)
    for years, weeks in seasonal.items():
        center = week.same_week_years_back(years)
        assert center is not None
        window = [center.shifted(-offset) for offset in range(1, BASELINE_WEEKS + 1)]
        level = _level(data, [w for w in window if first is not None and w >= first], school_exposure)
        if level <= 0 or recent_level <= 0:
            continue
        for w in weeks:
            exposure[w] = school_exposure(w) * level / recent_level
    weeks = sorted(exposure)
    exposures = [exposure[w] for w in weeks]
    target_exposure = school_exposure(week)
    candidates: list[Signal] = []
    if weeks:
        candidates += _code_signals(data, target, weeks, exposures, target_exposure)
        candidates += _text_signals(data, target, weeks, exposures, target_exposure)
    q_values = stats.benjamini_hochberg([s.p_value for s in candidates])
    flagged = [
        Signal(s.kind, s.key, s.label, s.count, s.expected, s.p_value, q, s.terms)
        for s, q in zip(candidates, q_values, strict=True)
        if q <= fdr and s.p_value < 1.0
    ]
    flagged.sort(key=lambda s: (s.p_value, -s.count, s.kind, s.key))
    return TrendReport(
        week=week,
        signals=tuple(flagged),
        tested=len(candidates),
        fdr=fdr,
        baseline=tuple(weeks),
        holiday_rate=rate,
        school_share=calendar.school_share(week),
        total=len(target.codes),
        expected_total=sum(s.expected for s in candidates if s.kind == "theme"),
    )


def _level(data: Mapping[Week, WeekData], weeks: Sequence[Week], exposure) -> float:
    weight = sum(exposure(w) for w in weeks)
    total = sum(len(data[w].codes) for w in weeks if w in data)
    return total / weight if weight > 0 else 0.0


def _test(
    kind: str,
    key: str,
    label: str,
    count: int,
    baseline: Sequence[float],
    exposures,
    target: float,
    minimum: int,
    found_terms: tuple[str, ...] = (),
) -> Signal:
    tail = stats.upper_tail(count, baseline, exposures, target)
    p_value = tail.p_value if count >= minimum and count > tail.expected else 1.0
    return Signal(kind, key, label, count, tail.expected, p_value, 1.0, found_terms)


def _code_signals(data, target: WeekData, weeks, exposures, target_exposure) -> list[Signal]:
    found = []
    for kind, axis, index, codes in (
        ("theme", "themes", 0, labels.themes()),
        ("question_type", "question_types", 1, labels.question_types()),
    ):
        for code in codes:
            baseline = [sum(1 for c in data[w].codes if c[index] == code) if w in data else 0 for w in weeks]
            count = sum(1 for c in target.codes if c[index] == code)
            found.append(
                _test(kind, code, labels.label_text(axis, code), count, baseline, exposures, target_exposure, MIN_COUNT)
            )
    return found


def _text_signals(data, target: WeekData, weeks, exposures, target_exposure) -> list[Signal]:
    """Every term of the week's messages is one test; those in fewer than MIN_CONTACTS contacts can
    never be shown and count with p = 1, so the correction still sees them."""
    target_sets = terms.term_sets(target.documents)
    counts = terms.contact_counts(target_sets.values())
    weekly = [terms.contact_counts(terms.term_sets(data[w].documents).values()) if w in data else {} for w in weeks]
    found = []
    for term, count in sorted(counts.items()):
        baseline = [week_counts.get(term, 0) for week_counts in weekly]
        related = terms.co_terms(target_sets.values(), term) if count >= terms.MIN_CONTACTS else ()
        found.append(
            _test("term", term, term, count, baseline, exposures, target_exposure, terms.MIN_CONTACTS, (term, *related))
        )
    return found


def describe(report: TrendReport) -> list[str]:
    """Dutch lines for the dashboard and the digest."""
    if not report.baseline:
        return ["Er zijn nog te weinig eerdere weken om mee te vergelijken."]
    if not report.signals:
        return ["Deze week valt niets op: alles ligt binnen wat je op grond van eerdere weken mag verwachten."]
    return [signal.sentence() for signal in report.signals]


def week_documents(db: Database, week: Week) -> dict[str, str]:
    """The week's redacted messages, joined per contact (or per conversation without a contact)."""
    start, end = week.utc_range()
    with db.session() as session:
        rows = session.execute(
            select(MessageLog.contact_id, MessageLog.conversation_id, MessageLog.text_redacted).where(
                MessageLog.text_redacted.is_not(None), MessageLog.sent_at >= start, MessageLog.sent_at < end
            )
        ).all()
    documents: dict[str, str] = {}
    for contact_id, conversation_id, text in rows:
        key = contact_id or f"gesprek:{conversation_id}"
        documents[key] = f"{documents[key]} {text}" if key in documents else text
    return documents
