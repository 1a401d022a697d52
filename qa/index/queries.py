"""Reading the index: articles, passages and their citations, date filters, vectors, counts (the keyword
index's reads are qa/index/keyword_queries.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from qa.index.records import Stats, StoredPassage
from qa.ingest.articles import Article

# SQLite allows a limited number of `?` in one statement: long id lists go in chunks of this size.
SQL_VARIABLES = 500
T = TypeVar("T")


def in_chunks(ids: Sequence[T]) -> Iterator[tuple[Sequence[T], str]]:
    """`ids` in chunks small enough for one statement, each with its `?,?,...` placeholders."""
    for i in range(0, len(ids), SQL_VARIABLES):
        chunk = ids[i : i + SQL_VARIABLES]
        yield chunk, ",".join("?" * len(chunk))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def date_clauses(column: str, since: dt.date | None, until: dt.date | None) -> tuple[list[str], list[str]]:
    """SQL conditions (and their arguments) keeping `column` within [since, until]."""
    clauses, args = [], []
    if since:
        clauses.append(f"{column} >= ?")
        args.append(since.isoformat())
    if until:
        clauses.append(f"{column} <= ?")
        args.append(until.isoformat())
    return clauses, args


def source_clause(sources: Sequence[str] | None) -> tuple[str, list[str]]:
    """The join to a passage's article and the condition keeping `sources` (None: no condition);
    the caller adds the names as arguments."""
    if sources is None:
        return "", []
    return " JOIN articles a ON a.id = p.article_id", [f"a.source IN ({','.join('?' * len(sources))})"]


class Queries:
    """The read side of `Store` (a mixin: the connection is the store's)."""

    directory: Path
    conn: sqlite3.Connection

    @property
    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    @property
    def generation(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def article_ids(self) -> dict[str, str]:
        """id -> key of every stored article."""
        return dict(self.conn.execute("SELECT id, key FROM articles").fetchall())

    def outlets(self) -> dict[str, tuple[str, str]]:
        """id -> (source, url) of every stored article."""
        return {i: (s, u) for i, s, u in self.conn.execute("SELECT id, source, url FROM articles")}

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
        for chunk, marks in in_chunks(ids):
            rows = self.conn.execute(
                "SELECT p.id, p.article_id, p.ordinal, p.start, p.end, substr(a.text, p.start + 1, p.end - p.start),"
                " a.title, a.date, a.source, a.url, a.title_derived"
                f" FROM passages p JOIN articles a ON a.id = p.article_id"
                f" WHERE p.id IN ({marks})",
                chunk,
            ).fetchall()
            for r in rows:
                out[r[0]] = StoredPassage(
                    r[0], r[1], r[2], r[3], r[4], r[5], r[6], _date(r[7]), r[8], r[9], bool(r[10])
                )
        return out

    def passage_vectors(self, article_ids: list[str]) -> Iterator[tuple[str, str, bytes]]:
        """(headline, passage text, vector) of every stored passage of these articles."""
        for chunk, marks in in_chunks(article_ids):
            yield from self.conn.execute(
                "SELECT a.title, substr(a.text, p.start + 1, p.end - p.start), p.vector"
                f" FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.article_id IN ({marks})",
                chunk,
            )

    def passage_facts(self, ids: list[int]) -> dict[int, tuple[str, dt.date | None]]:
        """(article id, date) of each passage: what ranking needs, without fetching any text."""
        out: dict[int, tuple[str, dt.date | None]] = {}
        for chunk, marks in in_chunks(ids):
            for pid, article_id, date in self.conn.execute(
                f"SELECT id, article_id, date FROM passages WHERE id IN ({marks})", chunk
            ).fetchall():
                out[pid] = (article_id, _date(date))
        return out

    def allowed_ids(
        self, since: dt.date | None, until: dt.date | None, sources: Sequence[str] | None = None
    ) -> np.ndarray | None:
        """Passage ids dated within [since, until] and, with `sources` (stored names), from those
        outlets; None when the filters admit every passage."""
        if sources is None:
            if since is None and until is None:
                return None
            lo, hi, undated = self.conn.execute(
                "SELECT min(date), max(date), sum(date IS NULL) FROM passages"
            ).fetchone()
            if (
                not undated
                and lo is not None
                and (since is None or since.isoformat() <= lo)
                and (until is None or until.isoformat() >= hi)
            ):
                return None
        elif not sources:
            return np.zeros(0, dtype=np.int64)
        clauses, args = date_clauses("p.date", since, until)
        if since or until:
            clauses.insert(0, "p.date IS NOT NULL")
        joined, more = source_clause(sources)
        rows = self.conn.execute(
            f"SELECT p.id FROM passages p{joined} WHERE {' AND '.join([*clauses, *more])}",
            [*args, *(sources or ())],
        ).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def leads(
        self, since: dt.date | None, until: dt.date | None, limit: int, sources: Sequence[str] | None = None
    ) -> tuple[list[int], int]:
        """The opening passage of each dated article within [since, until] (and from `sources`, stored
        names, when given), oldest first (at most `limit`), and how many such articles there are."""
        if sources is not None and not sources:
            return [], 0
        clauses, args = date_clauses("p.date", since, until)
        joined, more = source_clause(sources)
        where = " AND ".join(["p.ordinal = 0", "p.date IS NOT NULL", *clauses, *more])
        args += sources or ()
        count = int(self.conn.execute(f"SELECT count(*) FROM passages p{joined} WHERE {where}", args).fetchone()[0])
        rows = self.conn.execute(
            f"SELECT p.id FROM passages p{joined} WHERE {where} ORDER BY p.date, p.id LIMIT ?", [*args, limit]
        )
        return [int(r[0]) for r in rows.fetchall()], count

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]:
        """The first and last article dates, and how many articles are undated."""
        lo, hi, undated = self.conn.execute("SELECT min(date), max(date), sum(date IS NULL) FROM articles").fetchone()
        return _date(lo), _date(hi), int(undated or 0)

    def passage_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM passages").fetchone()[0])

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """All passage ids and their vectors, as stored."""
        parts = list(self.vector_chunks(8192))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros((0, int(self.meta.get("dim", "0"))), dtype=np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def vector_chunks(self, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
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
