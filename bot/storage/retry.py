"""Retrying a unit of work when the database is briefly unreachable.

Only connection-level failures are retried: repeating a write that broke a
constraint would fail the same way every time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

T = TypeVar("T")


def is_transient(error: BaseException) -> bool:
    """True for errors that may go away by themselves: lost connection, locked or missing file."""
    if isinstance(error, (OperationalError, InterfaceError, DisconnectionError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all, waiting first_delay, then factor times longer (capped at max_delay)."""

    attempts: int = 3
    first_delay: float = 0.05
    factor: float = 2.0
    max_delay: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def delays(self) -> list[float]:
        """The waits between attempts, e.g. [0.05, 0.1] for three attempts."""
        waits, delay = [], self.first_delay
        for _ in range(max(self.attempts, 1) - 1):
            waits.append(min(delay, self.max_delay))
            delay *= self.factor
        return waits

    def run(self, work: Callable[[], T]) -> T:
        """Run `work`, again after a transient error; the last error is raised."""
        for delay in self.delays():
            try:
                return work()
            except Exception as error:
                if not is_transient(error):
                    raise
            self.sleep(delay)
        return work()
