"""The doorvraag question bank: which questions to ask, how to read answers, what to advise.

All content (questions, word lists, duties, advice) lives in
bot/knowledge/questions.yml so the helpdesk can change it without touching code;
this module only selects and combines. No Rasa imports: actions call it, tests run it bare.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from re import Pattern
from types import MappingProxyType

from bot import knowledge

CATEGORIES = ("ja", "nee", "weet_niet", "stop", "tekst", "onbruikbaar")
STATUSES = ("ontbreekt", "aanwezig", "onbekend")  # a gap in a block outweighs what is in place
ADVICE_KINDS = ("in_place", "missing", "unknown")
# Optional: "weet ik niet" from a school leader, for whom "vraag het de directie" would be asking oneself.
LEADER_ADVICE = "unknown_leader"
CONTEXT_AXES = ("themes", "question_types", "school_types", "caller_roles")
MAX_STEPS, MIN_STEPS = 3, 2
OVERIG = "overig"


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    kind: str
    building_block: str | None
    duty: str | None
    weight: int
    advice: Mapping[str, str] = field(compare=False, repr=False)
    applies: Mapping[str, tuple[str, ...]] = field(compare=False, repr=False)
    answered_by: tuple[Pattern[str], ...] = field(compare=False, repr=False)
    # The question asks whether everyone is safe now: its answer is the danger check (bot/knowledge/questions.yml).
    checks_danger: bool = False
    # Asked only while an earlier question's answer has this status (or is not given): "Heeft het bestuur al
    # overlegd met de vertrouwensinspecteur?" is moot once "Is het bestuur op de hoogte?" got a no.
    asked_if: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # Said to a school leader instead of `text`: a director is not asked whether "de directie" knows.
    leader_text: str | None = field(default=None, compare=False, repr=False)

    def text_for(self, caller_role: str | None) -> str:
        return self.leader_text if self.leader_text and caller_role in _data()["leader_roles"] else self.text

    @property
    def groups(self) -> tuple[str, ...]:
        """What selection spreads over: the block and the duty the question checks."""
        return tuple(g for g in (self.building_block, self.duty) if g)


@dataclass(frozen=True)
class Advice:
    in_place: list[str]
    missing: list[str]
    # Follow-ups to what the user described in their own words (open questions).
    noted: list[str]
    duty: str | None
    next_steps: list[str]
    reading: list[str]


# ----------------------------------------------------------------- loading


def _data() -> Mapping:
    return knowledge.load("questions")


def normalise(text: str) -> str:
    """Lower case, accents removed, whitespace collapsed: the form every pattern is written for."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", plain.lower()).strip()


@cache
def _placeholders() -> dict[str, str]:
    """Phone numbers from referrals.yml plus the contacts of questions.yml: one place to change them."""
    values = {key: spec["phone"] for key, spec in knowledge.load("referrals")["services"].items() if spec.get("phone")}
    values.update(_data()["contacts"])
    return values


def fill(text: str) -> str:
    return text.format_map(_placeholders())


def helpdesk_phone() -> str:
    return _data()["contacts"]["helpdesk"]


def _compile(patterns: Iterable[str]) -> tuple[Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@cache
def bank() -> dict[str, Question]:
    """Every question by key, in the order of the YAML file."""
    result = {}
    for key, spec in _data()["questions"].items():
        applies = spec.get("applies") or {}
        result[key] = Question(
            key=key,
            text=spec["text"],
            kind=spec["kind"],
            building_block=spec.get("building_block"),
            duty=spec.get("duty"),
            weight=int(spec["weight"]),
            advice=MappingProxyType(
                {kind: fill(spec["advice"][kind]) for kind in (*ADVICE_KINDS, LEADER_ADVICE) if kind in spec["advice"]}
            ),
            applies={axis: tuple(values) for axis, values in applies.items()},
            answered_by=_compile(spec.get("answered_by") or ()),
            checks_danger=bool(spec.get("checks_danger")),
            asked_if=MappingProxyType(dict(spec.get("asked_if") or {})),
            leader_text=spec.get("text_leader"),
        )
    return result


def moot_questions(keys: Sequence[str], answered: str, status: str) -> list[str]:
    """The questions of `keys` that `answered`'s status makes moot (their `asked_if` wants another)."""
    questions = bank()
    return [key for key in keys if answered in questions[key].asked_if and questions[key].asked_if[answered] != status]


def building_blocks() -> tuple[str, ...]:
    """The six blocks, fundament (visie, inzicht, voorwaarden) first."""
    return tuple(_data()["building_blocks"])


def duties() -> tuple[str, ...]:
    return tuple(_data()["duties"])


# --------------------------------------------------------------- selection


def _matches(question: Question, context: Mapping[str, str | None], text: str) -> bool:
    unknown_ok = _data()["selection"]["when_unknown"]
    for axis in CONTEXT_AXES:
        allowed = question.applies.get(axis)
        if allowed is None:
            continue
        value = context.get(axis)
        if value is None:
            if not set(allowed) & set(unknown_ok.get(axis, ())):
                return False
        elif value not in allowed:
            return False
    mentions = question.applies.get("mentions")
    return not mentions or any(re.search(p, text) for p in mentions)


def applicable(
    theme: str, question_type: str, school_type: str | None = None, caller_role: str | None = None, text: str = ""
) -> list[Question]:
    """All questions for this situation, in YAML order.

    A question outside school safety (a light theme) is treated as type overig:
    it only gets the light questions, never an intake about a case or policy.
    """
    if theme in _data()["selection"]["light_themes"]:
        question_type = OVERIG
    context = {
        "themes": theme,
        "question_types": question_type,
        "school_types": school_type,
        "caller_roles": caller_role,
    }
    norm = normalise(text)
    return [q for q in bank().values() if _matches(q, context, norm)]


def _answered(question: Question, norm_text: str) -> bool:
    return bool(norm_text) and any(p.search(norm_text) for p in question.answered_by)


def says_in_place(key: str, text: str) -> bool:
    """The answer states what the question checks ("nee hoor, iedereen is weer veilig"), whatever its yes or no."""
    return _answered(bank()[key], normalise(text))


def told_answer(key: str, text: str) -> str | None:
    """What words typed for another question say to this one: "ja" when they state what it checks ("de juf
    weet het maar doet niks" to "Heb je het al gemeld?"), "nee" when the clause that states it negates it
    ("het protocol hebben we niet gevolgd"), None when they do not answer it."""
    norm = normalise(text)
    for clause in re.split(r"[,.;:!?]+|\bmaar\b", norm):
        if _answered(bank()[key], clause):
            return "nee" if any(p.search(clause) for p in _word_lists("negation")) else "ja"
    return None


def _score(question: Question) -> int:
    """Weight, plus a bonus when the user's own words triggered the question."""
    bonus = _data()["selection"]["mention_bonus"] if "mentions" in question.applies else 0
    return question.weight + bonus


def answered_in_text(
    theme: str, question_type: str, school_type: str | None = None, caller_role: str | None = None, text: str = ""
) -> list[Question]:
    """Applicable questions the user already answered in their own words (so not asked again)."""
    norm = normalise(text)
    return [q for q in applicable(theme, question_type, school_type, caller_role, text) if _answered(q, norm)]


def select_questions(
    theme: str,
    question_type: str,
    school_type: str | None = None,
    caller_role: str | None = None,
    text: str = "",
    already_asked: Sequence[str] = (),
    limit: int = 6,
    minimum: int = 3,
) -> list[Question]:
    """The questions to ask next, most informative first.

    At most `max_per_group` per building block and per duty, so a conversation walks
    several blocks instead of drilling into one; that cap is only lifted to reach
    `minimum` when too few other questions apply.
    """
    cap = _data()["selection"]["max_per_group"]
    norm = normalise(text)
    asked = set(already_asked)
    pool = sorted(
        (
            q
            for q in applicable(theme, question_type, school_type, caller_role, text)
            if q.key not in asked and not _answered(q, norm)
        ),
        key=lambda q: -_score(q),
    )
    chosen: list[Question] = []
    per_group: Counter = Counter()
    for question in pool:
        if len(chosen) < limit and all(per_group[g] < cap for g in question.groups):
            chosen.append(question)
            per_group.update(question.groups)
    for question in pool:
        if len(chosen) >= min(minimum, limit):
            break
        if question not in chosen:
            chosen.append(question)
    return sorted(chosen, key=lambda q: -_score(q))


# ------------------------------------------------------------------ answers


@cache
def _answer_patterns() -> dict[str, tuple[Pattern[str], ...]]:
    """Category word lists as anchored patterns that must end at a word boundary."""
    words = _data()["answer_words"]
    return {
        category: tuple(re.compile(rf"(?:{p})(?=$|[\s,.;:!?)\-])") for p in words[category])
        for category in ("ja", "nee", "weet_niet", "stop")
    }


@cache
def _word_lists(name: str) -> tuple[Pattern[str], ...]:
    return _compile(_data()["answer_words"][name])


def _unusable(norm: str) -> bool:
    words = re.findall(r"[a-z0-9]+", norm)
    return not words or all(any(p.search(w) for p in _word_lists("unusable_word")) for w in words)


def classify_answer(text: str) -> str:
    """One of CATEGORIES for a free-text answer.

    The longest yes/no/don't-know/stop phrase at the start wins, so "ja, maar..."
    still counts as ja and "zeker niet" as nee; anything else is text, unless no
    word in it carries meaning.
    """
    norm = re.sub(r"^[^\w]+", "", normalise(text))
    if not re.search(r"[a-z0-9]", norm):
        return "onbruikbaar"
    if _stops_in_a_clause(norm):
        return "stop"  # "weet ik niet, stop maar": the stop counts, wherever it comes
    end, category = _leading_answer(norm)
    if category:
        return category
    return "onbruikbaar" if _unusable(norm) else "tekst"


def _stops_in_a_clause(norm: str) -> bool:
    """A clause of the answer is nothing but a stop phrase ("..., stop maar", "nee, laat maar")."""
    clauses = [c.strip() for c in re.split(r"[,.;:!?]+", norm) if c.strip()]
    return len(clauses) > 1 and any(pattern.fullmatch(clause) for clause in clauses for pattern in _word_lists("stop"))


def _leading_answer(norm: str) -> tuple[int, str]:
    """Where the longest yes/no/don't-know/stop phrase at the start ends, and its category."""
    best: tuple[int, str] = (0, "")
    for category, patterns in _answer_patterns().items():
        for pattern in patterns:
            match = pattern.match(norm)
            if match and match.end() > best[0]:
                best = (match.end(), category)
    return best


def _acknowledges(text: str) -> bool:
    """The whole answer is a bare acknowledgement ("ok", "prima")."""
    norm = re.sub(r"^[^\w]+", "", normalise(text))
    return any(pattern.search(norm) for pattern in _word_lists("acknowledgement"))


def says_too_little(question: Question, text: str) -> bool:
    """A typed answer that takes the question in without answering it: asked once more.

    "ok" to a yes/no question ("Is het bestuur al op de hoogte?") is no yes; a bare "ja" or "ok" to an open
    question ("Hoe gaat het nu met de leerling?") says nothing about it.
    """
    if _acknowledges(text):
        return True
    return question.kind == "text" and classify_answer(text) == "ja" and not says_more_than_the_answer(text)


def typed_category(question: Question, text: str, category: str) -> str:
    """The category a typed answer counts as once asked again: a bare acknowledgement stays unknown."""
    return "weet_niet" if question.kind == "yes_no" and _acknowledges(text) else category


def says_more_than_the_answer(text: str) -> bool:
    """ "ja, maar het protocol wordt niet gebruikt" says more than "ja": that part is worth keeping."""
    norm = re.sub(r"^[^\w]+", "", normalise(text))
    end, _category = _leading_answer(norm)
    return bool(re.search(r"[a-z0-9]{2,}", norm[end:]))


def answer_status(question: Question, answer: str) -> str:
    """aanwezig / ontbreekt / onbekend for one answer (a category or the raw text).

    A yes/no question answered in a sentence ("we hebben geen protocol") counts as
    missing when the sentence negates; raw text is needed to see that.
    """
    category = answer if answer in CATEGORIES else classify_answer(answer)
    if (
        category == "tekst"
        and question.kind == "yes_no"
        and answer not in CATEGORIES
        and any(p.search(normalise(answer)) for p in _word_lists("negation"))
    ):
        return "ontbreekt"
    return _data()["answer_status"][category]


def _statuses(answers: Mapping[str, str]) -> list[tuple[Question, str]]:
    questions = bank()
    return [
        (questions[key], answer_status(questions[key], answer)) for key, answer in answers.items() if key in questions
    ]


def assess_building_blocks(answers: Mapping[str, str]) -> dict[str, str]:
    """The status of each block the answers touch, in block order."""
    found: dict[str, set] = {}
    for question, status in _statuses(answers):
        if question.building_block:
            found.setdefault(question.building_block, set()).add(status)
    return {block: next(s for s in STATUSES if s in found[block]) for block in building_blocks() if block in found}


# ------------------------------------------------------------------- advice


def _priority(question: Question) -> tuple[int, int]:
    """Duty checks first (the law is not optional), then fundament blocks, then weight."""
    blocks = building_blocks()
    rank = -1 if question.building_block is None else blocks.index(question.building_block)
    return rank, -question.weight


def _duty_applies(duty: str, school_type: str | None) -> bool:
    return school_type is None or school_type in _data()["duties"][duty]["school_types"]


def duty_text(duty: str, school_type: str | None) -> str:
    texts = _data()["duties"][duty]["text"]
    return fill(texts.get(school_type or "default") or texts["default"])


def duties_signalled(text: str, school_type: str | None = None) -> list[str]:
    """The duties the user's words signal (duty_signals), for the sector when it is known."""
    found = []
    normalised = normalise(text)
    for duty, spec in _data()["duty_signals"].items():
        if not _duty_applies(duty, school_type):
            continue
        norm = normalised
        for pattern in spec.get("negated", ()):
            norm = re.sub(pattern, " ", norm)
        if any(re.search(pattern, norm) for pattern in (*spec.get("unless", ()), *spec.get("named", ()))):
            continue
        if all(any(re.search(pattern, norm) for pattern in group) for group in spec["all"]):
            found.append(duty)
    return found


def duty_named(duty: str, text: str) -> bool:
    """The text (an answer just given, say) already names the duty: it need not be told again."""
    norm = normalise(text)
    return any(re.search(pattern, norm) for pattern in _data()["duty_signals"][duty].get("named", ()))


def _pick_duty(
    theme: str, question_type: str, school_type: str | None, rated: list[tuple[Question, str]]
) -> str | None:
    """The duty a checked question found unmet, else any checked one, else the situation's."""
    checked = sorted((pair for pair in rated if pair[0].duty), key=lambda pair: -pair[0].weight)
    for wanted in (lambda s: s != "aanwezig", lambda s: True):
        for question, status in checked:
            if wanted(status):
                return question.duty
    return (_data()["situation_duty"].get(theme) or {}).get(question_type)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _role_steps(caller_role: str | None, theme: str, question_type: str, text: str = "") -> tuple[list[str], bool]:
    """The first steps for who is asking, and whether they stand in for the default steps: a staff member
    who is the target themselves (`self_target`) gets their own safety first."""
    target = _data().get("self_target") or {}
    norm = normalise(text)
    if (
        question_type == "incident"
        and caller_role in target.get("roles", ())
        and any(re.search(pattern, norm) for pattern in target.get("words", ()))
    ):
        return [fill(step) for step in target["steps"]], False
    spec = _data().get("role_steps", {}).get(caller_role) or {}
    steps = spec.get(f"{theme}_{question_type}") or spec.get(question_type) or []
    return [fill(step) for step in steps], bool(steps and spec.get("instead_of_defaults"))


def advice_for(
    theme: str,
    question_type: str,
    school_type: str | None,
    answers: Mapping[str, str],
    caller_role: str | None = None,
    case_theme: str | None = None,
    text: str = "",
) -> Advice:
    """Advice built from the answers: what is in place, what is missing, the duty, next steps.

    The steps for who is asking come first (a parent's are theirs, not the school's). `case_theme`: the
    theme of the case a question about the law was asked about; its reading comes first. `text`: the case
    in the user's words (redacted)."""
    data = _data()
    own, instead_of_defaults = _role_steps(caller_role, theme, question_type, text)
    rated = sorted(_statuses(answers), key=lambda pair: _priority(pair[0]))
    by_status = {s: [q for q, status in rated if status == s] for s in STATUSES}
    missing = by_status["ontbreekt"]
    steps = [fill(data["duties"][q.duty]["step"]) for q in missing if q.duty and _duty_applies(q.duty, school_type)]
    steps += [fill(data["building_blocks"][q.building_block]["step"]) for q in missing if q.building_block]
    unknown = LEADER_ADVICE if caller_role in data["leader_roles"] else "unknown"
    steps += [q.advice.get(unknown) or q.advice["unknown"] for q in by_status["onbekend"]]
    steps = _unique(steps)[:MAX_STEPS]
    defaults = (
        []
        if instead_of_defaults
        else [fill(s) for s in data["default_steps"].get(question_type, data["default_steps"]["overig"])]
    )
    steps = _unique(steps + defaults)[: max(len(steps), MIN_STEPS)]
    steps = _unique(own + steps)
    duty = _pick_duty(theme, question_type, school_type, rated)
    reading = [
        line
        for each in dict.fromkeys(t for t in (case_theme, theme) if t)
        for line in data["reading"].get(each, data["reading"]["overig"])
    ]
    reading += data["reading_by_school_type"].get(school_type, ())
    described = [q for q in by_status["aanwezig"] if q.kind == "text"]
    return Advice(
        in_place=[q.advice["in_place"] for q in by_status["aanwezig"] if q.kind != "text"],
        noted=[q.advice["in_place"] for q in described],
        missing=[q.advice["missing"] for q in missing],
        duty=duty_text(duty, school_type) if duty else None,
        next_steps=steps,
        reading=[fill(line) for line in _unique(reading)],
    )


def render_advice(advice: Advice) -> str:
    """The advice as one Dutch chat message: short paragraphs, bold headings."""
    parts = []
    if advice.noted:
        parts.append("**Over wat je vertelde**\n" + "\n".join(f"- {t}" for t in advice.noted))
    if advice.in_place:
        parts.append("**Wat al goed geregeld is**\n" + "\n".join(f"- {t}" for t in advice.in_place))
    if advice.missing:
        parts.append("**Waar nog winst te halen is**\n" + "\n".join(f"- {t}" for t in advice.missing))
    steps = "**Mijn voorstel voor de volgende stappen**\n" + "\n".join(
        f"{i}. {step}" for i, step in enumerate(advice.next_steps, 1)
    )
    law = [f"**Wat de wet zegt**\n{advice.duty}"] if advice.duty else []
    if not advice.in_place and not advice.missing and not advice.noted:
        # Nothing from the answers to build on: the steps for the user's situation first, then the law.
        parts += [steps, *law]
    else:
        parts += [*law, steps]
    if advice.reading:
        parts.append("**Meer lezen**\n" + "\n".join(f"- {line}" for line in advice.reading))
    return "\n\n".join(parts)
