"""A progress line on stderr: a bar with rate and ETA on a terminal, a line now and then elsewhere."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


class Progress:
    def __init__(
        self, total: int, label: str, unit: str, stream: TextIO | None = None, detail: Callable[[], str] | None = None
    ) -> None:
        """`detail()` adds a few words after the count (indexing: how many files were read)."""
        self.detail = detail
        self.total = total
        self.label = label
        self.unit = unit
        self.done = 0
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self._last = 0.0
        self._tty = self.stream.isatty()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= (0.2 if self._tty else 10.0) or self.done >= self.total:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(frac * 24)
        line = (
            f"{self.label} [{bar:<24}] {self.done}/{self.total} {self.unit}"
            f"{f' ({self.detail()})' if self.detail else ''} "
            f"{rate:.1f}/s ETA {int(left // 60)}:{int(left % 60):02d}"
        )
        if self._tty:
            self.stream.write("\r" + line + "\x1b[K")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._tty and self.done:
            self.stream.write("\n")
            self.stream.flush()
