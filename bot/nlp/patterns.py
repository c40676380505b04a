"""A compact, readable syntax for spaCy Matcher patterns kept in YAML knowledge files.

One token per space-separated item:
``word`` lemma is word · ``a|b`` lemma is one of · ``=word`` lower-case text is
word (``=a|=b`` likewise; an item mixing lemma and text forms matches either) ·
``re:REGEX`` lower-case text matches REGEX · ``~`` one optional token.

Lemmas are compared lower-cased through the token's NORM, which
:func:`lemma_norms` fills in before matching.
"""

from __future__ import annotations

from itertools import product

from spacy.tokens import Doc


def compile_token(item: str) -> list[dict]:
    """The alternatives for one item: a mixed lemma/text item gives two."""
    if item == "~":
        return [{"OP": "?"}]
    if item.startswith("re:"):
        return [{"LOWER": {"REGEX": item[3:]}}]
    alternatives = item.split("|")
    lemmas = [alt for alt in alternatives if not alt.startswith("=")]
    texts = [alt[1:] for alt in alternatives if alt.startswith("=")]
    compiled = []
    if lemmas:
        compiled.append({"NORM": {"IN": lemmas}} if len(lemmas) > 1 else {"NORM": lemmas[0]})
    if texts:
        compiled.append({"LOWER": {"IN": texts}} if len(texts) > 1 else {"LOWER": texts[0]})
    return compiled


def compile_pattern(text: str) -> list[list[dict]]:
    """All Matcher patterns one line of the syntax stands for."""
    items = text.split()
    if not items or all(item == "~" for item in items):
        raise ValueError(f"empty pattern: {text!r}")
    if items[0] == "~" or items[-1] == "~":
        raise ValueError(f"a pattern may not start or end with '~': {text!r}")
    return [list(tokens) for tokens in product(*(compile_token(item) for item in items))]


def compile_patterns(lines) -> list[list[dict]]:
    return [pattern for line in lines for pattern in compile_pattern(line)]


def lemma_norms(doc: Doc) -> Doc:
    """Put each token's lower-cased lemma (or text) in NORM, which patterns match."""
    for token in doc:
        token.norm_ = (token.lemma_ or token.text).lower()
    return doc
