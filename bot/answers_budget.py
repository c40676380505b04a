"""`make eval-answers-budget`: how many of our own unanswerable questions may get an answer.

The answer threshold is the lowest probability at which at most `max_false_answers` of the held-out
unanswerable questions of data/answers/ would still get an answer. Those questions were written to be
hard (near the answers' subjects), so the share that fits them says little about questions as schools
type them. This sweep shows, per share, what the threshold does on a development set that a helper wrote
apart from the project from labels.md and domain.md only (tests/data/questions_dev.jsonl, labelled with
the answers that carry each question's fact in tests/data/questions_dev_keys.jsonl): how many questions
it does not answer get an answer anyway (the honest line may miss at most 5 % of them) and how many of
the questions it does answer get a right or a wrong one. ../shared/eval is never read here.

Writes reports/answers_budget.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.answers_eval import LabelledQuestion, Outcome, own_data, read_questions, shares
from bot.nlp.answer_model import NO_ANSWER, AnswerModel, Retrieval, choose_threshold

DEV_QUESTIONS = Path("tests/data/questions_dev.jsonl")
DEV_LABELS = Path("tests/data/questions_dev_keys.jsonl")
BUDGETS = (0.03, 0.05, 0.06, 0.07, 0.08, 0.10, 0.12)
DEV_TARGET_UNCOVERED = 0.95


def sweep_row(
    budget: float,
    scores: np.ndarray,
    best_keys: np.ndarray,
    labels: np.ndarray,
    dev: Sequence[LabelledQuestion],
    ranked: Sequence[Retrieval],
) -> dict[str, float | int]:
    """One budget's threshold, its out-of-fold figures on our own data and its outcomes on the dev set."""
    answerable = labels != NO_ANSWER
    correct = answerable & (best_keys == labels)
    threshold = choose_threshold(scores, answerable, budget)
    given = scores >= threshold
    dev_figures = shares(
        [
            Outcome(q, r.best.key if r.best is not None and r.best.score >= threshold else None)
            for q, r in zip(dev, ranked, strict=True)
        ]
    )
    return {
        "budget": budget,
        "threshold": round(threshold, 3),
        "own_right": round(float((given & correct).sum() / answerable.sum()), 3),
        "own_wrong": round(float((given & answerable & ~correct).sum() / answerable.sum()), 3),
        "dev_right": dev_figures["covered_right"],
        "dev_wrong": dev_figures["covered_wrong_answer"],
        "dev_covered": dev_figures["covered"],
        "dev_uncovered_answered": dev_figures["uncovered"] - dev_figures["uncovered_right"],
        "dev_uncovered": dev_figures["uncovered"],
    }


def render(rows: Sequence[dict[str, float | int]], shipped: float) -> str:
    lines = [
        "# How many unanswerable questions may get an answer",
        "",
        "Written by `make eval-answers-budget` (bot/answers_budget.py). Share: of our own held-out unanswerable",
        "questions (data/answers/), how many may still get an answer; it sets the threshold. Own: out-of-fold on",
        "data/answers/. Dev: tests/data/questions_dev.jsonl, written apart by a helper from labels.md and",
        f"domain.md; the honest line may miss at most {1 - DEV_TARGET_UNCOVERED:.0%} of the questions it does not",
        "answer.",
        "",
        "| share | threshold | own right | own wrong | dev right | dev wrong | dev unanswerable answered |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        mark = " (shipped)" if abs(float(row["budget"]) - shipped) < 1e-9 else ""
        lines.append(
            f"| {row['budget']:.2f}{mark} | {row['threshold']} | {row['own_right']} | {row['own_wrong']} | "
            f"{row['dev_right']} of {row['dev_covered']} | {row['dev_wrong']} | "
            f"{row['dev_uncovered_answered']} of {row['dev_uncovered']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("reports/answers_budget.md"))
    args = parser.parse_args(argv)

    import spacy

    from bot.nlp.answer_component import AnswerRetriever, question_input

    nlp = spacy.load(".cache/spacy/nl_doorvraag")
    items, keys, extra = own_data(nlp)
    config = AnswerRetriever.get_default_config()
    scores, best_keys = AnswerModel.out_of_fold(items, keys, config, extra)
    model = AnswerModel(AnswerModel._fit_parts([*items, *extra[0]], [*keys, *extra[1]], config))
    dev = read_questions(DEV_QUESTIONS, DEV_LABELS)
    ranked = model.rank([question_input(q.text, nlp) for q in dev])
    labels = np.asarray(keys)
    rows = [sweep_row(budget, scores, best_keys, labels, dev, ranked) for budget in BUDGETS]
    report = render(rows, float(config["max_false_answers"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
