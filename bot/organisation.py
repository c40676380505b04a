"""The helpdesk's own name, for reports, the digest and the dashboard.

From DOORVRAAG_ORGANISATION, so every helpdesk that runs Doorvraag shows its own
name; the default is the name the chat widget already uses.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ORGANISATION_ENV = "DOORVRAAG_ORGANISATION"
DEFAULT_ORGANISATION = "Helpdesk Sociale Veiligheid"
MAX_NAME = 120


def organisation_name(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    name = " ".join((env.get(ORGANISATION_ENV) or "").split())[:MAX_NAME]
    return name or DEFAULT_ORGANISATION
