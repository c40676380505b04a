"""`must_not` judged by kind: a table of patterns (tests/conversations/must_not_kinds.yml) gives each
string its kind, and each kind has one check over the structured conversation.

The checks read the conversation in the bot's own terms (tests/conversation_structure.py): the kind of
each message, the slot or bank key a question asks, the services a referral names, the contact's
fields. A string no kind matches, or whose kind has no check, is "not judged" and listed as such, so
the report never claims more than it checked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot import question_bank as qb
from bot import utterances
from tests.conversation_metrics import asked_twice
from tests.conversation_structure import PROFILE_SLOTS, Conversation, Said, Turn

TABLE = Path(__file__).resolve().parent / "conversations" / "must_not_kinds.yml"
CODED_FIELDS = ("theme", "question_type", "caller_role", "school_type")
PUPIL = "leerling"
HELPDESK = "helpdesk"
FIRST_SERVICE = "first_service"
# Questions of the intake proper (not the answer's feedback, the check question or the contact form).
INTAKE_QUESTIONS = ("caller_role", "school_type", "intake_confirmed", "intake_theme")
# What the bot says when it stops asking: a handoff, a closing, a remark read as "enough" or a stop.
STOPPED = (utterances.HANDOFF, utterances.CLOSING)
STOP_REFS = ("stopped", "ending", "just_answer", "not_chat", "person")
STOP_INTENTS = ("stop", "goodbye", "ask_human", "thanks")


@dataclass(frozen=True)
class Verdict:
    text: str
    kind: str | None
    judged: bool
    violated: bool = False


@lru_cache(maxsize=1)
def table(path: Path = TABLE) -> Mapping[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def classify(text: str, spec: Mapping[str, Any] | None = None) -> str | None:
    """The kind of a must_not string: the first kind with a matching pattern, or None."""
    lowered = text.lower()
    for kind in (spec or table())["kinds"]:
        if any(re.search(pattern, lowered) for pattern in kind["patterns"]):
            return str(kind["kind"])
    return None


def _words(name: str, text: str, spec: Mapping[str, Any]) -> list[str]:
    lowered = text.lower()
    return [key for key, patterns in spec[name].items() if any(re.search(p, lowered) for p in patterns)]


def fields_named(text: str, allowed: tuple[str, ...], spec: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    named = [f for f in _words("fields", text, spec or table()) if f in allowed]
    return tuple(named) or allowed


def services_named(text: str, spec: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    return tuple(_words("services", text, spec or table()))


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if not unicodedata.combining(c)).replace("*", "")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", normalise(text)) if s.strip()]


def quoted(text: str) -> str | None:
    """The user's words a must_not quotes ("treat 'nee dank je' as a wrong topic")."""
    found = re.search(r"(?:^|\s)['‘\"]([^'’\"]{2,})['’\"]", text)
    return normalise(found.group(1)) if found else None


# ------------------------------------------------------------------ where in the conversation


def trigger_turn(conversation: Conversation, text: str) -> int:
    """The turn a must_not is about: the one with the user's quoted words, else where the bot (or the
    user's intent) marked a stop, else the last turn."""
    words = quoted(text)
    if words:
        for index, turn in enumerate(conversation.turns):
            if words in normalise(turn.user):
                return index
    for index, turn in enumerate(conversation.turns):
        if turn.intent in STOP_INTENTS or any(_stops(said) for said in turn.said):
            return index
    return len(conversation.turns) - 1


def _stops(said: Said) -> bool:
    return said.kind in STOPPED or (said.kind in (utterances.META, utterances.NOTED) and said.ref in STOP_REFS)


def _intake_question(said: Said) -> bool:
    return said.is_question() and (said.ref in INTAKE_QUESTIONS or said.ref in qb.bank())


def _is_referral(said: Said) -> bool:
    """A referral proper: not the one number said after "weet ik niet" to the check question."""
    return said.kind == utterances.REFERRAL and said.ref != FIRST_SERVICE


def _referrals(conversation: Conversation) -> list[tuple[int, Said]]:
    return [(i, s) for i, s in conversation.said() if _is_referral(s)]


# ------------------------------------------------------------------ the checks (True: violated)


def check_ending_as_wrong_topic(conversation: Conversation, text: str) -> bool:
    """The reply to the ending asks something again (the topic, a confirmation, an intake question)."""
    turn = conversation.turns[trigger_turn(conversation, text)]
    return any(s.is_question() or s.kind == utterances.FALLBACK for s in turn.said)


def check_intake_before_referral(conversation: Conversation, text: str) -> bool:
    """No referral (naming the services the string names), or intake questions between the first turn
    the bot saw danger and the referral."""
    wanted = set(services_named(text))
    referral = _referred(conversation, wanted)
    if referral is None:
        return True
    referred_at = referral[0]
    danger = (
        0 if HELPDESK in wanted else next((i for i, t in enumerate(conversation.turns) if _saw_danger(t)), referred_at)
    )
    return any(_intake_question(s) for i, s in conversation.said() if danger <= i < referred_at) or any(
        _intake_question(s) for s in conversation.turns[referred_at].said[: _position(conversation, referral)]
    )


def _named(said: Said) -> set[str]:
    """The services a message names, the helpdesk's number too, and those another one stands for."""
    named = set(said.services) | ({HELPDESK} if normalise(qb.helpdesk_phone()) in normalise(said.text) else set())
    for service, others in (table().get("covered_by") or {}).items():
        if named & set(others):
            named.add(service)
    return named


def _referred(conversation: Conversation, wanted: set[str]) -> tuple[int, Said] | None:
    """From the message on where everything the string asks for has been given (the services it names,
    over one or more messages), or from the first referral when it names none."""
    given: set[str] = set()
    for index, said in conversation.said():
        if not wanted:
            if _is_referral(said):
                return index, said
            continue
        given |= _named(said)
        if wanted <= given:
            return index, said
    return None


def _position(conversation: Conversation, found: tuple[int, Said]) -> int:
    return conversation.turns[found[0]].said.index(found[1])


def _saw_danger(turn: Turn) -> bool:
    return any(s.is_question("danger_check") or s.kind == utterances.REFERRAL for s in turn.said)


def check_suggest_waiting(conversation: Conversation, text: str) -> bool:
    """An urgent case handed to the queue, or closed, before any referral came."""
    for _, said in conversation.said():
        if said.kind == utterances.REFERRAL:
            return False
        if said.kind in STOPPED:
            return True
    return True


def check_false_urgent(conversation: Conversation, text: str) -> bool:
    """A referral was given (the one number after "weet ik niet" to the check question is none), or the
    contact was logged urgent."""
    return bool(_referrals(conversation)) or bool(conversation.got.get("urgent"))


NAME_QUESTION = re.compile(r"\b(naam|namen|hoe heet)\b")
NO_NAMES = re.compile(r"\b(geen|zonder) (namen|naam)\b")


def check_ask_for_names(conversation: Conversation, text: str) -> bool:
    """A question of the bot asks for a name (a warning not to give names is no question for one)."""
    return any(
        said.is_question() and NAME_QUESTION.search(normalise(said.text)) and not NO_NAMES.search(normalise(said.text))
        for _, said in conversation.said()
    )


def check_ask_again_profile(conversation: Conversation, text: str) -> bool:
    """The role or school question (those the string names) asked again, or asked when known."""
    asked = fields_named(text, PROFILE_SLOTS)
    return any(repeat.question in asked for repeat in asked_twice(conversation))


def check_ignore_person_request(conversation: Conversation, text: str) -> bool:
    """No handoff and no way to reach a person (the helpdesk's number) from the request on."""
    start = trigger_turn(conversation, text)
    phone = normalise(qb.helpdesk_phone())
    return not any(
        said.kind in (utterances.HANDOFF, utterances.OFFER) or phone in normalise(said.text)
        for index, said in conversation.said()
        if index >= start
    )


def check_questions_after_stop(conversation: Conversation, text: str) -> bool:
    """An intake question in reply to the stop, or later unless the user started a new question."""
    start = trigger_turn(conversation, text)
    for turn in conversation.turns[start:]:
        if turn is not conversation.turns[start] and turn.is_question_intent:
            break
        if any(_intake_question(s) for s in turn.said):
            return True
    return False


def check_withheld_answer(conversation: Conversation, text: str) -> bool:
    """No advice or answer at all, or the first one only after every chosen doorvraag was asked."""
    asked: set[str] = set()
    for turn in conversation.turns:
        for said in turn.said:
            if said.kind in (utterances.ADVICE, utterances.ANSWER):
                chosen = set(turn.after.get("doorvraag_keys") or ())
                return bool(chosen) and chosen <= asked
            if said.is_question() and said.ref in qb.bank():
                asked.add(str(said.ref))
    return True


def check_policy_questions_to_pupil(conversation: Conversation, text: str) -> bool:
    """A pupil (as the bot or the script knows it) is asked a bank question about the school's duties or
    one the bank does not mean for pupils."""
    bank = qb.bank()
    pupil = conversation.expect.get("caller_role") == PUPIL
    for turn in conversation.turns:
        pupil = pupil or turn.before.get("caller_role") == PUPIL
        for said in turn.said:
            question = bank.get(str(said.ref)) if said.is_question() else None
            if pupil and question is not None:
                roles = question.applies.get("caller_roles")
                if question.duty or (roles and PUPIL not in roles):
                    return True
    return False


DUTY_WORDS = {
    "meldplicht": re.compile(
        r"meldplicht|\bmeld-|\b(meld|informeer|licht)\w*\b.{0,60}\b(bestuur|bevoegd gezag)\b"
        r"|\b(bestuur|bevoegd gezag)\b.{0,60}\b(informeren|inlichten|melden)\b"
    ),
    "vertrouwensinspecteur": re.compile(r"vertrouwensinspect|0900-111 ?3 ?111"),
}


def check_missing_duty(conversation: Conversation, text: str) -> bool:
    """A duty the string names (meldplicht, the vertrouwensinspecteur) is in none of the bot's messages."""
    lowered = text.lower().replace("bestuur must be informed", "meldplicht")
    needed = [pattern for word, pattern in DUTY_WORDS.items() if word in lowered]
    said = " ".join(normalise(s.text) for _, s in conversation.said())
    return any(not pattern.search(said) for pattern in needed)


def entry_of(section: str, text: str, spec: Mapping[str, Any] | None = None) -> Mapping[str, Any] | None:
    """The entry of a table section (`claims`, `known_facts`) whose `must_not` pattern matches the string."""
    lowered = text.lower()
    return next((e for e in (spec or table())[section] if re.search(e["must_not"], lowered)), None)


def claim_of(text: str) -> Mapping[str, Any] | None:
    return entry_of("claims", text)


def check_forbidden_claim(conversation: Conversation, text: str) -> bool:
    """A sentence of the bot makes the claim, and does not negate it in the same sentence."""
    claim = claim_of(text)
    assert claim is not None, "judged only with a claim (see judgeable)"
    for _, said in conversation.said():
        for sentence in sentences(said.text):
            if any(re.search(p, sentence) for p in claim["said"]) and not any(
                re.search(p, sentence) for p in claim["negated"]
            ):
                return True
    return False


def known_fact_of(text: str) -> Mapping[str, Any] | None:
    return entry_of("known_facts", text)


def check_ask_known_fact(conversation: Conversation, text: str) -> bool:
    """A question asking for the fact (its bank keys) comes with or after the user's message that told it."""
    fact = known_fact_of(text)
    assert fact is not None, "judged only with a known fact (see judgeable)"
    told = next((i for i, turn in enumerate(conversation.turns)
                 if any(re.search(p, normalise(turn.user)) for p in fact["told"])), None)
    if told is None:
        return False
    return any(i >= told and said.is_question() and said.ref in fact["keys"] for i, said in conversation.said())


def check_wrong_coding(conversation: Conversation, text: str) -> bool:
    """The contact's fields (those the string names) differ from the script's expect."""
    return any(conversation.got.get(f) != conversation.expect.get(f) for f in fields_named(text, CODED_FIELDS))


CHECKS: dict[str, Callable[[Conversation, str], bool]] = {
    "ending_as_wrong_topic": check_ending_as_wrong_topic,
    "intake_before_referral": check_intake_before_referral,
    "suggest_waiting": check_suggest_waiting,
    "false_urgent": check_false_urgent,
    "ask_for_names": check_ask_for_names,
    "ask_again_profile": check_ask_again_profile,
    "ignore_person_request": check_ignore_person_request,
    "questions_after_stop": check_questions_after_stop,
    "withheld_answer": check_withheld_answer,
    "policy_questions_to_pupil": check_policy_questions_to_pupil,
    "missing_duty": check_missing_duty,
    "forbidden_claim": check_forbidden_claim,
    "ask_known_fact": check_ask_known_fact,
    "wrong_coding": check_wrong_coding,
}


def judgeable(kind: str | None, text: str) -> bool:
    if kind is None or kind not in CHECKS:
        return False
    if kind == "forbidden_claim":
        return claim_of(text) is not None
    return kind != "ask_known_fact" or known_fact_of(text) is not None


def judge(conversation: Conversation) -> list[Verdict]:
    verdicts = []
    for text in conversation.must_not:
        kind = classify(text)
        if not judgeable(kind, text) or not conversation.turns:
            verdicts.append(Verdict(text, kind, judged=False))
            continue
        assert kind is not None
        verdicts.append(Verdict(text, kind, judged=True, violated=CHECKS[kind](conversation, text)))
    return verdicts
