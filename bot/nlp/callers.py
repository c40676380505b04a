"""Who is asking (caller_role) and about which kind of school (school_type).

The surface forms and their codes come from the lookup and synonym tables in
data/nlu/lookups.yml (Rasa passes them to the component at training time).
A role is only taken when the writer says it of themselves ("ik ben ib'er",
"als mentor van 2 havo", "mijn zoon ..."), never from a third person ("de
mentor zegt"): labels.md says caller_role is never guessed. A school type is
taken wherever the text names one ("een leerling uit 3 havo").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.labels import PUPIL

CALLER_ROLE = "caller_role"
SCHOOL_TYPE = "school_type"
ENTITIES = (CALLER_ROLE, SCHOOL_TYPE)

_FIRST_PERSON_BEFORE = re.compile(
    # "ben mentor van 2 havo": chat style drops the "ik" at the start of a sentence.
    r"(?:(?:\b(?:ik\s+ben|ben\s+ik|ik\s+werk|ik\s+zit\s+in|wij\s+zijn|we\s+zijn|mijn\s+(?:rol|functie)\s+is)|(?:^|[.!?,;:])\s*ben)\b"
    # Up to four words between, none a preposition: after "ik ben er voor" or "boos op" comes someone else.
    r"(?:\s+(?!(?:voor|op|over|met|tegen|naar|bij|om|door|zonder|dan|aan)\b)\S+){0,4}?\s+(?:als\s+|een\s+|de\s+|het\s+)?"
    r"|\b(?:ik|wij|we|mij|me)\s+(?:\w+\s+){0,4}?als\s+"  # "ik als ouder", "ik werk op een basisschool als"
    # "als mentor", "als externe vp", "als nieuwe teamleider": one word may come between.
    r"|(?:^\s*|[.!?,;:]\s*|\b(?:en|maar|want|hier|hoi|hallo|dag)\s+)als\s+(?:(?!(?:een|de|het|die|deze|dat|dit|je|jouw|jullie|hun|er)\b)\w+\s+)?"
    r"|\b(?:namens|vanuit)\s+(?:het|de|ons|onze)?\s*)$",
    re.IGNORECASE,
)
# A pupil writing about themselves: "ik zit in groep 8", "ik ben 14".
_SELF_PUPIL = re.compile(
    r"\bik\s+(?:zit\s+in\s+(?:groep|klas|de\s+brugklas|\d|(?:de\s+)?(?:\d+e|eerste|tweede|derde|vierde|vijfde|zesde)\s+(?:klas|jaar))|ben\s+(?:1[0-7]|[6-9])(?:\s+jaar)?\b(?!\s+(?:jaar\s+)?(?:docent|leraar|leerkracht|juf|meester|werkzaam)))",
    re.IGNORECASE,
)
# A teacher telling what they teach: "ik geef les op een vmbo", "ik geef geschiedenis aan de bovenbouw",
# or where they stand: "ik sta sinds september voor groep 7", "ik sta voor de klas" (not "voor een dilemma").
_TEACHES = re.compile(
    r"\bik\s+geef\s+(?:(?:\w+\s+){0,3}?les(?:sen)?\b"
    r"|(?!(?:het|dit|dat|die|hem|haar|ze|hun|een)\b)\w+\s+(?:op|aan)\s+(?:een|het|de|ons|onze)\b)"
    r"|\bik\s+sta\s+(?:(?!voor\b)\w+\s+){0,3}?voor\s+(?:de\s+klas|de\s+groep|groep\s+\d|(?:een|mijn|de)\s+(?:\w+\s+)?(?:klas|groep)\b|(?:de\s+)?brugklas|klas\s+\d|\d\s*(?:havo|vwo|vmbo|mavo|[a-z]\b))",
    re.IGNORECASE,
)
TEACHER = "docent"
# Two roles said of oneself, then a word that puts the second in place of the first ("Ik ben mentor.
# Nou ja, sinds deze maand ben ik ook teamleider en ik vraag het in die rol"): the later one holds.
_ROLE_CORRECTED = re.compile(
    r"\b(?:nou\s+ja|ik\s+bedoel|correctie|eigenlijk\s+ben\s+ik|"
    r"(?:ik\s+)?vraag\s+(?:het|dit)\s+(?:\w+\s+){0,2}?(?:als|in\s+(?:die|deze|mijn|de)\s+(?:rol|functie|hoedanigheid)))",
    re.IGNORECASE,
)
# A role that opens the message, then a comma, "van/bij/op/in/aan" or the end: the writer's own role.
_INTRODUCES_SELF_AFTER = re.compile(r"\s*(?:[,.;:!]|$|(?:van|bij|op|in|aan|hier)\b)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^(?:mijn|onze|ons|m'n)\b", re.IGNORECASE)
_SHORT_ANSWER_WORDS = 6
# Typos: only words this long, and this close to a form (difflib's ratio; one letter off in 16 is 0.97).
_FUZZY_MIN = 8
_FUZZY_CUTOFF = 0.9


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Same length as the input, so match offsets stay valid."""
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")


@dataclass(frozen=True)
class Mention:
    entity: str
    value: str
    start: int
    end: int
    text: str

    def as_entity(self, extractor: str) -> dict:
        return {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "confidence_entity": 1.0,
            "extractor": extractor,
        }


class CallerTable:
    """Surface form -> (entity, code), compiled to one regex per entity."""

    def __init__(self, forms: Mapping[str, tuple[str, str]]) -> None:
        self.forms: dict[str, tuple[str, str]] = {}
        for surface, target in forms.items():
            for variant in {surface.lower(), strip_accents(surface.lower())}:
                self.forms.setdefault(normalise(variant), target)
        self._regex: dict[str, re.Pattern] = {}
        # The one-word forms long enough to match a word with a typo (_find_misspelt), per entity.
        self._long_forms: dict[str, list[str]] = {
            entity: [f for f, (e, _) in self.forms.items() if e == entity and " " not in f and len(f) >= _FUZZY_MIN]
            for entity in ENTITIES
        }
        for entity in ENTITIES:
            surfaces = sorted((s for s, (e, _) in self.forms.items() if e == entity), key=len, reverse=True)
            if surfaces:
                alternation = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in surfaces)
                # A school type may open a compound ("vmbo-locatie", "so-scholen", "vo-bestuur").
                after = r"(?![\w']|-(?![a-z]))" if entity == SCHOOL_TYPE else r"(?![\w'-])"
                self._regex[entity] = re.compile(rf"(?<![\w'-])(?:{alternation}){after}", re.IGNORECASE)

    @classmethod
    def from_tables(
        cls,
        lookups: Mapping[str, Iterable[str]],
        synonyms: Mapping[str, str],
        codes: Mapping[str, Iterable[str]],
    ) -> CallerTable:
        """Build from Rasa lookup tables (per entity) and synonyms (form -> code)."""
        lowered = {k.lower(): v for k, v in synonyms.items()}
        forms: dict[str, tuple[str, str]] = {}
        for entity in ENTITIES:
            valid = set(codes[entity])
            for element in lookups.get(entity, ()):
                form = element.strip().lower()
                code = lowered.get(form, form)
                if code in valid and form:
                    forms[form] = (entity, code)
        return cls(forms)

    def to_dict(self) -> dict[str, list[str]]:
        return {surface: list(target) for surface, target in self.forms.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, list[str]]) -> CallerTable:
        return cls({k: (v[0], v[1]) for k, v in data.items()})

    def _find(self, entity: str, text: str) -> list[Mention]:
        regex = self._regex.get(entity)
        if regex is None:
            return []
        found = []
        for match in regex.finditer(text):
            key = re.sub(r"\s+", " ", match.group(0).lower())
            target = self.forms.get(key) or self.forms.get(strip_accents(key))
            if target:
                found.append(Mention(entity, target[1], match.start(), match.end(), match.group(0)))
        return found or self._find_misspelt(entity, text)

    def _find_misspelt(self, entity: str, text: str) -> list[Mention]:
        """A long word one typo away from a form ("praktijkondewijs", "vertrouwenspersoom"), when none is exact."""
        long_forms = self._long_forms[entity]
        found = []
        for word in re.finditer(rf"[\w'-]{{{_FUZZY_MIN},}}", text):
            close = difflib.get_close_matches(
                strip_accents(word.group(0).lower()), long_forms, n=1, cutoff=_FUZZY_CUTOFF
            )
            if close:
                found.append(Mention(entity, self.forms[close[0]][1], word.start(), word.end(), word.group(0)))
        return found

    def extract(self, text: str) -> list[Mention]:
        """All accepted mentions, in text order."""
        text = normalise(text or "")
        schools = self._find(SCHOOL_TYPE, text)
        roles = [m for m in self._find(CALLER_ROLE, text) if self._said_of_self(m, text, schools)]
        if len({m.value for m in roles}) > 1 and _ROLE_CORRECTED.search(text[roles[0].end :]):
            roles = [roles[-1]]
        for pattern, role in ((_SELF_PUPIL, PUPIL), (_TEACHES, TEACHER)):
            said = pattern.search(text)
            if said and not roles:
                roles = [Mention(CALLER_ROLE, role, said.start(), said.end(), said.group(0))]
        return sorted(roles + schools, key=lambda m: m.start)

    @staticmethod
    def _said_of_self(mention: Mention, text: str, schools: list[Mention]) -> bool:
        if _POSSESSIVE.match(mention.text):
            return True
        before = text[: mention.start]
        sentence_start = max(before.rfind(c) for c in ".!?\n") + 1
        if _FIRST_PERSON_BEFORE.search(before[sentence_start:]):
            return True
        after = text[mention.end :]
        school_next = next(
            (s for s in schools if s.start >= mention.end and not text[mention.end : s.start].strip()), None
        )
        if school_next is not None:
            after = text[school_next.end :]  # "ib'er basisschool hier", "docent vmbo, ..."
        # A plural never introduces the writer: "Ouders van een leerling willen ..." is about others.
        plural = mention.text.lower().endswith(("ouders", "docenten", "leerlingen", "mentoren", "leraren"))
        if not before.strip() and not plural and _INTRODUCES_SELF_AFTER.match(after):
            return True  # "Conrector van een scholengemeenschap, ...", "Leerkracht, basisschool."
        # A short answer to "wat is je rol?": "ib'er", "docent op een vmbo".
        rest = text[: mention.start] + " " + text[mention.end :]
        for school in schools:
            rest = rest.replace(school.text, " ")
        words = re.findall(r"\w+", rest)
        return len(words) <= _SHORT_ANSWER_WORDS - 3 and not re.search(
            r"\b(?:de|het|een|die|deze|onze|jullie|hun|zijn|haar)\s*$", before, re.IGNORECASE
        )


def first_value(mentions: Iterable[Mention], entity: str) -> str | None:
    for mention in mentions:
        if mention.entity == entity:
            return mention.value
    return None
