"""The intents view: low-confidence messages, relabelling (audited) and the NLU export."""
from datetime import datetime, timezone

import pytest
import yaml
from sqlalchemy import select

from bot.analytics.intents import list_messages, relabel, relabelled_nlu_yaml
from bot.storage import Database, log_message, migrate
from bot.storage.models import AuditEntry, MessageLog


@pytest.fixture
def db(database_url):
    migrate.upgrade(database_url)
    database = Database(database_url)
    for n, (text, intent, confidence) in enumerate([
            ("mijn leerling wordt gepest", "vraag_pesten_incident", 0.92),
            ("wat moet in een veiligheidsplan [NAAM]", "vraag_overig", 0.31),
            ("hoe zit het met {de meldcode}", "vraag_sociale_veiligheid_beleid", 0.45)]):
        log_message(database, f"gesprek-{n}", text_redacted=text, intent=intent, confidence=confidence,
                    sent_at=datetime(2026, 3, 1 + n, 10, tzinfo=timezone.utc))
    yield database
    database.dispose()


def ids(db):
    with db.session() as session:
        return {m.text_redacted: m.id for m in session.scalars(select(MessageLog))}


def test_low_confidence_filter_and_period(db):
    assert [m.text for m in list_messages(db, max_confidence=0.5)] == [
        "hoe zit het met {de meldcode}", "wat moet in een veiligheidsplan [NAAM]"]
    from datetime import date
    assert [m.intent for m in list_messages(db, date(2026, 3, 1), date(2026, 3, 1))] == ["vraag_pesten_incident"]


def test_relabel_is_checked_audited_and_exported_as_nlu_yaml_that_rasa_reads(db, tmp_path):
    found = ids(db)
    assert relabel(db, found["wat moet in een veiligheidsplan [NAAM]"], "vraag_wet_en_regelgeving_beleid", "ana")
    assert relabel(db, found["hoe zit het met {de meldcode}"], "vraag_wet_en_regelgeving_beleid", "ana")
    with pytest.raises(ValueError):
        relabel(db, found["mijn leerling wordt gepest"], "bestaat_niet", "ana")
    assert relabel(db, "geen-id", "vraag_overig", "ana") is False
    exported = relabelled_nlu_yaml(db)
    data = yaml.safe_load(exported)
    assert data["version"] == "3.1"
    assert [block["intent"] for block in data["nlu"]] == ["vraag_wet_en_regelgeving_beleid"]
    path = tmp_path / "relabelled.yml"
    path.write_text(exported, encoding="utf-8")
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
    training = RasaYAMLReader().read(str(path))
    assert sorted(m.get("text") for m in training.training_examples) == [
        "hoe zit het met (de meldcode)", "wat moet in een veiligheidsplan (NAAM)"]
    with db.session() as session:
        assert len(session.scalars(select(AuditEntry).where(AuditEntry.action == "message_relabelled")).all()) == 2
