"""`make eval-conversations`: scripted conversations through the real bot, scored on the contact they log.

Each conversation (the user's turns only) runs in-process against the trained model, a live action
server and a fresh contact log, with the helpdesk clock fixed on a school day at 10:00 (open). It
counts as coded right when the conversation's last contact holds every `expect` field (theme,
question_type, urgent, caller_role, school_type, handoff). Sets:

* ../shared/eval/conversations.yml, written apart from the project (never tuned on);
* tests/conversations/own.yml, written by a helper from labels.md and domain.md alone.

Writes reports/conversations.md: the figures per set and per field, then every conversation that went
wrong with its transcript, so the failure can be read, not guessed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SETS = {
    "shared": Path("../shared/eval/conversations.yml"),
    "own": Path("tests/conversations/own.yml"),
}
FIELDS = ("theme", "question_type", "urgent", "caller_role", "school_type", "handoff")
OPEN_MOMENT = "2026-11-24T10:00:00+01:00"  # a Tuesday in term time


@dataclass
class Result:
    name: str
    expect: dict[str, Any]
    got: dict[str, Any]
    transcript: list[str] = field(default_factory=list)

    @property
    def wrong_fields(self) -> list[str]:
        return [f for f in FIELDS if self.got.get(f) != self.expect.get(f)]

    @property
    def right(self) -> bool:
        return not self.wrong_fields


def read_set(path: Path) -> list[dict[str, Any]]:
    conversations = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(conversations, list):
        raise ValueError(f"{path} is not a list of conversations")
    return conversations


def run_one(bot, database, conversation: dict[str, Any], sender: str) -> Result:
    from bot.storage import contacts_between

    transcript = []
    for turn in conversation["turns"]:
        transcript.append(f"> {turn}")
        for message in bot.say(sender, str(turn)):
            text = (message.get("text") or "").replace("\n", " ")
            buttons = " | ".join(f"[{b['title']}]" for b in message.get("buttons") or [])
            transcript.append("  " + text + (f"  {buttons}" if buttons else ""))
    mine = [c for c in contacts_between(database) if c.conversation_id == sender]
    last = max(mine, key=lambda c: c.started_at) if mine else None
    got = {f: getattr(last, f) for f in FIELDS} if last is not None else {}
    if last is not None:
        # A person (queue, call-back or mail) anywhere in the conversation counts as the handoff.
        got["handoff"] = any(c.handoff != "geen" for c in mine)
        got["urgent"] = any(c.urgent for c in mine)
    return Result(conversation["name"], conversation["expect"], got, transcript)


def render(results: dict[str, list[Result]]) -> str:
    lines = ["# Conversations", "", "Written by `make eval-conversations` (tests/conversation_eval.py).", ""]
    lines += ["| set | coded right | " + " | ".join(FIELDS) + " |", "|---|---|" + "---|" * len(FIELDS)]
    for name, items in results.items():
        wrong = Counter(f for r in items for f in r.wrong_fields)
        cells = [f"{len(items) - wrong[f]}/{len(items)}" for f in FIELDS]
        right = sum(r.right for r in items)
        lines.append(f"| {name} | **{right} of {len(items)}** | " + " | ".join(cells) + " |")
    for name, items in results.items():
        lines += ["", f"## {name}: went wrong", ""]
        for result in items:
            if result.right:
                continue
            diffs = ", ".join(
                f"{f}: {result.got.get(f)!r} (expected {result.expect.get(f)!r})" for f in result.wrong_fields
            )
            lines += [f"### {result.name}", "", diffs, "", "```", *result.transcript, "```", ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("reports/conversations.md"))
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="only these sets")
    args = parser.parse_args(argv)

    from bot.storage import Database
    from tests.e2e_harness import MODEL, Bot, action_server, migrated_database

    if not MODEL.is_file():
        print(f"No trained model at {MODEL}: run 'make train' first.", file=sys.stderr)
        return 2
    chosen = args.set or list(SETS)
    results: dict[str, list[Result]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = migrated_database(Path(tmp) / "contacts.db")
        database = Database(url)
        with action_server(url, OPEN_MOMENT) as webhook:
            bot = Bot(webhook)
            try:
                for name in chosen:
                    results[name] = [
                        run_one(bot, database, conversation, f"{name}-{number}")
                        for number, conversation in enumerate(read_set(SETS[name]), start=1)
                    ]
            finally:
                bot.close()
    report = render(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report.split("\n## ")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
