"""One stable answer to "what is this question about?" on top of the trained Rasa model."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot import labels
from bot.nlp.callers import CALLER_ROLE, SCHOOL_TYPE

DEFAULT_MODEL = Path(os.environ.get("DOORVRAAG_MODEL", "models/doorvraag.tar.gz"))


class ModelNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class Classification:
    text: str
    theme: str
    question_type: str
    urgent: bool
    intent: str | None
    confidence: float
    caller_role: str | None
    school_type: str | None
    # acuut (refer now; `urgent` is then true), mogelijk (ask one check question) or geen.
    urgency: str = labels.GEEN
    urgency_category: str | None = None
    # acuut and all but certain (it interrupts questions under way even without a danger word).
    urgency_certain: bool = False
    # Knowledge-base answers sure enough to give, best first (bot/nlp/answer_component.py).
    answers: tuple[str, ...] = ()
    # The best answer below the threshold, worth offering (bot/nlp/answer_model.py Retrieval.suggestion).
    suggestion: str | None = None
    # The share of the question intents' probability on the chosen theme and type (0 when no question).
    theme_confidence: float = 0.0
    type_confidence: float = 0.0

    @property
    def label_confidence(self) -> float:
        """How sure the theme-and-type reading is: the weaker of the two axes."""
        return min(self.theme_confidence, self.type_confidence)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _first_entity(entities: Iterable[Mapping], name: str) -> str | None:
    for entity in entities:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def from_parse(parse: Mapping[str, Any]) -> Classification:
    """Map a Rasa parse result onto the output contract (labels.md values).

    Theme and type come from the whole ranking when the message is a question
    (or urgent); conversation turns like "hoi" are overig/overig.
    """
    intent = parse.get("intent") or {}
    name = intent.get("name")
    ranking = parse.get("intent_ranking") or []
    if name == labels.FALLBACK_INTENT:
        # Unsure which intent: still a question when most of the probability says so.
        question_mass = sum(
            float(r.get("confidence") or 0.0) for r in ranking if labels.labels_of_intent(r.get("name")) is not None
        )
        is_question = question_mass >= 0.5
    else:
        is_question = labels.labels_of_intent(name) is not None or name == labels.URGENT_INTENT
    axes = labels.marginal_labels(ranking) if is_question else labels.AxisScores(labels.OVERIG, 0.0, labels.OVERIG, 0.0)
    theme, qtype = axes.theme, axes.question_type
    entities = parse.get("entities") or []
    return Classification(
        text=parse.get("text", ""),
        theme=theme,
        question_type=qtype,
        urgent=name == labels.URGENT_INTENT,
        intent=name,
        confidence=round(float(intent.get("confidence") or 0.0), 4),
        caller_role=_first_entity(entities, CALLER_ROLE),
        school_type=_first_entity(entities, SCHOOL_TYPE),
        urgency=_first_entity(entities, labels.URGENCY_LEVEL_ENTITY) or labels.GEEN,
        urgency_category=_first_entity(entities, labels.URGENCY_ENTITY),
        urgency_certain=_first_entity(entities, labels.URGENCY_CERTAIN_ENTITY) is not None,
        answers=tuple(str(e["value"]) for e in entities if e.get("entity") == labels.ANSWER_ENTITY and e.get("value")),
        suggestion=_first_entity(entities, labels.ANSWER_SUGGESTION_ENTITY),
        theme_confidence=round(axes.theme_confidence, 4),
        type_confidence=round(axes.question_type_confidence, 4),
    )


class Classifier:
    """Loads the trained model once; classify() is then cheap per message."""

    def __init__(self, model_path: Path = DEFAULT_MODEL) -> None:
        model_path = Path(model_path)
        if not model_path.is_file():
            raise ModelNotFound(
                f"Geen getraind model gevonden in {model_path}. "
                "Train het eerst met 'make train' (of: .venv/bin/rasa train --fixed-model-name doorvraag)."
            )
        from rasa.core.agent import Agent

        self._loop = asyncio.new_event_loop()
        self._agent = Agent.load(str(model_path))

    def parse(self, text: str) -> dict[str, Any]:
        return self._loop.run_until_complete(self._agent.parse_message(text))

    def classify(self, text: str) -> Classification:
        return from_parse(self.parse(text))

    def classify_many(self, texts: Iterable[str]) -> Iterator[Classification]:
        for text in texts:
            yield self.classify(text)

    def close(self) -> None:
        self._loop.close()
