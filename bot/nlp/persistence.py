"""Our trained components keep their scikit-learn parts in Rasa's model storage as one skops file."""

from __future__ import annotations

from typing import Any

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


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
