"""Benchmarks against the running bot (`rasa run` + action server on loopback), for `make bench`.

- latency per message (p50/p95/p99) for a template reply and for a custom-action reply,
  one user and at rising concurrency, with throughput and errors;
- the load test: many full intake conversations at once with think time, then the
  contact log is compared with what was sent (every conversation exactly once);
- RSS of the Rasa server and the action server.
The rate limit is lifted for these runs (it is per sender, and the load is synthetic).
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence

import aiohttp
from sqlalchemy import create_engine, text

TEMPLATE_TEXT = "hoi"                    # answered by a rule with a response template
ACTION_TEXTS = [                         # answered by custom actions (classification, confirmation)
    "een leerling in mijn klas wordt al weken gepest via instagram, wat kan ik doen?",
    "moeten we als school een veiligheidsplan hebben volgens de wet?",
    "ik ben vertrouwenspersoon, hoe ga ik om met een klacht over een collega?",
    "hoe zorgen we voor een veilig klimaat in de brugklas?",
]
INTAKE_OPENINGS = [
    "hoi, ik ben mentor in de brugklas en een meisje wordt gepest via een instagram-account",
    "ik ben leerkracht in groep 7 op een basisschool en een jongen wordt steeds buitengesloten",
    "als docent op een mbo-school wil ik weten hoe we een pestprotocol opzetten",
]
BENCH_ENV = {"DOORVRAAG_RATE_MESSAGES": "1000000", "DOORVRAAG_RATE_SECONDS": "1"}


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(share * (len(ordered) - 1)))))
    return ordered[index]


@dataclass
class Run:
    label: str
    concurrency: int
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        ms = [v * 1000 for v in self.latencies]
        return (f"| {self.label} | {self.concurrency} | {len(ms)} | {percentile(ms, .5):.0f} | "
                f"{percentile(ms, .95):.0f} | {percentile(ms, .99):.0f} | {self.throughput:.1f} | {self.errors} |")


async def post(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> list:
    # X-Conversation-Id lets a load balancer keep a conversation on one instance (deploy/).
    async with session.post(url, json={"sender": sender, "message": message},
                            headers={"X-Conversation-Id": sender},
                            timeout=aiohttp.ClientTimeout(total=60)) as answer:
        if answer.status != 200:
            raise RuntimeError(f"HTTP {answer.status}")
        return await answer.json()


async def latency_run(url: str, label: str, concurrency: int, per_worker: int, texts: Sequence[str],
                      fresh_sender: bool) -> Run:
    """`concurrency` users each send `per_worker` messages back to back."""
    run = Run(label, concurrency)

    async def worker(number: int, session: aiohttp.ClientSession) -> None:
        for i in range(per_worker):
            # A new conversation for every message (custom action) or every 10 (template): real
            # conversations are short, and the tracker store reads a conversation's whole history.
            slug = label.replace(" ", "-")
            sender = f"bench-{slug}-{concurrency}-{number}-{i if fresh_sender else i // 10}"
            started = time.perf_counter()
            try:
                replies = await post(session, url, sender, texts[i % len(texts)])
                if not replies:
                    raise RuntimeError("no reply")
                run.latencies.append(time.perf_counter() - started)
            except Exception:
                run.errors += 1

    connector = aiohttp.TCPConnector(limit=concurrency + 5)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(n, session) for n in range(concurrency)))
        run.seconds = time.perf_counter() - started
    return run


@dataclass
class LoadResult:
    conversations: int
    messages: int = 0
    errors: int = 0
    latencies: List[float] = field(default_factory=list)
    seconds: float = 0.0
    logged_once: int = 0
    missing: List[str] = field(default_factory=list)
    duplicated: List[str] = field(default_factory=list)


async def intake(session: aiohttp.ClientSession, url: str, sender: str, opening: str, think: float,
                 result: LoadResult, rng: random.Random) -> None:
    """A full intake: question, confirmation, the doorvraag answers, the advice, then no human."""
    queue = [opening, "/affirm", "nee", "weet ik niet", "ja, maar het werkt niet goed", "nee", "ja", "nee", "nee"]
    while queue:
        message = queue.pop(0)
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
        started = time.perf_counter()
        try:
            replies = await post(session, url, sender, message)
            result.latencies.append(time.perf_counter() - started)
        except Exception:
            result.errors += 1
            replies = []
        result.messages += 1
        said = " ".join(r.get("text") or "" for r in replies)
        if "medewerker van de helpdesk bespreken" in said:
            queue = ["/deny"]       # the advice came; decline the human and finish


async def load_test(url: str, database_url: str, conversations: int, think: float, seed: int = 6) -> LoadResult:
    result = LoadResult(conversations)
    rng = random.Random(seed)
    run_id = f"{int(time.time())}"
    senders = [f"load-{run_id}-{n}" for n in range(conversations)]
    connector = aiohttp.TCPConnector(limit=conversations + 10)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(intake(session, url, sender, INTAKE_OPENINGS[n % len(INTAKE_OPENINGS)], think,
                                      result, random.Random(rng.random()))
                               for n, sender in enumerate(senders)))
        result.seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)   # the last contact-log writes
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT conversation_id, count(*) FROM contacts WHERE conversation_id LIKE :prefix "
                "GROUP BY conversation_id"), {"prefix": f"load-{run_id}-%"}).all()
    finally:
        engine.dispose()
    counts: Dict[str, int] = dict(rows)
    result.logged_once = sum(1 for s in senders if counts.get(s) == 1)
    result.missing = [s for s in senders if s not in counts]
    result.duplicated = [s for s, c in counts.items() if c != 1]
    return result


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children_rss_mib(pid: int) -> float:
    """RSS of a process and its children (the action server runs as one Python process)."""
    total = rss_mib(pid)
    for child in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = child.read_text().split()
            if int(fields[3]) == pid:
                total += rss_mib(int(child.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return total
