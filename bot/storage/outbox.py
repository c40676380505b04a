"""Writes that could not reach the database yet, kept in order until it is back.

Bounded, so a long outage cannot fill memory or disk: when full, message-log
rows (analytics) are given up before anything about a contact. With a file
path the queue survives a restart of the action server; one file per process.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_CAPACITY = 1000
# Operations given up first when the outbox is full.
EXPENDABLE_OPS = ("log_message",)


@dataclass(frozen=True)
class Write:
    """One repository write: the operation's name and its JSON-ready arguments."""

    op: str
    payload: Mapping[str, Any]

    def as_json(self) -> str:
        return json.dumps({"op": self.op, "payload": dict(self.payload)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> Write:
        data = json.loads(line)
        return cls(str(data["op"]), dict(data["payload"]))


class Outbox:
    """A bounded FIFO of pending writes, mirrored to `path` when one is given."""

    def __init__(self, path: Path | None = None, capacity: int = DEFAULT_CAPACITY):
        if capacity < 1:
            raise ValueError("outbox capacity must be at least 1")
        self.path = Path(path) if path is not None else None
        self.capacity = capacity
        self._writes: deque[Write] = deque()
        self._load()

    def __len__(self) -> int:
        return len(self._writes)

    def __iter__(self) -> Iterator[Write]:
        return iter(tuple(self._writes))

    def append(self, write: Write) -> None:
        if len(self._writes) >= self.capacity:
            self._evict_one()
        self._writes.append(write)
        self._save()

    def first(self) -> Write | None:
        return self._writes[0] if self._writes else None

    def remove_first(self) -> None:
        self._writes.popleft()
        self._save()

    def _evict_one(self) -> None:
        for index, pending in enumerate(self._writes):
            if pending.op in EXPENDABLE_OPS:
                del self._writes[index]
                break
        else:
            pending = self._writes.popleft()
        log.error("contact log outbox full (%d): gave up a pending %s", self.capacity, pending.op)

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        counts: dict[str, int] = {"kept": 0, "unreadable": 0}
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    self._writes.append(Write.from_json(line))
                    counts["kept"] += 1
                except (ValueError, KeyError, TypeError):
                    counts["unreadable"] += 1
        while len(self._writes) > self.capacity:
            self._evict_one()
        if counts["unreadable"]:
            log.error("contact log outbox %s: skipped %d unreadable lines", self.path, counts["unreadable"])

    def _save(self) -> None:
        """Rewrite the file atomically; a disk problem leaves the queue in memory only."""
        if self.path is None:
            return
        try:
            if not self._writes:
                self.path.unlink(missing_ok=True)
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".outbox-", dir=self.path.parent)  # mode 0600
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    for pending in self._writes:
                        handle.write(pending.as_json() + "\n")
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as error:
            log.error("contact log outbox %s not saved: %s", self.path, type(error).__name__)
