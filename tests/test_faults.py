"""Faults during a conversation: the action server dies, the database goes away, Rasa restarts.

One stack for the module: a PostgreSQL contact log (scripts/postgres.sh, so
the test can stop and start it), an action server on a fixed port (so it can
be killed and started again) and `rasa run` with a SQLite tracker store.
"""
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.e2e_harness import action_server, free_port
from tests.server_harness import rasa_server

pytestmark = [pytest.mark.model, pytest.mark.server]

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = ROOT / "scripts" / "postgres.sh"
QUESTION = "hoi, ik ben mentor in de brugklas en een meisje wordt gepest via een instagram-account"
UNAVAILABLE = "er ging bij mij iets mis"


def postgres(command, folder):
    done = subprocess.run(["bash", str(POSTGRES), command, str(folder)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class Stack:
    def __init__(self, folder: Path):
        self.folder = folder
        self.pg_dir = Path(tempfile.mkdtemp(prefix="doorvraag-pg-fault-"))
        server = postgres("start", self.pg_dir)
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE doorvraag"))
        admin.dispose()
        self.database_url = f"{server}/doorvraag"
        subprocess.run([str(ROOT / ".venv" / "bin" / "doorvraag"), "db", "upgrade"], check=True, cwd=ROOT,
                       env={"PATH": "/usr/bin:/bin", "DATABASE_URL": self.database_url,
                            "TRACKER_DATABASE_URL": f"sqlite:///{folder / 'unused.db'}"},
                       stdout=subprocess.DEVNULL)
        self.tracker_url = f"sqlite:///{folder / 'tracker.db'}"
        self.action_port = free_port()
        self.actions = ExitStack()
        self.rasa = ExitStack()
        self.start_actions()
        self.start_rasa()

    def start_actions(self):
        self.action_url = self.actions.enter_context(action_server(self.database_url, port=self.action_port))

    def stop_actions(self):
        self.actions.close()

    def start_rasa(self):
        self.bot = self.rasa.enter_context(rasa_server(self.folder, self.action_url, self.database_url,
                                                       self.tracker_url))

    def stop_rasa(self):
        self.rasa.close()

    def close(self):
        self.rasa.close()
        self.actions.close()
        postgres("stop", self.pg_dir)
        subprocess.run(["rm", "-rf", str(self.pg_dir)])

    def texts(self, sender, message):
        return [m.get("text") or "" for m in self.bot.say(sender, message)]

    def answers(self, sender):
        engine = create_engine(self.database_url, future=True)
        try:
            with engine.connect() as connection:
                return connection.execute(text(
                    "SELECT a.question_key, a.category FROM contact_answers a JOIN contacts c ON c.id = a.contact_id "
                    "WHERE c.conversation_id = :sender ORDER BY a.asked_at"), {"sender": sender}).all()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def stack():
    with tempfile.TemporaryDirectory(prefix="doorvraag-fault-") as folder:
        running = Stack(Path(folder))
        try:
            yield running
        finally:
            running.close()


def start_intake(stack, sender):
    """Up to the first doorvraag: role and school were told; whatever the bot offers first (an answer and its
    feedback, an answer to confirm, the topic to confirm) is answered yes, at most four times."""
    replies = stack.texts(sender, QUESTION)
    for _ in range(4):
        if any("Vraag 1 van" in t for t in replies):
            return
        assert replies and not any("**112**" in t for t in replies), replies
        replies = stack.texts(sender, "/affirm")
    assert any("Vraag 1 van" in t for t in replies), replies


def test_the_action_server_dies_the_user_is_told_and_the_conversation_goes_on(stack):
    start_intake(stack, "fout-acties")
    stack.stop_actions()
    replies = stack.texts("fout-acties", "ze is erg verdrietig")
    assert len(replies) == 1 and UNAVAILABLE in replies[0].lower()
    stack.start_actions()
    replies = stack.texts("fout-acties", "ze is erg verdrietig")
    assert any("Vraag 2 van" in t for t in replies), replies


def test_the_database_goes_away_and_no_contact_is_lost(stack):
    start_intake(stack, "fout-database")
    postgres("stop", stack.pg_dir)
    try:
        assert any("Vraag 2 van" in t for t in stack.texts("fout-database", "ze is erg verdrietig"))
        assert any("Vraag 3 van" in t for t in stack.texts("fout-database", "nee"))
    finally:
        postgres("start", stack.pg_dir)
    # The next write reaches the database and takes the queued ones with it.
    stack.texts("fout-database", "weet ik niet")
    answers = stack.answers("fout-database")
    # The three doorvragen answered during and after the outage, in order, none lost (an answer's feedback,
    # when the knowledge base gave one first, came before the outage).
    doorvragen = [category for key, category in answers if not key.startswith("antwoord:")]
    assert doorvragen == ["tekst", "nee", "weet_niet"], answers


def test_rasa_restarts_and_the_conversation_resumes_from_the_tracker_store(stack):
    start_intake(stack, "fout-herstart")
    assert any("Vraag 2 van" in t for t in stack.texts("fout-herstart", "ze is erg verdrietig"))
    stack.stop_rasa()
    stack.start_rasa()
    assert any("Vraag 3 van" in t for t in stack.texts("fout-herstart", "nee"))
    doorvragen = [row for row in stack.answers("fout-herstart") if not row[0].startswith("antwoord:")]
    assert len(doorvragen) == 2  # the two doorvragen, one before and one after the restart
