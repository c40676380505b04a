"""The knowledge base's retrieval as a Rasa NLU component (the model itself: bot/nlp/answer_model.py)."""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import answers, labels
from bot.nlp import persistence
from bot.nlp.answer_model import NO_ANSWER, AnswerModel, QuestionInput, load_questions
from bot.nlp.components import prefer_best_question
from bot.nlp.openers import FILE as OPENERS_FILE
from bot.nlp.openers import without_openers

logger = logging.getLogger(__name__)


def lemmas_of(doc) -> list[str]:
    return [(token.lemma_ or token.text).lower() for token in doc]


def question_input(text: str, nlp: Any) -> QuestionInput:
    """A question as the model reads it, at training and after: without the words it opens with ("O ja, en
    ..."), lemmatised by `nlp` (a spaCy pipeline)."""
    question = without_openers(text)
    return QuestionInput(question, " ".join(lemmas_of(nlp(question))))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True, model_from="SpacyNLP")
class AnswerRetriever(persistence.TrainedComponent):
    """Adds an `answer` entity per knowledge-base answer that is sure enough, best first.

    The entity's value is the answer's key and `confidence_entity` its probability. No `answer`
    entity means: no fixed answer (the dialogue says so honestly). Up to `top` answers are kept so
    that the dialogue can pass over one that does not apply to the user's sector. The intent and its
    ranking are left alone.
    """

    MODEL_FILE = "answer_model.skops"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "data": "data/answers",
            # Weaker regularisation makes the right answer stand out more from the rest: measured in
            # reports/answers.md ("Model choice on our own data"), C=60 against the first model's 20, and
            # C=150 against 60 and 300 on the larger data of session 8 (reports/answers_trials.md).
            "C": 150.0,
            "folds": 5,
            # Processes for the folds and the final fit, which run side by side (0: one per core).
            "jobs": 0,
            "seed": 13,
            "top": 3,
            # On out-of-fold predictions: at most this share of the unanswerable questions gets an answer
            # (the same 5 % the honest line may miss on questions written apart: target 0.95).
            "max_false_answers": 0.05,
            # Below that threshold the best answer is offered ("Gaat het je om ...?") down to where it is
            # still the right one for this share of the out-of-fold questions (unanswerable ones count wrong).
            "suggest_precision": 0.8,
        }

    UNTRAINED = "%s has no trained model; no question gets a fixed answer."

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The knowledge base, the unanswerable questions and the defaults here (C, folds, ...) live outside
        Rasa's data and config.yml: the cache must see them."""
        import sys

        from bot.nlp import answer_model, openers

        folder = cls.data_folder({**cls.get_default_config(), **config})
        return persistence.fingerprint(
            [inspect.getsource(answer_model), inspect.getsource(sys.modules[__name__]), inspect.getsource(openers)],
            [*sorted(folder.glob("*.jsonl")), *sorted(answers.FOLDER.glob("*.yml")), OPENERS_FILE],
        )

    @classmethod
    def wrap(cls, parts: Any) -> AnswerModel:
        return AnswerModel(parts)

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        questions, keys, sentences = training_questions(self.data_folder(self._config))

        def prepared(texts: list[str]) -> list[QuestionInput]:
            return [question_input(text, model.model) for text in texts]

        self._model = AnswerModel.fit(
            prepared(questions),
            keys,
            self._config,
            extra=(prepared([s for s, _ in sentences]), [k for _, k in sentences]),
        )
        logger.info(
            "answer model: threshold %.3f, out of fold %s", self._model.threshold, self._model.parts["out_of_fold"]
        )
        self._persist()
        return self._resource

    def process(self, messages: list[Message], model: SpacyModel | None = None) -> list[Message]:
        if self._model is None:
            return messages
        scored = [m for m in messages if m.get(SPACY_DOCS[TEXT]) is not None and (m.get(TEXT) or "").strip()]
        items = [self.question_of(m, model) for m in scored]
        for message, retrieval in zip(scored, self._model.rank(items, top=int(self._config["top"])), strict=True):
            found = [
                {
                    "entity": labels.ANSWER_ENTITY,
                    "value": candidate.key,
                    "start": 0,
                    "end": 0,
                    "confidence_entity": candidate.score,
                    "extractor": self.__class__.__name__,
                }
                for candidate in retrieval.candidates
                if candidate.score >= retrieval.threshold
            ]
            if retrieval.suggestion is not None and retrieval.best is not None:
                found.append(
                    {
                        "entity": labels.ANSWER_SUGGESTION_ENTITY,
                        "value": retrieval.suggestion,
                        "start": 0,
                        "end": 0,
                        "confidence_entity": retrieval.best.score,
                        "extractor": self.__class__.__name__,
                    }
                )
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
                sure = any(e["entity"] == labels.ANSWER_ENTITY for e in found)
                if sure and (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == labels.FALLBACK_INTENT:
                    # Unsure of the intent but sure of the answer: it is a question we understand.
                    prefer_best_question(message)
        return messages

    @staticmethod
    def question_of(message: Message, model: SpacyModel | None) -> QuestionInput:
        """The message read as at training: without the words it opens with ("O ja, en ..."), parsed again
        when there were any (and a Dutch pipeline is at hand)."""
        text = message.get(TEXT)
        if without_openers(text) == text or model is None:
            return QuestionInput(text, " ".join(lemmas_of(message.get(SPACY_DOCS[TEXT]))))
        return question_input(text, model.model)

    def process_training_data(self, training_data: TrainingData, model: SpacyModel | None = None) -> TrainingData:
        return training_data


def training_questions(folder: Path) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """The questions to learn from, with their keys, and the answers' own sentences.

    Questions: every answer's title and example questions and the data/answers/ questions under their
    key, the unanswerable ones under NO_ANSWER. The sentences (with their key) carry the subject's
    words the questions may not: they are always trained on and never held out.
    """
    questions: list[str] = []
    keys: list[str] = []
    sentences: list[tuple[str, str]] = []
    for answer in answers.load():
        for question in (answer.title, *answer.examples):
            questions.append(question)
            keys.append(answer.key)
        sentences += [(sentence, answer.key) for sentence in answers.sentences(answer.answer)]
    more = load_questions(folder)
    known = {answer.key for answer in answers.load()}
    unknown = sorted({key for _, key in more if key != NO_ANSWER and key not in known})
    if unknown:
        raise ValueError(f"{folder}: questions for answers that do not exist: {unknown}")
    if not any(key == NO_ANSWER for _, key in more):
        raise FileNotFoundError(f"the answer model needs unanswerable questions: none in {folder}/*.jsonl")
    questions += [text for text, _ in more]
    keys += [key for _, key in more]
    return questions, keys, sentences
