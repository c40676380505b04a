import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

ROOT = Path(__file__).resolve().parents[1]
SPACY_DIR = ROOT / ".cache" / "spacy" / "nl_doorvraag"
MODEL = ROOT / "models" / "doorvraag.tar.gz"


@pytest.fixture(scope="session")
def nlp():
    """The Dutch pipeline as set-up builds it (make setup)."""
    import spacy

    if not (SPACY_DIR / "meta.json").exists():
        pytest.fail(f"{SPACY_DIR} is missing: run 'make setup' first")
    return spacy.load(SPACY_DIR)


@pytest.fixture(scope="session")
def classifier():
    """The trained model, loaded once for the whole session."""
    from bot.classifier import Classifier

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run 'make train' first")
    loaded = Classifier(MODEL)
    yield loaded
    loaded.close()
