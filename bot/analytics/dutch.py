"""Numbers, percentages and moments as a Dutch reader (and Dutch Excel) expects them.

Babel (already pinned through Rasa's dependencies) knows the nl_NL conventions:
a decimal comma and a point between thousands. Percentages get a space before
the sign, as in Dutch house style: "12 %".
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bot.storage.dates import AMSTERDAM

LOCALE = "nl_NL"


def number(value: float, decimals: int = 0) -> str:
    """1234 -> '1.234'; number(10.526, 2) -> '10,53'."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(share: float, decimals: int = 0) -> str:
    """0.1053 -> '11 %'; percent(0.1053, 2) -> '10,53 %'."""
    return f"{number(share * 100, decimals)} %"


def day(value: date) -> str:
    """'1 maart 2026'."""
    return format_date(value, "d MMMM y", locale=LOCALE)


def moment(value: datetime) -> str:
    """'1 maart 2026 om 14:05' in Europe/Amsterdam, whatever zone `value` is in."""
    return format_datetime(value, "d MMMM y 'om' HH:mm", tzinfo=AMSTERDAM, locale=LOCALE)
