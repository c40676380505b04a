"""Rule-based urgency detection on lemmas, independent of the classifier.

The rules (bot/knowledge/urgency.yml) are tuned for recall: a strong trigger
makes a message urgent unless it is clearly about policy, training or a past
case; a weak trigger needs a sign of danger now. The Rasa component
:class:`bot.nlp.components.UrgencyDetector` combines this with the model's
``urgent`` intent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from bot import knowledge
from bot.nlp.patterns import compile_patterns, lemma_norms

PRESENT = "present"
DEFUSER = "defuser"


@dataclass(frozen=True)
class Trigger:
    category: str
    strength: str  # "strong" or "weak"
    text: str


@dataclass(frozen=True)
class UrgencyAssessment:
    urgent: bool
    category: Optional[str]
    triggers: Tuple[Trigger, ...] = field(default_factory=tuple)
    present: bool = False
    defused: bool = False


class UrgencyRules:
    """Matcher over a vocabulary; build once per loaded spaCy pipeline."""

    def __init__(self, vocab: Vocab, rules: Optional[Mapping] = None) -> None:
        rules = rules if rules is not None else knowledge.load("urgency")
        self._matcher = Matcher(vocab, validate=True)
        self._order: List[str] = list(rules["categories"])
        for category, groups in rules["categories"].items():
            for strength in ("strong", "weak"):
                patterns = compile_patterns(groups.get(strength, ()))
                if patterns:
                    self._matcher.add(f"{category}|{strength}", patterns)
        self._matcher.add(PRESENT, compile_patterns(rules["present"]))
        self._matcher.add(DEFUSER, compile_patterns(rules["defusers"]))

    def assess(self, doc: Doc) -> UrgencyAssessment:
        lemma_norms(doc)
        triggers: List[Trigger] = []
        present = defused = False
        for match_id, start, end in self._matcher(doc):
            key = doc.vocab.strings[match_id]
            if key == PRESENT:
                present = True
            elif key == DEFUSER:
                defused = True
            else:
                category, strength = key.split("|")
                triggers.append(Trigger(category, strength, doc[start:end].text))
        fired = [
            t for t in triggers
            if (t.strength == "strong" and (present or not defused))
            or (t.strength == "weak" and present)
        ]
        category = self._first_category(fired)
        return UrgencyAssessment(
            urgent=bool(fired),
            category=category,
            triggers=tuple(triggers),
            present=present,
            defused=defused,
        )

    def _first_category(self, fired: List[Trigger]) -> Optional[str]:
        """The most specific category: the order in the rules file decides ties."""
        counts: Dict[str, int] = {}
        for trigger in fired:
            counts[trigger.category] = counts.get(trigger.category, 0) + 1
        for category in self._order:
            if category in counts:
                return category
        return None
