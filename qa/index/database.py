"""The index database: its schema, opening and checking it; `Store` joins reads and writes to it.

SQLite is the single source of truth, vectors included, so one transaction is one atomic
update. The vectors file (qa/index/vector_file.py) is derived from it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qa.errors import REBUILD, DatelineError, damaged
from qa.index.keyword_queries import KeywordQueries
from qa.index.layout import DB_NAME, FORMAT_VERSION, Layout
from qa.index.queries import Queries
from qa.index.records import Stats
from qa.index.writes import Writes

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
    id TEXT PRIMARY KEY, key TEXT NOT NULL, title TEXT NOT NULL, date TEXT, source TEXT NOT NULL,
    url TEXT NOT NULL, path TEXT NOT NULL, text TEXT NOT NULL, title_derived INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS articles_key ON articles(key);
CREATE TABLE IF NOT EXISTS passages(
    id INTEGER PRIMARY KEY AUTOINCREMENT, article_id TEXT NOT NULL, ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, date TEXT, vector BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS passages_article ON passages(article_id);
CREATE INDEX IF NOT EXISTS passages_date ON passages(date);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    title, body, tokenize='porter unicode61 remove_diacritics 2');
"""


class Store(Queries, KeywordQueries, Writes):
    """An open index database. Readers may be many; one writer at a time holds the lock (qa/index/lock.py)."""

    def __init__(self, directory: Path, conn: sqlite3.Connection) -> None:
        self.directory = directory
        self.conn = conn

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path, *, create: bool = False, path: Path | None = None) -> Store:
        """Open an index; with `create`, make an empty one if there is none. `path`: another database
        file of the directory (a rebuild's)."""
        path = path or Layout(directory).db
        if not path.exists() and not create:
            raise DatelineError(f"no index at {directory}: build one with `dateline index PATH...`", "No index")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            if create:
                conn.executescript(_SCHEMA)
            store = cls(directory, conn)
            store._check()
        except sqlite3.DatabaseError as exc:
            raise damaged(directory, exc) from exc
        return store

    def _check(self) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"meta", "articles", "passages", "passages_fts"} <= tables:
            raise DatelineError(f"{self.directory / DB_NAME} is not a dateline index; {REBUILD}", "Damaged index")
        version = self.meta.get("format_version")
        if version is not None and version != FORMAT_VERSION:
            raise DatelineError(
                f"the index at {self.directory} has format {version}, this dateline reads {FORMAT_VERSION}; {REBUILD}",
                "Old index",
            )

    @classmethod
    def describe(cls, directory: Path) -> tuple[Stats, dict[str, str]]:
        """What the index in `directory` holds and how it was built (for `dateline info`)."""
        store = cls.open(directory)
        try:
            return store.stats(), store.meta
        finally:
            store.close()

    def close(self) -> None:
        self.conn.close()
