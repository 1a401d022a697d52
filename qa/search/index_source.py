"""Candidates from one index directory: FAISS for the dense pool, SQLite FTS5 for the keyword pool.

`IndexSource` is a whole archive when the index stands alone, and a `Shard` when it is one period
of a sharded archive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from embeddings.base import Vectors
from embeddings.vectors import IdSet, VectorIndex, VectorIndexError, reconstruct
from qa.config import Candidates
from qa.errors import REBUILD, DatelineError
from qa.index.archive import ShardEntry
from qa.index.database import Store
from qa.index.records import Stats, StoredPassage
from qa.index.vector_file import load_vector_index
from qa.ingest.articles import Article
from qa.reading.question import Reading
from qa.reading.text import fts_query
from qa.search.bm25 import KeywordStats, phrases
from qa.search.candidates import Candidate, Filter, FromVectors, Pool
from qa.search.shard import Found, Pending, SearchRequest, Shard

KeywordJobs = list[Future[dict[int, float]] | None]
"""Each question's keyword search, running on the keyword thread (None: it has none)."""


class IndexSource(FromVectors):
    """One open index: an `ArchiveSource` on its own, a `Shard` of an archive otherwise.

    Not thread-safe on its own: the Retriever that owns it lets one question batch in at a time.
    """

    def __init__(self, store: Store, vector_index: VectorIndex, config: Candidates) -> None:
        self.store = store
        self.vector_index = vector_index
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

    @classmethod
    def opened(cls, store: Store, config: Candidates) -> IndexSource:
        """The open index with its vectors loaded; a damaged vector file closes it with a clear error."""
        try:
            vector_index = load_vector_index(store)
        except VectorIndexError as exc:
            store.close()
            raise DatelineError(f"{exc}; {REBUILD}", "Damaged index") from exc
        return cls(store, vector_index, config)

    def close(self) -> None:
        """Stop the keyword thread, and close its connection and the index."""
        if self._keyword_pool is not None:
            self._keyword_pool.shutdown(wait=True)
            self._keyword_pool = None
        if self._keyword_store is not None:
            self._keyword_store.close()
            self._keyword_store = None
        self.store.close()

    def refresh(self) -> bool:
        """Pick up what another process indexed since this one opened (a new generation); whether it had."""
        generation = self.store.generation
        changed = generation != self.generation
        if changed:
            self.vector_index = load_vector_index(self.store)
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
        return self.store.meta

    def with_candidates(self, config: Candidates) -> IndexSource:
        return IndexSource(self.store, self.vector_index, config)

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

    def vectors(self, ids: list[int]) -> Vectors:
        return reconstruct(self.vector_index, np.array(ids, dtype=np.int64))

    def leads(
        self, since: dt.date | None, until: dt.date | None, limit: int, sources: tuple[str, ...] | None = None
    ) -> tuple[list[int], int]:
        return self.store.leads(since, until, limit, sources)

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]:
        if self._range is None:
            self._range = self.store.date_range()
        return self._range

    def unmentioned(self, words: Sequence[str]) -> tuple[str, ...]:
        return tuple(w for w in words if not self.store.mentions(w))

    def keyword_stats(self, quoted: list[str]) -> KeywordStats:
        """This index's BM25 statistics for the phrases (its totals counted once per generation)."""
        if self._totals is None:
            self._totals = self.store.keyword_totals()
        return KeywordStats(*self._totals, self.store.phrase_hits(quoted))

    def keyword_jobs(self, readings: Sequence[Reading]) -> KeywordJobs:
        """Start each question's keyword search on the keyword thread (they run while the questions are encoded)."""
        cfg = self.config
        matches = [fts_query(r.query.question, self._informative) if cfg.keyword else "" for r in readings]
        return self._keyword_jobs(readings, matches, cfg)

    def pools_with(self, readings: Sequence[Reading], vectors: Vectors, keyword: KeywordJobs) -> list[Pool]:
        """The pools, with keyword searches already started by `keyword_jobs`."""
        return [
            Pool(self._candidates(vectors[i], dense, hits), max(hits.values(), default=0.0) or 1.0)
            for i, (dense, hits) in enumerate(self._found(readings, vectors, keyword, self.config))
        ]

    def search(self, request: SearchRequest) -> Pending:
        """Search as a shard: the keyword searches start now (SQLite, without the GIL, while the other
        shards' dense searches run), the rest when the result is asked for."""
        cfg = request.config
        jobs = self._keyword_jobs(request.readings, request.matches, cfg)

        def finish() -> Found:
            out: Found = []
            for i, (dense, hits) in enumerate(self._found(request.readings, request.vectors, jobs, cfg)):
                if request.stats is not None and hits:
                    hits = self._rescored(hits, request.matches[i], request.stats, cfg)
                out.append((dense, hits, self._candidates(request.vectors[i], dense, hits)))
            return out

        return _Later(finish)

    def _keyword_jobs(self, readings: Sequence[Reading], matches: Sequence[str], cfg: Candidates) -> KeywordJobs:
        return [self._submit_keyword(r, m, cfg) for r, m in zip(readings, matches, strict=True)]

    def _rescored(self, hits: dict[int, float], match: str, stats: KeywordStats, cfg: Candidates) -> dict[int, float]:
        """The keyword pool's passages scored by BM25 with `stats` (a whole archive's) for this index's."""
        quoted = phrases(match)
        ids = list(hits)
        sizes = self.store.row_sizes(ids)
        counts = [self.store.phrase_counts(p, ids, cfg.title_weight) for p in quoted]
        return {pid: stats.score([c.get(pid, 0.0) for c in counts], sizes.get(pid, 0), quoted) for pid in ids}

    def _found(
        self, readings: Sequence[Reading], vectors: Vectors, keyword: KeywordJobs, cfg: Candidates
    ) -> list[tuple[list[int], dict[int, float]]]:
        """Each question's dense pool (ids, best first) and keyword pool (id -> BM25)."""
        # All questions are searched together, each inside its own dates and outlets: one pass over the vectors.
        dense: list[list[int]] = [[] for _ in readings]
        if cfg.dense and len(readings):
            allowed = [self._allowed_ids(r.since, r.until, r.sources) for r in readings]
            _, ids = self.vector_index.search(vectors, cfg.pool, allowed)
            dense = [[int(pid) for pid in row if pid >= 0] for row in ids.tolist()]
        return [(dense[i], job.result() if job is not None else {}) for i, job in enumerate(keyword)]

    def _candidates(self, qvec: Vectors, dense: list[int], keyword: dict[int, float]) -> tuple[Candidate, ...]:
        """The passages of both pools, with their cosine to the question and their keyword score."""
        ids = np.array(sorted(set(dense) | set(keyword)), dtype=np.int64)
        cos = dict(zip(ids.tolist(), (reconstruct(self.vector_index, ids) @ qvec).tolist(), strict=True))
        facts = self.store.passage_facts(ids.tolist())
        return tuple(
            Candidate(pid, article_id, date, cos[pid], keyword.get(pid, 0.0))
            for pid, (article_id, date) in facts.items()
        )

    def _submit_keyword(self, reading: Reading, match: str, cfg: Candidates) -> Future[dict[int, float]] | None:
        if not cfg.keyword or not match:
            return None
        if self._keyword_pool is None:
            self._keyword_store = Store.open(self.store.directory)
            self._keyword_pool = ThreadPoolExecutor(1, thread_name_prefix="dateline-keyword")
        assert self._keyword_store is not None
        allowed = self._allowed_ids(reading.since, reading.until, reading.sources)
        where = (reading.since, reading.until, reading.sources)
        return self._keyword_pool.submit(self._keyword, self._keyword_store, match, where, allowed, cfg)

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

    def _keyword(
        self, store: Store, match: str, where: Filter, allowed: IdSet | None, cfg: Candidates
    ) -> dict[int, float]:
        """The best `pool` keyword matches within the filter (`where`: dates and stored outlet names;
        `allowed`: the ids it admits, None for all), by BM25."""
        since, until, sources = where
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


class _Later:
    """A search whose keyword half is already running on the index's keyword thread."""

    def __init__(self, finish: Callable[[], Found]) -> None:
        self.finish = finish

    def result(self) -> Found:
        return self.finish()


def local_shard(archive: Path, entry: ShardEntry, place: int, config: Candidates) -> Shard:
    """The `ShardOpener` of an archive read in this process: each shard an `IndexSource`."""
    return IndexSource.opened(Store.open(archive / entry.directory), config)
