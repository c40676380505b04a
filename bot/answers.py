"""The knowledge base of practical answers: bot/knowledge/answers/*.yml, one answer a file.

Each answer is data (its schema is checked by :func:`check`): the Dutch answer in 2-5 sentences,
the sectors and roles it applies to, its building block and theme, one or more public sources with
the date they were checked, whether it rests on something domain.md marks unverified, and 6-10
example questions. `doorvraag answers check` runs :func:`check` (also in `make test`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot import labels

FOLDER = Path(__file__).resolve().parent / "knowledge" / "answers"
BUILDING_BLOCKS = ("visie", "inzicht", "voorwaarden", "preventie", "signaleren", "handelen")
ALL_ROLES = "alle"
STALE_AFTER = timedelta(days=365)
FIELDS = ("key", "title", "answer", "sectors", "roles", "building_block", "theme", "sources", "unverified", "examples")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
# An answer that already says for which schools it holds ("Dit geldt voor het po, vo en (v)so.").
SAYS_SECTORS = re.compile(r"\bgeld(t|en)\b[^.]*\b(po|vo|\(v\)so|so|mbo|basisonderwijs|voortgezet)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    checked_on: date
    article: str | None = None


@dataclass(frozen=True)
class Answer:
    key: str
    title: str
    answer: str
    sectors: tuple[str, ...]
    roles: tuple[str, ...]
    building_block: str
    theme: str
    sources: tuple[Source, ...]
    unverified: bool
    examples: tuple[str, ...]
    # For a sector this answer does not hold for, the answer that does ("Moeten wij een anti-pestcoördinator
    # hebben?" from the mbo: the Wet veiligheid op school does not apply there): (sector, key) pairs.
    elsewhere: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Finding:
    path: str
    message: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{'error' if self.fatal else 'warning'}: {self.path}: {self.message}"


def _sentences(text: str) -> int:
    return len(SENTENCE_END.findall(text.strip()))


def sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if part.strip()]


def _normalise(question: str) -> str:
    return re.sub(r"[^\w]+", " ", question.lower()).strip()


def _read(path: Path) -> Mapping[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise ValueError("not a mapping")
    return data


def _checked(path: Path, data: Mapping[str, Any], today: date) -> list[Finding]:
    name = path.name
    found = [Finding(name, f"missing field '{field}'") for field in FIELDS if field not in data]
    if found:
        return found
    if data["key"] != path.stem:
        found.append(Finding(name, f"key '{data['key']}' is not the file name"))
    sentences = _sentences(str(data["answer"]))
    if not 2 <= sentences <= 5:
        found.append(Finding(name, f"the answer has {sentences} sentences (2-5)"))
    if not set(data["sectors"]) <= set(labels.school_types()) or not data["sectors"]:
        found.append(Finding(name, f"sectors {data['sectors']} are not school types of labels.md"))
    roles = set(data["roles"])
    if not roles or not (roles == {ALL_ROLES} or roles <= set(labels.caller_roles())):
        found.append(Finding(name, f"roles {data['roles']} are not '{ALL_ROLES}' or caller roles of labels.md"))
    if data["building_block"] not in BUILDING_BLOCKS:
        found.append(Finding(name, f"building block '{data['building_block']}' is not one of the six"))
    if data["theme"] not in labels.themes():
        found.append(Finding(name, f"theme '{data['theme']}' is not a theme of labels.md"))
    if not isinstance(data["unverified"], bool):
        found.append(Finding(name, "unverified must be true or false"))
    if not data["sources"]:
        found.append(Finding(name, "no source"))
    for source in data["sources"] or ():
        if not str(source.get("url", "")).startswith(("https://", "http://")) or not source.get("title"):
            found.append(Finding(name, f"a source needs a title and a web address: {source}"))
        checked = source.get("checked_on")
        if not isinstance(checked, date):
            found.append(Finding(name, f"source '{source.get('title')}' has no checked_on date"))
        elif today - checked > STALE_AFTER:
            found.append(
                Finding(
                    name, f"source '{source.get('title')}' was checked on {checked}: older than a year", fatal=False
                )
            )
    for sector in data.get("elsewhere") or {}:
        if sector not in labels.school_types() or sector in data["sectors"]:
            found.append(Finding(name, f"elsewhere: '{sector}' is not a school type the answer leaves out"))
    examples = data["examples"] or ()
    if not 6 <= len(examples) <= 10:
        found.append(Finding(name, f"{len(examples)} example questions (6-10)"))
    if len({_normalise(e) for e in examples}) != len(examples):
        found.append(Finding(name, "an example question is there twice"))
    return found


def check(folder: Path = FOLDER, today: date | None = None) -> list[Finding]:
    """Every problem of the knowledge base; an empty list when it is sound."""
    today = today or date.today()
    findings: list[Finding] = []
    owners: dict[str, str] = {}
    sectors: dict[str, set[str]] = {}
    pointers: list[tuple[str, str, str]] = []
    paths = sorted(folder.glob("*.yml"))
    if not paths:
        return [Finding(str(folder), "no answers")]
    for path in paths:
        try:
            data = _read(path)
        except (yaml.YAMLError, ValueError) as error:
            findings.append(Finding(path.name, f"cannot be read: {error}"))
            continue
        findings += _checked(path, data, today)
        sectors[path.stem] = set(data.get("sectors") or ())
        pointers += [(path.name, str(sector), str(key)) for sector, key in (data.get("elsewhere") or {}).items()]
        for example in data.get("examples") or ():
            norm = _normalise(str(example))
            if norm in owners and owners[norm] != path.stem:
                findings.append(Finding(path.name, f"example '{example}' is also under '{owners[norm]}'"))
            owners.setdefault(norm, path.stem)
    # Each answer named under `elsewhere` exists and holds for the sector it is named for.
    return findings + [
        Finding(name, f"elsewhere: '{key}' is no answer for {sector}")
        for name, sector, key in pointers
        if sector not in sectors.get(key, set())
    ]


def _answer(data: Mapping[str, Any]) -> Answer:
    return Answer(
        key=data["key"],
        title=data["title"],
        answer=" ".join(str(data["answer"]).split()),
        sectors=tuple(data["sectors"]),
        roles=tuple(data["roles"]),
        building_block=data["building_block"],
        theme=data["theme"],
        sources=tuple(Source(s["title"], s["url"], s["checked_on"], s.get("article")) for s in data["sources"]),
        unverified=bool(data["unverified"]),
        examples=tuple(data["examples"]),
        elsewhere=tuple((str(sector), str(key)) for sector, key in (data.get("elsewhere") or {}).items()),
    )


@cache
def load(folder: Path = FOLDER) -> tuple[Answer, ...]:
    """The answers, read once; check() first, since a broken file raises here."""
    return tuple(_answer(_read(path)) for path in sorted(folder.glob("*.yml")))


def applies_to(answer: Answer, sector: str | None) -> bool:
    return sector is None or sector in answer.sectors


def report(findings: Sequence[Finding], folder: Path = FOLDER) -> Iterable[str]:
    fatal = [f for f in findings if f.fatal]
    yield from (str(f) for f in findings)
    count = len(list(folder.glob("*.yml")))
    yield f"{count} answers; {len(fatal)} errors, {len(findings) - len(fatal)} warnings"


def by_key() -> Mapping[str, Answer]:
    return {answer.key: answer for answer in load()}


# Answers for only these roles speak to them ("Ben je nu in gevaar, bel dan 112"): never to someone else.
ADDRESSED_ROLES = frozenset({"leerling", "ouder", "overig"})


def speaks_to(answer: Answer, role: str | None) -> bool:
    """An answer written to pupils or parents is not given to a known other role (an ib'er asking what to do
    about a pupil gets no "Ben je nu in gevaar?"); any other answer's roles say whom it concerns, not whom
    it addresses, so it goes to anyone."""
    addressed = ALL_ROLES not in answer.roles and set(answer.roles) <= ADDRESSED_ROLES
    return not addressed or role is None or role in answer.roles


def choose(keys: Sequence[str], sector: str | None, role: str | None = None) -> Answer | None:
    """The best answer (keys best first) that holds for the user's sector and speaks to their role; None
    when none does.

    A question an mbo teacher asks about the Wet veiligheid op school must not get the po/vo answer: the
    answer its `elsewhere` names for the mbo, else the next candidate that applies, or none at all.
    """
    known = by_key()
    for key in keys:
        answer = known.get(key)
        if answer is not None and not applies_to(answer, sector):
            answer = known.get(dict(answer.elsewhere).get(str(sector), ""))  # the answer for that sector
        if answer is not None and applies_to(answer, sector) and speaks_to(answer, role):
            return answer
    return None


def _sector_words(sectors: Sequence[str], names: Mapping[str, str]) -> str:
    words = [names[code] for code in labels.school_types() if code in sectors]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]


def reply_text(answer: Answer, sector: str | None, texts: Mapping[str, Any]) -> str:
    """The answer as the bot says it: the answer, for whom it holds when that matters, its source as links."""
    parts = [answer.answer]
    if sector is None and set(answer.sectors) != set(labels.school_types()) and not SAYS_SECTORS.search(answer.answer):
        parts.append(texts["sectors"].format(sectors=_sector_words(answer.sectors, texts["sector_names"])))
    if answer.unverified:
        parts.append(texts["unverified"])
    links = ", ".join(f"[{source.title}]({source.url})" for source in answer.sources)
    return " ".join(parts) + "\n\n" + texts["source"].format(links=links)
