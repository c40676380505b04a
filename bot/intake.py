"""The intake conversation's decisions, without Rasa: which step comes next, how a reply is read,
what the bot says. Texts and word lists live in bot/knowledge/dialogue.yml; the questions and
the advice in bot/knowledge/questions.yml (bot/question_bank.py).

The actions in actions/ only translate between the tracker and these functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot import hours, knowledge, labels
from bot import question_bank as qb
from bot.classifier import Classification, from_parse
from bot.redaction import redact

# The answer to the check question is logged on the contact under this key (with ja / nee / weet_niet).
DANGER_QUESTION = "gevaar_nu"
# A practical question the knowledge base has no answer for is logged under antwoord:geen (its redacted text).
NO_ANSWER_KEY = "geen"
MAX_DOORVRAGEN = 6
MIN_DOORVRAGEN = 3
DOORVRAAG_SLOTS = tuple(f"doorvraag_{n}" for n in range(1, MAX_DOORVRAGEN + 1))
SAFETY_THEMES = ("pesten", "sociale_veiligheid", "wet_en_regelgeving", "vertrouwenswerk")
# Answers to a yes/no question sent by its buttons.
PAYLOAD_CATEGORIES = {"affirm": "ja", "deny": "nee", "dont_know": "weet_niet", "stop": "stop"}
Button = dict[str, str]


def texts() -> Mapping[str, Any]:
    return knowledge.load("dialogue")


def _payload(intent: str, **entities: str) -> str:
    if not entities:
        return f"/{intent}"
    inner = ",".join(f'"{k}":"{v}"' for k, v in entities.items())
    return f"/{intent}{{{inner}}}"


def button(title: str, intent: str, **entities: str) -> Button:
    return {"title": title, "payload": _payload(intent, **entities)}


# ------------------------------------------------------------------ reading a message


@dataclass(frozen=True)
class Reply:
    """One user message as the intake sees it."""

    text: str
    intent: str | None
    confidence: float
    entities: dict[str, str]
    classification: Classification
    parse: Mapping[str, Any]

    @property
    def is_payload(self) -> bool:
        return self.text.startswith("/")

    @classmethod
    def of(cls, parse: Mapping[str, Any]) -> Reply:
        intent = parse.get("intent") or {}
        entities: dict[str, str] = {}
        for entity in parse.get("entities") or []:
            if entity.get("entity") and entity.get("value") is not None:
                entities.setdefault(entity["entity"], str(entity["value"]))
        return cls(
            text=str(parse.get("text") or ""),
            intent=intent.get("name"),
            confidence=float(intent.get("confidence") or 0.0),
            entities=entities,
            classification=from_parse(parse),
            parse=parse,
        )

    @property
    def possibly_dangerous(self) -> bool:
        """The urgency model's `mogelijk`: not sure enough to refer, too worrying to let pass unasked."""
        return self.classification.urgency == labels.MOGELIJK

    @property
    def danger_words(self) -> bool:
        """The urgency rules matched danger words (the `urgency` entity then spans them)."""
        return any(
            e.get("entity") == labels.URGENCY_ENTITY and (e.get("end") or 0) > (e.get("start") or 0)
            for e in self.parse.get("entities") or []
        )


def interrupts(reply: Reply) -> bool:
    """Does this message break off the intake (urgent, a human, a robot question, off topic)?"""
    if reply.intent == labels.URGENT_INTENT:
        return True  # acuut: the urgency model makes the intent urgent only then
    minimum = texts()["interrupt"].get(reply.intent or "")
    return minimum is not None and (reply.is_payload or reply.confidence >= minimum)


def is_new_question(reply: Reply) -> bool:
    """A new question rather than an answer: a question intent, phrased as a question.

    Only question intents count, because only they start a new intake (data/rules.yml).
    """
    spec = texts()["new_question"]
    if labels.labels_of_intent(reply.intent) is None:
        return False
    if reply.is_payload:
        return True
    norm = qb.normalise(reply.text)
    if says_new_topic(reply.text):
        return True
    if reply.classification.theme == labels.OVERIG or reply.confidence < spec["min_confidence"]:
        return False
    if len(norm.split()) < spec["min_words"] or qb.classify_answer(reply.text) != "tekst":
        return False
    return is_question(reply.text)


# Intents that end the conversation whatever was asked ("nee, dat was het, bedankt", "doei").
ENDING_INTENTS = ("goodbye",)


def feedback_category(reply: Reply) -> str:
    """ja / nee / stop / einde / weet_niet for a reply to a yes-no offer; thanks counts as a yes."""
    category = answer_category(reply)
    if category in ("ja", "nee", "stop", "weet_niet"):
        return category
    if reply.intent in ENDING_INTENTS:
        return "einde"
    if reply.intent == "thanks":
        return "ja"
    return "weet_niet"


def answer_log_key(answer_key: str | None) -> str:
    """The question key under which the contact logs whether an answer helped: antwoord:<key>."""
    return f"antwoord:{answer_key or NO_ANSWER_KEY}"


def is_question(text: str) -> bool:
    """Phrased as a question: ends with '?' or starts like one (dialogue.yml's new_question starts)."""
    norm = qb.normalise(text)
    starts = "|".join(texts()["new_question"]["starts"])
    return norm.rstrip().endswith("?") or bool(re.match(rf"(?:{starts})\b", norm))


def yes_no_buttons(titles: Mapping[str, str]) -> list[Button]:
    return [button(titles["ja"], "affirm"), button(titles["nee"], "deny")]


def theme_named(text: str) -> str | None:
    """The one theme a typed message names with its labels.yml `words` ("nee, het gaat over pesten"), or None."""
    if text.startswith("/"):
        return None
    norm = qb.normalise(text)
    named = [
        code
        for code, spec in knowledge.load("labels")["themes"].items()
        if any(re.search(pattern, norm) for pattern in spec.get("words", ()))
    ]
    return named[0] if len(named) == 1 else None


def tells_more(reply: Reply) -> bool:
    """A typed reply that is no yes, no or don't-know but a sentence about the case ("hij zit nu thuis en ...")."""
    return (
        not reply.is_payload
        and answer_category(reply) == "tekst"
        and len(reply.text.split()) >= texts()["tells_more_min_words"]
    )


def says_new_topic(text: str) -> bool:
    """The user says a new question or case starts ("ik heb nog een andere vraag", "o, en iets anders")."""
    norm = qb.normalise(text)
    return any(re.search(rf"\b{phrase}\b", norm) for phrase in texts()["new_question"]["explicit"])


def is_new_case(reply: Reply, theme: str | None) -> bool:
    """After an answer: a case or question of its own, not more about the one just answered.

    A question intent, long enough to tell a case, and either said to be new or read as another theme
    with the confidence at which the bot confirms implicitly. An unsure reading, or the same theme, tells
    more about the same case ("ik ben zijn moeder, hij zit in 2 havo"): that stays on the answered
    contact, so its role and school type are kept and no second intake starts.
    """
    if labels.labels_of_intent(reply.intent) is None or len(reply.text.split()) < texts()["new_case_min_words"]:
        return False
    if says_new_topic(reply.text):
        return True
    read = reply.classification
    return read.theme not in (theme, labels.OVERIG) and confirms_implicitly(read.label_confidence, read.theme)


def tells_new_case(reply: Reply, state: IntakeState) -> bool:
    """During a policy or information intake, a concrete case told as a statement: its own intake.

    "Maar er is eigenlijk iets dringenders: vanochtend stond een vader ..." is no answer to the
    question about the protocol; the case is what the conversation is about from here on. Read
    surely as an incident (the implicit-confirmation threshold) and told with when it happened, or
    a new topic said in words.
    """
    if reply.is_payload or labels.labels_of_intent(reply.intent) is None:
        return False
    if len(reply.text.split()) < texts()["new_case_min_words"]:
        return False
    if says_new_topic(reply.text):
        return True
    read = reply.classification
    norm = qb.normalise(reply.text)
    return (
        state.question_type != labels.INCIDENT
        and read.question_type == labels.INCIDENT
        and confirms_implicitly(read.label_confidence, read.theme)
        and any(re.search(rf"\b{when}\b", norm) for when in texts()["new_case_when"])
    )


def joined_text(earlier: str | None, text: str) -> str:
    """The case in the user's words so far (redacted), for choosing the questions that are still open."""
    return " ".join(part for part in (earlier, redact(text)) if part)


def tells_profile(reply: Reply) -> bool:
    """The message names a role or school type (typed or clicked)."""
    return bool(reply.entities.get("caller_role") or reply.entities.get("school_type"))


META_KINDS = ("ending", "person", "just_answer", "not_chat", "complaint")


def meta_of(text: str) -> str | None:
    """What a message says about the conversation: ending / just_answer / not_chat / complaint, or None.

    Read at every step, whatever was asked, so "nee, dat was het" or "geef nou gewoon antwoord" never
    counts as an answer to the question on screen.
    """
    if text.startswith("/"):
        return None
    norm = qb.normalise(text)
    spec = texts()["meta"]
    words = len(norm.split())
    for kind in META_KINDS:
        if words <= spec["max_words"][kind] and any(re.search(pattern, norm) for pattern in spec["kinds"][kind]):
            return kind
    return None


def meta_reply(kind: str) -> str:
    return texts()["meta"]["replies"][kind].format(helpdesk=qb.helpdesk_phone(), hours=hours.opening_hours_text())


def answers_yes_or_no(reply: Reply) -> bool:
    return answer_category(reply) in ("ja", "nee")


def answer_category(reply: Reply) -> str:
    """ja / nee / weet_niet / stop / tekst / onbruikbaar for an answer, typed or clicked."""
    if reply.is_payload:
        return PAYLOAD_CATEGORIES.get(reply.intent or "", "onbruikbaar")
    category = qb.classify_answer(reply.text)
    if (
        category in ("tekst", "onbruikbaar")
        and reply.intent in ("dont_know", "stop")
        and reply.confidence >= texts()["sure_intent"]
    ):
        return PAYLOAD_CATEGORIES[reply.intent]  # "dat is mij niet bekend", "klaar"
    return category


# ------------------------------------------------------------------ the intake's state


@dataclass
class IntakeState:
    """The slots that decide the next step of the intake."""

    theme: str = labels.OVERIG
    question_type: str = labels.OVERIG
    caller_role: str | None = None
    school_type: str | None = None
    intake_confirmed: bool | None = None
    theme_needed: bool = False
    role_asked: bool = False
    school_asked: bool = False
    intake_stopped: bool = False
    doorvraag_keys: list[str] | None = None
    urgency_level: str | None = None
    danger_check: str | None = None
    answer_key: str | None = None
    answer_feedback: str | None = None
    ask_on: str | None = None

    @classmethod
    def of(cls, slots: Mapping[str, Any]) -> IntakeState:
        return cls(
            answer_key=slots.get("answer_key"),
            answer_feedback=slots.get("answer_feedback"),
            ask_on=slots.get("ask_on"),
            urgency_level=slots.get("urgency_level"),
            danger_check=slots.get("danger_check"),
            theme=slots.get("theme") or labels.OVERIG,
            question_type=slots.get("question_type") or labels.OVERIG,
            caller_role=slots.get("caller_role"),
            school_type=slots.get("school_type"),
            intake_confirmed=slots.get("intake_confirmed"),
            theme_needed=bool(slots.get("theme_needed")),
            role_asked=bool(slots.get("role_asked")),
            school_asked=bool(slots.get("school_asked")),
            intake_stopped=bool(slots.get("intake_stopped")),
            doorvraag_keys=slots.get("doorvraag_keys"),
        )

    @property
    def danger_pending(self) -> bool:
        """Possible danger was seen and the check question is not answered yet."""
        return self.urgency_level == labels.MOGELIJK and self.danger_check is None

    @property
    def light(self) -> bool:
        return self.theme in qb._data()["selection"]["light_themes"]


def choose_questions(state: IntakeState, text: str) -> list[str]:
    """The keys of the 3-6 doorvragen for this situation; the user's own words skip some."""
    chosen = qb.select_questions(
        state.theme,
        state.question_type,
        state.school_type,
        state.caller_role,
        text,
        limit=MAX_DOORVRAGEN,
        minimum=MIN_DOORVRAGEN,
    )
    return [q.key for q in chosen]


def profile_slots(state: IntakeState) -> list[str]:
    """Role and school type, each asked once while unknown (a skipped one stays empty)."""
    if state.light:
        return []
    slots = []
    if state.caller_role is None and not state.role_asked:
        slots.append("caller_role")
    if state.school_type is None and not state.school_asked:
        slots.append("school_type")
    return slots


def needs_selection(state: IntakeState) -> bool:
    """Time to choose the doorvragen: confirmed, role and school settled, none chosen yet."""
    return (
        bool(state.intake_confirmed)
        and not state.intake_stopped
        and state.doorvraag_keys is None
        and not profile_slots(state)
    )


def required_slots(state: IntakeState) -> list[str]:
    """The slots of `intake_form` in the order they are asked (a filled one is skipped)."""
    if state.intake_stopped or state.danger_check == "ja":
        return []
    if state.danger_pending:
        return ["danger_check"]
    if state.answer_key:
        # The answer first (asked with "Had je hier iets aan?"), then whether the user lets us ask on.
        if state.ask_on in (None, "nee"):
            return [slot for slot in ("answer_feedback", "ask_on") if getattr(state, slot) is None]
    if not state.intake_confirmed:
        return ["intake_theme" if state.theme_needed or state.theme == labels.OVERIG else "intake_confirmed"]
    return profile_slots(state) + list(DOORVRAAG_SLOTS[: len(state.doorvraag_keys or ())])


def next_slot(required: Sequence[str], slots: Mapping[str, Any]) -> str | None:
    return next((name for name in required if slots.get(name) is None), None)


# ------------------------------------------------------------------ what the bot says


def danger_message(retry: bool) -> tuple[str, list[Button]]:
    spec = texts()["danger"]
    return spec["retry" if retry else "ask"], [button(spec["ja"], "affirm"), button(spec["nee"], "deny")]


def confirm_message(theme: str, question_type: str) -> tuple[str, list[Button]]:
    spec = texts()["confirm"]
    text = spec["text"].format(
        theme=labels.label_text("themes", theme), question_type=labels.label_text("question_types", question_type)
    )
    buttons = [button(spec["ja"], "affirm"), button(spec["other_theme"], "deny")]
    for alternative in spec["type_alternatives"].get(question_type, ()):
        buttons.append(
            button(
                spec["other_type"].format(label=spec["type_labels"][alternative]), "inform", question_type=alternative
            )
        )
    return text, buttons


def theme_buttons(exclude: str | None = None) -> list[Button]:
    titles = texts()["theme"]["buttons"]
    return [button(title, "inform", theme=code) for code, title in titles.items() if code != exclude]


def theme_message(unclear: bool, exclude: str | None = None) -> tuple[str, list[Button]]:
    spec = texts()["theme"]
    return spec["unclear" if unclear else "text"], theme_buttons(exclude)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


TOPIC_ENTITY = "topic"


def confirms_implicitly(confidence: float, theme: str) -> bool:
    return theme != labels.OVERIG and confidence >= float(texts()["confirm"]["implicit_min_confidence"])


def with_implicit_confirmation(text: str, buttons: list[Button], theme: str) -> tuple[str, list[Button]]:
    """The question that moves on, opened with what the bot understood and a button to correct it."""
    spec = texts()["confirm"]
    line = spec["implicit"].format(theme=labels.label_text("themes", theme))
    return f"{line} {text}", buttons + [button(spec["implicit_button"], "deny", **{TOPIC_ENTITY: "anders"})]


def corrects_topic(reply: Reply) -> bool:
    """The "Ander onderwerp" button of an implicit confirmation."""
    return reply.is_payload and reply.entities.get(TOPIC_ENTITY) == "anders"


def role_message() -> tuple[str, list[Button]]:
    spec = texts()["role"]
    buttons = [
        button(_cap(labels.label_text("caller_roles", code)), "inform", caller_role=code)
        for code in labels.caller_roles()
    ]
    return spec["text"], buttons + [button(spec["skip"], "dont_know")]


def school_message() -> tuple[str, list[Button]]:
    spec = texts()["school"]
    buttons = [
        button(_cap(labels.label_text("school_types", code)), "inform", school_type=code)
        for code in labels.school_types()
    ]
    return spec["text"], buttons + [button(spec["skip"], "dont_know")]


def question_message(key: str, number: int, total: int, retry: bool) -> tuple[str, list[Button]]:
    spec = texts()["doorvragen"]
    question = qb.bank()[key]
    text = spec["progress"].format(number=number, total=total) + question.text
    if retry:
        text = spec["retry"] + text
    elif number == 1:
        text = spec["intro"] + "\n\n" + text
    buttons: list[Button] = []
    if question.kind == "yes_no":
        titles = spec["buttons"]
        buttons = [
            button(titles["ja"], "affirm"),
            button(titles["nee"], "deny"),
            button(titles["weet_niet"], "dont_know"),
        ]
    return text, buttons


def fallback_buttons(ranking: Sequence[Mapping[str, Any]]) -> list[Button]:
    """A button per likeliest theme, each sending that theme's best-ranked question intent."""
    best: dict[str, str] = {}
    for item in sorted(ranking, key=lambda r: -float(r.get("confidence") or 0.0)):
        question = labels.labels_of_intent(str(item.get("name")))
        if question and question.theme in SAFETY_THEMES and question.theme not in best:
            best[question.theme] = str(item["name"])
    titles = texts()["theme"]["buttons"]
    limit = texts()["fallback"]["max_themes"]
    return [button(titles[theme], intent) for theme, intent in list(best.items())[:limit]]


# ------------------------------------------------------------------ after the questions


def answers_of(slots: Mapping[str, Any]) -> dict[str, str]:
    return dict(slots.get("doorvraag_answers") or {})


def summary(
    theme: str,
    question_type: str,
    caller_role: str | None,
    school_type: str | None,
    answers: Mapping[str, str],
    blocks: Mapping[str, str],
    handoff: str = "geen",
) -> str:
    """A summary for the helpdesk made of codes only: no user text, so no personal data."""
    parts = [
        f"thema={theme}",
        f"type={question_type}",
        f"rol={caller_role or 'onbekend'}",
        f"school={school_type or 'onbekend'}",
    ]
    if blocks:
        parts.append("bouwstenen=" + ",".join(f"{b}:{s}" for b, s in blocks.items()))
    if answers:
        categories = {key: (value if value in qb.CATEGORIES else "tekst") for key, value in answers.items()}
        parts.append("antwoorden=" + ",".join(f"{k}:{v}" for k, v in categories.items()))
    if handoff != "geen":
        parts.append(f"overdracht={handoff}")
    return "; ".join(parts)[:500]


def stored_answer(category: str, text: str, typed: bool = True) -> tuple[str, str | None]:
    """What the advice reads and what the log keeps: the category, plus redacted text for free text.

    A typed "ja, maar ..." counts as ja for the advice, and its explanation is kept too,
    so staff see what the user told (free text is always kept, redacted).
    """
    if category == "tekst":
        clean = redact(text)
        return clean, clean
    if typed and category in ("ja", "nee", "weet_niet") and qb.says_more_than_the_answer(text):
        return category, redact(text)
    return category, None


# ------------------------------------------------------------------ contact details for a call-back

PHONE = re.compile(r"^(?:\+31|0031|0)[1-9]\d{8}$")
EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)


def normalise_phone(text: str) -> str | None:
    digits = re.sub(r"[\s\-().]", "", text or "")
    return digits if PHONE.match(digits) else None


def normalise_email(text: str) -> str | None:
    value = (text or "").strip().strip(".")
    return value.lower() if EMAIL.match(value) else None


def valid_detail(channel: str, text: str) -> str | None:
    return normalise_phone(text) if channel == "terugbellen" else normalise_email(text)


def channel_choice(reply: Reply) -> str | None:
    """terugbellen / mail / geen from a button or typed words; None when unclear."""
    if reply.entities.get("contact_channel"):
        return reply.entities["contact_channel"]
    if reply.is_payload and reply.intent in ("deny", "stop"):
        return "geen"
    norm = qb.normalise(reply.text)
    for channel, words in texts()["handoff"]["channel_words"].items():
        if any(re.search(w, norm) for w in words):
            return channel
    return "geen" if answer_category(reply) in ("nee", "stop") else None
