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
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import labels
from bot.nlp import persistence
from bot.nlp.callers import ENTITIES as CALLER_ENTITIES
from bot.nlp.callers import CallerTable
from bot.nlp.urgency import UrgencyRules
from bot.nlp.urgency_model import (
    ACUUT,
    GEEN,
    MOGELIJK,
    Example,
    UrgencyInput,
    UrgencyModel,
    UrgencyResult,
    load_examples,
    loudest,
    sentence_spans,
)

logger = logging.getLogger(__name__)

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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True, model_from="SpacyNLP")
class UrgencyDetector(persistence.TrainedComponent):
    """Three urgency levels from the dedicated urgency model (bot/nlp/urgency_model.py).

    * ``acuut``: the intent becomes `urgent`, so the dialogue refers at once;
    * ``mogelijk``: the message keeps its question intent and the intake asks one check question;
    * ``geen``: an `urgent` first choice of the intent classifier yields to the best question.

    Two entities carry the result: `urgency_level` and `urgency` (the category that picks the
    referral; its span is the rules' trigger when they found one). The model's ranking is left as
    it was, so theme and type can still be read from it. It trains on data/urgency/*.jsonl plus the
    NLU data (the `urgent` intent's examples as urgent, every other example as not).
    """

    MODEL_FILE = "urgency_model.skops"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "data": "data/urgency",
            "C": 5.0,
            "cue_weight": 1.0,
            "folds": 5,
            "seed": 13,
            # On out-of-fold predictions: `mogelijk` catches this share of the urgent examples...
            "target_recall": 0.99,
            # ... and `acuut` starts where this share of what it flags is urgent.
            "acute_precision": 0.95,
            # ... and `certain` (acuut that interrupts questions under way without a danger word) where 0.99 is.
            "certain_precision": 0.99,
            # A message of this many sentences (of at least `sentence_min_words` words) is also read
            # sentence by sentence; a sentence is heard up to `sentence_cap` (urgency_model.loudest).
            "sentence_min_sentences": 3,
            "sentence_min_words": 4,
            "sentence_cap": MOGELIJK,
            "sentence_needs_certain": True,
        }

    UNTRAINED = "%s has no trained model; only the rules detect urgency."

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The training examples and cue lists live outside Rasa's training data: the cache must see them."""
        import inspect

        from bot.nlp import cues, urgency_model

        folder = cls.data_folder({**cls.get_default_config(), **config})
        return persistence.fingerprint(
            [inspect.getsource(urgency_model), inspect.getsource(cues)],
            [*sorted(folder.glob("*.jsonl")), *urgency_model.KNOWLEDGE_FILES],
        )

    @classmethod
    def wrap(cls, parts: Any) -> UrgencyModel:
        return UrgencyModel(parts)

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: UrgencyModel | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource, model)
        self._rules: UrgencyRules | None = None
        self._vocab = None

    def _rules_for(self, doc) -> UrgencyRules:
        if self._rules is None or self._vocab is not doc.vocab:
            self._rules, self._vocab = UrgencyRules(doc.vocab), doc.vocab
        return self._rules

    def _input(self, text: str, doc) -> UrgencyInput:
        assessment = self._rules_for(doc).assess(doc)  # fills each token's NORM with its lemma
        return UrgencyInput.of(text, [token.norm_ for token in doc], assessment)

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        folder = self.data_folder(self._config)
        if not any(folder.glob("*.jsonl")):
            raise FileNotFoundError(f"the urgency model's training data is missing: no *.jsonl in {folder}")
        examples = load_examples(folder)
        docs = [model.model(example.text) for example in examples]
        # Every NLU example counts: `urgent` ones as urgent, questions and conversation turns ("ja",
        # "nee, ze is nu bij haar tante", "ik ben mentor") as not, so short replies are not read as danger.
        for message in training_data.intent_examples:
            intent, text = message.get(INTENT), message.get(TEXT)
            examples.append(Example(text, intent == labels.URGENT_INTENT, kind=f"nlu:{intent}"))
            docs.append(message.get(SPACY_DOCS[TEXT]) or model.model(text))
        items = [self._input(e.text, doc) for e, doc in zip(examples, docs, strict=True)]
        # The NLU data's urgent examples carry no category: the rules name one where they can.
        examples = [
            Example(e.text, e.urgent, e.category or (item.rules_category if e.urgent else None), e.kind)
            for e, item in zip(examples, items, strict=True)
        ]
        self._model = UrgencyModel.fit(items, examples, self._config)
        logger.info("urgency model: thresholds %s on %d examples", self._model.thresholds, len(examples))
        self._persist()
        return self._resource

    def _results(self, items: list[UrgencyInput]) -> list[UrgencyResult]:
        if self._model is not None:
            return self._model.assess(items)
        # Untrained: the rules alone, as before the model (a rule hit is acute).
        return [
            UrgencyResult(ACUUT if item.rules.get("rules_urgent") else GEEN, 1.0, item.rules_category) for item in items
        ]

    def process(self, messages: list[Message], model: SpacyModel | None = None) -> list[Message]:
        scored = [
            (message, self._input(message.get(TEXT), message.get(SPACY_DOCS[TEXT])))
            for message in messages
            if message.get(SPACY_DOCS[TEXT]) is not None and message.get(TEXT)
        ]
        results = self._results([item for _, item in scored])
        results_items = [
            self._by_sentence(message, item, result) for (message, item), result in zip(scored, results, strict=True)
        ]
        for (message, _whole), (item, result) in zip(scored, results_items, strict=True):
            intent: dict[str, Any] = message.get(INTENT) or {}
            if result.level == ACUUT:
                if intent.get(INTENT_NAME_KEY) != labels.URGENT_INTENT:
                    message.set(
                        INTENT,
                        {INTENT_NAME_KEY: labels.URGENT_INTENT, PREDICTED_CONFIDENCE_KEY: result.probability},
                        add_to_output=True,
                    )
            elif intent.get(INTENT_NAME_KEY) == labels.URGENT_INTENT:
                prefer_best_question(message)
            if result.level != GEEN:
                self._add_entities(message, result, item)
        return messages

    def _by_sentence(
        self, message: Message, item: UrgencyInput, result: UrgencyResult
    ) -> tuple[UrgencyInput, UrgencyResult]:
        """A long message read sentence by sentence too: danger told in passing is heard (`loudest`)."""
        text, doc = message.get(TEXT), message.get(SPACY_DOCS[TEXT])
        spans = sentence_spans(text, int(self._config["sentence_min_words"]))
        if len(spans) < int(self._config["sentence_min_sentences"]) or result.level == ACUUT:
            return item, result
        parts = [doc.char_span(start, end, alignment_mode="expand") for start, end in spans]
        items = [self._input(part.text, part.as_doc()) for part in parts if part is not None and len(part)]
        cap, needs_certain = str(self._config["sentence_cap"]), bool(self._config["sentence_needs_certain"])
        # "Vorige week was er een vechtpartij. Dat is opgelost.": what settles a sentence often follows it.
        settled = [bool(i.rules.get("defused") or i.rules.get("resolved")) for i in items]
        heard = [
            r if not (settled[n] or (n + 1 < len(items) and settled[n + 1])) else UrgencyResult(GEEN, 0.0, None)
            for n, r in enumerate(self._results(items))
        ]
        index, chosen = loudest(result, heard, cap, needs_certain)
        return (items[index] if index >= 0 else item), chosen

    def _add_entities(self, message: Message, result: UrgencyResult, item: UrgencyInput) -> None:
        category = result.category or GENERAL_URGENCY
        text = message.get(TEXT)
        trigger = item.trigger_text if item.rules_category == category else None
        start = max(text.find(trigger), 0) if trigger else 0
        end = start + len(trigger) if trigger else 0
        found = [
            {"entity": labels.URGENCY_ENTITY, "value": category, "start": start, "end": end},
            {"entity": labels.URGENCY_LEVEL_ENTITY, "value": result.level, "start": 0, "end": 0},
        ]
        if result.certain:
            found.append({"entity": labels.URGENCY_CERTAIN_ENTITY, "value": "zeker", "start": 0, "end": 0})
        extractor = {"confidence_entity": result.probability, "extractor": self.__class__.__name__}
        message.set(ENTITIES, message.get(ENTITIES, []) + [{**e, **extractor} for e in found], add_to_output=True)

    def process_training_data(self, training_data: TrainingData, model: SpacyModel | None = None) -> TrainingData:
        return training_data


class IntentGuard(GraphComponent):
    """Hands a message the model gave `intent` to the best-ranked question intent when `overrules` says so."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> IntentGuard:
        return cls({**cls.get_default_config(), **config})

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config

    def overrules(self, message: Message) -> bool:
        raise NotImplementedError

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) == self._config["intent"] and self.overrules(message):
                prefer_best_question(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OutOfScopeGuard(IntentGuard):
    """A message about the conversation itself is never out of scope.

    "wat moet ik nu doen?" reads as out_of_scope (it is the tail of "mijn wasmachine lekt, wat moet ik
    doen"), and that rule answers "daar kan ik je niet mee helpen": right after a referral for suicidal
    thoughts, or in the middle of the questions. Said alone, it asks for the advice or the next steps,
    like the other remarks of intake.meta_of ("dat was het", "ik wil iemand spreken"): the best-ranked
    question intent takes over, so the actions read it as the step it asks for.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent": "out_of_scope"}

    def overrules(self, message: Message) -> bool:
        from bot.intake_reading import meta_of  # the dialogue's vocabulary; imported late, it imports this package

        return meta_of(message.get(TEXT) or "") is not None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class InformGuard(IntentGuard):
    """`inform` only gives a role or school type ("ik ben ib'er op een vmbo").

    A message that says clearly more ("ik ben ib'er en wil ons pestprotocol
    herschrijven") is a question: the best-ranked question intent wins. Runs
    after CallerEntityExtractor, whose mentions it discounts.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent": "inform", "max_other_words": 4}

    def overrules(self, message: Message) -> bool:
        text = message.get(TEXT) or ""
        for entity in sorted(message.get(ENTITIES, []), key=lambda e: -e.get("start", 0)):
            if entity.get("entity") in CALLER_ENTITIES:
                text = text[: entity["start"]] + " " + text[entity["end"] :]
        other_words = [w for w in text.split() if any(c.isalnum() for c in w)]
        return len(other_words) > self._config["max_other_words"]
