import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

ROOT = Path(__file__).resolve().parents[1]
SPACY_DIR = ROOT / ".cache" / "spacy" / "nl_doorvraag"
MODEL = ROOT / "models" / "doorvraag.tar.gz"


# ----------------------------------------------------------------- tiers
# `make check` runs the tests that need no trained model, no server and no browser
# (-m "not model and not server and not browser"). Tests are marked here by the
# fixtures they use, so a new test that takes `chromium` or `postgres_server` is in
# the right tier without anyone remembering a marker; modules that start servers
# through the harnesses mark themselves with `pytestmark`.
TIER_BY_FIXTURE = {
    "classifier": "model",
    "nlp": "model",
    "chromium": "browser",
    "postgres_server": "server",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture in set(getattr(item, "fixturenames", ())) & TIER_BY_FIXTURE.keys():
            item.add_marker(TIER_BY_FIXTURE[fixture])
        # database_url asks for PostgreSQL at run time (getfixturevalue), so its parameter tells.
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgresql":
            item.add_marker("server")


@pytest.fixture(scope="session")
def nlp():
    """The Dutch pipeline as set-up builds it (make setup)."""
    import spacy

    if not (SPACY_DIR / "meta.json").exists():
        pytest.fail(f"{SPACY_DIR} is missing: run 'make setup' first")
    return spacy.load(SPACY_DIR)


@pytest.fixture(scope="session")
def classifier():
    """The trained model, loaded once for the whole session."""
    from bot.classifier import Classifier

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run 'make train' first")
    loaded = Classifier(MODEL)
    yield loaded
    loaded.close()


# ----------------------------------------------------------------- databases
# Database tests run on SQLite and on a real PostgreSQL server, which
# scripts/postgres.sh installs (Debian package) and starts for the test session.
# DOORVRAAG_TEST_POSTGRES_URL points at an existing server instead (its user must
# be allowed to create databases). A server that can't be started fails the
# tests: they are never skipped.

DATABASE_KINDS = ("sqlite", "postgresql")


def refuse_in_the_fast_tier(what: str) -> None:
    """`make check` sets DOORVRAAG_TEST_TIER=fast: a test that still reaches a server or browser is mis-tiered."""
    if os.environ.get("DOORVRAAG_TEST_TIER") == "fast":
        pytest.fail(f"{what} in the fast tier: mark this test (tests/conftest.py, 'tiers')")


@pytest.fixture(scope="session")
def postgres_server():
    """The base URL of a PostgreSQL server for this test session."""
    import shutil

    refuse_in_the_fast_tier("PostgreSQL")
    import subprocess
    import tempfile

    given = os.environ.get("DOORVRAAG_TEST_POSTGRES_URL", "").strip()
    if given:
        yield given.rstrip("/")
        return
    script = ROOT / "scripts" / "postgres.sh"
    workdir = tempfile.mkdtemp(prefix="doorvraag-pg-")
    started = subprocess.run(["bash", str(script), "start", workdir], capture_output=True, text=True)
    if started.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL for the tests:\n{started.stderr}")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(script), "stop", workdir], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def postgres_database(postgres_server):
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{postgres_server}/{name}"
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=DATABASE_KINDS)
def database_url(request, tmp_path):
    """An empty database of each kind: SQLite in tmp_path, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'contacts.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture(scope="session")
def chromium():
    """Path of a headless-capable Chromium; installed by scripts/chromium.sh when missing. Fails, never skips."""
    from tests.server_harness import chromium_binary

    refuse_in_the_fast_tier("Chromium")
    try:
        return chromium_binary()
    except RuntimeError as error:
        pytest.fail(str(error))
