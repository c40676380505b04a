"""Our trained components keep their scikit-learn parts in Rasa's model storage as one skops file."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from rasa.engine.graph import GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)


def save(model_storage: ModelStorage, resource: Resource, filename: str, parts: Any) -> None:
    import skops.io as sio

    with model_storage.write_to(resource) as directory:
        sio.dump(parts, directory / filename)


def load(model_storage: ModelStorage, resource: Resource, filename: str) -> Any | None:
    """The saved parts, or None when the component was never trained (Rasa still loads it)."""
    import skops.io as sio

    try:
        with model_storage.read_from(resource) as directory:
            path = directory / filename
            return sio.load(path, trusted=sio.get_untrusted_types(file=path))
    except (ValueError, FileNotFoundError):
        return None


PROJECT_ROOT = Path(__file__).resolve().parents[2]


def project_folder(configured: str | Path) -> Path:
    """A configured data folder; a relative one is the project's (rasa train may run from elsewhere)."""
    folder = Path(configured)
    return folder if folder.is_absolute() else PROJECT_ROOT / folder


def fingerprint(sources: Iterable[str], paths: Iterable[Path]) -> str:
    """A digest of code and data files that live outside Rasa's training data, for Rasa's training cache."""
    digest = hashlib.sha256("".join(sources).encode("utf-8"))
    for path in paths:
        digest.update(path.name.encode("utf-8") + path.read_bytes())
    return digest.hexdigest()


class TrainedComponent(GraphComponent):
    """What our trainable components share: they read spaCy docs and a data folder of their own
    (config `data`), merge their defaults into the config, and keep the fitted model's scikit-learn
    parts in Rasa's model storage (one skops file), wrapped by `wrap` when loaded."""

    MODEL_FILE: ClassVar[str]
    UNTRAINED: ClassVar[str] = "%s has no trained model."

    @classmethod
    def required_components(cls) -> list[type]:
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        return [SpacyNLP]

    @staticmethod
    def data_folder(config: dict[str, Any]) -> Path:
        return project_folder(config["data"])

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def wrap(cls, parts: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def create(cls, config, model_storage, resource, execution_context):
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: Any = None):
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    def _persist(self) -> None:
        assert self._model is not None
        save(self._model_storage, self._resource, self.MODEL_FILE, self._model.parts)

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs):
        config = {**cls.get_default_config(), **config}
        parts = load(model_storage, resource, cls.MODEL_FILE)
        if parts is None:
            logger.warning(cls.UNTRAINED, cls.__name__)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, cls.wrap(parts))
