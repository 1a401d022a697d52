"""Reading the keyword index (SQLite FTS5): BM25 search, word and phrase counts, row sizes."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from qa.index.queries import date_clauses, in_chunks, source_clause


class KeywordQueries:
    """The keyword index's read side of `Store` (a mixin: the connection is the store's)."""

    conn: sqlite3.Connection

    def keyword_search(
        self,
        match: str,
        k: int,
        since: dt.date | None,
        until: dt.date | None,
        title_weight: float = 0.5,
        sources: Sequence[str] | None = None,
    ) -> list[tuple[int, float]]:
        """(passage id, bm25 score: higher is better) for an FTS5 MATCH expression (`sources`: only
        passages of those outlets, stored names)."""
        if sources is not None and not sources:
            return []
        clauses, args = date_clauses("p.date", since, until)
        clauses.insert(0, "passages_fts MATCH ?")
        args.insert(0, match)
        joined, more = source_clause(sources)
        clauses += more
        args += sources or ()
        sql = (
            f"SELECT p.id, -bm25(passages_fts, {float(title_weight)}, 1.0) FROM passages_fts"
            f" JOIN passages p ON p.id = passages_fts.rowid{joined}"
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

    def mentions(self, word: str) -> bool:
        """Whether any passage (or headline) holds the word, as the keyword index tokenizes it. True
        when the index cannot say: a word is only called unmentioned when it surely is."""
        try:
            row = self.conn.execute(
                "SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1", (f'"{word.replace(chr(34), "")}"',)
            ).fetchone()
        except sqlite3.OperationalError:
            return True
        return row is not None

    def phrase_hits(self, quoted: list[str]) -> dict[str, int]:
        """How many passages hold each phrase (as the keyword index tokenizes it)."""
        return {p: self.document_frequency(p) for p in quoted}

    def keyword_totals(self) -> tuple[int, int]:
        """Rows and tokens (headlines included) of the keyword index, as its BM25 counts them."""
        rows = tokens = 0
        for (blob,) in self.conn.execute("SELECT sz FROM passages_fts_docsize"):
            rows += 1
            tokens += sum(_varints(blob))
        return rows, tokens

    def row_sizes(self, ids: list[int]) -> dict[int, int]:
        """Tokens in each passage's row of the keyword index (headline and text)."""
        out: dict[int, int] = {}
        for chunk, marks in in_chunks(ids):
            for pid, blob in self.conn.execute(f"SELECT id, sz FROM passages_fts_docsize WHERE id IN ({marks})", chunk):
                out[int(pid)] = sum(_varints(blob))
        return out

    def phrase_counts(self, phrase: str, ids: list[int], title_weight: float) -> dict[int, float]:
        """Per passage holding `phrase`, its instances weighted by column (headline `title_weight`, text 1),
        as FTS5's bm25() counts them: each marked span of a highlight is one instance."""
        out: dict[int, float] = {}
        match = f'"{phrase.replace(chr(34), "")}"'
        for chunk, marks in in_chunks(ids):
            sql = (
                "SELECT rowid, highlight(passages_fts, 0, char(1), ''), highlight(passages_fts, 1, char(1), '')"
                f" FROM passages_fts WHERE passages_fts MATCH ? AND rowid IN ({marks})"
            )
            try:
                rows = self.conn.execute(sql, [match, *chunk]).fetchall()
            except sqlite3.OperationalError:
                return {}
            for pid, title, body in rows:
                out[int(pid)] = title_weight * title.count("\x01") + body.count("\x01")
        return out


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 stores each row's column sizes."""
    out, value, count = [], 0, 0
    for byte in blob:
        count += 1
        if count == 9:  # the ninth byte carries eight bits
            out.append((value << 8) | byte)
            value, count = 0, 0
        elif byte & 0x80:
            value = (value << 7) | (byte & 0x7F)
        else:
            out.append((value << 7) | byte)
            value, count = 0, 0
    return out
