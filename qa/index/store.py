"""The index directory: SQLite (articles, passages, FTS5, vectors, meta) and a FAISS file.

SQLite is the single source of truth, vectors included, so one transaction is one atomic
update. `vectors-<generation>.faiss` is a derived file for fast search: written beside the
database after each commit and rebuilt from SQLite whenever it is missing or stale.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embeddings.vectors import VectorIndex, VectorIndexError
from qa.errors import DatelineError
from qa.ingest.articles import Article, Passage

FORMAT_VERSION = "1"
DB_NAME = "dateline.sqlite"
LOCK_NAME = "write.lock"

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


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage with what a citation needs."""

    id: int
    article_id: str
    ordinal: int
    start: int
    end: int
    text: str
    title: str
    date: dt.date | None
    source: str
    url: str

    @property
    def read(self) -> str:
        """What a person reads of this quote: the headline every answer shows it under, then the quote."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True, slots=True)
class Stats:
    articles: int
    passages: int
    first_date: dt.date | None
    last_date: dt.date | None
    undated: int
    sources: list[tuple[str, int]]
    bytes: int


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _date_clauses(column: str, since: dt.date | None, until: dt.date | None) -> tuple[list[str], list[str]]:
    """SQL conditions (and their arguments) keeping `column` within [since, until]."""
    clauses, args = [], []
    if since:
        clauses.append(f"{column} >= ?")
        args.append(since.isoformat())
    if until:
        clauses.append(f"{column} <= ?")
        args.append(until.isoformat())
    return clauses, args


class Store:
    """An open index directory. Readers may be many; one writer at a time holds the lock."""

    def __init__(self, directory: Path, conn: sqlite3.Connection) -> None:
        self.directory = directory
        self.conn = conn

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path, *, create: bool = False, db_name: str = DB_NAME) -> Store:
        """Open an index; with `create`, make an empty one if there is none."""
        path = directory / db_name
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
            raise DatelineError(
                f"the index at {directory} is damaged ({exc}); rebuild it with `dateline index --rebuild PATH...`",
                "Damaged index",
            ) from exc
        return store

    def _check(self) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"meta", "articles", "passages", "passages_fts"} <= tables:
            raise DatelineError(
                f"{self.directory / DB_NAME} is not a dateline index; rebuild it with "
                "`dateline index --rebuild PATH...`",
                "Damaged index",
            )
        version = self.meta.get("format_version")
        if version is not None and version != FORMAT_VERSION:
            raise DatelineError(
                f"the index at {self.directory} has format {version}, this dateline reads {FORMAT_VERSION}; "
                "rebuild it with `dateline index --rebuild PATH...`",
                "Old index",
            )

    def close(self) -> None:
        self.conn.close()

    # -- meta -----------------------------------------------------------------------------------

    @property
    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    @property
    def generation(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    # -- reading --------------------------------------------------------------------------------

    def article_ids(self) -> dict[str, str]:
        """id -> key of every stored article."""
        return dict(self.conn.execute("SELECT id, key FROM articles").fetchall())

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            "SELECT id, title, date, source, url, path, key, text, title_derived FROM articles WHERE id=?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return Article(row[0], row[1], _date(row[2]), row[3], row[4], row[5], row[6], row[7], bool(row[8]))

    def articles(self) -> Iterator[Article]:
        for (article_id,) in self.conn.execute("SELECT id FROM articles ORDER BY rowid").fetchall():
            article = self.article(article_id)
            if article is not None:
                yield article

    def passages(self, ids: list[int]) -> dict[int, StoredPassage]:
        """The passages with these ids, with their article's citation."""
        out: dict[int, StoredPassage] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                "SELECT p.id, p.article_id, p.ordinal, p.start, p.end, substr(a.text, p.start + 1, p.end - p.start),"
                f" a.title, a.date, a.source, a.url FROM passages p JOIN articles a ON a.id = p.article_id"
                f" WHERE p.id IN ({marks})",
                chunk,
            ).fetchall()
            for r in rows:
                out[r[0]] = StoredPassage(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _date(r[7]), r[8], r[9])
        return out

    def passage_vectors(self, article_ids: list[str]) -> Iterator[tuple[str, str, bytes]]:
        """(headline, passage text, vector) of every stored passage of these articles."""
        for i in range(0, len(article_ids), 500):
            chunk = article_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            yield from self.conn.execute(
                "SELECT a.title, substr(a.text, p.start + 1, p.end - p.start), p.vector"
                f" FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.article_id IN ({marks})",
                chunk,
            )

    def passage_facts(self, ids: list[int]) -> dict[int, tuple[str, dt.date | None]]:
        """(article id, date) of each passage: what ranking needs, without fetching any text."""
        out: dict[int, tuple[str, dt.date | None]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for pid, article_id, date in self.conn.execute(
                f"SELECT id, article_id, date FROM passages WHERE id IN ({marks})", chunk
            ).fetchall():
                out[pid] = (article_id, _date(date))
        return out

    def allowed_ids(self, since: dt.date | None, until: dt.date | None) -> np.ndarray | None:
        """Passage ids dated within [since, until]; None when the range admits every passage."""
        if since is None and until is None:
            return None
        lo, hi, undated = self.conn.execute("SELECT min(date), max(date), sum(date IS NULL) FROM passages").fetchone()
        if (
            not undated
            and lo is not None
            and (since is None or since.isoformat() <= lo)
            and (until is None or until.isoformat() >= hi)
        ):
            return None
        clauses, args = _date_clauses("date", since, until)
        clauses.insert(0, "date IS NOT NULL")
        rows = self.conn.execute(f"SELECT id FROM passages WHERE {' AND '.join(clauses)}", args).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def keyword_search(
        self, match: str, k: int, since: dt.date | None, until: dt.date | None, title_weight: float = 0.5
    ) -> list[tuple[int, float]]:
        """(passage id, bm25 score: higher is better) for an FTS5 MATCH expression."""
        clauses, args = _date_clauses("p.date", since, until)
        clauses.insert(0, "passages_fts MATCH ?")
        args.insert(0, match)
        sql = (
            f"SELECT p.id, -bm25(passages_fts, {float(title_weight)}, 1.0) FROM passages_fts"
            " JOIN passages p ON p.id = passages_fts.rowid"
            f" WHERE {' AND '.join(clauses)} ORDER BY bm25(passages_fts, {float(title_weight)}, 1.0) LIMIT ?"
        )
        try:
            return [(int(r[0]), float(r[1])) for r in self.conn.execute(sql, [*args, k]).fetchall()]
        except sqlite3.OperationalError:
            return []

    def document_frequency(self, word: str) -> int:
        """How many passages contain the word (as the keyword index tokenizes it)."""
        try:
            row = self.conn.execute(
                "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?", (f'"{word.replace(chr(34), "")}"',)
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0])

    def passage_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM passages").fetchone()[0])

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """All passage ids and their vectors, as stored."""
        parts = list(self.vector_chunks())
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros((0, int(self.meta.get("dim", "0"))), dtype=np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def vector_chunks(self, size: int = 8192) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Passage ids and vectors in id order, `size` rows at a time (building the vectors file)."""
        dim = int(self.meta.get("dim", "0"))
        cursor = self.conn.execute("SELECT id, vector FROM passages ORDER BY id")
        while rows := cursor.fetchmany(size):
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            yield ids, np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dim)

    def newest_date(self) -> dt.date | None:
        return _date(self.conn.execute("SELECT max(date) FROM articles").fetchone()[0])

    def stats(self) -> Stats:
        articles, lo, hi, undated = self.conn.execute(
            "SELECT count(*), min(date), max(date), sum(date IS NULL) FROM articles"
        ).fetchone()
        passages = self.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        sources = self.conn.execute(
            "SELECT source, count(*) FROM articles GROUP BY source ORDER BY count(*) DESC, source"
        ).fetchall()
        size = sum(f.stat().st_size for f in self.directory.iterdir() if f.is_file())
        return Stats(articles, passages, _date(lo), _date(hi), undated or 0, sources, size)

    # -- writing --------------------------------------------------------------------------------

    def begin(self) -> None:
        """Start the one transaction of an update: nothing is visible to readers until `commit`.

        SQLite spills the transaction's pages to the write-ahead log as it grows, so an update of any
        size holds only a small page cache in memory; an interrupted one is rolled back whole.
        """
        self.conn.execute("BEGIN IMMEDIATE")

    def insert(self, article: Article, passages: list[Passage], vectors: np.ndarray) -> bool:
        """Add an article with its passages and their vectors; False when it is stored already."""
        date = article.date.isoformat() if article.date else None
        cur = self.conn.cursor()
        cur.execute(
            "INSERT OR IGNORE INTO articles VALUES (?,?,?,?,?,?,?,?,?)",
            (
                article.id,
                article.key,
                article.title,
                date,
                article.source,
                article.url,
                article.path,
                article.text,
                int(article.title_derived),
            ),
        )
        if cur.rowcount == 0:
            return False
        for passage, vector in zip(passages, vectors, strict=True):
            cur.execute(
                "INSERT INTO passages(article_id, ordinal, start, end, date, vector) VALUES (?,?,?,?,?,?)",
                (
                    article.id,
                    passage.ordinal,
                    passage.start,
                    passage.end,
                    date,
                    np.asarray(vector, dtype=np.float32).tobytes(),
                ),
            )
            cur.execute(
                "INSERT INTO passages_fts(rowid, title, body) VALUES (?,?,?)",
                (cur.lastrowid, article.title, passage.text),
            )
        return True

    def delete_articles(self, article_ids: Iterable[str]) -> None:
        for article_id in article_ids:
            self.conn.execute(
                "DELETE FROM passages_fts WHERE rowid IN (SELECT id FROM passages WHERE article_id=?)", (article_id,)
            )
            self.conn.execute("DELETE FROM passages WHERE article_id=?", (article_id,))
            self.conn.execute("DELETE FROM articles WHERE id=?", (article_id,))

    def commit(self, meta: dict[str, str]) -> int:
        """End the update: record its meta and a new generation, and make it visible at once."""
        generation = self.generation + 1
        for key, value in {**meta, "generation": str(generation), "format_version": FORMAT_VERSION}.items():
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        self.conn.execute("COMMIT")
        return generation

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


@contextlib.contextmanager
def write_lock(directory: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold the index's writer lock; a second writer stops with a clear message (or waits)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_NAME, "a+") as fh:
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


def vector_file(directory: Path, generation: int) -> Path:
    return directory / f"vectors-{generation}.faiss"


def load_vector_index(store: Store) -> VectorIndex:
    """The FAISS index for the store's current generation; rebuilt from SQLite when missing or stale."""
    store.conn.execute("BEGIN")
    try:
        meta = store.meta
        generation = int(meta.get("generation", "0"))
        dim = int(meta.get("dim", "0"))
        count = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        path = vector_file(store.directory, generation)
        if path.exists():
            try:
                index = VectorIndex.load(path, dim)
                if len(index) == count:
                    return index
            except VectorIndexError:
                pass  # damaged or out of step: rebuilt below from the rows
        # Inside the read transaction: both passes of a streamed build see the same rows.
        index = VectorIndex.build_streamed(dim, count, store.vector_chunks)
    finally:
        store.conn.execute("COMMIT")
    save_vector_index(store.directory, generation, index)
    return index


def save_vector_index(directory: Path, generation: int, index: VectorIndex) -> None:
    """Write this generation's vectors file and remove older ones; a read-only index just keeps it in memory."""
    try:
        index.save(vector_file(directory, generation))
    except OSError:
        return
    for old in directory.glob("vectors-*.faiss"):
        stem = old.stem.removeprefix("vectors-")
        # Only older generations: a newer file belongs to a writer that committed meanwhile.
        if stem.isdigit() and int(stem) < generation:
            with contextlib.suppress(OSError):
                old.unlink()
