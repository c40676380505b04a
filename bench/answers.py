"""Knowledge-base retrieval per message: the answer model's ranking alone, and with spaCy's Dutch pipeline.

`make bench-answers` (also run by `make bench`) replaces only its own section of bench/results.md.
The model is fitted once on the shipped training questions (bot/nlp/answer_component.py); the timed
messages are its own example questions, one at a time as the NLU pipeline calls it. Target: ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.analytics import splice

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Knowledge-base retrieval"
TARGET_MS = 10.0
MESSAGES = 400


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args(argv)
    import spacy

    from bot.nlp.answer_component import AnswerRetriever, question_input, training_questions
    from bot.nlp.answer_model import AnswerModel

    nlp = spacy.load(str(ROOT / ".cache" / "spacy" / "nl_doorvraag"))
    questions, keys, sentences = training_questions(ROOT / "data" / "answers")
    items = [question_input(q, nlp) for q in questions + [s for s, _ in sentences]]
    model = AnswerModel(AnswerModel._fit_parts(items, keys + [k for _, k in sentences], AnswerRetriever.get_default_config()))
    sample = questions[:: max(1, len(questions) // MESSAGES)][:MESSAGES]
    rank_ms, full_ms = [], []
    for text in sample:
        started = time.perf_counter()
        prepared = question_input(text, nlp)
        middle = time.perf_counter()
        model.rank([prepared])
        done = time.perf_counter()
        rank_ms.append((done - middle) * 1000)
        full_ms.append((done - started) * 1000)

    def p95(values: list[float]) -> float:
        return sorted(values)[int(0.95 * (len(values) - 1))]

    met = "yes" if p95(rank_ms) <= TARGET_MS else "**no**"
    text = "\n".join([
        HEADING,
        "",
        f"`bench/answers.py`: {len(sample)} messages one at a time, {len(set(keys)) - 1} answers, "
        f"{len(items):,} training questions and sentences.",
        "",
        "| what | median | p95 |",
        "|---|---:|---:|",
        f"| the answer model's ranking (what AnswerRetriever adds to the pipeline) | {statistics.median(rank_ms):.2f} ms "
        f"| {p95(rank_ms):.2f} ms |",
        f"| with the spaCy Dutch pipeline for the lemmas (shared with the other components) | "
        f"{statistics.median(full_ms):.2f} ms | {p95(full_ms):.2f} ms |",
        "",
        f"Target: the ranking ≤ {TARGET_MS:.0f} ms per message (p95): {met}.",
        "",
    ])
    splice(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
