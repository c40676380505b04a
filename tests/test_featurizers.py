"""TokenCountVectorsFeaturizer keeps punctuation and whole tokens, after training and after loading."""
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.featurizers import RASA_TOKEN_PATTERN, TokenCountVectorsFeaturizer

TEXTS = ["wat moet er in een pestprotocol ?", "gisteren is er gevochten . wat nu ?",
         "ik ben ib'er op een basisschool"]


def tokenized(texts):
    """Split on spaces, as spaCy would keep "?" and "ib'er" as tokens (Rasa's whitespace tokenizer drops "?")."""
    messages = []
    for text in texts:
        tokens, start = [], 0
        for word in text.split(" "):
            tokens.append(Token(word, start, lemma=word))
            start += len(word) + 1
        messages.append(Message(data={TEXT: text, TOKENS_NAMES[TEXT]: tokens}))
    return messages


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def trained(storage, **config):
    resource = Resource("lemma_words")
    featurizer = TokenCountVectorsFeaturizer.create(
        {**TokenCountVectorsFeaturizer.get_default_config(), **config}, storage, resource,
        ExecutionContext(node_name="lemma_words", graph_schema=None))
    featurizer.train(TrainingData(training_examples=tokenized(TEXTS)))
    return featurizer, resource


def test_the_default_is_rasas_own_pattern(storage):
    featurizer, _ = trained(storage)
    vocabulary = featurizer.vectorizers[TEXT].vocabulary_
    assert "?" not in vocabulary and "ib" in vocabulary and "ib'er" not in vocabulary
    assert TokenCountVectorsFeaturizer.get_default_config()["token_pattern"] == RASA_TOKEN_PATTERN


def test_whole_tokens_keep_punctuation_and_apostrophes_after_training_and_loading(storage):
    config = {**TokenCountVectorsFeaturizer.get_default_config(), "token_pattern": r"\S+",
              "max_ngram": 2}
    featurizer, resource = trained(storage, **config)
    vocabulary = featurizer.vectorizers[TEXT].vocabulary_
    assert {"?", ".", "ib'er", "pestprotocol ?", "gevochten ."} <= set(vocabulary)

    loaded = TokenCountVectorsFeaturizer.load(
        config, storage, resource, ExecutionContext(node_name="lemma_words", graph_schema=None))
    assert loaded.vectorizers[TEXT].token_pattern == r"\S+"
    message, = tokenized(["hoe nu verder ?"])
    loaded.process([message])
    sparse = message.get_sparse_features(TEXT, ["lemma_words"])[1]   # sentence features
    question_mark = loaded.vectorizers[TEXT].vocabulary_["?"]
    assert sparse.features.toarray()[0][question_mark] == 1
