"""Build the Dutch spaCy pipeline Rasa's SpacyNLP loads (config.yml names its folder).

The nl_core_news_* models cannot be downloaded here, so the pipeline is
``spacy.blank("nl")`` plus the lookup lemmatizer from spacy-lookups-data,
extended with our own lemma table and tokenizer exceptions for the field's
abbreviations. Building is deterministic, so the folder is a build artefact.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

LEMMA_FILE = Path(__file__).with_name("lemmas.yml")
PIPELINE_NAME = "doorvraag"

# Abbreviations that must stay one token (with their dots or apostrophes).
TOKEN_EXCEPTIONS = (
    "ib'er",
    "ic'er",
    "vp'er",
    "ib-er",
    "ic-er",
    "m.b.t.",
    "i.v.m.",
    "o.a.",
    "d.w.z.",
    "z.s.m.",
    "bijv.",
    "evt.",
    "t.a.v.",
    "n.a.v.",
    "i.p.v.",
    "m.i.v.",
    "a.s.",
    "o.b.v.",
    "mr.",
    "dhr.",
    "mevr.",
    "ca.",
    "z.g.a.n.",
    "v.s.o.",
)


def read_lemma_table(path: Path = LEMMA_FILE) -> Mapping[str, str]:
    with path.open(encoding="utf-8") as handle:
        table = yaml.safe_load(handle) or {}
    return {str(k).lower(): str(v) for k, v in table.items()}


def build(out: Path) -> Path:
    import spacy
    from spacy.pipeline import Lemmatizer
    from spacy.symbols import ORTH

    nlp = spacy.blank("nl")
    for abbreviation in TOKEN_EXCEPTIONS:
        for form in {abbreviation, abbreviation.upper(), abbreviation.capitalize()}:
            # spaCy types Language.tokenizer as any callable; a blank pipeline's is a Tokenizer, whose
            # compiled module (spacy.tokenizer) has no stub to narrow it with.
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])  # type: ignore[union-attr]
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert isinstance(lemmatizer, Lemmatizer)  # add_pipe is typed as returning any Pipe
    nlp.initialize()
    table = lemmatizer.lookups.get_table("lemma_lookup")
    for surface, lemma in read_lemma_table().items():
        for form in {surface, surface.capitalize(), surface.upper()}:
            table[form] = lemma
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Blank Dutch pipeline with lookup lemmas for Doorvraag"
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return out
