"""Free localhost ports for the servers the tests start (also `python3 tests/ports.py` for the shell scripts).

A port from bind(("127.0.0.1", 0)) comes from the kernel's ephemeral range, the same range every outgoing
connection takes its local port from, so between our check and the server's own bind another connection
may take it. We pick below that range instead, where only listening servers go, check that nothing
listens there now, and hold a lock file so that two test processes on one machine never pick the same one.
"""
from __future__ import annotations

import os
import random
import socket
import tempfile
from pathlib import Path

LOCKS = Path(tempfile.gettempdir()) / "doorvraag-ports"
LOWEST = 20000


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _claim(port: int) -> bool:
    """Whether this process now holds `port`: its lock file made, or taken over from a process that is gone."""
    LOCKS.mkdir(exist_ok=True)
    lock = LOCKS / str(port)
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        try:
            owner = int(lock.read_text() or "0")
            os.kill(owner, 0)
            return False                              # held by a live process
        except (ValueError, ProcessLookupError, FileNotFoundError):
            lock.unlink(missing_ok=True)              # a stale lock: try once more
            return _claim(port)
        except PermissionError:
            return False
    with os.fdopen(fd, "w") as handle:
        handle.write(str(os.getpid()))
    return True


def _listenable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(owner_pid: int | None = None) -> int:
    """A port below the ephemeral range that nothing listens on, locked for this process (or `owner_pid`)."""
    top = _ephemeral_start() - 1
    rng = random.Random()
    for _ in range(500):
        port = rng.randint(LOWEST, top)
        if _listenable(port) and _claim(port):
            if owner_pid:
                (LOCKS / str(port)).write_text(str(owner_pid))
            return port
    raise RuntimeError(f"no free port between {LOWEST} and {top}")


if __name__ == "__main__":
    # For a shell script: the lock belongs to the script's parent shell (argv[1]), or to nobody (a stale lock).
    import sys

    print(free_port(int(sys.argv[1]) if len(sys.argv) > 1 else None))
