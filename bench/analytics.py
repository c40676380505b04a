"""`make bench-analytics`: trends and the year report over 5 years of contacts (6,000 contacts,
50,000 messages), timed, written as its own section of bench/results.md.

The log is synthetic (tests/synthetic.py) in a fresh SQLite file; the time is the
wall time of what an analyst waits for: `trends` for one week and the year report
(comparison with the year before, cross table, HTML and CSV). Target: each <= 2 s.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Analytics: trends and the year report"
TARGET_S = 2.0
CONTACTS, MESSAGES = 6000, 50000


def build(url: str):
    from bot.storage import Database, migrate
    from tests.synthetic import generate, load

    migrate.upgrade(url)
    database = Database(url)
    # 5 years from 2021-06: 6,000 contacts at about 1,200 a year and 50,000 messages (8.3 each).
    rate = 6300 / 5 / 44.0  # contacts per full school week, from about 44 school weeks' worth a year
    scale = rate / 21.5
    rates = {"pesten": 6.0 * scale, "sociale_veiligheid": 7.0 * scale, "wet_en_regelgeving": 4.0 * scale,
             "vertrouwenswerk": 3.0 * scale, "overig": 1.5 * scale}
    log = exact(generate(date(2021, 6, 7), 261, seed=2026, rates=rates, messages_per_contact=9.5))
    load(database, log)
    return database, len(log.contacts), len(log.messages)


def exact(log, contacts: int = CONTACTS, messages: int = MESSAGES):
    """A seeded sample of exactly `contacts` contacts and `messages` messages (each contact keeps one)."""
    import numpy as np

    random = np.random.RandomState(17)
    keep = sorted(random.choice(len(log.contacts), size=contacts, replace=False))
    log.contacts = [log.contacts[i] for i in keep]
    kept = {c["id"] for c in log.contacts}
    candidates = [m for m in log.messages if m["contact_id"] in kept]
    first, rest, seen = [], [], set()
    for message in candidates:
        (rest if message["contact_id"] in seen else first).append(message)
        seen.add(message["contact_id"])
    extra = sorted(random.choice(len(rest), size=messages - len(first), replace=False))
    log.messages = first + [rest[i] for i in extra]
    return log


def timed(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def section(contacts: int, messages: int, trends_s: float, report_s: float, signals: int) -> str:
    met = "yes" if max(trends_s, report_s) <= TARGET_S else "**no**"
    return "\n".join([
        HEADING,
        "",
        f"A synthetic log of 5 years ({contacts:,} contacts, {messages:,} messages; SQLite), "
        "`bench/analytics.py`. Best of 3 runs, in-process (without Python start-up).",
        "",
        "| what | wall time |",
        "|---|---:|",
        f"| `trends` for one week (baseline of 12 weeks and 4 earlier years; {signals} signals) | {trends_s:.2f} s |",
        f"| year report 2025 vs 2024 (figures, comparison, cross table, HTML and CSV) | {report_s:.2f} s |",
        "",
        f"Target: each ≤ {TARGET_S:.0f} s: {met}.",
        "",
    ])


def splice(results: Path, text: str) -> None:
    """Replace the section that `text` heads (its first line) in results.md, or append it, leaving the
    other benchmarks as they are: other benchmarks (bench/answers.py) splice their own sections too."""
    current = results.read_text(encoding="utf-8") if results.exists() else "# Benchmarks\n\n"
    heading = text.splitlines()[0]
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _m: text + "\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    results.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args(argv)
    from bot.analytics.calendar import Week
    from bot.analytics.compare import compare
    from bot.analytics.report import write_report
    from bot.analytics.trends import trends

    with tempfile.TemporaryDirectory(prefix="doorvraag-bench-analytics-") as folder:
        database, contacts, messages = build(f"sqlite:///{folder}/bench.db")
        week = Week(2025, 11)
        signals = len(trends(database, week).signals)
        trends_s = timed(lambda: trends(database, week))
        report_s = timed(
            lambda: write_report(compare(database, date(2025, 1, 1), date(2025, 12, 31)), Path(folder) / "report")
        )
        database.dispose()
    text = section(contacts, messages, trends_s, report_s, signals)
    splice(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
