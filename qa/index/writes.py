"""Writing the index: one transaction per update, articles in with their passages, vectors and keywords."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

import numpy as np

from qa.index.layout import FORMAT_VERSION
from qa.ingest.articles import Article, Passage


class Writes:
    """The write side of `Store` (a mixin: the connection is the store's)."""

    conn: sqlite3.Connection
    generation: Any  # the store's property (qa/index/queries.py)

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

    def relabel(self, outlets: dict[str, tuple[str, str]]) -> None:
        """Set the outlet and link of stored articles (id -> (source, url)); their text and vectors stay."""
        rows = [(source, url, article_id) for article_id, (source, url) in outlets.items()]
        self.conn.executemany("UPDATE articles SET source=?, url=? WHERE id=?", rows)

    def commit(self, meta: dict[str, str]) -> int:
        """End the update: record its meta and a new generation, and make it visible at once."""
        generation = int(self.generation) + 1
        for key, value in {**meta, "generation": str(generation), "format_version": FORMAT_VERSION}.items():
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        self.conn.execute("COMMIT")
        return generation

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
