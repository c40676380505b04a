"""Custom Rasa NLU components (named in config.yml); the logic lives in callers.py and urgency.py."""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa.engine.graph import GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import labels
from bot.nlp.callers import ENTITIES as CALLER_ENTITIES
from bot.nlp.callers import CallerTable
from bot.nlp.urgency import UrgencyRules

logger = logging.getLogger(__name__)

URGENCY_ENTITY = "urgency"
GENERAL_URGENCY = "algemeen"


def prefer_best_question(message: Message) -> None:
    """Make the best-ranked question intent the message's intent (kept if none is ranked)."""
    ranking = message.get("intent_ranking") or []
    question = next((r for r in ranking if labels.labels_of_intent(r.get(INTENT_NAME_KEY))), None)
    if question is not None:
        message.set(INTENT, dict(question), add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class CallerEntityExtractor(GraphComponent, EntityExtractorMixin):
    """caller_role and school_type codes from data/nlu/lookups.yml, role only when said of oneself."""

    TABLE_FILE = "caller_table.json"

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> CallerEntityExtractor:
        return cls(model_storage, resource)

    def __init__(self, model_storage: ModelStorage, resource: Resource, table: CallerTable | None = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._table = table

    def train(self, training_data: TrainingData) -> Resource:
        lookups = {
            table["name"]: table["elements"]
            for table in training_data.lookup_tables
            if table["name"] in CALLER_ENTITIES and isinstance(table["elements"], list)
        }
        codes = {"caller_role": labels.caller_roles(), "school_type": labels.school_types()}
        self._table = CallerTable.from_tables(lookups, training_data.entity_synonyms, codes)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.TABLE_FILE).write_text(
                json.dumps(self._table.to_dict(), ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs) -> CallerEntityExtractor:
        try:
            with model_storage.read_from(resource) as directory:
                data = json.loads((directory / cls.TABLE_FILE).read_text(encoding="utf-8"))
            return cls(model_storage, resource, CallerTable.from_dict(data))
        except (ValueError, FileNotFoundError):
            logger.warning("No caller table in the model; caller_role/school_type not extracted.")
            return cls(model_storage, resource)

    def process(self, messages: list[Message]) -> list[Message]:
        if self._table is None:
            return messages
        for message in messages:
            mentions = self._table.extract(message.get(TEXT) or "")
            found = [m.as_entity(self.__class__.__name__) for m in mentions]
            # Our codes replace whatever another extractor found for these entities.
            kept = [e for e in message.get(ENTITIES, []) if e.get("entity") not in CALLER_ENTITIES]
            message.set(ENTITIES, kept + found, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class UrgencyDetector(GraphComponent):
    """Urgent = the model's `urgent` intent OR the lemma rules; recall first.

    When urgent, the intent becomes `urgent` (the dialogue refers at once) and an
    `urgency` entity carries the category that picks the referral. The model's
    own ranking is left as it was, so theme and type can still be read from it.
    """

    @classmethod
    def required_components(cls) -> list[type]:
        return [SpacyNLP]

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> UrgencyDetector:
        return cls()

    def __init__(self) -> None:
        self._rules: UrgencyRules | None = None
        self._vocab = None

    def _rules_for(self, doc) -> UrgencyRules:
        if self._rules is None or self._vocab is not doc.vocab:
            self._rules, self._vocab = UrgencyRules(doc.vocab), doc.vocab
        return self._rules

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None or not message.get(TEXT):
                continue
            assessment = self._rules_for(doc).assess(doc)
            intent: dict[str, Any] = message.get(INTENT) or {}
            model_confidence = self._model_ranks_urgent_first(message)
            model_urgent = model_confidence > 0
            if model_urgent and self._rules_defuse(assessment):
                prefer_best_question(message)
                continue
            if not (model_urgent or assessment.urgent):
                continue
            category = assessment.category or GENERAL_URGENCY
            if intent.get(INTENT_NAME_KEY) != labels.URGENT_INTENT:
                # The rules fired where the model did not (a rule hit is certain), or the
                # fallback hid the model's own first choice.
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: labels.URGENT_INTENT, PREDICTED_CONFIDENCE_KEY: model_confidence or 1.0},
                    add_to_output=True,
                )
            trigger = next((t for t in assessment.triggers if t.category == category), None)
            text = message.get(TEXT)
            start = text.find(trigger.text) if trigger else 0
            entity = {
                "entity": URGENCY_ENTITY,
                "value": category,
                "start": max(start, 0),
                "end": max(start, 0) + (len(trigger.text) if trigger else 0),
                "confidence_entity": 1.0,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages

    @staticmethod
    def _model_ranks_urgent_first(message: Message) -> float:
        """The model's confidence in `urgent` when it is its first choice, else 0.

        The FallbackClassifier replaces a top intent that is unsure or too close to the
        runner-up with nlu_fallback. For an `urgent` above the threshold, only too close to
        a question about safety, that would trade recall for nothing: danger comes first.
        """
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) == labels.URGENT_INTENT:
            return float(intent.get(PREDICTED_CONFIDENCE_KEY) or 1.0)
        if intent.get(INTENT_NAME_KEY) != labels.FALLBACK_INTENT:
            return 0.0
        first = next(
            (r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != labels.FALLBACK_INTENT), {}
        )
        if first.get(INTENT_NAME_KEY) == labels.URGENT_INTENT:
            confidence = float(first.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            # nlu_fallback carries the fallback threshold as its confidence: below it the model
            # was simply unsure ("help", "morgen!"), which stays a fallback.
            if confidence >= float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0):
                return confidence
        return 0.0

    @staticmethod
    def _rules_defuse(assessment) -> bool:
        """The rules saw the danger words and found them clearly about policy or the past.

        Only then is the model's `urgent` overruled; a message the rules know no
        danger words of keeps the model's verdict (recall first).
        """
        return (
            bool(assessment.triggers)
            and not assessment.urgent
            and not assessment.present
            and (assessment.defused or assessment.resolved)
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class InformGuard(GraphComponent):
    """`inform` only gives a role or school type ("ik ben ib'er op een vmbo").

    A message that says clearly more ("ik ben ib'er en wil ons pestprotocol
    herschrijven") is a question: the best-ranked question intent wins. Runs
    after CallerEntityExtractor, whose mentions it discounts.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent": "inform", "max_other_words": 4}

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> InformGuard:
        return cls({**cls.get_default_config(), **config})

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) != self._config["intent"]:
                continue
            text = message.get(TEXT) or ""
            for entity in sorted(message.get(ENTITIES, []), key=lambda e: -e.get("start", 0)):
                if entity.get("entity") in CALLER_ENTITIES:
                    text = text[: entity["start"]] + " " + text[entity["end"] :]
            other_words = [w for w in text.split() if any(c.isalnum() for c in w)]
            if len(other_words) <= self._config["max_other_words"]:
                continue
            prefer_best_question(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
