"""Copies stdin to stdout without the DeprecationWarnings of third-party packages.

Python prints a warning as "FILE:LINE: SomeDeprecationWarning: message", possibly over more lines,
and then the source line, indented. A warning from a file under site-packages (or the standard
library) is dropped up to and with that source line (at most a few lines, never a log line); a
warning from our own code (bot/, actions/) passes, and so does everything else.
"""

import re
import sys

THIRD_PARTY = re.compile(r"(site-packages|dist-packages|/lib/python3\.\d+)/\S*:\d+: \w*DeprecationWarning:")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d[ T]")
MAX_EXTRA_LINES = 3


def main() -> None:
    extra = 0  # lines still to drop after a dropped warning
    for line in sys.stdin:
        if THIRD_PARTY.search(line):
            extra = MAX_EXTRA_LINES
            continue
        if extra and not LOG_LINE.match(line):
            extra = 0 if line.startswith("  ") else extra - 1  # the indented source line ends it
            continue
        extra = 0
        sys.stdout.write(line)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
