"""Terms and clusters of similar questions, from redacted message text only.

Nothing here reads unredacted text: the message log holds `text_redacted`, and
its placeholders ([NAAM], [SCHOOL], ...) are dropped. A term or a cluster is
only ever shown when at least MIN_CONTACTS different contacts wrote it, so a
rare word can never point at one person.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MIN_CONTACTS = 5
MIN_TERM_LENGTH = 3
TOKEN = re.compile(r"\[[A-Z]+\]|[a-zà-ÿ][a-zà-ÿ0-9'-]*[a-zà-ÿ0-9]", re.IGNORECASE)
# Words every question to this helpdesk uses: they never tell what is new.
DOMAIN_STOP_WORDS = frozenset(
    "school scholen leerling leerlingen kind kinderen ouder ouders docent docenten klas vraag vragen "
    "graag weten hoe wat wie waar waarom wanneer welke moeten kunnen mogen willen hebben "
    "gaan doen ook nog heel echt even".split()
)


@cache
def stop_words() -> frozenset[str]:
    """spaCy's Dutch stop words (about 400) plus the helpdesk's everyday words.

    The list is read from spaCy's file without importing spaCy, whose import pulls in
    thinc and TensorFlow (seconds) for a list of words.
    """
    spec = importlib.util.find_spec("spacy")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "lang" / "nl" / "stop_words.py"
    # The file is `STOP_WORDS = set("""...""".split())`: read the one long string, run nothing.
    strings = [
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    return frozenset(max(strings, key=len).split()) | DOMAIN_STOP_WORDS


def co_terms(sets: Iterable[frozenset[str]], term: str, *, limit: int = 3) -> tuple[str, ...]:
    """The words most often written together with `term`, each by at least MIN_CONTACTS of its contacts."""
    together = contact_counts(terms - {term} for terms in sets if term in terms)
    ranked = sorted((n, word) for word, n in together.items() if n >= MIN_CONTACTS)
    return tuple(word for _n, word in sorted(ranked, key=lambda item: (-item[0], item[1]))[:limit])


def tokens(text: str | None) -> list[str]:
    """Lower-case content words; redaction placeholders, stop words and short words dropped."""
    if not text:
        return []
    stops = stop_words()
    found = []
    for match in TOKEN.finditer(text):
        word = match.group(0).lower()
        if word.startswith("[") or len(word) < MIN_TERM_LENGTH or word in stops:
            continue
        found.append(word)
    return found


def term_sets(documents: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Each contact's set of terms (a term counts once per contact)."""
    return {key: frozenset(tokens(text)) for key, text in documents.items()}


def contact_counts(sets: Iterable[frozenset[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for terms in sets:
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    return counts


@dataclass(frozen=True)
class Cluster:
    """Similar questions of one week: their top terms and how to recognise more of them."""

    terms: tuple[str, ...]
    members: tuple[str, ...]
    vectorizer: object
    centroid: object
    threshold: float

    def matches(self, documents: Sequence[str]) -> int:
        """How many of `documents` are at least as close to the centroid as the cluster's loosest member."""
        if not documents:
            return 0
        vectors = self.vectorizer.transform(documents)  # type: ignore[attr-defined]
        similarity = vectors @ self.centroid
        return int((similarity >= self.threshold).sum())


def clusters(documents: Mapping[str, str], *, min_contacts: int = MIN_CONTACTS, distance: float = 0.8) -> list[Cluster]:
    """Groups of at least `min_contacts` contacts asking alike (TF-IDF, average-linkage cosine).

    Every term of the vocabulary occurs in at least `min_contacts` contacts (min_df), so a
    label made of these terms cannot quote one contact.
    """
    keys = [key for key, text in documents.items() if tokens(text)]
    if len(keys) < min_contacts:
        return []
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=tokens, min_df=min_contacts, norm="l2")
    try:
        matrix = vectorizer.fit_transform([documents[key] for key in keys])
    except ValueError:  # no term in enough contacts
        return []
    present = np.asarray(matrix.sum(axis=1)).ravel() > 0
    rows = np.flatnonzero(present)
    if len(rows) < min_contacts:
        return []
    dense = matrix[rows].toarray()
    labels = (
        AgglomerativeClustering(
            n_clusters=None, distance_threshold=distance, affinity="cosine", linkage="average"
        ).fit_predict(dense)
        if len(rows) > 1
        else np.zeros(1, dtype=int)
    )
    vocabulary = np.array(vectorizer.get_feature_names_out())
    found = []
    for label in np.unique(labels):
        member_rows = rows[labels == label]
        if len(member_rows) < min_contacts:
            continue
        centroid = np.asarray(matrix[member_rows].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        if norm == 0:
            continue
        centroid = centroid / norm
        similarity = matrix[member_rows] @ centroid
        top = [vocabulary[i] for i in np.argsort(-centroid)[:3] if centroid[i] > 0]
        found.append(
            Cluster(
                terms=tuple(top),
                members=tuple(keys[i] for i in member_rows),
                vectorizer=vectorizer,
                centroid=centroid,
                threshold=float(np.min(similarity)),
            )
        )
    return found
