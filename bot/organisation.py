"""The helpdesk's own name: chat page, widget header, reports, the digest and the dashboard.

From DOORVRAAG_ORG_NAME (one variable for every place), so every helpdesk that runs
Doorvraag shows its own name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ORGANISATION_ENV = "DOORVRAAG_ORG_NAME"
DEFAULT_ORGANISATION = "Helpdesk Sociale Veiligheid"
MAX_NAME = 80


def organisation_name(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    name = " ".join((env.get(ORGANISATION_ENV) or "").split())[:MAX_NAME]
    return name or DEFAULT_ORGANISATION
