"""`make eval`, urgency part: the shipped model's three levels on messages written apart from it.

Sets (each JSON lines with `text`, `urgent`, `category`, `kind`):
* ../shared/eval/urgency.jsonl: written apart from the project, for measuring only;
* tests/data/urgency_own.jsonl: written for this project by an author who saw only labels.md and
  domain.md, never the training data;
* tests/data/urgency_long.jsonl: long messages with danger told in passing, or alarming words and no
  danger now, by such an author too;
* the ordinary questions of ../shared/eval/questions.jsonl, urgency labelled line by line in
  tests/data/questions_urgency.jsonl (a few of its questions describe danger now; they count as
  urgent there).

Figures: caught recall (acuut or mogelijk), acuut precision, the share of mogelijk (and of acuut)
on non-urgent messages, the category's accuracy on caught messages, per category. The report goes to
reports/urgency.md; for the independent set it names the kinds of miss, not the sentences, so that
nobody tunes on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.labels import ACUUT, GEEN, MOGELIJK

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"
OWN_SET = ROOT / "tests" / "data" / "urgency_own.jsonl"
LONG_SET = ROOT / "tests" / "data" / "urgency_long.jsonl"
QUESTION_LABELS = ROOT / "tests" / "data" / "questions_urgency.jsonl"
MODEL = ROOT / "models" / "doorvraag.tar.gz"

TARGETS = {"recall": 1.00, "acuut_precision": 0.90, "mogelijk_non_urgent": 0.10, "caught_ordinary": 0.05}


@dataclass(frozen=True)
class Case:
    text: str
    urgent: bool
    category: str | None
    kind: str


@dataclass(frozen=True)
class Scored:
    case: Case
    level: str
    category: str | None

    @property
    def caught(self) -> bool:
        return self.level != GEEN


def read_cases(path: Path) -> list[Case]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Case(r["text"], bool(r["urgent"]), r.get("category"), r.get("kind", "")) for r in rows]


def question_cases(questions: Path, labels: Path) -> list[Case]:
    """The practical questions, with the urgency labels of our own file (line by line)."""
    texts = [json.loads(line)["text"] for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    marks = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(marks) != len(texts) or [m["line"] for m in marks] != list(range(1, len(texts) + 1)):
        raise ValueError(f"{labels} must label every line of {questions} in order")
    return [
        Case(text, bool(m["urgent"]), m.get("category"), "urgent" if m["urgent"] else "ordinary")
        for text, m in zip(texts, marks, strict=True)
    ]


def _share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def figures(scored: Sequence[Scored]) -> dict[str, float]:
    urgent = [s for s in scored if s.case.urgent]
    calm = [s for s in scored if not s.case.urgent]
    acute = [s for s in scored if s.level == ACUUT]
    caught_urgent = [s for s in urgent if s.caught]
    ordinary = [s for s in calm if s.case.kind == "ordinary"]
    return {
        "urgent": len(urgent),
        "non_urgent": len(calm),
        "recall": _share(len(caught_urgent), len(urgent)),
        "acuut_recall": _share(sum(s.level == ACUUT for s in urgent), len(urgent)),
        "acuut_precision": _share(sum(s.case.urgent for s in acute), len(acute)),
        "mogelijk_non_urgent": _share(sum(s.level == MOGELIJK for s in calm), len(calm)),
        "acuut_non_urgent": _share(sum(s.level == ACUUT for s in calm), len(calm)),
        "caught_ordinary": _share(sum(s.caught for s in ordinary), len(ordinary)),
        "category_accuracy": _share(sum(s.category == s.case.category for s in caught_urgent), len(caught_urgent)),
    }


def per_category(scored: Sequence[Scored]) -> list[str]:
    lines = ["| category | urgent | caught | acuut | referral category right |", "|---|---:|---:|---:|---:|"]
    for category in sorted({s.case.category for s in scored if s.case.urgent and s.case.category}):
        cases = [s for s in scored if s.case.urgent and s.case.category == category]
        caught = [s for s in cases if s.caught]
        right = sum(s.category == category for s in caught)
        acute = sum(s.level == ACUUT for s in cases)
        lines.append(f"| {category} | {len(cases)} | {len(caught)} | {acute} | {right} of {len(caught)} |")
    return lines


def _target_line(name: str, value: float) -> str:
    target = TARGETS[name]
    ok = value >= target if name in ("recall", "acuut_precision") else value <= target
    sign = "≥" if name in ("recall", "acuut_precision") else "≤"
    return f"{value:.3f} (target {sign} {target:.2f}: {'met' if ok else 'NOT met'})"


def render_set(name: str, description: str, scored: Sequence[Scored], show_misses: bool) -> list[str]:
    f = figures(scored)
    lines = [f"## {name}", "", description, ""]
    if f["urgent"]:
        lines += [
            f"- urgent messages: {f['urgent']}, non-urgent: {f['non_urgent']}",
            f"- **caught recall** (acuut or mogelijk): {_target_line('recall', f['recall'])}",
            f"- acuut recall: {f['acuut_recall']:.3f}",
            f"- **acuut precision**: {_target_line('acuut_precision', f['acuut_precision'])}",
            f"- referral category right on caught urgent messages: {f['category_accuracy']:.3f}",
        ]
    lines += [
        f"- **mogelijk on non-urgent messages**: {_target_line('mogelijk_non_urgent', f['mogelijk_non_urgent'])}",
        f"- acuut on non-urgent messages: {f['acuut_non_urgent']:.3f}",
    ]
    if any(s.case.kind == "ordinary" for s in scored):
        lines.append(f"- **caught on ordinary questions**: {_target_line('caught_ordinary', f['caught_ordinary'])}")
    if f["urgent"]:
        lines += ["", *per_category(scored)]
    misses = [s for s in scored if s.case.urgent and not s.caught]
    alarms = [s for s in scored if not s.case.urgent and s.caught]
    lines += [
        "",
        f"Missed urgent: {len(misses)}; non-urgent flagged: {len(alarms)} "
        f"({dict(Counter(f'{s.level}/{s.case.kind}' for s in alarms))}).",
    ]
    if show_misses:
        lines += [f"- missed ({s.case.category}): {s.case.text}" for s in misses]
        lines += [f"- flagged {s.level} ({s.case.kind}): {s.case.text}" for s in alarms]
    else:
        lines += [f"- missed: one {s.case.category} message" for s in misses]
    return lines + [""]


def score(classify, cases: Iterable[Case]) -> list[Scored]:
    scored = []
    for case in cases:
        result = classify(case.text)
        scored.append(Scored(case, result.urgency, result.urgency_category))
    return scored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--shared", type=Path, default=SHARED_EVAL)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "urgency.md")
    args = parser.parse_args(argv)
    from bot.classifier import Classifier, ModelNotFound

    try:
        classifier = Classifier(args.model)
    except ModelNotFound as error:
        print(error, file=sys.stderr)
        return 2
    sets = []
    independent = args.shared / "urgency.jsonl"
    if independent.exists():
        sets.append(
            (
                "Independent set (../shared/eval/urgency.jsonl)",
                "240 messages written apart from the project: 100 urgent over five categories, 100 hard "
                "negatives, 40 ordinary questions. For measuring only.",
                read_cases(independent),
                False,
            )
        )
    sets.append(
        (
            "Our own set (tests/data/urgency_own.jsonl)",
            "200 messages written for this project by a helper that saw only labels.md and domain.md: "
            "100 urgent (20 per category), 75 hard negatives, 25 ordinary questions.",
            read_cases(OWN_SET),
            True,
        )
    )
    sets.append(
        (
            "Danger told in passing (tests/data/urgency_long.jsonl)",
            "60 long messages (5-7 sentences) written for this project by a helper that saw only labels.md "
            "and domain.md: 30 about something ordinary with one or two sentences that tell of danger now "
            "(6 per category), 30 of the same kinds whose alarming words tell of no danger now.",
            read_cases(LONG_SET),
            True,
        )
    )
    questions = args.shared / "questions.jsonl"
    if questions.exists() and QUESTION_LABELS.exists():
        sets.append(
            (
                "Practical questions (../shared/eval/questions.jsonl)",
                "200 practical questions written apart from the project; urgency labelled per line in "
                "tests/data/questions_urgency.jsonl by a helper that saw only labels.md and domain.md.",
                question_cases(questions, QUESTION_LABELS),
                False,
            )
        )
    lines = [
        "# Urgency on messages written apart from the training data",
        "",
        "`make eval` (bot/urgency_eval.py) with the trained model in models/. Levels: acuut (refer now), "
        "mogelijk (one check question), geen. Thresholds come from out-of-fold predictions of the "
        "training data (bot/nlp/urgency_model.py), never from these sets.",
        "",
    ]
    try:
        for name, description, cases, show in sets:
            lines += render_set(name, description, score(classifier.classify, cases), show)
    finally:
        classifier.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
