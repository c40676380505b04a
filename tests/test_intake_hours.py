"""bot/hours.py: school days 9:00-16:00 Europe/Amsterdam, holidays closed; `now` is injected."""
from datetime import datetime, timezone

import pytest

from bot import hours
from tests.intake_support import AMSTERDAM


def at(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.mark.parametrize("moment, is_open", [
    (at(2026, 11, 24, 10, 0), True),     # Tuesday morning
    (at(2026, 11, 24, 9, 0), True),      # opening minute
    (at(2026, 11, 24, 8, 59), False),    # just before
    (at(2026, 11, 24, 16, 0), False),    # closing time
    (at(2026, 11, 24, 20, 15), False),   # evening
    (at(2026, 11, 21, 11, 0), False),    # Saturday
    (at(2026, 11, 22, 11, 0), False),    # Sunday
    (at(2026, 4, 27, 11, 0), False),     # Koningsdag (Monday)
    (at(2026, 5, 14, 11, 0), False),     # Hemelvaartsdag
    (at(2026, 12, 25, 11, 0), False),    # Kerst
    (at(2026, 12, 22, 11, 0), False),    # kerstvakantie (hours.yml)
])
def test_open_only_on_school_days_during_hours(moment, is_open):
    assert hours.is_open(moment) is is_open


def test_utc_moments_are_read_in_amsterdam_time():
    assert hours.is_open(datetime(2026, 11, 24, 8, 30, tzinfo=timezone.utc))      # 9:30 local
    assert not hours.is_open(datetime(2026, 11, 24, 15, 30, tzinfo=timezone.utc))  # 16:30 local


@pytest.mark.parametrize("moment, opening, words", [
    (at(2026, 11, 24, 20, 15), at(2026, 11, 25, 9, 0), "morgen (woensdag 25 november) om 9:00"),
    (at(2026, 11, 24, 7, 0), at(2026, 11, 24, 9, 0), "vandaag om 9:00"),
    (at(2026, 11, 27, 17, 0), at(2026, 11, 30, 9, 0), "maandag 30 november om 9:00"),
    (at(2026, 4, 26, 12, 0), at(2026, 4, 28, 9, 0), "dinsdag 28 april om 9:00"),
    (at(2026, 12, 18, 16, 30), at(2027, 1, 4, 9, 0), "maandag 4 januari om 9:00"),
])
def test_next_opening_skips_evenings_weekends_and_holidays(moment, opening, words):
    assert hours.next_opening(moment) == opening
    assert hours.describe_opening(opening, moment) == words


def test_school_holidays_from_an_extra_file(tmp_path, monkeypatch):
    extra = tmp_path / "vakanties.yml"
    extra.write_text("school_holidays:\n  - {name: herfstvakantie, start: 2026-10-19, end: 2026-10-23}\n")
    assert hours.is_open(at(2026, 10, 20, 10, 0))
    monkeypatch.setenv(hours.SCHOOL_HOLIDAYS_ENV, str(extra))
    assert not hours.is_open(at(2026, 10, 20, 10, 0))
    assert hours.next_opening(at(2026, 10, 20, 10, 0)) == at(2026, 10, 26, 9, 0)


def test_now_can_be_fixed_by_the_environment(monkeypatch):
    monkeypatch.setenv(hours.NOW_ENV, "2026-11-24T10:30:00+01:00")
    assert hours.current_time() == at(2026, 11, 24, 10, 30)
    assert hours.is_open()


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        hours.is_open(datetime(2026, 11, 24, 10, 0))
