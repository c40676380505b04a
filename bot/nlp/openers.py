"""A message's question without the words it opens with (bot/knowledge/openers.yml)."""

from __future__ import annotations

import re
from functools import cache

from bot import knowledge

FILE = knowledge.KNOWLEDGE_DIR / "openers.yml"


@cache
def _openers() -> re.Pattern[str]:
    return re.compile(str(knowledge.load("openers")["pattern"]), re.IGNORECASE)


def without_openers(text: str) -> str:
    """ "O ja, en moet een school ...?" -> "moet een school ...?"; a message of openers only stays as it is."""
    rest = _openers().sub("", text, count=1)
    return rest if rest.strip() else text
