"""`make bench`: measured figures written to bench/results.md (never asserted in tests).

Now: `doorvraag classify` on 1,000 lines through the real console script
(model load included and reported apart), with the machine's cores and memory.
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args(argv)
    classify = bench_classify(sample_lines())
    report = "\n".join([
        "# Benchmarks",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by `make bench` on: {machine()}.",
        "",
        "## `doorvraag classify`",
        "",
        "| lines | total wall time | of which model load | per line after load |",
        "|---:|---:|---:|---:|",
        f"| {classify['lines']} | {classify['total_s']:.1f} s | {classify['load_s']:.1f} s | "
        f"{classify['per_line_ms']:.1f} ms |",
        "",
    ])
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
