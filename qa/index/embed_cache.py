"""Vectors computed by an unfinished run, kept beside the index so an interrupted run resumes."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from qa.index.queries import in_chunks


class EmbedCache:
    """Vectors computed by an unfinished run, so an interrupted run resumes without re-embedding."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, timeout=30)
        self.conn.execute("CREATE TABLE IF NOT EXISTS v(hash TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def get(self, keys: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for part, marks in in_chunks(keys):
            out.update(self.conn.execute(f"SELECT hash, vector FROM v WHERE hash IN ({marks})", part).fetchall())
        return out

    def put(self, items: Iterable[tuple[str, bytes]]) -> None:
        with self.conn:
            self.conn.executemany("INSERT OR REPLACE INTO v VALUES (?, ?)", items)

    def discard(self) -> None:
        self.conn.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink()
