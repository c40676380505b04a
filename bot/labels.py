"""The two classification axes (theme, question_type) and how Rasa intents encode them.

A question intent is named ``vraag_<theme>_<type>``. Theme and type are read
from the whole intent ranking (probability summed per label), which is more
robust than reading them off the single top intent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot import knowledge

OVERIG = "overig"
INCIDENT = "incident"  # the question type of a concrete case (labels.md)
BELEID = "beleid"  # the question type of how the school arranges things (labels.md)
PUPIL = "leerling"  # the caller_role of a pupil or student writing themselves


def themes() -> tuple[str, ...]:
    return tuple(knowledge.load("labels")["themes"])


def question_types() -> tuple[str, ...]:
    return tuple(knowledge.load("labels")["question_types"])


def caller_roles() -> tuple[str, ...]:
    return tuple(knowledge.load("labels")["caller_roles"])


def school_types() -> tuple[str, ...]:
    return tuple(knowledge.load("labels")["school_types"])


def label_text(axis: str, code: str) -> str:
    """The Dutch text for a code, e.g. ('themes', 'wet_en_regelgeving')."""
    return knowledge.load("labels")[axis][code]["label"]


URGENT_INTENT: str = knowledge.load("labels")["intents"]["urgent"]
# The intent Rasa's FallbackClassifier predicts when the model is unsure or torn between two.
FALLBACK_INTENT = "nlu_fallback"

# The urgency model's levels (bot/nlp/urgency_model.py): refer now, ask one check question, nothing.
ACUUT, MOGELIJK, GEEN = "acuut", "mogelijk", "geen"
# The entities bot.nlp.components.UrgencyDetector sets: the level, and the category that picks the referral.
URGENCY_LEVEL_ENTITY = "urgency_level"
URGENCY_ENTITY = "urgency"
# Set with `acuut` when the model is all but certain (bot/nlp/urgency_model.py Thresholds.certain).
URGENCY_CERTAIN_ENTITY = "urgency_certain"
# A knowledge-base answer sure enough to give (value: its key; confidence_entity: its probability).
ANSWER_ENTITY = "answer"
# The best answer when it is not sure enough to give but worth offering ("Gaat het je om ...?").
ANSWER_SUGGESTION_ENTITY = "answer_suggestion"


@dataclass(frozen=True)
class QuestionLabels:
    theme: str
    question_type: str


def labels_of_intent(intent: str | None) -> QuestionLabels | None:
    """The (theme, type) a question intent encodes; None for other intents."""
    if not intent:
        return None
    spec = knowledge.load("labels")["intents"]
    fixed = spec["theme_only"].get(intent)
    if fixed is not None:
        return QuestionLabels(fixed["theme"], fixed["question_type"])
    prefix = spec["question_prefix"]
    if not intent.startswith(prefix):
        return None
    rest = intent[len(prefix) :]
    theme, sep, qtype = rest.rpartition("_")
    if not sep or theme not in themes() or qtype not in question_types():
        return None
    return QuestionLabels(theme, qtype)


def head_labels_of_intent(intent: str | None) -> QuestionLabels | None:
    """What the one-axis heads are trained on: the question intents, plus `urgent` examples
    with the labels in labels.yml (`urgent_head_labels`)."""
    if intent == URGENT_INTENT:
        fixed = knowledge.load("labels")["intents"].get("urgent_head_labels")
        return QuestionLabels(fixed["theme"], fixed["question_type"]) if fixed else None
    return labels_of_intent(intent)


def intent_name(theme: str, question_type: str) -> str:
    for intent, fixed in knowledge.load("labels")["intents"]["theme_only"].items():
        if (fixed["theme"], fixed["question_type"]) == (theme, question_type):
            return intent
    return f"{knowledge.load('labels')['intents']['question_prefix']}{theme}_{question_type}"


def _argmax(scores: Mapping[str, float], order: Sequence[str]) -> str | None:
    best = max(order, key=lambda label: scores.get(label, 0.0))
    return best if scores.get(best, 0.0) > 0.0 else None


@dataclass(frozen=True)
class AxisScores:
    theme: str
    theme_confidence: float
    question_type: str
    question_type_confidence: float


def marginal_labels(ranking: Iterable[Mapping[str, Any]]) -> AxisScores:
    """Sum the ranked question intents' confidences per theme and per type.

    Intents that are not questions (greet, urgent, ...) carry no theme evidence;
    if no question intent is ranked at all the answer is overig/overig.
    """
    theme_scores: dict = {}
    type_scores: dict = {}
    total = 0.0
    for item in ranking:
        labels = labels_of_intent(str(item.get("name")))
        if labels is None:
            continue
        confidence = float(item.get("confidence") or 0.0)
        total += confidence
        theme_scores[labels.theme] = theme_scores.get(labels.theme, 0.0) + confidence
        type_scores[labels.question_type] = type_scores.get(labels.question_type, 0.0) + confidence
    theme = _argmax(theme_scores, themes()) or OVERIG
    qtype = _argmax(type_scores, question_types()) or OVERIG
    if total <= 0:
        return AxisScores(OVERIG, 0.0, OVERIG, 0.0)
    return AxisScores(theme, theme_scores[theme] / total, qtype, type_scores[qtype] / total)
