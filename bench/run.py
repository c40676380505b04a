"""`make bench`: measured figures written to bench/results.md (never asserted in tests).

In one run: latency and throughput of the running bot (bench/live.py), the load
test of full intake conversations, Rasa and action-server memory, training time,
and `doorvraag classify` on 1,000 lines, with the machine's cores and memory.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LINES = 1000


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def machine() -> str:
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return (f"{os.cpu_count()} cores, {mem_kb / 1024 / 1024:.1f} GiB memory, "
            f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")


def sample_lines(count: int = LINES) -> list:
    """Real questions from the held-out set and training data, cycled to `count` lines."""
    texts = [item["text"] for item in yaml.safe_load((ROOT / "tests/data/holdout.yml").read_text())]
    return [texts[i % len(texts)] for i in range(count)]


def bench_classify(lines: list) -> dict:
    script = Path(sys.executable).with_name("doorvraag")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    started = time.perf_counter()
    load_only = subprocess.run([str(script), "classify"], input="", capture_output=True, text=True,
                               cwd=ROOT, env=env, check=True)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    done = subprocess.run([str(script), "classify"], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, cwd=ROOT, env=env, check=True)
    total = time.perf_counter() - started
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == len(lines) and not load_only.stdout
    return {"lines": len(lines), "total_s": total, "load_s": load_seconds,
            "per_line_ms": max(total - load_seconds, 0.0) / len(lines) * 1000}


def bench_training() -> float:
    """Wall time of a forced `rasa train` into a temporary folder (the project's model is untouched)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="doorvraag-train-") as out:
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("rasa")), "train", "--force", "--out", out],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        return time.perf_counter() - started


def bench_live(conversations: int, think: float) -> list:
    """Latency, throughput, load test and memory against `rasa run` + action server."""
    import asyncio
    import tempfile

    from bench import live
    from tests.server_harness import live_bot

    lines = []
    with tempfile.TemporaryDirectory(prefix="doorvraag-bench-") as folder, \
            live_bot(Path(folder), live.BENCH_ENV) as bot:
        url = bot.webhook
        asyncio.run(live.latency_run(url, "warm-up", 2, 10, live.ACTION_TEXTS, True))
        runs = [asyncio.run(live.latency_run(url, "template", 1, 200, [live.TEMPLATE_TEXT], False)),
                asyncio.run(live.latency_run(url, "custom action", 1, 200, live.ACTION_TEXTS, True))]
        for concurrency in (5, 10, 20, 40):
            runs.append(asyncio.run(live.latency_run(url, "template", concurrency, max(400 // concurrency, 10),
                                                     [live.TEMPLATE_TEXT], False)))
            runs.append(asyncio.run(live.latency_run(url, "custom action", concurrency,
                                                     max(400 // concurrency, 10), live.ACTION_TEXTS, True)))
        load = asyncio.run(live.load_test(url, bot.database_url, conversations, think))
        rasa_rss = live.rss_mib(bot.process.pid)
        action_rss = action_server_rss()
    single = {r.label: r for r in runs if r.concurrency == 1}
    best = max(r.throughput for r in runs if r.errors == 0)
    load_ms = [v * 1000 for v in load.latencies]
    lines += [
        "## Latency and throughput (REST channel, one Rasa instance, loopback)",
        "",
        "Template reply: `hoi` (a rule and a response template). Custom-action reply: a question that runs "
        "the classification and confirmation actions on the action server. Each user sends its next message "
        "as soon as the previous one is answered.",
        "",
        "| reply | users | messages | p50 ms | p95 ms | p99 ms | messages/s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[r.row() for r in runs],
        "",
        "| target (2 cores) | measured | met |",
        "|---|---|---|",
        f"| p95 ≤ 150 ms, single user | template {percentile_ms(single['template'], .95):.0f} ms, custom action "
        f"{percentile_ms(single['custom action'], .95):.0f} ms | "
        f"{yes(max(percentile_ms(single['template'], .95), percentile_ms(single['custom action'], .95)) <= 150)} |",
        f"| ≥ 30 messages/s per instance, 0 errors | best {best:.1f} messages/s | {yes(best >= 30)} |",
        f"| Rasa RSS ≤ 1.2 GB | {rasa_rss:.0f} MiB after the runs | {yes(rasa_rss <= 1228.8)} |",
        "",
        "## Load test: full intake conversations",
        "",
        f"{load.conversations} conversations at once on one instance, each a full intake (question, confirmation, "
        f"up to six doorvraag answers, advice, declining a human) with {think:.1f} s think time (±50 %) before "
        "every message; then the contact log is compared with the conversations sent.",
        "",
        "| conversations | messages | errors | p50 ms | p95 ms | p99 ms | wall time | contacts logged exactly once | missing | duplicated |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {load.conversations} | {load.messages} | {load.errors} | {statistics_ms(load_ms, .5):.0f} | "
        f"{statistics_ms(load_ms, .95):.0f} | {statistics_ms(load_ms, .99):.0f} | {load.seconds:.0f} s | "
        f"{load.logged_once} | {len(load.missing)} | {len(load.duplicated)} |",
        "",
        f"Target: 0 errors, p95 ≤ 1 s, every contact exactly once: "
        f"{yes(load.errors == 0 and statistics_ms(load_ms, .95) <= 1000 and load.logged_once == load.conversations)}.",
        "",
        "## Memory",
        "",
        f"Rasa server RSS {rasa_rss:.0f} MiB; action server RSS {action_rss:.0f} MiB (after all runs above).",
        "",
    ]
    return lines


def action_server_rss() -> float:
    """RSS of the action server started for the bench (`python -m rasa_sdk`), found by its command line."""
    from bench import live

    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            parts = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"rasa_sdk" in parts and b"--actions" in parts:
            return live.rss_mib(int(cmdline.parent.name))
    return float("nan")


def percentile_ms(run, share: float) -> float:
    from bench import live

    return live.percentile([v * 1000 for v in run.latencies], share)


def statistics_ms(values, share: float) -> float:
    from bench import live

    return live.percentile(values, share)


def yes(condition: bool) -> str:
    return "yes" if condition else "**no**"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--conversations", type=int, default=150)
    parser.add_argument("--think", type=float, default=5.0,
                        help="seconds a user takes to read and type before each message (±50 %%)")
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args(argv)
    live_lines = bench_live(args.conversations, args.think)
    training = None if args.skip_training else bench_training()
    classify = bench_classify(sample_lines())
    report = "\n".join([
        "# Benchmarks",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by `make bench` on: {machine()}, "
        f"commit {commit()}.",
        "",
        *live_lines,
        "## Training",
        "",
        (f"`rasa train --force` (NLU and dialogue): {training:.0f} s." if training is not None
         else "Training was skipped (--skip-training)."),
        "",
        "## `doorvraag classify`",
        "",
        "| lines | total wall time | of which model load | per line after load |",
        "|---:|---:|---:|---:|",
        f"| {classify['lines']} | {classify['total_s']:.1f} s | {classify['load_s']:.1f} s | "
        f"{classify['per_line_ms']:.1f} ms |",
        "",
    ])
    # `make bench-analytics` (bench/analytics.py) adds its own section after this; keep one already there.
    from bench.analytics import HEADING

    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    if HEADING in previous:
        report = report.rstrip("\n") + "\n\n" + previous[previous.index(HEADING):]
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
