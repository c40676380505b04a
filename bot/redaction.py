"""Remove personal data from user text before it is stored or shown to analysts.

Finds e-mail addresses, phone numbers, postcodes and street addresses, BSN
(with the 11-proof) and other long numbers, dates (of birth), school names,
and names of people: first names and surnames from the tables in
bot/knowledge/names.yml (also lower-case), and a capitalised word right after a
word that announces a person ("leerling Sam", "meester de Jong"). Each finding
becomes a placeholder such as [NAAM]. It errs on the side of removing too much:
the log is for figures, not for reading the case.

Why not the Dutch de-identification library `deduce`: version 2.5.0 installs
within Rasa's pins, but takes about 70 s and 900 MB to start in every process
and missed lower-case names in our tests (measured 2026-11-24).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from re import Pattern
from typing import overload

from bot import knowledge

EMAIL = "[EMAIL]"
PHONE = "[TELEFOON]"
POSTCODE = "[POSTCODE]"
ADDRESS = "[ADRES]"
BSN = "[BSN]"
NUMBER = "[NUMMER]"
DATE = "[DATUM]"
NAME = "[NAAM]"
SCHOOL = "[SCHOOL]"

_MONTHS = (
    r"jan(uari)?|feb(ruari)?|maart|mrt|apr(il)?|mei|jun(i)?|jul(i)?|aug(ustus)?|"
    r"sep(t(ember)?)?|okt(ober)?|nov(ember)?|dec(ember)?"
)
_CAPITALISED = r"[A-ZÀ-ÝŞÇÖÜ][a-zà-ÿşçöüğı]+(?:-[A-ZÀ-Ý]?[a-zà-ÿ]+)?"
_SURNAME_PREFIX = r"(?:van\s+(?:de|der|den)\s+|van\s+|de\s+|den\s+|ter\s+|ten\s+|el\s+|el-)"

_PATTERNS: tuple[tuple[Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE), EMAIL),
    # Dates: 12-03-2012, 12/3/12, 2012-03-12, 12 maart 2012.
    (re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.](\d{4}|\d{2})\b"), DATE),
    (re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"), DATE),
    (re.compile(rf"\b\d{{1,2}} ({_MONTHS})\.? \d{{4}}\b", re.IGNORECASE), DATE),
    # Phone numbers: +31 6 12345678, 0031..., 06-12345678, 030-285 66 16, 020 123 4567.
    (re.compile(r"(?<![\w+])(\+31|0031)[\s-]?\(?0?\)?[\s-]?[1-9](?:(?:\s?-\s?|\s)?\d){8}\b"), PHONE),
    (re.compile(r"(?<![\w+])0[1-9](?:(?:\s?-\s?|\s)?\d){8}\b"), PHONE),
    # Postcode: 1234 AB / 1234AB / 1234 ab after "postcode".
    (re.compile(r"\b[1-9]\d{3} ?(?!SS|SD|SA)[A-Z]{2}\b"), POSTCODE),
    (re.compile(r"(?<=postcode )[1-9]\d{3} ?[a-z]{2}\b", re.IGNORECASE), POSTCODE),
    # Nine digits (also 123.456.789 / 123 456 789): a BSN when it passes the 11-proof.
    (re.compile(r"\b\d{3}[.\s]?\d{3}[.\s]?\d{3}\b"), NUMBER),
    (re.compile(r"\b\d{7,}\b"), NUMBER),
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    placeholder: str


def is_bsn(digits: str) -> bool:
    """The BSN 11-proof: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11."""
    digits = re.sub(r"\D", "", digits)
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[-1])
    return total % 11 == 0


@cache
def _spec():
    return knowledge.load("redaction")


@cache
def _names():
    return knowledge.load("names")


@cache
def _first_names() -> tuple[frozenset[str], frozenset[str]]:
    """(all first names, the ambiguous ones), lower-case."""
    data = _names()
    return (
        frozenset(n.lower() for n in data["first_names"] + data["ambiguous_first_names"]),
        frozenset(n.lower() for n in data["ambiguous_first_names"]),
    )


@cache
def _not_names() -> frozenset[str]:
    spec = _spec()
    return frozenset(w.lower() for w in spec["not_names"] + spec["languages_and_origins"])


@cache
def _not_person_phrases() -> Pattern[str]:
    return re.compile(rf"\b(?:{_alternatives(_spec()['not_person_phrases'])})\b", re.IGNORECASE)


def _alternatives(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@cache
def _trigger_pattern() -> Pattern[str]:
    """A name right after a word that announces a person: a capitalised word (or two), or a surname."""
    triggers = _alternatives(_spec()["name_triggers"])
    name = rf"{_CAPITALISED}(?:\s+(?:{_SURNAME_PREFIX})?{_CAPITALISED})?"
    return re.compile(rf"(?i:\b(?:{triggers}))(,?\s+)((?:{_SURNAME_PREFIX})?{name})")


@cache
def _surname_pattern() -> Pattern[str]:
    surnames = _alternatives(_names()["surnames"])
    return re.compile(rf"\b(?i:{_SURNAME_PREFIX})?(?:{surnames})\b")


@cache
def _word_pattern() -> Pattern[str]:
    return re.compile(r"[A-Za-zÀ-ÿŞşÇçÖöÜüĞğİı]+(?:-[A-Za-zÀ-ÿ]+)?")


@cache
def _school_patterns() -> tuple[Pattern[str], ...]:
    spec = _spec()
    prefixes = _alternatives(spec["school_prefixes"])
    suffixes = _alternatives(spec["school_suffixes"])
    named = rf"(?:(?:de|het|'t|De|Het)\s+)?{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,2}}"
    return (
        re.compile(rf"(?i:\b(?:{prefixes}))\s+({named})"),
        re.compile(rf"\b((?:{_CAPITALISED}\s+){{1,3}}(?i:{suffixes}))\b(?:\s+{_CAPITALISED})?"),
    )


@cache
def _street_pattern() -> Pattern[str]:
    endings = _alternatives(_spec()["street_endings"])
    return re.compile(rf"\b[A-ZÀ-Ý][a-zà-ÿ]*(?:{endings})\s+\d+\s?[a-zA-Z]?\b")


def _pattern_spans(text: str) -> list[Span]:
    spans = []
    for pattern, placeholder in _PATTERNS:
        for match in pattern.finditer(text):
            if placeholder == NUMBER and is_bsn(match.group(0)):
                placeholder_here = BSN
            else:
                placeholder_here = placeholder
            spans.append(Span(match.start(), match.end(), placeholder_here))
    spans += [Span(m.start(), m.end(), ADDRESS) for m in _street_pattern().finditer(text)]
    return spans


def _school_spans(text: str) -> list[Span]:
    spans = []
    for pattern in _school_patterns():
        for match in pattern.finditer(text):
            first_word = match.group(1).split()[0]
            start = match.start(1)
            if first_word.lower() in _not_names() and first_word.lower() not in ("de", "het", "'t"):
                continue
            if first_word in _spec()["school_determiners"]:
                continue
            if pattern is _school_patterns()[1] and first_word in ("Het", "De", "Een", "Op", "In"):
                start += len(first_word) + 1  # "Het Da Vinci College": the article is not the name
            spans.append(Span(start, match.end(), SCHOOL))
    return spans


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?:\n"


_PRONOUNS = frozenset("je jij u ik we wij jullie ze zij hij het er".split())


def _name_spans(text: str) -> list[Span]:
    spans = []
    names, ambiguous = _first_names()
    for match in _trigger_pattern().finditer(text):
        parts = match.group(2).split()
        # "meester de Jong" is a surname; "de leerling Die ik bedoel" is not a name.
        if parts[0].lower() in _not_names() and not (len(parts) > 1 and parts[0].lower() in ("de", "van")):
            continue
        if any(w.lower() in _not_names() for w in parts[1:] if w.lower() not in ("de", "van")):
            continue
        start = match.start(2)
        # "de moeder van Lisa": "van" means "of" when a first name follows, not a surname prefix.
        if len(parts) > 1 and parts[0].lower() in ("van", "de") and parts[1].lower() in names:
            start = match.start(2) + match.group(2).index(parts[1])
        spans.append(Span(start, match.end(2), NAME))
    words = list(_word_pattern().finditer(text))
    found = set()
    for index, match in enumerate(words):
        word = match.group(0)
        lower = word.lower()
        if lower not in names:
            continue
        if lower in ambiguous and not _ambiguous_is_name(text, match, words[index + 1 : index + 2]):
            continue
        found.add(index)
        spans.append(Span(match.start(), match.end(), NAME))
    # "jan en piet", "tim en sem": an ambiguous name joined by "en" to a name found above.
    for index, match in enumerate(words):
        lower = match.group(0).lower()
        if index in found or lower not in ambiguous:
            continue
        for other in (index - 2, index + 2):
            if other in found and 0 <= other < len(words) and words[min(index, other) + 1].group(0).lower() == "en":
                spans.append(Span(match.start(), match.end(), NAME))
                break
    for match in _surname_pattern().finditer(text):
        surname = match.group(0).split()[-1]
        if surname[0].isupper():
            spans.append(Span(match.start(), match.end(), NAME))
    return spans


def _ambiguous_is_name(text: str, match: re.Match[str], following) -> bool:
    """ "Roos" inside a sentence is a name, "roos" is a flower; "Jan wordt" a name, "Ben je" a verb."""
    word = match.group(0)
    if not word[0].isupper():
        return False
    if not _sentence_start(text, match.start()):
        return True
    return bool(following) and following[0].group(0).lower() not in _PRONOUNS


def _merge(spans: list[Span], text: str) -> list[Span]:
    """Overlapping spans become one; names side by side ("Sanne de Vries") become one [NAAM]."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.placeholder)
            continue
        if (
            merged
            and span.placeholder == NAME == merged[-1].placeholder
            and not text[merged[-1].end : span.start].strip()
        ):
            merged[-1] = Span(merged[-1].start, span.end, NAME)
            continue
        merged.append(span)
    return merged


def personal_spans(text: str) -> list[Span]:
    """Where the personal data in `text` is, in order, without overlaps."""
    exempt = [(m.start(), m.end()) for m in _not_person_phrases().finditer(text)]
    names = [s for s in _name_spans(text) if not any(start <= s.start and s.end <= end for start, end in exempt)]
    return _merge(_pattern_spans(text) + _school_spans(text) + names, text)


@overload
def redact(text: str) -> str: ...


@overload
def redact(text: None) -> None: ...


@overload
def redact(text: str | None) -> str | None: ...


def redact(text: str | None) -> str | None:
    """The text with personal data replaced by placeholders; None stays None."""
    if text is None:
        return None
    result = text
    for span in reversed(personal_spans(text)):
        result = result[: span.start] + span.placeholder + result[span.end :]
    return result
