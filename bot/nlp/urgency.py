"""Rule-based urgency detection on lemmas, independent of the classifier.

The rules (bot/knowledge/urgency.yml) are tuned for recall: a strong trigger
makes a message urgent unless it is clearly about policy, training or a past
case; a weak trigger needs a sign of danger now. The Rasa component
:class:`bot.nlp.components.UrgencyDetector` combines this with the model's
``urgent`` intent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from bot import knowledge
from bot.nlp.patterns import compile_patterns, lemma_norms

PRESENT = "present"
DEFUSER = "defuser"
IGNORE = "ignore"
RESOLVED = "resolved"
GROUP_PREFIX = "group:"


@dataclass(frozen=True)
class Trigger:
    category: str
    strength: str  # "strong" or "weak"
    text: str


@dataclass(frozen=True)
class UrgencyAssessment:
    urgent: bool
    category: str | None
    triggers: tuple[Trigger, ...] = field(default_factory=tuple)
    present: bool = False
    defused: bool = False
    resolved: bool = False


class UrgencyRules:
    """Matcher over a vocabulary; build once per loaded spaCy pipeline."""

    def __init__(self, vocab: Vocab, rules: Mapping | None = None) -> None:
        rules = rules if rules is not None else knowledge.load("urgency")
        self._matcher = Matcher(vocab, validate=True)
        self._order: list[str] = list(rules["categories"])
        for category, groups in rules["categories"].items():
            for strength in ("strong", "weak"):
                patterns = compile_patterns(groups.get(strength, ()))
                if patterns:
                    self._matcher.add(f"{category}|{strength}", patterns)
        for name, patterns in rules.get("groups", {}).items():
            self._matcher.add(GROUP_PREFIX + name, compile_patterns(patterns))
        # category -> alternatives, each a set of groups that must all occur in the message
        self._combinations: dict[str, tuple[tuple[str, ...], ...]] = {
            category: tuple(tuple(alternative) for alternative in alternatives)
            for category, alternatives in rules.get("combinations", {}).items()
        }
        self._matcher.add(PRESENT, compile_patterns(rules["present"]))
        self._matcher.add(DEFUSER, compile_patterns(rules["defusers"]))
        if rules.get("resolved"):
            self._matcher.add(RESOLVED, compile_patterns(rules["resolved"]))
        if rules.get("ignore"):
            self._matcher.add(IGNORE, compile_patterns(rules["ignore"]))

    def assess(self, doc: Doc) -> UrgencyAssessment:
        lemma_norms(doc)
        matches = [(doc.vocab.strings[m], start, end) for m, start, end in self._matcher(doc)]
        ignored = {i for key, start, end in matches if key == IGNORE for i in range(start, end)}
        # A match wholly inside an ignored phrase ("wat moeten we nu doen") does not count; a sign that the
        # danger is over still does ("er is geen acute situatie" is ignored as a sign of the present).
        matches = [
            (key, start, end)
            for key, start, end in matches
            if key in (IGNORE, RESOLVED) or not set(range(start, end)) <= ignored
        ]
        triggers: list[Trigger] = []
        groups: dict[str, str] = {}
        present = defused = resolved = False
        for key, start, end in matches:
            if key == PRESENT:
                present = True
            elif key == DEFUSER:
                defused = True
            elif key == RESOLVED:
                resolved = True
            elif key.startswith(GROUP_PREFIX):
                groups.setdefault(key[len(GROUP_PREFIX) :], doc[start:end].text)
            elif key not in (IGNORE, RESOLVED):
                category, strength = key.split("|")
                triggers.append(Trigger(category, strength, doc[start:end].text))
        for category, alternatives in self._combinations.items():
            for alternative in alternatives:
                if all(group in groups for group in alternative):
                    triggers.append(Trigger(category, "strong", groups[alternative[-1]]))
                    break
        fired = [
            t
            for t in triggers
            if (t.strength == "strong" and (present or not (defused or resolved)))
            or (t.strength == "weak" and present and not resolved)
        ]
        return UrgencyAssessment(
            urgent=bool(fired),
            category=self._first_category(fired),
            triggers=tuple(triggers),
            present=present,
            defused=defused,
            resolved=resolved,
        )

    def _first_category(self, fired: list[Trigger]) -> str | None:
        """The most specific category: the order in the rules file decides ties."""
        counts: dict[str, int] = {}
        for trigger in fired:
            counts[trigger.category] = counts.get(trigger.category, 0) + 1
        for category in self._order:
            if category in counts:
                return category
        return None
