"""BM25 as SQLite's FTS5 computes it, with statistics from more than one index.

A sharded archive's shards each know only their own word statistics, so their `bm25()` scores do
not compare. `KeywordStats` sums the statistics of every shard, and `score` is FTS5's own formula
(fts5_aux.c: k1 1.2, b 0.75, IDF floored at 1e-6, the row's tokens over the average) on them: a
passage scores in the archive exactly as it would in one index over the same articles.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

K1 = 1.2
B = 0.75
_PHRASE = re.compile(r'"([^"]*)"')


def phrases(match: str) -> list[str]:
    """The quoted phrases of a MATCH expression made by `fts_query` ("a" OR "b c")."""
    return _PHRASE.findall(match)


@dataclass(frozen=True, slots=True)
class KeywordStats:
    """What BM25 needs to know of the whole collection."""

    rows: int
    """Passages."""
    tokens: int
    """Tokens in all of them, headlines included."""
    hits: dict[str, int] = field(default_factory=dict)
    """Per phrase, the passages holding it."""

    def idf(self, phrase: str) -> float:
        n = self.hits.get(phrase, 0)
        value = math.log((self.rows - n + 0.5) / (n + 0.5))
        return value if value > 0.0 else 1e-6

    def score(self, freqs: list[float], size: int, quoted: list[str]) -> float:
        """BM25 of a row: `freqs[i]` the column-weighted count of `quoted[i]` in it, `size` its tokens."""
        avgdl = self.tokens / max(self.rows, 1)
        norm = K1 * (1 - B + B * size / avgdl)
        return sum(self.idf(p) * (f * (K1 + 1.0)) / (f + norm) for p, f in zip(quoted, freqs, strict=True))


def summed(parts: list[KeywordStats]) -> KeywordStats:
    """The statistics of several shards as one collection's."""
    hits: dict[str, int] = {}
    for part in parts:
        for phrase, n in part.hits.items():
            hits[phrase] = hits.get(phrase, 0) + n
    return KeywordStats(sum(p.rows for p in parts), sum(p.tokens for p in parts), hits)
