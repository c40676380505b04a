"""TF-IDF + logistic regression over the pipeline's sparse features.

Measured on our data (make eval, reports/nlu.md) this beats DIET: ~2,000 short
examples in 25 intents are too few for DIET's embeddings, while a linear model
over TF-IDF-weighted lemma words and character n-grams generalises well and
trains in seconds. Each featurizer's block is TF-IDF-weighted and normalised on
its own, so words and character n-grams weigh alike whatever their vocabulary size.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack

from bot.labels import FALLBACK_INTENT
from bot.nlp import persistence

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(IntentClassifier, GraphComponent):
    """Intent classifier: per-featurizer TF-IDF blocks, then balanced logistic regression."""

    MODEL_FILE = "tfidf_intent_classifier.skops"

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "featurizers": [],  # aliases of the sparse featurizers to use, one TF-IDF block each
            "C": 10.0,
            "max_iter": 3000,
            "random_state": 42,
            "ranking_length": 0,  # 0 reports every intent (theme/type are summed over the ranking)
            # Models trained on one axis alone (theme; question type), each over all question
            # examples. They decide how the question intents share their probability across themes
            # and across types (cross-validation: theme macro-F1 +0.02, question type +0.01).
            "theme_head": True,
            "type_head": True,
            "rake_iterations": 5,
            # The theme head is a ridge (least-squares) classifier: on the theme axis, where labels.md's
            # borderline rules make the training labels noisiest, it beat logistic regression by about
            # 0.01 macro-F1 on three fold seeds. Its scores become shares by a softmax at this temperature:
            # 2 to 10 gave the same cross-validation figure, and 2 keeps nonsense ("qqqq qqqq") spread
            # thinly enough to fall below the FallbackClassifier threshold.
            "theme_head_model": "ridge",
            "head_temperature": 2.0,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The intent-to-label map the heads train on lives in bot/knowledge/labels.yml and
        bot/labels.py, outside this class: Rasa's training cache must see it change."""
        import hashlib
        import inspect
        import json

        from bot import knowledge, labels

        spec = json.dumps(knowledge.load("labels")["intents"], sort_keys=True, default=dict)
        source = inspect.getsource(labels.head_labels_of_intent) + inspect.getsource(labels.labels_of_intent)
        return hashlib.sha256((spec + source).encode("utf-8")).hexdigest()

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> TfidfIntentClassifier:
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: dict[str, Any] | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model  # {"tfidf": [TfidfTransformer per block], "clf": LogisticRegression}

    def _blocks(self, messages: list[Message]) -> list[csr_matrix]:
        names = self._config["featurizers"] or [None]
        blocks = []
        for name in names:
            rows = []
            for message in messages:
                _, sentence = message.get_sparse_features(TEXT, [name] if name else None)
                rows.append(csr_matrix(sentence.features) if sentence is not None else None)
            width = next((r.shape[1] for r in rows if r is not None), 0)
            blocks.append(vstack([r if r is not None else csr_matrix((1, width)) for r in rows]).tocsr())
        return blocks

    def _features(self, messages: list[Message]) -> csr_matrix:
        blocks = self._blocks(messages)
        assert self._model is not None, "_features runs on a trained model only"
        return hstack([t.transform(b) for t, b in zip(self._model["tfidf"], blocks, strict=True)]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.warning("No intent examples: %s is not trained.", self.__class__.__name__)
            return self._resource
        blocks = self._blocks(examples)
        tfidf = [TfidfTransformer(sublinear_tf=True).fit(block) for block in blocks]
        self._model = {"tfidf": tfidf}
        clf = LogisticRegression(
            C=self._config["C"],
            max_iter=self._config["max_iter"],
            class_weight="balanced",
            random_state=self._config["random_state"],
        )
        features = self._features(examples)
        clf.fit(features, [e.get(INTENT) for e in examples])
        self._model["clf"] = clf
        for axis in self._head_axes():
            values = [self._axis_of(e.get(INTENT), axis, for_training=True) for e in examples]
            rows = [i for i, value in enumerate(values) if value is not None]
            if len({values[i] for i in rows}) > 1:
                head = self._new_head(axis)
                head.fit(features[rows], [values[i] for i in rows])
                self._model[f"{axis}_clf"] = head
        self._persist()
        return self._resource

    def _new_head(self, axis: str):
        from sklearn.linear_model import LogisticRegression, RidgeClassifier

        if axis == "theme" and self._config["theme_head_model"] == "ridge":
            return RidgeClassifier(class_weight="balanced")
        return LogisticRegression(
            C=self._config["C"],
            max_iter=self._config["max_iter"],
            class_weight="balanced",
            random_state=self._config["random_state"],
        )

    def _head_probabilities(self, head, features):
        """predict_proba where the head has it; otherwise a softmax over its decision scores."""
        if hasattr(head, "predict_proba"):
            return head.predict_proba(features)
        scores = np.asarray(head.decision_function(features), dtype=float)
        if scores.ndim == 1:  # two classes: one score for the second class
            scores = np.column_stack([-scores, scores])
        scores = scores * self._config["head_temperature"]
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def _head_axes(self) -> list[str]:
        return [
            axis for axis, key in (("theme", "theme_head"), ("question_type", "type_head")) if self._config.get(key)
        ]

    @staticmethod
    def _axis_of(intent: str | None, axis: str, for_training: bool = False) -> str | None:
        """The intent's label on one axis. The heads also train on `urgent` examples
        (labels.head_labels_of_intent), but only question intents share out their mass."""
        from bot.labels import head_labels_of_intent, labels_of_intent

        question = (head_labels_of_intent if for_training else labels_of_intent)(intent)
        return getattr(question, axis) if question else None

    def _axis_values(self, classes: list[str]) -> dict[str, list[str | None]]:
        """Theme and type of each intent (None for non-questions); depends on the model only, so
        process() works it out once per batch rather than per message."""
        return {axis: [self._axis_of(c, axis) for c in classes] for axis in ("theme", "question_type")}

    def _rake(
        self, joint, axis_values: dict[str, list[str | None]], heads: dict[str, Any], urgent: int | None = None
    ) -> list[float]:
        """Fit the question intents to the one-axis heads (iterative proportional fitting).

        The question intents keep their total probability; each head in turn decides how that total
        is shared across its axis (themes, or types), keeping the split along the other axis within
        each share. Other intents (greet, urgent, ...) are unchanged. `axis_values` comes from
        _axis_values(classes); `heads` maps an axis to (head classes, head probabilities) for this message;
        `urgent` is the index of the urgent intent among the classes, kept first where it was first.
        """
        result = [float(p) for p in joint]
        questions = [i for i, theme in enumerate(axis_values["theme"]) if theme is not None]
        mass = sum(result[i] for i in questions)
        if mass <= 0:
            return result
        rounds = self._config["rake_iterations"] if len(heads) > 1 else 1
        for _ in range(rounds):
            for axis, (head_classes, head_probabilities) in heads.items():
                values = axis_values[axis]  # set for every question intent (index in `questions`)
                per_value: dict[str | None, float] = {}
                for i in questions:
                    per_value[values[i]] = per_value.get(values[i], 0.0) + result[i]
                for i in questions:
                    if values[i] in head_classes and per_value[values[i]] > 0:
                        share = head_probabilities[head_classes.index(values[i])]
                        result[i] = mass * share * result[i] / per_value[values[i]]
        return self._keep_urgent_first(joint, result, questions, urgent)

    @staticmethod
    def _keep_urgent_first(joint, result: list[float], questions: list[int], urgent: int | None) -> list[float]:
        """Raking shares out the question mass; it must not decide that a message is no longer urgent.

        When `urgent` is the model's own first choice and a raked question intent ends above it
        (the theme head concentrates on one theme), all question intents are scaled down by one
        factor, which keeps every theme and type share, and what they give up goes to `urgent`,
        until the two are level (ties rank `urgent` first, see process()).
        """
        if urgent is None or max(range(len(joint)), key=lambda i: joint[i]) != urgent or not questions:
            return result
        peak = max(result[i] for i in questions)
        mass = sum(result[i] for i in questions)
        if peak <= result[urgent]:
            return result
        scale = (result[urgent] + mass) / (peak + mass)
        for i in questions:
            result[i] *= scale
        result[urgent] += mass * (1.0 - scale)
        result[urgent] = max(result[urgent], peak * scale)  # level despite rounding
        return result

    @staticmethod
    def _ranking(classes: list[str], row) -> list[dict[str, Any]]:
        """Most likely first; on equal confidence `urgent` ranks first (see _keep_urgent_first)."""
        from bot.labels import URGENT_INTENT

        return sorted(
            ({"name": c, "confidence": float(p)} for c, p in zip(classes, row, strict=True)),
            key=lambda item: (-item["confidence"], item["name"] != URGENT_INTENT),
        )

    def process(self, messages: list[Message]) -> list[Message]:
        from bot.labels import URGENT_INTENT

        if self._model is None or not messages:
            return messages
        features = self._features(messages)
        probabilities = self._model["clf"].predict_proba(features)
        classes = list(self._model["clf"].classes_)
        heads = {
            axis: (
                list(self._model[f"{axis}_clf"].classes_),
                self._head_probabilities(self._model[f"{axis}_clf"], features),
            )
            for axis in self._head_axes()
            if f"{axis}_clf" in self._model
        }
        if heads:
            axis_values = self._axis_values(classes)
            urgent = classes.index(URGENT_INTENT) if URGENT_INTENT in classes else None
            probabilities = [
                self._rake(
                    row,
                    axis_values,
                    {axis: (head_classes, head_rows[n]) for axis, (head_classes, head_rows) in heads.items()},
                    urgent,
                )
                for n, row in enumerate(probabilities)
            ]
        limit = self._config["ranking_length"]
        for message, row in zip(messages, probabilities, strict=True):
            ranking = self._ranking(classes, row)
            if not any(character.isalnum() for character in message.get(TEXT) or ""):
                # "???", "😡😡😡": no word to read a theme from; the character n-grams of "?" would still rank one.
                ranking = [{"name": FALLBACK_INTENT, "confidence": 1.0}]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:limit] if limit > 0 else ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _persist(self) -> None:
        persistence.save(self._model_storage, self._resource, self.MODEL_FILE, self._model)

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs) -> TfidfIntentClassifier:
        config = {**cls.get_default_config(), **config}
        model = persistence.load(model_storage, resource, cls.MODEL_FILE)
        if model is None:
            logger.warning("%s has no trained model; intents are not classified.", cls.__name__)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, model)
