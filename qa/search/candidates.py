"""Where candidates come from: dense and keyword pools inside each question's dates.

This is the narrow seam between ranking and storage: the ranking steps ask a `CandidateSource` for
pools and for passages' text and vectors, never for the index itself. `IndexSource` serves them
from one index directory; another source (shards on other machines) can serve the same calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from embeddings.base import Vectors
from embeddings.vectors import IdSet, VectorIndex, reconstruct
from qa.config import Candidates
from qa.index.database import Store
from qa.index.records import Stats, StoredPassage
from qa.index.vector_file import load_vector_index
from qa.ingest.articles import Article
from qa.reading.question import Reading
from qa.reading.text import fts_query
from qa.search.bm25 import KeywordStats, phrases

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


class CandidateSource(Protocol):
    """What the ranking steps read from an archive."""

    def newest_date(self) -> dt.date | None: ...

    def holds_any(self, since: dt.date | None, until: dt.date | None) -> bool: ...

    def pools(self, readings: Sequence[Reading], vectors: Vectors) -> list[Pool]: ...

    def passages(self, ids: list[int]) -> dict[int, StoredPassage]: ...

    def similarity(self, ids: list[int], others: list[int]) -> Vectors:
        """Cosine between the passages `ids` (rows) and `others` (columns)."""
        ...

    def cosines(self, ids: list[int], question: Vectors) -> list[float]:
        """Cosine between each passage and a question's vector."""
        ...

    def leads(
        self, since: dt.date | None, until: dt.date | None, limit: int, sources: tuple[str, ...] | None = None
    ) -> tuple[list[int], int]:
        """The opening passage of each article dated in the range (of `sources`, when given: stored
        names), oldest first, and how many there are."""
        ...

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]:
        """The archive's first and last dates, and how many articles are undated."""
        ...


class ArchiveSource(CandidateSource, Protocol):
    """A whole archive as the Retriever holds it: candidates, plus what it says of itself.

    `IndexSource` is one index; `ShardedSource` (qa.search.shards) an archive of period shards.
    `keyword_jobs` starts the keyword searches; what it returns is passed back to `pools_with`."""

    @property
    def meta(self) -> dict[str, str]: ...

    def with_candidates(self, config: Candidates) -> ArchiveSource: ...

    def articles(self) -> Iterator[Article]: ...

    def stats(self) -> Stats: ...

    def outlets(self) -> list[tuple[str, int]]:
        """Each outlet (source) the archive holds and its articles, most first."""
        ...

    def article(self, article_id: str) -> Article | None: ...

    def refresh(self) -> bool: ...

    def close(self) -> None: ...

    def keyword_jobs(self, readings: Sequence[Reading]) -> Any: ...

    def pools_with(self, readings: Sequence[Reading], vectors: Vectors, keyword: Any) -> list[Pool]: ...

    def unmentioned(self, words: Sequence[str]) -> tuple[str, ...]:
        """The words that no passage or headline of the archive holds (none when it cannot tell)."""
        ...


class IndexSource:
    """Candidates from one index directory: FAISS for the dense pool, SQLite FTS5 for the keyword pool.

    Not thread-safe on its own: the Retriever that owns it lets one question batch in at a time.
    """

    def __init__(self, store: Store, vectors: VectorIndex, config: Candidates) -> None:
        self.store = store
        self.vectors = vectors
        self.config = config
        self.generation = store.generation
        self.newest = store.newest_date()
        self._passages = store.passage_count()
        self._range: tuple[dt.date | None, dt.date | None, int] | None = None
        self._totals: tuple[int, int] | None = None
        self._outlets: list[tuple[str, int]] | None = None
        self._df: dict[str, int] = {}
        # Date and source filters repeat across a batch (one as-of day per question file week): compute each once.
        self._allowed: dict[Filter, IdSet | None] = {}
        # Keyword searches run on a thread of their own with its own connection: SQLite works without
        # the GIL, so they overlap with encoding the questions and with ranking in Python.
        self._keyword_pool: ThreadPoolExecutor | None = None
        self._keyword_store: Store | None = None

    def close(self) -> None:
        self.close_side()
        self.store.close()

    def close_side(self) -> None:
        """Stop the keyword thread and close its connection, leaving the index open (a variant made
        by `with_candidates` shares the index with its original)."""
        if self._keyword_pool is not None:
            self._keyword_pool.shutdown(wait=True)
            self._keyword_pool = None
        if self._keyword_store is not None:
            self._keyword_store.close()
            self._keyword_store = None

    def refresh(self) -> bool:
        """Pick up what another process indexed since this one opened (a new generation); whether it had."""
        generation = self.store.generation
        changed = generation != self.generation
        if changed:
            self.vectors = load_vector_index(self.store)
            self.newest = self.store.newest_date()
            self._allowed.clear()
            self._df.clear()
            self._range = None
            self._totals = None
            self._outlets = None
            self._passages = self.store.passage_count()
            self.generation = generation
        return changed

    @property
    def meta(self) -> dict[str, str]:
        """How the index was built (model, dimensions, passage settings)."""
        return self.store.meta

    def with_candidates(self, config: Candidates) -> IndexSource:
        """The same open index, searched with other candidate settings (benchmarks compare variants)."""
        return IndexSource(self.store, self.vectors, config)

    def articles(self) -> Iterator[Article]:
        return self.store.articles()

    def stats(self) -> Stats:
        return self.store.stats()

    def outlets(self) -> list[tuple[str, int]]:
        if self._outlets is None:
            self._outlets = self.store.stats().sources
        return self._outlets

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def newest_date(self) -> dt.date | None:
        return self.newest

    def holds_any(self, since: dt.date | None, until: dt.date | None) -> bool:
        allowed = self._allowed_ids(since, until)
        return allowed is None or bool(len(allowed))

    def passages(self, ids: list[int]) -> dict[int, StoredPassage]:
        return self.store.passages(ids)

    def similarity(self, ids: list[int], others: list[int]) -> Vectors:
        a = reconstruct(self.vectors, np.array(ids, dtype=np.int64))
        b = reconstruct(self.vectors, np.array(others, dtype=np.int64))
        return np.asarray(a @ b.T, dtype=np.float32)

    def cosines(self, ids: list[int], question: Vectors) -> list[float]:
        vectors = reconstruct(self.vectors, np.array(ids, dtype=np.int64))
        return [float(c) for c in (vectors @ question).tolist()]

    def leads(
        self, since: dt.date | None, until: dt.date | None, limit: int, sources: tuple[str, ...] | None = None
    ) -> tuple[list[int], int]:
        return self.store.leads(since, until, limit, sources)

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]:
        if self._range is None:
            self._range = self.store.date_range()
        return self._range

    def keyword_jobs(
        self, readings: Sequence[Reading], matches: Sequence[str] | None = None
    ) -> list[Future[dict[int, float]] | None]:
        """Start each question's keyword search on the keyword thread (None when it has no keywords).
        `matches`: the MATCH expressions to run (a sharded archive makes them from its own statistics)."""
        if matches is None:
            matches = [fts_query(r.query.question, self._informative) if self.config.keyword else "" for r in readings]
        return [self._submit_keyword(r, m) for r, m in zip(readings, matches, strict=True)]

    def unmentioned(self, words: Sequence[str]) -> tuple[str, ...]:
        return tuple(w for w in words if not self.store.mentions(w))

    def keyword_stats(self, quoted: list[str]) -> KeywordStats:
        """This index's BM25 statistics for the phrases (its totals counted once per generation)."""
        if self._totals is None:
            self._totals = self.store.keyword_totals()
        return KeywordStats(*self._totals, self.store.phrase_hits(quoted))

    def rescored(self, hits: dict[int, float], match: str, stats: KeywordStats) -> dict[int, float]:
        """The keyword pool's passages scored by BM25 with `stats` (a whole archive's) for this index's."""
        quoted = phrases(match)
        ids = list(hits)
        sizes = self.store.row_sizes(ids)
        counts = [self.store.phrase_counts(p, ids, self.config.title_weight) for p in quoted]
        return {pid: stats.score([c.get(pid, 0.0) for c in counts], sizes.get(pid, 0), quoted) for pid in ids}

    def pools(self, readings: Sequence[Reading], vectors: Vectors) -> list[Pool]:
        """Each question's dense and keyword candidates, searched inside its own date range."""
        keyword = self.keyword_jobs(readings)
        return self.pools_with(readings, vectors, keyword)

    def pools_with(
        self, readings: Sequence[Reading], vectors: Vectors, keyword: list[Future[dict[int, float]] | None]
    ) -> list[Pool]:
        """The pools, with keyword searches already started (they run while the questions are encoded)."""
        return [
            Pool(self.candidates(vectors[i], dense, hits), max(hits.values(), default=0.0) or 1.0)
            for i, (dense, hits) in enumerate(self.found(readings, vectors, keyword))
        ]

    def found(
        self, readings: Sequence[Reading], vectors: Vectors, keyword: list[Future[dict[int, float]] | None]
    ) -> list[tuple[list[int], dict[int, float]]]:
        """Each question's dense pool (ids, best first) and keyword pool (id -> BM25)."""
        cfg = self.config
        # All questions are searched together, each inside its own dates and outlets: one pass over the vectors.
        dense: list[list[int]] = [[] for _ in readings]
        if cfg.dense and len(readings):
            allowed = [self._allowed_ids(r.since, r.until, r.sources) for r in readings]
            _, ids = self.vectors.search(vectors, cfg.pool, allowed)
            dense = [[int(pid) for pid in row if pid >= 0] for row in ids.tolist()]
        return [(dense[i], job.result() if job is not None else {}) for i, job in enumerate(keyword)]

    def candidates(self, qvec: Vectors, dense: list[int], keyword: dict[int, float]) -> tuple[Candidate, ...]:
        """The passages of both pools, with their cosine to the question and their keyword score."""
        ids = np.array(sorted(set(dense) | set(keyword)), dtype=np.int64)
        cos = dict(zip(ids.tolist(), (reconstruct(self.vectors, ids) @ qvec).tolist(), strict=True))
        facts = self.store.passage_facts(ids.tolist())
        return tuple(
            Candidate(pid, article_id, date, cos[pid], keyword.get(pid, 0.0))
            for pid, (article_id, date) in facts.items()
        )

    def _submit_keyword(self, reading: Reading, match: str) -> Future[dict[int, float]] | None:
        if not self.config.keyword or not match:
            return None
        if self._keyword_pool is None:
            self._keyword_store = Store.open(self.store.directory)
            self._keyword_pool = ThreadPoolExecutor(1, thread_name_prefix="dateline-keyword")
        assert self._keyword_store is not None
        allowed = self._allowed_ids(reading.since, reading.until, reading.sources)
        return self._keyword_pool.submit(
            self._keyword, self._keyword_store, match, (reading.since, reading.until, reading.sources), allowed
        )

    def _informative(self, word: str) -> bool:
        """False for a word in more than `common_words` of the passages (cached per word)."""
        cfg = self.config
        if not cfg.common_words:
            return True
        if word not in self._df:
            if len(self._df) > 100_000:
                self._df.clear()
            self._df[word] = self.store.document_frequency(word)
        return self._df[word] <= max(cfg.common_words * self._passages, cfg.common_words_floor)

    def _allowed_ids(
        self, since: dt.date | None, until: dt.date | None, sources: tuple[str, ...] | None = None
    ) -> IdSet | None:
        key = (since, until, sources)
        if key not in self._allowed:
            # Each set holds up to one id per passage (and a selector and a sorted copy): bound the
            # cache by ids, not entries, so a million-passage archive stays within its memory.
            if len(self._allowed) > 64 or sum(len(a) for a in self._allowed.values() if a) > 4_000_000:
                self._allowed.clear()
            ids = self.store.allowed_ids(since, until, sources)
            self._allowed[key] = None if ids is None else IdSet(ids)
        return self._allowed[key]

    def _keyword(self, store: Store, match: str, where: Filter, allowed: IdSet | None) -> dict[int, float]:
        """The best `pool` keyword matches within the filter (`where`: dates and stored outlet names;
        `allowed`: the ids it admits, None for all), by BM25."""
        since, until, sources = where
        cfg = self.config
        if allowed is None:
            return dict(store.keyword_search(match, cfg.pool, None, None, cfg.title_weight))
        # Most matches usually lie inside the range (an as-of day hides only what came after), and
        # ranking without the date join costs a third less: rank a deeper pool unfiltered, keep the
        # allowed, and fall back to the filtered search only when too few survive. Same result.
        deep = cfg.keyword_depth * cfg.pool
        found = store.keyword_search(match, deep, None, None, cfg.title_weight)
        inside = allowed.contains(np.array([pid for pid, _ in found], dtype=np.int64))
        kept = [hit for hit, ok in zip(found, inside.tolist(), strict=True) if ok][: cfg.pool]
        if len(kept) < cfg.pool and len(found) == deep:
            return dict(store.keyword_search(match, cfg.pool, since, until, cfg.title_weight, sources))
        return dict(kept)
