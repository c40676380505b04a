"""Remove personal data from user text before it is stored or logged.

Replaces e-mail addresses, phone numbers, postcodes, BSN-like numbers, dates
(of birth) and capitalised first names after words that announce a person
("leerling Sam", "mijn zoon Daan", "juf Anne") with a placeholder. The word
lists live in bot/knowledge/redaction.yml. Redaction errs on the side of
removing too much: the log is for figures, not for reading the case.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional, Pattern, Tuple

from bot import knowledge

EMAIL = "[EMAIL]"
PHONE = "[TELEFOON]"
POSTCODE = "[POSTCODE]"
NUMBER = "[NUMMER]"
DATE = "[DATUM]"
NAME = "[NAAM]"

_MONTHS = (r"jan(uari)?|feb(ruari)?|maart|mrt|apr(il)?|mei|jun(i)?|jul(i)?|aug(ustus)?|"
           r"sep(t(ember)?)?|okt(ober)?|nov(ember)?|dec(ember)?")

_PATTERNS: Tuple[Tuple[Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE), EMAIL),
    # Dates: 12-03-2012, 12/3/12, 2012-03-12, 12 maart 2012.
    (re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.](\d{4}|\d{2})\b"), DATE),
    (re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"), DATE),
    (re.compile(rf"\b\d{{1,2}} ({_MONTHS})\.? \d{{4}}\b", re.IGNORECASE), DATE),
    # Phone numbers: +31 6 12345678, 0031..., 06-12345678, 030-285 66 16, 020 123 4567.
    (re.compile(r"(?<![\w+])(\+31|0031)[\s-]?\(?0?\)?[\s-]?[1-9](?:[\s-]?\d){8}\b"), PHONE),
    (re.compile(r"(?<![\w+])0[1-9](?:[\s-]?\d){8}\b"), PHONE),
    # Postcode: 1234 AB / 1234AB.
    (re.compile(r"\b[1-9]\d{3} ?(?!SS|SD|SA)[A-Z]{2}\b"), POSTCODE),
    # BSN-like: nine digits (also 123.456.789 / 123 456 789), and any other long number.
    (re.compile(r"\b\d{3}[.\s]?\d{3}[.\s]?\d{3}\b"), NUMBER),
    (re.compile(r"\b\d{7,}\b"), NUMBER),
)


@lru_cache(maxsize=None)
def _name_pattern() -> Pattern[str]:
    """A capitalised word (or two) right after a word that announces a person."""
    spec = knowledge.load("redaction")
    triggers = "|".join(sorted((re.escape(w) for w in spec["name_triggers"]), key=len, reverse=True))
    # One or two capitalised words; a hyphenated name counts as one ("Anne-Marie").
    name = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý]?[a-zà-ÿ]+)?"
    return re.compile(rf"(?i:\b(?:{triggers}))(,?\s+)({name}(?:\s+(?:van\s+(?:de\s+|der\s+)?|de\s+)?{name})?)")


@lru_cache(maxsize=None)
def _not_names() -> frozenset:
    return frozenset(w.lower() for w in knowledge.load("redaction")["not_names"])


def _replace_name(match: "re.Match[str]") -> str:
    words = match.group(2).split()
    if words[0].lower() in _not_names():
        return match.group(0)
    kept = match.group(0)[: match.start(2) - match.start(0)]
    return f"{kept}{NAME}"


def redact(text: Optional[str]) -> Optional[str]:
    """The text with personal data replaced by placeholders; None stays None."""
    if text is None:
        return None
    result = text
    for pattern, placeholder in _PATTERNS:
        result = pattern.sub(placeholder, result)
    return _name_pattern().sub(_replace_name, result)
