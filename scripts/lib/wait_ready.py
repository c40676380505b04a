"""Waits until every named URL answers, with a deadline; fails at once when one of the processes dies.

    wait_ready.py --timeout 300 --pids 11 12 13 -- "Rasa server=http://127.0.0.1:5005/" ...
"""

import argparse
import os
import sys
import time
import urllib.error
import urllib.request


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        return True
    except urllib.error.HTTPError:
        return True  # it answered, if not with 200
    except OSError:
        return False


def alive(pid: int) -> bool:
    """Running: it exists and is no zombie (an exited child its shell has not reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--pids", type=int, nargs="*", default=[])
    parser.add_argument("targets", nargs="+", help="NAME=URL")
    args = parser.parse_args()
    waiting = dict(target.split("=", 1) for target in args.targets)
    deadline = time.monotonic() + args.timeout
    while waiting:
        for name, url in list(waiting.items()):
            if answers(url):
                print(f"  {name} answers at {url}", flush=True)
                del waiting[name]
        if not waiting:
            break
        dead = [pid for pid in args.pids if not alive(pid)]
        if dead:
            print(f"error: {', '.join(waiting)} did not start (a process exited; see its output above)", file=sys.stderr)
            return 1
        if time.monotonic() > deadline:
            print(f"error: {', '.join(waiting)} did not answer within {args.timeout:.0f} s", file=sys.stderr)
            return 1
        time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
