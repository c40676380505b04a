"""`make eval-confirmation`: from which confidence the topic may be confirmed implicitly.

The intake says what it understood without asking "Klopt dat?" when the weaker of the theme and
type shares (Classification.label_confidence) reaches `confirm.implicit_min_confidence` in
bot/knowledge/dialogue.yml. This measures, on tests/data/holdout.yml (questions written apart from
the training data; urgent ones left out, they are referred instead), how often theme and type are
both right above each threshold, and proposes the lowest threshold at which at least TARGET of the
implicit confirmations are right. Writes reports/confirmation.md.

A second table measures `refine_type_min_confidence` (bot/intake_reading.py refined_type): an
information question takes the type of a later statement that the model reads as incident or
beleid this surely. On the same questions, of those read as incident or beleid: how often that type
is right above each threshold of the type share alone.

A third measures `refine_theme_min_confidence` (bot/intake_reading.py refined_theme): a question about
the same case read as a theme of `rethemed` (what the law requires) gives the contact that theme. Of
the questions read as such a theme: how often it is right above each threshold of the theme share, for
the questions that carry the theme's cues (labels.yml, `refine_theme_cued_min_confidence`) and for the
others. This one also reads tests/data/theme_borderline.yml (written apart, on the borderline rules of
labels.md), because few holdout readings are unsure.

A fourth measures `intake.answered_theme` on both sets: when a knowledge-base answer is given for the
question, how often the contact's theme is right taken from the model's reading, and taken from the
answer's own theme while that reading is below the implicit confirmation.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from bot import answers, intake

HOLDOUT = Path("tests/data/holdout.yml")
BORDERLINE = Path("tests/data/theme_borderline.yml")
TARGET = 0.9
# A refined type overrides a reading already made, from a later statement that is shorter and noisier
# than a first question: it must be right for every such reading of the holdout.
REFINE_TARGET = 1.0
GRID = tuple(round(0.5 + 0.05 * step, 2) for step in range(10))
THEME_GRID = tuple(round(0.3 + 0.05 * step, 2) for step in range(14))


def table(scored: Sequence[tuple[float, bool]], grid: Sequence[float] = GRID) -> list[tuple[float, int, float]]:
    """(threshold, how many above it, share right above it) per threshold of the grid."""
    rows = []
    for threshold in grid:
        above = [right for confidence, right in scored if confidence >= threshold]
        rows.append((threshold, len(above), sum(above) / len(above) if above else 1.0))
    return rows


def proposed(rows: Sequence[tuple[float, int, float]], target: float = TARGET) -> float:
    return next((threshold for threshold, count, share in rows if count and share >= target), 1.0)


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
    borderline = [c for c in yaml.safe_load(BORDERLINE.read_text(encoding="utf-8")) if not c.get("urgent")]
    rethemed = set(intake.texts()["rethemed"])
    scored, typed = [], []
    answered: dict[bool, list[tuple[bool, bool]]] = {True: [], False: []}  # sure reading -> (read right, rule right)
    themed: dict[bool, list[tuple[float, bool]]] = {True: [], False: []}
    for case, in_holdout in [(c, True) for c in cases] + [(c, False) for c in borderline]:
        result = classifier.classify(case["text"])
        if result.urgent:
            continue
        if result.theme in rethemed:
            cued = intake.carries_cues(result.theme, case["text"])
            themed[cued].append((result.theme_confidence, result.theme == case["theme"]))
        answer = answers.choose(result.answers, case.get("school_type"), case.get("caller_role"))
        if answer is not None:
            sure = intake.confirms_implicitly(result.theme_confidence, result.theme)
            rule = intake.answered_theme(result, answer.key)
            answered[sure].append((result.theme == case["theme"], rule == case["theme"]))
        if not in_holdout:
            continue
        right = result.theme == case["theme"] and result.question_type == case["question_type"]
        scored.append((result.label_confidence, right))
        if result.question_type != "overig":
            typed.append((result.type_confidence, result.question_type == case["question_type"]))
    rows = table(scored)
    type_rows = table(typed)
    theme_rows = {cued: table(themed[cued], THEME_GRID) for cued in (True, False)}
    configured = float(intake.texts()["confirm"]["implicit_min_confidence"])
    refine = float(intake.texts()["refine_type_min_confidence"])
    refine_theme = float(intake.texts()["refine_theme_min_confidence"])
    refine_cued = float(intake.texts()["refine_theme_cued_min_confidence"])
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
        "",
        "## Refining the type",
        "",
        f"Of the {len(typed)} questions read as incident or beleid: how often that type is right, by the type share.",
        "",
        "| threshold | read this surely | type right |",
        "|---|---|---|",
        *(f"| {t:.2f} | {n} ({n / max(len(typed), 1):.0%}) | {share:.3f} |" for t, n, share in type_rows),
        "",
        f"Lowest threshold with at least {REFINE_TARGET:.0%} right: **{proposed(type_rows, REFINE_TARGET):.2f}**; "
        f"configured (dialogue.yml refine_type_min_confidence): {refine:.2f}.",
        "",
        "## Refining the theme",
        "",
        f"On {HOLDOUT} and {BORDERLINE}: of the questions read as {', '.join(sorted(rethemed))}, how often that "
        "theme is right, by the theme share, for the questions with one of the theme's cues (labels.yml) and for "
        "the others.",
        "",
        "| threshold | with a cue: read this surely | theme right | without: read this surely | theme right |",
        "|---|---|---|---|---|",
        *(
            f"| {t:.2f} | {n} | {share:.3f} | {n2} | {share2:.3f} |"
            for (t, n, share), (_, n2, share2) in zip(theme_rows[True], theme_rows[False], strict=True)
        ),
        "",
        f"Lowest threshold with at least {REFINE_TARGET:.0%} right: with a cue "
        f"**{proposed(theme_rows[True], REFINE_TARGET):.2f}**, without "
        f"**{max(proposed(theme_rows[False], REFINE_TARGET), configured):.2f}** (never below the implicit "
        f"confirmation); configured (dialogue.yml): {refine_cued:.2f} and {refine_theme:.2f}.",
        "",
        "## The answer's theme",
        "",
        "Of the questions of both sets that get a knowledge-base answer: how often the contact's theme is right, "
        "taken from the model's reading, and by `intake.answered_theme` (the answer's own theme while the reading "
        "is below the implicit confirmation).",
        "",
        "| theme reading | questions | reading right | answered_theme right |",
        "|---|---|---|---|",
        *(
            f"| {'at or above' if sure else 'below'} {configured:.2f} | {len(answered[sure])} | "
            f"{sum(r for r, _ in answered[sure])} | {sum(a for _, a in answered[sure])} |"
            for sure in (False, True)
        ),
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
