"""`doorvraag import`: coded contacts of earlier years (phone, mail, chat) into the contact log.

The file is what `doorvraag export` writes (JSON lines with its keys) or a CSV
with the same column names (UTF-8, comma or semicolon, as Excel saves it). Every
row is checked against the label values before anything is written; one bad row
stops the import unless bad rows are to be skipped, so a half-imported year never
ends up in the figures. A conversation already in the log is left alone, which
makes a second import of the same file change nothing. Free text (answers,
summary) is redacted again on the way in: a spreadsheet may hold what the chat
never would. Imported contacts are history: they never enter the staff queue.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import insert, select

from bot.redaction import redact
from bot.storage import validation, values
from bot.storage.audit import record_audit
from bot.storage.database import Database
from bot.storage.dates import AMSTERDAM
from bot.storage.export import EXPORT_KEYS
from bot.storage.models import Contact, ContactAnswer
from bot.storage.repository import new_id

REQUIRED_KEYS = ("conversation_id", "started_at", "channel", "theme", "question_type")
MAX_LINE_CHARS = 100_000
MAX_REPORTED = 50
TRUE_WORDS = {
    "true": True,
    "1": True,
    "ja": True,
    "waar": True,
    "false": False,
    "0": False,
    "nee": False,
    "onwaar": False,
    "": False,
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not UTF-8, no header, unknown format)."""


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ContactRow:
    line: int
    conversation_id: str
    started_at: datetime
    ended_at: datetime | None
    fields: Mapping[str, Any]
    answers: Mapping[str, tuple[str, str | None]]


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    duplicates_in_file: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "already_present": self.already_present,
            "duplicates_in_file": self.duplicates_in_file,
            "bad_rows": len(self.errors),
            "written": self.written,
        }


# --- reading ---------------------------------------------------------------------------------------


def decode(raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise ImportFileError("the file is binary, not UTF-8 text (JSON lines or CSV)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"the file is not UTF-8 (byte {error.start}); save it as 'CSV UTF-8' or JSON lines"
        ) from None


def records(text: str, name: str = "") -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """(line number, row or error) for every data row; JSON lines or CSV, by name or content."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first:
        raise ImportFileError("the file is empty")
    if name.lower().endswith((".jsonl", ".json", ".ndjson")) or (
        not name.lower().endswith(".csv") and first.startswith("{")
    ):
        yield from _json_lines(text)
    else:
        yield from _csv_rows(text, first)


def _json_lines(text: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            yield number, RowError(number, f"longer than {MAX_LINE_CHARS} characters")
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, RowError(number, f"not valid JSON ({error.msg}, column {error.colno})")
            continue
        if not isinstance(row, dict):
            yield number, RowError(number, "not a JSON object")
            continue
        yield number, row


def _csv_rows(text: str, header: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = [column.strip() for column in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise ImportFileError(f"no readable header line ({error})") from None
    unknown = [column for column in columns if column not in EXPORT_KEYS]
    if unknown:
        raise ImportFileError(
            f"unknown column(s) {', '.join(repr(c[:40]) for c in unknown)}; the columns are those of "
            f"'doorvraag export': {', '.join(EXPORT_KEYS)}"
        )
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, RowError(line, f"not valid CSV ({error})")
            line = reader.line_num + 1
            continue
        if any(cell.strip() for cell in cells):
            if len(cells) != len(columns):
                yield line, RowError(line, f"{len(cells)} cells where the header has {len(columns)}")
            else:
                yield line, _csv_values(dict(zip(columns, cells, strict=True)))
        line = reader.line_num + 1


def _csv_values(row: dict[str, str]) -> dict[str, Any]:
    """CSV cells are text: empty is missing, the two mappings are JSON text."""
    parsed: dict[str, Any] = {}
    for key, cell in row.items():
        cell = cell.strip()
        if key in ("answers", "building_blocks"):
            try:
                parsed[key] = json.loads(cell) if cell else {}
            except json.JSONDecodeError:
                parsed[key] = _Invalid(f"{key} is not a JSON object")
        elif key in ("urgent", "corrected"):
            parsed[key] = TRUE_WORDS.get(cell.lower(), _Invalid(f"{key} must be true or false"))
        else:
            parsed[key] = cell or None
    return parsed


@dataclass(frozen=True)
class _Invalid:
    message: str


# --- checking --------------------------------------------------------------------------------------


def moment(key: str, value: Any) -> datetime:
    """ISO 8601 with Z or an offset; a local date or time without one is Europe/Amsterdam."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be a date and time such as 2024-03-01T09:15:00Z")
    text = value.strip().replace("Z", "+00:00").replace(" ", "T", 1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{key} is not a date and time such as 2024-03-01T09:15:00Z") from None
        parsed = datetime(day.year, day.month, day.day, 12)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=AMSTERDAM)
    return parsed.astimezone(timezone.utc)


def check(row: Mapping[str, Any], line: int) -> ContactRow:
    """A valid row, or ValueError naming the first thing wrong (never the free text itself)."""
    unknown = sorted(set(row) - set(EXPORT_KEYS))
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(repr(k[:40]) for k in unknown)}")
    missing = [key for key in REQUIRED_KEYS if row.get(key) in (None, "")]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    for value in row.values():
        if isinstance(value, _Invalid):
            raise ValueError(value.message)
    conversation_id = validation.identifier("conversation_id", row["conversation_id"], values.MAX_CONVERSATION_ID)
    started_at = moment("started_at", row["started_at"])
    ended_at = moment("ended_at", row["ended_at"]) if row.get("ended_at") else None
    if ended_at is not None and ended_at < started_at:
        raise ValueError("ended_at lies before started_at")
    fields = validation.contact_fields(
        {
            "channel": row["channel"],
            "theme": row["theme"],
            "question_type": row["question_type"],
            "caller_role": row.get("caller_role"),
            "school_type": row.get("school_type"),
            "urgent": row.get("urgent", False),
            "corrected": row.get("corrected", False),
            "building_blocks": row.get("building_blocks") or {},
            "handoff": row.get("handoff") or "geen",
            "summary": redact(validation.text("summary", row.get("summary"), values.MAX_SUMMARY)),
        }
    )
    fields["status"] = validation.code("status", row.get("status") or "afgerond", values.FINAL_STATUSES)
    return ContactRow(line, conversation_id, started_at, ended_at, fields, _answers(row.get("answers") or {}))


def _answers(value: Any) -> dict[str, tuple[str, str | None]]:
    if not isinstance(value, Mapping):
        raise ValueError("answers must map a question to {category, text}")
    checked = {}
    for key, answer in value.items():
        question = validation.identifier("answers key", key, values.MAX_QUESTION_KEY)
        if not isinstance(answer, Mapping):
            raise ValueError(f"answer {question!r} must be {{category, text}}")
        category = validation.code(f"category of answer {question!r}", answer.get("category"), values.ANSWER_CATEGORIES)
        checked[question] = (category, redact(validation.text("answer text", answer.get("text"), values.MAX_TEXT)))
    return checked


# --- writing ---------------------------------------------------------------------------------------


def import_contacts(
    db: Database, raw: bytes, *, name: str = "", skip_bad: bool = False, actor: str = "import"
) -> ImportResult:
    """Check every row, then write all valid new contacts in one transaction (or nothing)."""
    result = ImportResult()
    valid: list[ContactRow] = []
    for line, parsed in records(decode(raw), name):
        result.rows += 1
        if isinstance(parsed, RowError):
            result.errors.append(parsed)
            continue
        try:
            valid.append(check(parsed, line))
        except ValueError as error:
            result.errors.append(RowError(line, str(error)))
    if result.errors and not skip_bad:
        return result
    with db.session() as session, session.begin():
        present = _present(session, {row.conversation_id for row in valid})
        seen: set[tuple[str, datetime]] = set()
        numbers: dict[str, int] = {}
        contacts, answers = [], []
        for item in sorted(valid, key=lambda r: (r.conversation_id, r.started_at, r.line)):
            if item.conversation_id in present:
                result.already_present += 1
                continue
            if (item.conversation_id, item.started_at) in seen:
                result.duplicates_in_file += 1
                continue
            seen.add((item.conversation_id, item.started_at))
            numbers[item.conversation_id] = numbers.get(item.conversation_id, 0) + 1
            contact_id = new_id()
            contacts.append(
                {
                    "id": contact_id,
                    "conversation_id": item.conversation_id,
                    "intake_number": numbers[item.conversation_id],
                    "started_at": item.started_at,
                    "ended_at": item.ended_at or item.started_at,
                    "last_activity_at": item.ended_at or item.started_at,
                    **item.fields,
                }
            )
            answers += [
                {
                    "contact_id": contact_id,
                    "question_key": key,
                    "category": category,
                    "text": text,
                    "asked_at": item.started_at,
                }
                for key, (category, text) in item.answers.items()
            ]
        for start in range(0, len(contacts), 1000):
            session.execute(insert(Contact), contacts[start : start + 1000])
        for start in range(0, len(answers), 1000):
            session.execute(insert(ContactAnswer), answers[start : start + 1000])
        result.imported = len(contacts)
        record_audit(
            session,
            actor=actor,
            action="contacts_imported",
            target_type="contacts",
            detail={k: v for k, v in result.as_dict().items() if k != "written"},
        )
    result.written = True
    return result


def _present(session, conversations: set[str]) -> set[str]:
    found: set[str] = set()
    listed = sorted(conversations)
    for start in range(0, len(listed), 500):
        chunk = listed[start : start + 500]
        found.update(session.scalars(select(Contact.conversation_id).where(Contact.conversation_id.in_(chunk))))
    return found
