"""Two Rasa instances behind nginx, with the Redis lock store and PostgreSQL, on loopback.

Started by scripts/scaleout.sh (which installs the Debian packages). Runs the
load test (bench/live.py) through nginx, writes throughput and lost contacts to
bench/scaleout.md, and stops everything it started.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import live  # noqa: E402
from tests.e2e_harness import BIN, action_server, free_port, stop, wait_until_serving  # noqa: E402
from tests.server_harness import rasa_server  # noqa: E402


@contextmanager
def postgres(run_dir: Path) -> Iterator[str]:
    script = ROOT / "scripts" / "postgres.sh"
    folder = Path(tempfile.mkdtemp(prefix="doorvraag-pg-scale-"))
    server = subprocess.run(["bash", str(script), "start", str(folder)], check=True, capture_output=True,
                            text=True).stdout.strip()
    try:
        yield server
    finally:
        subprocess.run(["bash", str(script), "stop", str(folder)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def redis(run_dir: Path) -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(run_dir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                              text=True).stdout.strip() == "PONG":
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("redis did not start")
        yield port
    finally:
        stop(process)


@contextmanager
def rasa_instance(run_dir: Path, action_url: str, redis_port: int, database_url: str,
                  tracker_url: str, extra_env) -> Iterator[int]:
    """One `rasa run` sharing the Redis lock store; yields its port."""
    lock_store = f"lock_store:\n  type: redis\n  url: 127.0.0.1\n  port: {redis_port}\n  db: 1\n"
    with rasa_server(run_dir, action_url, database_url, tracker_url, extra_env, timeout=300,
                     extra_endpoints=lock_store) as bot:
        yield bot.port


@contextmanager
def nginx(run_dir: Path, rasa_ports: List[int]) -> Iterator[int]:
    port = free_port()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / sub).mkdir(exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in rasa_ports)
    template = (ROOT / "deploy" / "nginx.conf.template").read_text(encoding="utf-8")
    config = run_dir / "nginx.conf"
    config.write_text(template.format(run_dir=run_dir, servers=servers, port=port), encoding="utf-8")
    subprocess.run(["nginx", "-t", "-c", str(config)], check=True, capture_output=True)
    process = subprocess.Popen(["nginx", "-c", str(config), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/webhooks/rest/", process, 30, "nginx", interval=0.5)
        yield port
    finally:
        stop(process)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=150)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "scaleout.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="doorvraag-scale-") as tmp, ExitStack() as stack:
        run_dir = Path(tmp)
        os.chmod(run_dir, 0o755)
        server = stack.enter_context(postgres(run_dir))
        database_url, tracker_url = f"{server}/doorvraag", f"{server}/doorvraag_tracker"
        subprocess.run([str(BIN / "doorvraag"), "db", "upgrade"], check=True, cwd=ROOT,
                       env={**os.environ, "DATABASE_URL": database_url, "TRACKER_DATABASE_URL": tracker_url},
                       stdout=subprocess.DEVNULL)
        redis_port = stack.enter_context(redis(run_dir))
        action_url = stack.enter_context(action_server(database_url))
        ports = [stack.enter_context(rasa_instance(run_dir, action_url, redis_port, database_url, tracker_url,
                                                   live.BENCH_ENV)) for _ in range(2)]
        front = stack.enter_context(nginx(run_dir, ports))
        url = f"http://127.0.0.1:{front}/webhooks/rest/webhook"
        asyncio.run(live.latency_run(url, "warm-up", 4, 5, live.ACTION_TEXTS, True))
        load = asyncio.run(live.load_test(url, database_url, args.conversations, args.think))
        throughput = asyncio.run(live.latency_run(url, "custom action", 40, 10, live.ACTION_TEXTS, True))
    ms = [v * 1000 for v in load.latencies]
    report = "\n".join([
        "# Scale-out",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by `scripts/scaleout.sh` on {os.cpu_count()} "
        "cores: nginx (sticky per conversation) in front of two `rasa run` instances with the Redis lock store, "
        "one action server, PostgreSQL for the contact log and the tracker store, all on loopback.",
        "",
        "| conversations | messages | errors | p50 ms | p95 ms | wall time | messages/s | contacts logged exactly once | lost | duplicated |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {load.conversations} | {load.messages} | {load.errors} | {live.percentile(ms, .5):.0f} | "
        f"{live.percentile(ms, .95):.0f} | {load.seconds:.0f} s | {load.messages / load.seconds:.1f} | "
        f"{load.logged_once} | {len(load.missing)} | {len(load.duplicated)} |",
        "",
        "Throughput without think time (40 users, custom-action replies, through nginx):",
        "",
        "| reply | users | messages | p50 ms | p95 ms | p99 ms | messages/s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        throughput.row(),
        "",
        "Both instances share the machine's 2 cores with nginx, Redis, PostgreSQL, the action server and the "
        "load generator, so this shows the layout works and loses nothing; it cannot show a speed-up here.",
        "",
    ])
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0 if load.errors == 0 and not load.missing and not load.duplicated else 1


if __name__ == "__main__":
    sys.exit(main())
