"""Synthetic contact logs for the trend tests and `make bench-analytics`: years of coded contacts
with redacted-looking messages, a steady rate per theme scaled by the school calendar, and
spikes planted where a test wants them. Poisson counts from a seeded generator, so every run
builds the same log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
from sqlalchemy import insert

from bot.analytics.calendar import SchoolCalendar, Week, school_calendar, week_of
from bot.storage.database import Database
from bot.storage.dates import AMSTERDAM
from bot.storage.models import Contact, MessageLog

# Contacts per full school week, per theme; holiday weeks get HOLIDAY_RATE of it.
RATES: Mapping[str, float] = {
    "pesten": 6.0,
    "sociale_veiligheid": 7.0,
    "wet_en_regelgeving": 4.0,
    "vertrouwenswerk": 3.0,
    "overig": 1.5,
}
HOLIDAY_RATE = 0.3
TYPES = ("incident", "beleid")
WORDS: Mapping[str, tuple[str, ...]] = {
    "pesten": ("gepest", "pestprotocol", "buitengesloten", "groepsapp", "uitgescholden", "pauze", "mentor",
               "aanpak", "klasgenoten", "sociale", "media", "herhaaldelijk"),
    "sociale_veiligheid": ("veiligheidsplan", "incidentregistratie", "monitor", "schoolplein", "conflict",
                           "agressie", "beleid", "protocol", "melding", "team", "afspraken", "gedragscode"),
    "wet_en_regelgeving": ("meldcode", "wetgeving", "verplicht", "inspectie", "privacy", "avg", "toestemming",
                           "dossier", "bewaren", "klachtenregeling", "leerplicht", "regels"),
    "vertrouwenswerk": ("vertrouwenspersoon", "contactpersoon", "klacht", "gesprek", "geheimhouding",
                        "integriteit", "collega", "melding", "vertrouwelijk", "rol", "taak", "scholing"),
    "overig": ("helpdesk", "bereikbaar", "informatie", "training", "website", "contact", "workshop",
               "materiaal", "folder", "bijeenkomst", "aanmelden", "kosten"),
}
FILLER = ("ik", "wij", "hebben", "een", "vraag", "over", "de", "het", "bij", "ons", "op", "[NAAM]", "[SCHOOL]")


@dataclass(frozen=True)
class Spike:
    """`extra` more contacts of `theme` in `week`, each writing `term` in a message."""

    week: Week
    theme: str
    extra: int
    term: str = "deepfake"


@dataclass
class SyntheticLog:
    contacts: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)


def _moment(random: np.random.RandomState, week: Week) -> datetime:
    day = week.monday + timedelta(days=int(random.randint(0, 5)))
    local = datetime.combine(day, time(9), tzinfo=AMSTERDAM) + timedelta(minutes=int(random.randint(0, 7 * 60)))
    return local.astimezone(timezone.utc)


def _text(random: np.random.RandomState, theme: str, extra_term: str | None) -> str:
    words = list(random.choice(WORDS[theme], size=int(random.randint(3, 6)), replace=False))
    words += list(random.choice(FILLER, size=4))
    if extra_term:
        words.append(extra_term)
    random.shuffle(words)
    return " ".join(words)


def generate(
    first: date,
    weeks: int,
    *,
    seed: int = 7,
    rates: Mapping[str, float] = RATES,
    holiday_rate: float = HOLIDAY_RATE,
    messages_per_contact: float = 2.0,
    spikes: Iterable[Spike] = (),
    calendar: SchoolCalendar | None = None,
) -> SyntheticLog:
    calendar = calendar or school_calendar()
    random = np.random.RandomState(seed)
    planted = {(spike.week, spike.theme): spike for spike in spikes}
    log = SyntheticLog()
    week = week_of(first)
    for _ in range(weeks):
        share = calendar.school_share(week)
        exposure = share + holiday_rate * (1.0 - share)
        for theme, rate in rates.items():
            count = int(random.poisson(rate * exposure))
            spike = planted.get((week, theme))
            extra = spike.extra if spike else 0
            for index in range(count + extra):
                term = spike.term if spike and index >= count else None
                _add_contact(log, random, week, theme, messages_per_contact, term)
        week = week.shifted(1)
    return log


def _add_contact(log: SyntheticLog, random, week: Week, theme: str, per_contact: float, term: str | None) -> None:
    contact_id = f"{len(log.contacts):032x}"
    conversation = f"synth-{len(log.contacts)}"
    started = _moment(random, week)
    kind = "overig" if theme == "overig" else TYPES[int(random.rand() < 0.45)]
    log.contacts.append(
        {
            "id": contact_id,
            "conversation_id": conversation,
            "intake_number": 1,
            "started_at": started,
            "ended_at": started + timedelta(minutes=6),
            "last_activity_at": started + timedelta(minutes=6),
            "channel": "chat",
            "theme": theme,
            "question_type": kind,
            "urgent": False,
            "corrected": False,
            "building_blocks": {},
            "handoff": "geen",
            "status": "afgerond",
        }
    )
    for index in range(max(1, int(random.poisson(per_contact)))):
        log.messages.append(
            {
                "id": f"{len(log.messages):032x}",
                "conversation_id": conversation,
                "contact_id": contact_id,
                "sent_at": started + timedelta(seconds=30 * index),
                "theme": theme,
                "question_type": kind,
                "text_redacted": _text(random, theme, term if index == 0 else None),
            }
        )


def load(db: Database, log: SyntheticLog) -> None:
    """Bulk insert in one transaction (the conversation's write path is one contact at a time)."""
    with db.session() as session, session.begin():
        for start in range(0, len(log.contacts), 2000):
            session.execute(insert(Contact), log.contacts[start : start + 2000])
        for start in range(0, len(log.messages), 5000):
            session.execute(insert(MessageLog), log.messages[start : start + 5000])
