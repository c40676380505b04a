"""How a message places its danger in time and frame: the cue groups of bot/knowledge/urgency_cues.yml, counted.

Apart from the urgency model (no spaCy, no NumPy), so that the action server can read a message's cues,
such as a child writing about themselves for the referral, without loading the NLU stack first.
"""

from __future__ import annotations

import re
from functools import cache

from bot import knowledge
from bot.question_bank import normalise

__all__ = ["cue_counts", "cue_groups", "normalise"]


@cache
def cue_groups() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    groups = knowledge.load("urgency_cues")["groups"]
    return tuple((name, tuple(re.compile(p) for p in patterns)) for name, patterns in groups.items())


def cue_counts(text: str) -> dict[str, float]:
    """How often each group's patterns match the normalised text (lower case, accents removed)."""
    norm = normalise(text)
    return {name: float(sum(len(p.findall(norm)) for p in patterns)) for name, patterns in cue_groups()}
