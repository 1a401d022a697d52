"""Where candidates come from: the protocols an index, a shard and a whole archive answer, and what they pass.

This is the narrow seam between ranking and storage: the ranking steps ask a `CandidateSource` for
passages' text and vectors, never for the index itself. `IndexSource` (qa.search.index_source)
serves one index directory; `ShardedSource` (qa.search.shards) an archive of period shards, each
a `Shard` (qa.search.shard) held here or by a Ray actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from embeddings.base import Vectors
from qa.config import Candidates
from qa.index.records import Stats, StoredPassage
from qa.ingest.articles import Article
from qa.reading.question import Reading

Filter = tuple[dt.date | None, dt.date | None, tuple[str, ...] | None]
"""What a search is kept inside: since, until, and the outlets (stored names; None: every one)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A passage found for a question, with what ranking needs and no text."""

    id: int
    article_id: str
    date: dt.date | None
    cosine: float
    """Cosine between the question and the passage (with its headline)."""
    keyword: float
    """The passage's BM25 score for the question's keywords (0 when the keyword search missed it)."""


@dataclass(frozen=True, slots=True)
class Pool:
    """One question's candidates, in the order the source gives them (ties keep this order)."""

    candidates: tuple[Candidate, ...]
    best_keyword: float
    """The best BM25 in the pool (1.0 when none): keyword scores are taken relative to it."""
    unsearched: tuple[str, ...] = ()
    """Periods of a sharded archive whose shard did not answer (the answer says so)."""


class Holdings(Protocol):
    """What an index says of what it holds: one index, one shard of an archive, or a whole archive."""

    @property
    def meta(self) -> dict[str, str]:
        """How the index was built (model, dimensions, passage settings)."""
        ...

    def newest_date(self) -> dt.date | None: ...

    def holds_any(self, since: dt.date | None, until: dt.date | None) -> bool: ...

    def passages(self, ids: list[int]) -> dict[int, StoredPassage]: ...

    def leads(
        self, since: dt.date | None, until: dt.date | None, limit: int, sources: tuple[str, ...] | None = None
    ) -> tuple[list[int], int]:
        """The opening passage of each article dated in the range (of `sources`, when given: stored
        names), oldest first, and how many there are."""
        ...

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]:
        """The first and last dates, and how many articles are undated."""
        ...

    def stats(self) -> Stats: ...

    def article(self, article_id: str) -> Article | None: ...

    def articles(self) -> Iterable[Article]: ...

    def refresh(self) -> bool:
        """Pick up what another process indexed since this one opened (a new generation); whether it had."""
        ...

    def close(self) -> None: ...


class CandidateSource(Holdings, Protocol):
    """What the ranking steps read from an archive."""

    def similarity(self, ids: list[int], others: list[int]) -> Vectors:
        """Cosine between the passages `ids` (rows) and `others` (columns)."""
        ...

    def cosines(self, ids: list[int], question: Vectors) -> list[float]:
        """Cosine between each passage and a question's vector."""
        ...


class FromVectors:
    """`similarity` and `cosines` for a source that gives its passages' vectors."""

    def vectors(self, ids: list[int]) -> Vectors:
        """The passages' vectors, a row each."""
        raise NotImplementedError

    def similarity(self, ids: list[int], others: list[int]) -> Vectors:
        return np.asarray(self.vectors(ids) @ self.vectors(others).T, dtype=np.float32)

    def cosines(self, ids: list[int], question: Vectors) -> list[float]:
        return [float(c) for c in (self.vectors(ids) @ question).tolist()]


class ArchiveSource(CandidateSource, Protocol):
    """A whole archive as the Retriever holds it: candidates, plus what it says of itself.

    `IndexSource` is one index; `ShardedSource` an archive of period shards. `keyword_jobs` starts
    the keyword searches; what it returns is passed back to `pools_with`."""

    def with_candidates(self, config: Candidates) -> ArchiveSource:
        """The same open archive, searched with other candidate settings (benchmarks compare variants)."""
        ...

    def outlets(self) -> list[tuple[str, int]]:
        """Each outlet (source) the archive holds and its articles, most first."""
        ...

    def keyword_jobs(self, readings: Sequence[Reading]) -> Any: ...

    def pools_with(self, readings: Sequence[Reading], vectors: Vectors, keyword: Any) -> list[Pool]:
        """Each question's dense and keyword candidates, searched inside its own dates and outlets."""
        ...

    def unmentioned(self, words: Sequence[str]) -> tuple[str, ...]:
        """The words that no passage or headline of the archive holds (none when it cannot tell)."""
        ...
