"""`doorvraag classify`: the output contract of issue 2, through the real console script."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MODEL, ROOT

pytestmark = pytest.mark.model

KEYS = ["text", "theme", "question_type", "urgent", "intent", "confidence", "caller_role", "school_type", "urgency",
        "urgency_category", "urgency_certain", "answers", "suggestion", "theme_confidence", "type_confidence"]
SCRIPT = Path(sys.executable).with_name("doorvraag")


def run_classify(*args, stdin=""):
    return subprocess.run([str(SCRIPT), "classify", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def batch():
    if not MODEL.exists():
        pytest.fail("no trained model: run 'make train'")
    lines = [
        "een leerling wordt al weken gepest via een instagram-account",
        "hij zegt dat hij er een eind aan wil maken",
        "",
        "ik ben ib'er in groep 7 en wil ons pestprotocol herschrijven",
        "<script>alert('x')</script>",
        "Is de wet veiligheid op school ook van toepassing op het mbo?",
    ]
    done = run_classify(stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_one_json_object_per_input_line(batch):
    assert len(batch) == 6
    for row in batch[:2] + batch[3:]:
        assert list(row) == KEYS
        assert 0.0 <= row["confidence"] <= 1.0


def test_bullying_case_is_pesten_incident(batch):
    row = batch[0]
    assert (row["theme"], row["question_type"], row["urgent"]) == ("pesten", "incident", False)


def test_suicidal_statement_is_urgent(batch):
    assert batch[1]["urgent"] is True
    assert batch[1]["intent"] == "urgent"
    assert (batch[1]["urgency"], batch[1]["urgency_category"]) == ("acuut", "zelfdoding")
    assert (batch[0]["urgency"], batch[0]["urgency_category"]) == ("geen", None)


def test_empty_line_gets_an_error_object_and_keeps_its_place(batch):
    assert batch[2] == {"text": "", "error": "lege tekst"}


def test_role_and_school_type_are_codes(batch):
    row = batch[3]
    assert (row["caller_role"], row["school_type"]) == ("ib_zorg", "po")
    assert row["theme"] == "pesten" and row["question_type"] == "beleid"


def test_html_comes_back_as_the_same_text_in_json(batch):
    assert batch[4]["text"] == "<script>alert('x')</script>"
    assert batch[4]["theme"] in {"overig", "pesten", "sociale_veiligheid", "wet_en_regelgeving", "vertrouwenswerk"}


def test_texts_as_arguments():
    done = run_classify("Zijn wij verplicht een anti-pestcoördinator aan te stellen?")
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)
    assert row["theme"] == "wet_en_regelgeving"


def test_without_a_model_it_exits_2_and_says_how_to_train(tmp_path):
    done = run_classify("--model", str(tmp_path / "none.tar.gz"), "een vraag")
    assert done.returncode == 2
    assert "make train" in done.stderr
    assert done.stdout == ""


def test_a_practical_question_carries_its_knowledge_base_answer(batch):
    assert batch[5]["answers"][0] == "wvos_mbo" and batch[5]["school_type"] == "mbo"


@pytest.mark.parametrize("text", ["???", "...", "😡😡😡", "?!"])
def test_a_message_with_no_word_is_not_understood_rather_than_given_a_theme(classifier, text):
    result = classifier.classify(text)
    assert result.intent == "nlu_fallback" and result.theme == "overig"
