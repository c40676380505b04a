"""Which knowledge-base answer serves a question, and is it sure enough to give it?

Each answer of bot/knowledge/answers/ brings its title, 6-10 example questions and its own sentences;
data/answers/*.jsonl adds more ways to ask for each answer and questions the knowledge base does
*not* answer, which form one more class, `NO_ANSWER` (all written apart from the evaluation sets,
from labels.md, domain.md and the answers only). A logistic regression over lemma word
n-grams and character n-grams (the same two views the intent and urgency models use) gives a
probability per answer. The best answer is given only when its probability reaches a threshold
chosen on out-of-fold predictions of that data: the lowest at which at most
`max_false_answers` of the held-out unanswerable questions would still get an answer. Below it the
bot says honestly that it has no fixed answer. The evaluation sets under ../shared/eval never
come near this choice.

Nothing here imports Rasa: bot/nlp/components.py prepares the lemmas and calls :meth:`rank`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.nlp.cues import normalise

NO_ANSWER = "_geen_antwoord"


@dataclass(frozen=True)
class QuestionInput:
    """One question as the model reads it: the raw text and its lemmas."""

    text: str
    lemmas: str


@dataclass(frozen=True)
class Candidate:
    key: str
    score: float


@dataclass(frozen=True)
class Retrieval:
    """The ranking of answers for one message; `key` is the answer to give, None for the honest line.

    Between `suggest_threshold` and `threshold` the best answer is only offered ("Gaat het je om ...?"):
    the user says whether it is what they asked, so a near miss is never given as the answer.
    """

    candidates: tuple[Candidate, ...]
    threshold: float
    suggest_threshold: float = 1.0

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def key(self) -> str | None:
        best = self.best
        return best.key if best is not None and best.score >= self.threshold else None

    @property
    def suggestion(self) -> str | None:
        best = self.best
        if best is None or best.score >= self.threshold or best.score < self.suggest_threshold:
            return None
        return best.key

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "score": self.best.score if self.best else 0.0,
            "threshold": self.threshold,
            "suggestion": self.suggestion,
            "candidates": [{"key": c.key, "score": c.score} for c in self.candidates],
        }


def load_questions(folder: Path) -> list[tuple[str, str]]:
    """The questions of data/answers/*.jsonl with their answer key: a row's `key`, or NO_ANSWER without one.

    Rows with a key are more ways to ask for that answer; rows without are questions the knowledge
    base does not answer (`kind`, `why` say which and why).
    """
    rows = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not str(row.get("text", "")).strip():
                raise ValueError(f"{path}:{number}: a question needs its text")
            rows.append((str(row["text"]), str(row.get("key") or NO_ANSWER)))
    return rows


def _fold(train, keys, held_out, config) -> Any:
    """One job for a worker process (a module-level function pickles by name): a fold's best answers for
    its held-out questions, or (held_out None) the fitted parts of the model on all of them."""
    if held_out is None:
        return AnswerModel._fit_parts(train, keys, config)
    return AnswerModel.fold_best(train, keys, held_out, config)


def in_parallel(work, jobs: Sequence[tuple], config: Mapping[str, Any]) -> list:
    """`work(*job, config)` for each job, in up to `config["jobs"]` processes (0: one per core).

    Each fit is single-threaded (liblinear), and the folds are independent: on a 2-core machine the
    threshold's cross-validation, most of the model's training time, takes half as long.
    """
    from joblib import Parallel, delayed

    workers = int(config.get("jobs", 0)) or -1
    if workers == 1 or len(jobs) == 1:
        return [work(*job, config) for job in jobs]
    return list(Parallel(n_jobs=workers)(delayed(work)(*job, dict(config)) for job in jobs))


def choose_threshold(scores: np.ndarray, answerable: np.ndarray, max_false: float) -> float:
    """The lowest threshold at which at most `max_false` of the unanswerable questions get an answer.

    `scores` is the best answer's out-of-fold probability (never NO_ANSWER's) and `answerable`
    whether the question has an answer.
    """
    negatives = np.sort(scores[~answerable])[::-1]
    if not len(negatives):
        raise ValueError("the threshold needs unanswerable questions")
    allowed = int(np.floor(max_false * len(negatives) + 1e-9))
    # Strictly above the (allowed+1)-th highest negative score.
    return float(negatives[allowed]) + 1e-6 if allowed < len(negatives) else 0.0


def choose_suggestion_threshold(scores: np.ndarray, correct: np.ndarray, threshold: float, precision: float) -> float:
    """The lowest score below `threshold` from which the best answer is right for `precision` of the questions.

    Walking down from `threshold` over out-of-fold scores of all questions (an unanswerable one counts
    as wrong): the band [result, threshold) is where offering the best answer is right for `precision` of
    the questions in it, taken as a whole. Returns `threshold` (no band) when no such band exists.

    The walk does not stop where the share first dips: right below the answer threshold sit the
    unanswerable questions that just missed it, so the first few dozen can be worse than the band (measured
    on session 10's data: 0.70 right over the first 20, 0.82 over 50, 0.85 over 1,000). Stopping there left
    almost no band at all.
    """
    below = scores < threshold
    order = np.argsort(scores[below])[::-1]
    ranked_scores, ranked_correct = scores[below][order], correct[below][order]
    shares = np.cumsum(ranked_correct) / np.arange(1, len(ranked_correct) + 1)
    reaching = np.flatnonzero(shares >= precision)
    return float(ranked_scores[reaching[-1]]) if len(reaching) else threshold


class AnswerModel:
    """The fitted vectorizers, the classifier over answer keys and the threshold."""

    def __init__(self, parts: dict[str, Any]) -> None:
        self._parts = parts

    @property
    def parts(self) -> dict[str, Any]:
        return self._parts

    @property
    def threshold(self) -> float:
        return float(self._parts["threshold"])

    @property
    def suggest_threshold(self) -> float:
        """No band for a model trained before suggestions existed."""
        return float(self._parts.get("suggest", self.threshold))

    @staticmethod
    def _fit_parts(items: Sequence[QuestionInput], keys: Sequence[str], config: Mapping[str, Any]) -> dict[str, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from spacy.lang.nl.stop_words import STOP_WORDS

        # Stop words may leave the word view ("mag ik" says how, not what, is asked); measured in
        # reports/answers.md, keeping them was slightly better on our own questions.
        stop = sorted(STOP_WORDS) if config.get("stop_words", False) else None
        words = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True, stop_words=stop)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=80000)
        words.fit([i.lemmas for i in items])
        chars.fit([normalise(i.text) for i in items])
        parts: dict[str, Any] = {"words": words, "chars": chars, "threshold": 0.0}
        weight = "balanced" if config.get("balanced", False) else None
        # One-vs-rest with liblinear: 10x faster than the multinomial lbfgs fit on 100+ classes
        # (measured: 1.4 s against 18 s on 1,300 questions), so the threshold's cross-validation stays cheap.
        solver = str(config.get("solver", "liblinear"))
        classifier = LogisticRegression(C=float(config["C"]), max_iter=5000, class_weight=weight, solver=solver)
        classifier.fit(AnswerModel(parts)._matrix(items), list(keys))
        parts["classifier"] = classifier
        return parts

    def _matrix(self, items: Sequence[QuestionInput]):
        from scipy.sparse import hstack

        return hstack(
            [
                self._parts["words"].transform([i.lemmas for i in items]),
                self._parts["chars"].transform([normalise(i.text) for i in items]),
            ]
        ).tocsr()

    @classmethod
    def fold_best(
        cls, train: Sequence[QuestionInput], keys: Sequence[str], held_out: Sequence[QuestionInput], config: Mapping
    ) -> list[tuple[float, str | None]]:
        """Fit on `train`, then the best answer's probability and key for each held-out question."""
        fold = cls(cls._fit_parts(train, keys, config))
        return [(r.best.score, r.best.key) if r.best else (0.0, None) for r in fold.rank(held_out)]

    @classmethod
    def out_of_fold(
        cls,
        items: Sequence[QuestionInput],
        keys: Sequence[str],
        config: Mapping[str, Any],
        extra: tuple[Sequence[QuestionInput], Sequence[str]] = ((), ()),
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best answer's probability and key per question, each from a fit on the other folds.

        `extra` (items and keys) is trained on in every fold but never held out: the answers' own sentences.
        """
        best_scores, best_keys, _ = cls._folds_and_final(items, keys, config, extra, final=False)
        return best_scores, best_keys

    @classmethod
    def _folds_and_final(
        cls,
        items: Sequence[QuestionInput],
        keys: Sequence[str],
        config: Mapping[str, Any],
        extra: tuple[Sequence[QuestionInput], Sequence[str]],
        final: bool,
    ) -> tuple[np.ndarray, np.ndarray, dict[str, Any] | None]:
        """out_of_fold, and with `final` the fit on all questions too, run beside the folds."""
        from sklearn.model_selection import StratifiedKFold

        extra_items, extra_keys = list(extra[0]), list(extra[1])
        if len(items) != len(keys) or len(extra_items) != len(extra_keys):
            raise ValueError("one key per prepared question")
        labels = np.asarray(keys)
        folds = StratifiedKFold(n_splits=int(config["folds"]), shuffle=True, random_state=int(config["seed"]))
        splits = list(folds.split(np.zeros(len(items)), labels))
        jobs: list[tuple[Any, ...]] = [
            ([items[i] for i in train] + extra_items, [*labels[train], *extra_keys], [items[i] for i in held_out])
            for train, held_out in splits
        ]
        if final:
            jobs.append(([*items, *extra_items], [*keys, *extra_keys], None))
        results = in_parallel(_fold, jobs, config)
        best_scores = np.zeros(len(items))
        best_keys = np.empty(len(items), dtype=object)
        for (_, held_out), ranked in zip(splits, results, strict=False):
            for index, (score, key) in zip(held_out, ranked, strict=True):
                best_scores[index] = score
                best_keys[index] = key
        return best_scores, best_keys, results[-1] if final else None

    @classmethod
    def fit(
        cls,
        items: Sequence[QuestionInput],
        keys: Sequence[str],
        config: Mapping[str, Any],
        extra: tuple[Sequence[QuestionInput], Sequence[str]] = ((), ()),
    ) -> AnswerModel:
        """Fit on prepared questions labelled with their answer key (NO_ANSWER for unanswerable ones).

        `extra` (items and keys) is trained on in every fold but never held out: the answers' own sentences.
        """
        best_scores, best_keys, parts = cls._folds_and_final(items, keys, config, extra, final=True)
        assert parts is not None
        labels = np.asarray(keys)
        answerable = labels != NO_ANSWER
        correct = best_keys == labels
        threshold = choose_threshold(best_scores, answerable, float(config["max_false_answers"]))
        suggest = choose_suggestion_threshold(
            best_scores, answerable & correct, threshold, float(config.get("suggest_precision", 1.0))
        )
        parts["threshold"] = threshold
        parts["suggest"] = suggest
        given = answerable & (best_scores >= threshold)
        offered = (best_scores >= suggest) & (best_scores < threshold)
        parts["out_of_fold"] = {
            "answerable": int(answerable.sum()),
            "answered_right": int((given & correct).sum()),
            "answered_wrong": int((given & ~correct).sum()),
            "unanswerable": int((~answerable).sum()),
            "unanswerable_answered": int((~answerable & (best_scores >= threshold)).sum()),
            "offered": int(offered.sum()),
            "offered_right": int((offered & answerable & correct).sum()),
            "unanswerable_offered": int((offered & ~answerable).sum()),
        }
        return cls(parts)

    def rank(self, items: Sequence[QuestionInput], top: int = 3) -> list[Retrieval]:
        """The `top` answers per question by probability; NO_ANSWER itself is never a candidate."""
        if not items:
            return []
        classifier = self._parts["classifier"]
        classes = np.asarray(classifier.classes_)
        keep = classes != NO_ANSWER
        probabilities = classifier.predict_proba(self._matrix(items))[:, keep]
        names = classes[keep]
        threshold, suggest = self.threshold, self.suggest_threshold
        results = []
        for row in probabilities:
            order = np.argsort(row)[::-1][:top]
            candidates = tuple(Candidate(str(names[i]), round(float(row[i]), 4)) for i in order)
            results.append(Retrieval(candidates, threshold, suggest))
        return results
