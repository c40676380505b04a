"""A measured fix for Rasa 3.6's slowest step: checking every action server reply.

`RemoteAction._validate_action_result` calls `jsonschema.validate`, which first
validates the schema itself against the JSON-Schema meta-schema and builds a
new validator, on every custom action call. Profiling `rasa run` under load
(bench/PROFILE.md) showed about half of the server's time there. This keeps the
same check (same schema, same errors, same message) with a validator built and
checked once. Installed by our input channels, so it applies to `rasa run`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa.core.actions.action import RemoteAction

_ORIGINAL = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _validator():
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    # The wording Rasa adds to the error, kept so logs read the same.
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        "from the Action endpoint is valid. For more information about the format visit "
        "https://rasa.com/docs/rasa/custom-actions"
    )
    raise error


def install() -> None:
    """Idempotent; call before the server handles messages."""
    RemoteAction._validate_action_result = _validate_action_result


def uninstall() -> None:
    RemoteAction._validate_action_result = _ORIGINAL
