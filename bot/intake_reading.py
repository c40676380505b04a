"""How the intake reads a user's message, whatever was asked: an answer, a new case, a remark about the chat."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot import knowledge, labels
from bot import question_bank as qb
from bot.answers import by_key, sentences
from bot.classifier import Classification, from_parse
from bot.dialogue import PAYLOAD_CATEGORIES, confirms_implicitly, texts
from bot.intake_flow import IntakeState
from bot.nlp.openers import without_openers
from bot.redaction import redact


@dataclass
class Reply:
    """One user message as the intake sees it."""

    text: str
    intent: str | None
    confidence: float
    entities: dict[str, str]
    classification: Classification
    parse: Mapping[str, Any]
    # Read as possible danger instead of the model's acuut (see as_possible_danger).
    alarm_demoted: bool = False

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
    def alarm_without_words(self) -> bool:
        """The model alone says acuut, not all but certain, and no danger word of the rules backs it."""
        return (
            self.intent == labels.URGENT_INTENT
            and self.classification.urgency == labels.ACUUT
            and not self.classification.urgency_certain
            and not self.danger_words
        )

    def as_possible_danger(self) -> Reply:
        """The same message read as its best question with possible danger: one check question, no referral.

        Inside the intake an answer tells the case the user already began ("gisteren heeft hij een collega
        geslagen, ze zit nu thuis"): the model's acuut without a danger word is asked about, not acted on.
        """
        ranking = self.parse.get("intent_ranking") or []
        question = next((r for r in ranking if labels.labels_of_intent(r.get("name"))), None)
        return dataclasses.replace(
            self,
            intent=question["name"] if question else self.intent,
            confidence=float(question.get("confidence") or 0.0) if question else self.confidence,
            classification=dataclasses.replace(self.classification, urgency=labels.MOGELIJK),
            alarm_demoted=True,
        )

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
    # "ok, moeten wij ook elk jaar meten?" is no "ok": the question after the word it opens with counts.
    if len(norm.split()) < spec["min_words"] or qb.classify_answer(without_openers(reply.text)) != "tekst":
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


def is_question(text: str) -> bool:
    """Phrased as a question: a sentence of three words or more ends with '?' ("Is dat verplicht? Ja of
    nee."), or the message starts like one (dialogue.yml's new_question starts)."""
    norm = qb.normalise(text)
    starts = "|".join(texts()["new_question"]["starts"])
    asks = any(part.rstrip().endswith("?") and len(part.split()) >= 3 for part in sentences(norm))
    return asks or norm.rstrip().endswith("?") or bool(re.match(rf"(?:{starts})\b", norm))


def asks_practically(text: str) -> bool:
    """A sentence that asks something the bot could answer ("Mag een school hem van school sturen?"), not a
    rhetorical one ("Dat is toch te gek voor woorden?"): it ends with '?' and starts like a question, or has
    a clause that does."""
    spec = texts()["new_question"]
    starts = "|".join([*spec["starts"], *spec["yes_no_starts"]])
    # Its first clause or one after a comma ("nee, ze wil geen melding maken, mag ik het toch doorgeven?").
    clause = re.compile(rf"(?:^|[,;:] )(?:{starts})\b")
    opened = (without_openers(s) for s in sentences(qb.normalise(text)))
    return any(s.rstrip().endswith("?") and clause.search(s) for s in opened)


def asks_on_the_side(reply: Reply) -> bool:
    """Inside the questions about a case, a question of knowledge on another theme ("Trouwens, moet onze school
    eigenlijk een klachtenregeling hebben?"): answered (or offered) there, and the questions about the case go
    on. As a contact of its own it would close the case's contact, and the user's return to the case ("terug
    naar die jongen") would find it gone and be asked everything from the top. A case of its own (read as an
    incident, or told with when it happened) or a new topic said in words still starts its own intake."""
    if reply.is_payload or says_new_topic(reply.text) or not asks_practically(reply.text):
        return False
    return reply.classification.question_type != labels.INCIDENT and not tells_when(reply.text)


def says_calling(text: str) -> bool:
    """ "ok, ik bel ze nu", "de conciërge heeft 112 gebeld": the user acts on the referral's numbers."""
    norm = qb.normalise(text)
    return any(re.search(pattern, norm) for pattern in texts()["fallback"]["calling"])


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
    """A typed reply that is a sentence about the case ("hij zit nu thuis en ..."), not just yes, no or
    don't-know; also a short yes that opens a story ("Oké. Ik vraag het eigenlijk omdat ...")."""
    if reply.is_payload:
        return False
    words = len(reply.text.split())
    if answer_category(reply) == "tekst":
        return words >= texts()["tells_more_min_words"]
    return words >= texts()["tells_more_after_answer_min_words"] and qb.says_more_than_the_answer(reply.text)


def says_new_topic(text: str) -> bool:
    """The user says a new question or case starts ("ik heb nog een andere vraag", "o, en iets anders")."""
    norm = qb.normalise(text)
    return any(re.search(rf"\b{phrase}\b", norm) for phrase in texts()["new_question"]["explicit"])


def _may_tell_a_case(reply: Reply) -> bool:
    """A question intent, and long enough to tell a case of its own."""
    long_enough = len(reply.text.split()) >= texts()["new_case_min_words"]
    return labels.labels_of_intent(reply.intent) is not None and long_enough


def tells_when(text: str) -> bool:
    """The message says when something happened ("vanochtend", "vorige week"): an event, not a state."""
    norm = qb.normalise(text)
    return any(re.search(rf"\b{when}\b", norm) for when in texts()["new_case_when"])


def is_new_case(reply: Reply, theme: str | None, question_type: str | None) -> bool:
    """After an answer: a case or question of its own, not more about the one just answered.

    A question intent, long enough to tell a case, and either said to be new or read as another theme
    with the confidence at which the bot confirms implicitly, as a question or a new event. An unsure
    reading, the same theme or a plain statement tells more about the same case ("ik ben zijn moeder,
    hij zit in 2 havo"): that stays on the answered contact, so its role and school type are kept and
    no second intake starts.
    """
    if not _may_tell_a_case(reply):
        return False
    if says_new_topic(reply.text):
        return True
    read = reply.classification
    if read.theme in (theme, labels.OVERIG):
        return False
    # After an answer about the helpdesk itself ("zijn jullie in de vakanties bereikbaar?") any safety
    # case is a case of its own: there is no safety case yet that it could tell more about.
    if theme == labels.OVERIG:
        return True
    # Otherwise another theme read surely, asked as a question of its own, or a case after a question about
    # policy. A statement in the same frame is the context of the question just answered, whatever theme
    # its words get: "het gaat om een jongen van 14 die veel verzuimt", and after "Moeten we aangifte doen
    # als een leerling een docent slaat?" also "Vorige week heeft een leerling een collega geslagen": the
    # incident asked about, told as the event it was.
    # After an information question the case told is most often the one behind it ("ik wil sparren over een
    # lastige casus", then the casus): one of its own names when it happened, as inside the questions
    # (tells_new_case); after a question about policy any case is.
    told_case = read.question_type == labels.INCIDENT and (
        question_type == labels.BELEID or (question_type == labels.OVERIG and tells_when(reply.text))
    )
    if told_case:
        return confirms_implicitly(read.label_confidence, read.theme)
    # What the law allows or requires, asked about the case on the table ("Moet ik dit verplicht melden?"),
    # is that case's practical question (labels.md rule 1): it gives the contact its theme (refined_theme)
    # instead of starting a contact of its own.
    about_the_case = _asks_the_law_about_the_case(reply)
    return is_question(reply.text) and not about_the_case and confirms_implicitly(read.label_confidence, read.theme)


def tells_new_case(reply: Reply, state: IntakeState) -> bool:
    """During a policy or information intake, a concrete case told as a statement: its own intake.

    "Maar er is eigenlijk iets dringenders: vanochtend stond een vader ..." is no answer to the
    question about the protocol; the case is what the conversation is about from here on. Read
    surely as an incident (the implicit-confirmation threshold) and told with when it happened, or
    a new topic said in words.
    """
    if reply.is_payload or not _may_tell_a_case(reply):
        return False
    if says_new_topic(reply.text):
        return True
    read = reply.classification
    return (
        state.question_type != labels.INCIDENT
        and read.question_type == labels.INCIDENT
        and confirms_implicitly(read.label_confidence, read.theme)
        and tells_when(reply.text)
    )


def may_tell_new_case(reply: Reply, state: IntakeState) -> bool:
    """During a policy or information intake, a statement that may be a case of its own: ask, do not guess.

    Like :func:`tells_new_case`, but read as an incident without the confidence to act on it: the
    user gets one short check ("Wil je het eerst hierover hebben?") instead of a switch or a question
    that passes it over.
    """
    if reply.is_payload or not _may_tell_a_case(reply) or is_question(reply.text):
        return False
    read = reply.classification
    return (
        state.question_type != labels.INCIDENT
        and read.question_type == labels.INCIDENT
        and read.theme != labels.OVERIG
        and tells_when(reply.text)
    )


def refined_type(reply: Reply, state: IntakeState) -> str | None:
    """The type an information question turns out to have, told later in a statement on the same contact.

    "Geldt de meldplicht ook voor een stagiair?" reads as information; "Een stagiair heeft vorige week een
    meisje op schoot genomen" then tells the incident behind it. Only `overig` is refined (an incident or
    a policy question keeps its type: a new case there is a case of its own), only into the types of
    dialogue.yml `retyped`, and only by a typed statement that the model reads as that type at least
    `refine_type_min_confidence` surely (make eval-confirmation).
    """
    if state.question_type != labels.OVERIG or state.theme in (None, labels.OVERIG):
        return None
    if reply.is_payload or is_question(reply.text) or not tells_more(reply):
        return None
    read = reply.classification
    sure = read.type_confidence >= float(texts()["refine_type_min_confidence"])
    if read.question_type not in texts()["retyped"] or not sure:
        return None
    return read.question_type


def theme_told(reply: Reply, state: IntakeState) -> str | None:
    """The case told in the middle of an incident's intake shows the contact's theme, read surely.

    At "Klopt dat?" (asked because the first reading was unsure), the case told instead of a yes: "ik ben
    moeder van een jongen in 2 havo" read unsurely as sociale veiligheid, then "hij wordt al maanden
    uitgescholden in de klassenapp" read surely as pesten. And a danger told during the questions, which
    is what the contact is about from then on: exclusion in the class app, then "een jongen dreigt haar
    naaktfoto rond te sturen" (sociale veiligheid). Only an incident told about an incident, read at the
    implicit-confirmation threshold on another safety theme.
    """
    if reply.is_payload or is_question(reply.text) or not tells_more(reply):
        return None
    read = reply.classification
    if state.question_type != labels.INCIDENT or read.question_type != labels.INCIDENT:
        return None
    if read.theme in (state.theme, labels.OVERIG) or not confirms_implicitly(read.label_confidence, read.theme):
        return None
    return read.theme


def asks_about_a_duty(text: str) -> bool:
    """The question is about reporting or keeping something confidential ("Moet ik dit toch melden?")."""
    norm = qb.normalise(text)
    return any(re.search(pattern, norm) for pattern in texts()["answer"]["duty_question"])


def refers_back(text: str) -> bool:
    """The message points back at the case told before ("Moet ik dit melden?", "die aangifte", "zo iemand")."""
    norm = qb.normalise(text)
    return any(re.search(pattern, norm) for pattern in texts()["refers_back"])


def _asks_the_law_about_the_case(reply: Reply) -> bool:
    """Read as a theme of `rethemed` (what the law requires) and pointing back at the case told before."""
    return reply.classification.theme in texts()["rethemed"] and refers_back(reply.text)


def refined_theme(reply: Reply, state: IntakeState) -> str | None:
    """The theme a typed question about the same case gives its contact: what the law or a rule requires.

    labels.md rule 1 codes a question about what the law requires or allows as wet_en_regelgeving, even
    when its subject is bullying or a vertrouwenspersoon. "Moet ik dit verplicht doorgeven aan het
    bestuur?" asked about the incident being told makes that the contact's practical question. Only into
    the themes of dialogue.yml `rethemed`, and only for a question the model reads as that theme at
    least `refine_theme_min_confidence` surely, or `refine_theme_cued_min_confidence` when the question
    also carries that theme's cues (labels.yml; "Wat zijn daar de regels voor?"). Both are measured by
    make eval-confirmation ("Refining the theme").
    """
    if state.theme in (None, labels.OVERIG) or reply.is_payload or not asks_practically(reply.text):
        return None
    if not _asks_the_law_about_the_case(reply):
        return None  # not about the law, or a question of its own about it
    read = reply.classification
    if read.theme == state.theme:
        return None
    return read.theme if read.theme_confidence >= refine_theme_threshold(read.theme, reply.text) else None


def refine_theme_threshold(theme: str, text: str) -> float:
    """The theme share from which a reading refines a contact's theme: lower when the words show it too."""
    cued = carries_cues(theme, text)
    return float(texts()["refine_theme_cued_min_confidence" if cued else "refine_theme_min_confidence"])


def carries_cues(theme: str, text: str) -> bool:
    """The words show the theme too (labels.yml `cues`: "Wat zijn daar de regels voor?")."""
    norm = qb.normalise(text)
    return any(re.search(pattern, norm) for pattern in knowledge.load("labels")["themes"][theme].get("cues", ()))


def answered_theme(read: Classification, answer_key: str | None) -> str:
    """The contact's theme when a knowledge-base answer is given for the question: the answer's own theme
    (coded by labels.md for the questions it answers) when the model's theme reading is too unsure to be
    said without asking; else the reading. make eval-confirmation, "The answer's theme".
    """
    answer = by_key().get(answer_key) if answer_key else None
    if answer is None or confirms_implicitly(read.theme_confidence, read.theme):
        return read.theme
    return answer.theme


def joined_text(earlier: str | None, text: str) -> str:
    """The case in the user's words so far (redacted), for choosing the questions that are still open."""
    return " ".join(part for part in (earlier, redact(text)) if part)


def only_introduces(reply: Reply) -> bool:
    """Who is asking, for which school, and nothing more ("Ik ben ouder, mijn zoon zit op de basisschool"):
    like an announced question, the question is still to come.

    A typed message that names a role or school type, asks nothing, is no longer than an announcement and
    that the model places on no safety theme: the type its words get then says nothing about a question.
    """
    if reply.is_payload or not tells_profile(reply) or is_question(reply.text):
        return False
    short = len(reply.text.split()) <= int(texts()["announcement"]["max_words"])
    return short and reply.classification.theme == labels.OVERIG


def tells_profile(reply: Reply) -> bool:
    """The message names a role or school type (typed or clicked)."""
    return bool(reply.entities.get("caller_role") or reply.entities.get("school_type"))


META_KINDS = ("ending", "callback", "person", "just_answer", "advice_now", "not_chat", "complaint")


def announces_question(text: str) -> bool:
    """Only a question announced, its content still to come ("ik heb een vraag over de monitor")."""
    if text.startswith("/") or "?" in text:
        return False
    spec = texts()["announcement"]
    norm = qb.normalise(text)
    return len(norm.split()) <= spec["max_words"] and any(re.search(p, norm) for p in spec["patterns"])


def complains_in(text: str) -> bool:
    """A short clause of a longer message complains about the chat ("wat een onzin, ik stel een simpele vraag")."""
    if text.startswith("/"):
        return False
    spec = texts()["meta"]
    clauses = re.split(r"[,.;:!?]+", qb.normalise(text))
    return any(
        0 < len(clause.split()) <= spec["max_words"]["complaint"]
        and any(re.search(pattern, clause) for pattern in spec["kinds"]["complaint"])
        for clause in clauses
    )


def wants_no_questions(text: str) -> bool:
    """A message that asks, besides its case or question, to be spared the questions."""
    if text.startswith("/"):
        return False
    norm = qb.normalise(text)
    return any(re.search(pattern, norm) for pattern in texts()["meta"]["no_questions_in_message"])


def meta_of(text: str) -> str | None:
    """What a message says about the conversation: one of META_KINDS, or None.

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
    if words <= spec["max_words"]["complaint_about_chat"] and any(
        re.search(pattern, norm) for pattern in spec["complaint_about_chat"]
    ):
        return "complaint"
    parts = sentences(norm)
    if len(parts) < 2:
        return None
    # A request for a call-back stands in a sentence of its own ("Zorg er gewoon voor dat iemand me
    # terugbelt. Ik ben aandachtsfunctionaris, meer hoef je niet te weten.").
    for sentence in parts:
        if len(sentence.split()) <= spec["max_words"]["callback"] and any(
            re.search(pattern, sentence) for pattern in spec["kinds"]["callback"]
        ):
            return "callback"
    # An ending usually comes last, after a word about what came before ("Top, hier kan ik mee verder.
    # Nee dank je, dat was het."): the last sentence on its own counts too.
    last = parts[-1]
    if (
        len(last.split()) <= spec["max_words"]["ending"]
        and re.match(spec["ending_last_starts"], last)
        and any(re.search(pattern, last) for pattern in spec["kinds"]["ending"])
    ):
        return "ending"
    return None


def gives_up(text: str) -> bool:
    """ "laat maar", alone or first with only a short word after it and no question ("laat maar eigenlijk.
    weet niet of ik hier goed zit"); a case or question after it is read for that instead."""
    if text.startswith("/") or "?" in text:
        return False
    spec = texts()["meta"]
    parts = sentences(qb.normalise(text)) or [""]
    first, rest = parts[0], " ".join(parts[1:])
    return (
        len(first.split()) <= spec["max_words"]["ending"]
        and len(rest.split()) <= spec["max_words"]["ending"]
        and any(re.search(pattern, first) for pattern in spec["gives_up"])
    )


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


TOPIC_ENTITY = "topic"


def corrects_topic(reply: Reply) -> bool:
    """The "Ander onderwerp" button of an implicit confirmation."""
    return reply.is_payload and reply.entities.get(TOPIC_ENTITY) == "anders"
