"""A fast subset of our own scripted conversations (tests/conversations/own.yml) through the real bot,
judged as `make eval-conversations` judges them: coded right, no must_not violated, nothing asked twice.

The subset covers different kinds of conversation (out of turn, urgent, an ending, a person asked
for, a pupil, a parent who declines); all of them went right when it was chosen, so a change that
breaks one of these kinds shows up in `make test`, not only in the report.
"""
import pytest

from tests.conversation_eval import OPEN_MOMENT, OWN, read_set, run_one
from tests.e2e_harness import running_bot

pytestmark = [pytest.mark.model, pytest.mark.server]

FAST_SUBSET = (
    "mentor_brugklas_vmbo_twee_kampen",            # role and school out of turn, chat style
    "helpdesk_telefoonnummer_kort",                # in a hurry, a person asked for, an ending
    "student_roc_hoofddoek_docent",                # a student writing chat style
    "ouder_so_zoon_gepest_in_taxi",                # a parent, special education
    "mentor_vso_appje_einde_eraan",                # urgent from the first message
    "vader_praktijkonderwijs_zoon_beschuldigd",    # declines questions, then a person
)


@pytest.fixture(scope="module")
def open_helpdesk(tmp_path_factory):
    with running_bot(tmp_path_factory.mktemp("conversations"), "fast", OPEN_MOMENT) as running:
        yield running


def own(name):
    return next(c for c in read_set(OWN) if c["name"] == name)


@pytest.mark.parametrize("name", FAST_SUBSET)
def test_conversation_goes_right(open_helpdesk, name):
    bot, database = open_helpdesk
    result = run_one(bot, database, own(name), f"fast-{name}")
    assert result.conversation.turns, "the tracker holds the conversation"
    assert result.right, {f: (result.got.get(f), result.expect.get(f)) for f in result.wrong_fields}
    assert [v.text for v in result.violated] == []
    assert result.repeats == []
    assert any(v.judged for v in result.verdicts), "at least one must_not was checked, not skipped"
