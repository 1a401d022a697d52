"""The writer's lock: one `dateline index` at a time writes an index directory."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from qa.errors import DatelineError
from qa.index.layout import Layout


@contextlib.contextmanager
def write_lock(directory: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold the index's writer lock; a second writer stops with a clear message (or waits)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(Layout(directory).lock, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise DatelineError(
                f"another `dateline index` is writing {directory}; wait for it to finish, or use --wait",
                "Index busy",
            ) from exc
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
