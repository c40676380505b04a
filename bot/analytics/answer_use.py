"""Which knowledge-base answers were given in a period and whether they helped; the questions left unanswered.

The conversation logs each answer on its contact as `antwoord:<key>` (category ja / nee / weet_niet:
"Had je hier iets aan?") and each practical question without a fixed answer as `antwoord:geen` with
its redacted text. Analysts see both on /answers; the unanswered questions, grouped by similarity,
download as YAML to become example questions of new answers. Only redacted text is read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import yaml
from sqlalchemy import select

from bot import answers
from bot.storage.database import Database
from bot.storage.dates import day_range_utc
from bot.storage.models import Contact, ContactAnswer

PREFIX = "antwoord:"
NO_ANSWER = PREFIX + "geen"
SIMILAR = 0.35  # cosine of character n-grams from which two questions are grouped


@dataclass(frozen=True)
class AnswerUse:
    key: str
    title: str
    given: int
    helped: int
    not_helped: int

    @property
    def helped_share(self) -> float | None:
        told = self.helped + self.not_helped
        return self.helped / told if told else None


def _rows(db: Database, date_from: date | None, date_to: date | None) -> list[tuple[str, str, str | None]]:
    start, end = day_range_utc(date_from, date_to)
    statement = (
        select(ContactAnswer.question_key, ContactAnswer.category, ContactAnswer.text)
        .join(Contact, Contact.id == ContactAnswer.contact_id)
        .where(ContactAnswer.question_key.like(PREFIX + "%"))
        .order_by(Contact.started_at)
    )
    if start is not None:
        statement = statement.where(Contact.started_at >= start)
    if end is not None:
        statement = statement.where(Contact.started_at < end)
    with db.session() as session:
        return [(str(k), str(c), t) for k, c, t in session.execute(statement)]


def answer_use(db: Database, date_from: date | None = None, date_to: date | None = None) -> list[AnswerUse]:
    """Per answer given in the period: how often, and how often it helped; most given first."""
    titles = {a.key: a.title for a in answers.load()}
    given: Counter[str] = Counter()
    verdicts: Counter[tuple[str, str]] = Counter()
    for key, category, _text in _rows(db, date_from, date_to):
        if key == NO_ANSWER:
            continue
        answer_key = key.removeprefix(PREFIX)
        given[answer_key] += 1
        verdicts[(answer_key, category)] += 1
    return [
        AnswerUse(key, titles.get(key, key), count, verdicts[(key, "ja")], verdicts[(key, "nee")])
        for key, count in sorted(given.items(), key=lambda item: (-item[1], item[0]))
    ]


def group_similar(texts: Sequence[str], threshold: float = SIMILAR) -> list[list[str]]:
    """Greedy grouping on character n-grams: each text joins the first group it resembles; biggest first."""
    if not texts:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(texts)
    groups: list[list[int]] = []
    for index in range(len(texts)):
        for members in groups:
            if (matrix[index] @ matrix[members].T).toarray().mean() >= threshold:
                members.append(index)
                break
        else:
            groups.append([index])
    groups.sort(key=len, reverse=True)
    return [[texts[i] for i in members] for members in groups]


def unanswered(db: Database, date_from: date | None = None, date_to: date | None = None) -> list[list[str]]:
    texts = [t for key, _c, t in _rows(db, date_from, date_to) if key == NO_ANSWER and t]
    return group_similar(texts)


def unanswered_yaml(groups: Sequence[Sequence[str]]) -> str:
    """The groups as candidate example questions for new knowledge-base answers."""
    header = "# Questions without a fixed answer (redacted), grouped: each group may become one answer's examples.\n"
    document = {"groups": [{"examples": list(group)} for group in groups]}
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
