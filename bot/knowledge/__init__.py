"""The domain knowledge every part reads: labels, referrals, urgency rules.

Kept as YAML data beside this module so that actions, reports and the console
share one source; loaders return plain immutable views of that data.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parent


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@cache
def load(name: str) -> Mapping[str, Any]:
    """Read knowledge file `name` (without .yml) once; the result is read-only."""
    path = KNOWLEDGE_DIR / f"{name}.yml"
    with path.open(encoding="utf-8") as handle:
        return _freeze(yaml.safe_load(handle))
