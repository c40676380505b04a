"""A word CountVectorsFeaturizer that keeps every token the tokenizer made.

Rasa's CountVectorsFeaturizer re-splits the tokenizer's tokens with sklearn's
pattern ``\\b\\w+\\b``. That throws away punctuation ("?" at the end of a policy
question, the "." between the sentences of a story about an incident) and cuts
"ib'er" into "ib" and "er". In cross-validation the punctuation-aware word
n-grams add about 0.005 to question_type macro-F1 and a little to theme
(reports/nlu.md). ``token_pattern`` is configurable; the default is Rasa's own,
so the component behaves exactly like the stock one unless asked.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from sklearn.feature_extraction.text import CountVectorizer

RASA_TOKEN_PATTERN = r"(?u)\b\w+\b"
WHOLE_TOKENS = r"\S+"  # tokens are joined with spaces before sklearn sees them


def _apply_pattern(vectorizers: dict[str, CountVectorizer], pattern: str | None) -> None:
    for vectorizer in vectorizers.values():
        if vectorizer.analyzer == "word" and pattern:
            vectorizer.token_pattern = pattern


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class TokenCountVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer with a configurable ``token_pattern`` for the word analyzer."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**CountVectorsFeaturizer.get_default_config(), "token_pattern": RASA_TOKEN_PATTERN}

    def __init__(self, config: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._token_pattern = config.get("token_pattern") or RASA_TOKEN_PATTERN

    # Training: the parent builds its vectorizers from a fixed parameter dict and
    # fits them straight away, so the pattern is set just before the fit.
    def _fit_vectorizer_from_scratch(self, attribute: str, attribute_texts) -> None:
        _apply_pattern(self.vectorizers, self._token_pattern)
        super()._fit_vectorizer_from_scratch(attribute, attribute_texts)

    # Loading a trained model: the vectorizers are built from the stored config.
    @classmethod
    def _create_shared_vocab_vectorizers(cls, parameters: dict[str, Any], vocabulary: Any | None = None):
        vectorizers = super()._create_shared_vocab_vectorizers(parameters, vocabulary)
        _apply_pattern(vectorizers, parameters.get("token_pattern"))
        return vectorizers

    @classmethod
    def _create_independent_vocab_vectorizers(cls, parameters: dict[str, Any], vocabulary: Any | None = None):
        vectorizers = super()._create_independent_vocab_vectorizers(parameters, vocabulary)
        _apply_pattern(vectorizers, parameters.get("token_pattern"))
        return vectorizers
