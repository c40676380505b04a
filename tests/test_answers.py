"""The knowledge base of practical answers: the shipped files are sound, and check() finds each kind of fault."""
from datetime import date

import pytest
import yaml

from bot import answers
from bot.cli import main

GOOD = {
    "key": "plagen_of_pesten",
    "title": "Plagen of pesten?",
    "answer": "Plagen is af en toe en over en weer. Bij pesten gaat het steeds tegen dezelfde leerling in.",
    "sectors": ["po", "vo"],
    "roles": ["alle"],
    "building_block": "preventie",
    "theme": "pesten",
    "sources": [{"title": "Stop Pesten NU", "url": "https://www.stoppestennu.nl/x", "checked_on": date(2026, 12, 1)}],
    "unverified": False,
    "examples": [f"voorbeeldvraag nummer {n}?" for n in range(6)],
}


def write(folder, data, name=None):
    (folder / f"{name or data['key']}.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def messages(folder, today=date(2026, 12, 1)):
    return [(f.fatal, f.message) for f in answers.check(folder, today)]


def test_the_shipped_knowledge_base_is_sound():
    findings = answers.check()
    assert not [str(f) for f in findings if f.fatal]
    loaded = answers.load()
    assert len(loaded) >= 80
    assert {a.theme for a in loaded} >= {"pesten", "sociale_veiligheid", "wet_en_regelgeving", "vertrouwenswerk"}
    assert {a.building_block for a in loaded} == set(answers.BUILDING_BLOCKS)


def test_a_sound_answer_has_no_findings(tmp_path):
    write(tmp_path, GOOD)
    assert messages(tmp_path) == []
    [answer] = answers.load(tmp_path)
    assert answer.sources[0].checked_on == date(2026, 12, 1) and answers.applies_to(answer, "vo")
    assert not answers.applies_to(answer, "mbo") and answers.applies_to(answer, None)


@pytest.mark.parametrize("change, expected", [
    ({"answer": "Eén zin maar."}, "the answer has 1 sentences (2-5)"),
    ({"sectors": ["hbo"]}, "sectors ['hbo'] are not school types of labels.md"),
    ({"roles": ["conciërge"]}, "roles ['conciërge'] are not 'alle' or caller roles of labels.md"),
    ({"building_block": "beleid"}, "building block 'beleid' is not one of the six"),
    ({"theme": "veiligheid"}, "theme 'veiligheid' is not a theme of labels.md"),
    ({"sources": []}, "no source"),
    ({"examples": ["een vraag?"] * 2}, "2 example questions (6-10)"),
    ({"elsewhere": {"vo": "wvos_mbo"}}, "elsewhere: 'vo' is not a school type the answer leaves out"),
    ({"elsewhere": {"mbo": "bestaat_niet"}}, "elsewhere: 'bestaat_niet' is no answer for mbo"),
])
def test_each_fault_is_named(tmp_path, change, expected):
    write(tmp_path, {**GOOD, **change})
    assert (True, expected) in messages(tmp_path)


def test_a_missing_field_and_a_wrong_key_are_errors(tmp_path):
    write(tmp_path, {k: v for k, v in GOOD.items() if k != "sources"})
    write(tmp_path, {**GOOD, "examples": [f"andere vraag {n}?" for n in range(6)]}, name="anders")
    found = messages(tmp_path)
    assert (True, "missing field 'sources'") in found
    assert (True, "key 'plagen_of_pesten' is not the file name") in found


def test_a_source_older_than_a_year_is_a_warning_not_an_error(tmp_path):
    source = {**GOOD["sources"][0], "checked_on": date(2025, 11, 1)}
    write(tmp_path, {**GOOD, "sources": [source]})
    assert messages(tmp_path) == [(False, "source 'Stop Pesten NU' was checked on 2025-11-01: older than a year")]


def test_an_example_under_two_answers_is_an_error(tmp_path):
    write(tmp_path, GOOD)
    write(tmp_path, {**GOOD, "key": "cyberpesten"})
    # files are read in name order: cyberpesten first, so plagen_of_pesten repeats its examples
    assert (True, "example 'voorbeeldvraag nummer 0?' is also under 'cyberpesten'") in messages(tmp_path)


def test_the_command_exits_1_on_errors_and_0_when_sound(tmp_path, capsys):
    write(tmp_path, GOOD)
    assert main(["answers", "check", "--folder", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip().endswith("1 answers; 0 errors, 0 warnings")
    write(tmp_path, {**GOOD, "theme": "x"})
    assert main(["answers", "check", "--folder", str(tmp_path)]) == 1
