"""How well bot/redaction.py finds personal data, measured on tests/data/redaction.yml.

The floors sit just under the measured figures (make eval prints them);
ordinary helpdesk questions (the NLU training data) must come through intact.
"""
import re
from pathlib import Path

import pytest
import yaml

from bot.redaction import BSN, NAME, NUMBER, SCHOOL, is_bsn, redact
from bot.redaction_eval import load, score

ROOT = Path(__file__).resolve().parents[1]


def test_precision_and_recall_on_the_labelled_set():
    items = load()
    assert len(items) >= 80
    result = score(items)
    assert result.recall >= 0.98, result.missed
    assert result.precision >= 0.93, result.over


def test_the_score_counts_misses_and_overreach():
    """The measurement itself: a missed name and a removed ordinary word both count."""
    result = score([{"text": "Het Palet is een school en dat vindt Sanne fijn", "personal": ["Het Palet"]}])
    assert (result.true_positive, result.false_negative, result.false_positive) == (0, 2, 1)


def training_questions():
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                text = re.sub(r"^\s*-\s*", "", line).strip()
                text = re.sub(r"\[([^\]]+)\][{(][^})]+[})]", r"\1", text)
                if text:
                    yield text


def test_ordinary_helpdesk_questions_come_through_intact():
    texts = list(training_questions())
    changed = [(text, redact(text)) for text in texts if redact(text) != text]
    assert len(texts) > 1500
    assert len(changed) <= len(texts) // 200, changed   # at most 0.5 %


@pytest.mark.parametrize("text, expected", [
    ("jan en piet pesten hem", f"{NAME} en {NAME} pesten hem"),
    ("In jan hebben we de monitor afgenomen", "In jan hebben we de monitor afgenomen"),
    ("Ben je een robot?", "Ben je een robot?"),
    ("Roos wordt gepest", f"{NAME} wordt gepest"),
    ("de moeder van Lisa belt", f"de moeder van {NAME} belt"),
    ("meester van Dijk", f"meester {NAME}"),
    ("docent Engels", "docent Engels"),
    ("rond zwarte Piet", "rond zwarte Piet"),
    ("bsn 123456782", f"bsn {BSN}"),
    ("nummer 123456789", f"nummer {NUMBER}"),
    ("op obs De Regenboog", f"op obs {SCHOOL}"),
    ("Onze school heeft een plan", "Onze school heeft een plan"),
    ("bel 030 - 123 45 67", "bel [TELEFOON]"),
    ("Kerkstraat 12a", "[ADRES]"),
])
def test_cases(text, expected):
    assert redact(text) == expected


def test_the_bsn_eleven_proof():
    assert is_bsn("123456782") and is_bsn("111.222.333")
    assert not is_bsn("123456789") and not is_bsn("000000000") and not is_bsn("12345678")
