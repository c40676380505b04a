"""`make eval-confirmation`: from which confidence the topic may be confirmed implicitly.

The intake says what it understood without asking "Klopt dat?" when the weaker of the theme and
type shares (Classification.label_confidence) reaches `confirm.implicit_min_confidence` in
bot/knowledge/dialogue.yml. This measures, on tests/data/holdout.yml (questions written apart from
the training data; urgent ones left out, they are referred instead), how often theme and type are
both right above each threshold, and proposes the lowest threshold at which at least TARGET of the
implicit confirmations are right. Writes reports/confirmation.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from bot import intake

HOLDOUT = Path("tests/data/holdout.yml")
TARGET = 0.9
GRID = tuple(round(0.5 + 0.05 * step, 2) for step in range(10))


def table(scored: Sequence[tuple[float, bool]]) -> list[tuple[float, int, float]]:
    """(threshold, how many above it, share right above it) per threshold of GRID."""
    rows = []
    for threshold in GRID:
        above = [right for confidence, right in scored if confidence >= threshold]
        rows.append((threshold, len(above), sum(above) / len(above) if above else 1.0))
    return rows


def proposed(rows: Sequence[tuple[float, int, float]]) -> float:
    return next((threshold for threshold, count, share in rows if count and share >= TARGET), 1.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("reports/confirmation.md"))
    args = parser.parse_args(argv)
    from bot.classifier import Classifier, ModelNotFound

    try:
        classifier = Classifier()
    except ModelNotFound as error:
        print(error, file=sys.stderr)
        return 2
    cases = [c for c in yaml.safe_load(HOLDOUT.read_text(encoding="utf-8")) if not c.get("urgent")]
    scored = []
    for case in cases:
        result = classifier.classify(case["text"])
        if result.urgent:
            continue
        right = result.theme == case["theme"] and result.question_type == case["question_type"]
        scored.append((result.label_confidence, right))
    rows = table(scored)
    configured = float(intake.texts()["confirm"]["implicit_min_confidence"])
    lines = [
        "# Implicit confirmation",
        "",
        f"Written by `make eval-confirmation` on {len(scored)} non-urgent questions of {HOLDOUT}.",
        "",
        "| threshold | confirmed implicitly | theme and type right |",
        "|---|---|---|",
        *(f"| {t:.2f} | {n} ({n / max(len(scored), 1):.0%}) | {share:.3f} |" for t, n, share in rows),
        "",
        f"Lowest threshold with at least {TARGET:.0%} right: **{proposed(rows):.2f}**; "
        f"configured (dialogue.yml): {configured:.2f}.",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
