"""Precision and recall of bot/redaction.py on a labelled set (tests/data/redaction.yml).

Scored per word: a word is personal when it lies inside a labelled piece of
personal data, and redacted when it overlaps a span the redactor finds.
`make eval` prints the figures; tests/test_redaction_quality.py holds floors.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.redaction import personal_spans

DEFAULT_SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "redaction.yml"
WORD = re.compile(r"[^\s,.;:!?()\"]+")


@dataclass
class RedactionScore:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)
    over: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0


def _gold_ranges(text: str, personal: Sequence[str]) -> list[tuple[int, int]]:
    ranges = []
    for piece in personal:
        start = text.find(piece)
        if start < 0:
            raise ValueError(f"labelled piece {piece!r} is not in {text!r}")
        ranges.append((start, start + len(piece)))
    return ranges


def _overlaps(start: int, end: int, ranges) -> bool:
    return any(start < r_end and r_start < end for r_start, r_end in ranges)


def score(items) -> RedactionScore:
    result = RedactionScore()
    for item in items:
        text = item["text"]
        gold = _gold_ranges(text, item.get("personal") or [])
        found = [(s.start, s.end) for s in personal_spans(text)]
        for word in WORD.finditer(text):
            is_gold = _overlaps(word.start(), word.end(), gold)
            is_found = _overlaps(word.start(), word.end(), found)
            if is_gold and is_found:
                result.true_positive += 1
            elif is_found:
                result.false_positive += 1
                result.over.append((word.group(0), text))
            elif is_gold:
                result.false_negative += 1
                result.missed.append((word.group(0), text))
    return result


def load(path: Path = DEFAULT_SET):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def report(result: RedactionScore, examples: int) -> str:
    lines = [
        f"Redaction on {examples} labelled sentences (per word): "
        f"precision {result.precision:.3f}, recall {result.recall:.3f} "
        f"({result.true_positive} found, {result.false_positive} too many, {result.false_negative} missed)"
    ]
    lines += [f"  missed {word!r}" for word, _text in result.missed]
    lines += [f"  removed without need {word!r}" for word, _text in result.over]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    args = parser.parse_args(argv)
    items = load(args.set)
    print(report(score(items), len(items)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
