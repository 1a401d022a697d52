"""One shard of an archive, as the archive's reader sees it: a protocol, and the shard open here.

Ray actors hold shards the same way (qa.cluster.serving); `ShardedSource` (qa.search.shards)
merges what they find.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from embeddings.base import Vectors
from embeddings.vectors import VectorIndexError
from qa.config import Candidates
from qa.errors import REBUILD, DatelineError
from qa.index.archive import Shard
from qa.index.database import Store
from qa.index.records import Stats, StoredPassage
from qa.index.vector_file import load_vector_index
from qa.ingest.articles import Article
from qa.reading.question import Reading
from qa.search.bm25 import KeywordStats
from qa.search.candidates import Candidate, IndexSource


class ShardUnavailable(Exception):
    """A shard did not answer (its actor failed and could not be restarted)."""


Found = list[tuple[list[int], dict[int, float], tuple[Candidate, ...]]]
"""Per question: the dense pool's ids (best first), the keyword pool (id -> score), and the
candidates of both with their cosines (keyword scores 0: the merge sets them)."""


class Pending(Protocol):
    def result(self) -> Found: ...


class ShardClient(Protocol):
    """One shard, wherever it is held: here (`LocalShard`) or in a Ray actor (qa.cluster.serving).
    Ids are the shard's own; `ShardedSource` makes them the archive's."""

    @property
    def meta(self) -> dict[str, str]: ...

    def search(
        self,
        readings: Sequence[Reading],
        vectors: Vectors,
        config: Candidates,
        matches: Sequence[str],
        stats: KeywordStats | None,
    ) -> Pending:
        """Start searching the shard for these questions (inside each one's dates and outlets): `matches` are
        their keyword searches, scored with `stats` (the archive's; None: the shard's own)."""
        ...

    def keyword_stats(self, quoted: list[str]) -> KeywordStats:
        """The shard's BM25 statistics for these phrases."""
        ...

    def passages(self, ids: list[int]) -> dict[int, StoredPassage]: ...

    def vectors(self, ids: list[int]) -> Vectors: ...

    def leads(
        self, since: dt.date | None, until: dt.date | None, limit: int, sources: tuple[str, ...] | None = None
    ) -> tuple[list[int], int]: ...

    def newest_date(self) -> dt.date | None: ...

    def holds_any(self, since: dt.date | None, until: dt.date | None) -> bool: ...

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]: ...

    def stats(self) -> Stats: ...

    def article(self, article_id: str) -> Article | None: ...

    def articles(self) -> Iterator[Article]: ...

    def refresh(self) -> bool:
        """Pick up a new generation of the shard; whether there was one."""
        ...

    def close(self) -> None: ...


class _Later:
    """A search whose keyword half is already running on the shard's keyword thread."""

    def __init__(self, finish: Callable[[], Found]) -> None:
        self.finish = finish

    def result(self) -> Found:
        return self.finish()


class LocalShard:
    """A shard open in this process."""

    def __init__(self, directory: Path, config: Candidates) -> None:
        store = Store.open(directory)
        try:
            self.source = IndexSource(store, load_vector_index(store), config)
        except VectorIndexError as exc:
            store.close()
            raise DatelineError(f"{exc}; {REBUILD}", "Damaged index") from exc
        self._variants: dict[Candidates, IndexSource] = {config: self.source}

    @property
    def meta(self) -> dict[str, str]:
        return self.source.meta

    def search(
        self,
        readings: Sequence[Reading],
        vectors: Vectors,
        config: Candidates,
        matches: Sequence[str],
        stats: KeywordStats | None,
    ) -> Pending:
        source = self._variants.setdefault(config, self.source.with_candidates(config))
        # Started now, finished when asked: the archive starts every shard's keyword searches before
        # it waits on any, so they run (SQLite, without the GIL) while the dense searches do.
        jobs = source.keyword_jobs(readings, matches)

        def finish() -> Found:
            out: Found = []
            for i, (dense, hits) in enumerate(source.found(readings, vectors, jobs)):
                if stats is not None and hits:
                    hits = source.rescored(hits, matches[i], stats)
                out.append((dense, hits, source.candidates(vectors[i], dense, hits)))
            return out

        return _Later(finish)

    def keyword_stats(self, quoted: list[str]) -> KeywordStats:
        return self.source.keyword_stats(quoted)

    def passages(self, ids: list[int]) -> dict[int, StoredPassage]:
        return self.source.passages(ids)

    def vectors(self, ids: list[int]) -> Vectors:
        from embeddings.vectors import reconstruct

        return reconstruct(self.source.vectors, np.array(ids, dtype=np.int64))

    def leads(
        self, since: dt.date | None, until: dt.date | None, limit: int, sources: tuple[str, ...] | None = None
    ) -> tuple[list[int], int]:
        return self.source.leads(since, until, limit, sources)

    def newest_date(self) -> dt.date | None:
        return self.source.newest_date()

    def holds_any(self, since: dt.date | None, until: dt.date | None) -> bool:
        return self.source.holds_any(since, until)

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]:
        return self.source.date_range()

    def stats(self) -> Stats:
        return self.source.stats()

    def article(self, article_id: str) -> Article | None:
        return self.source.article(article_id)

    def articles(self) -> Iterator[Article]:
        return self.source.articles()

    def refresh(self) -> bool:
        if not self.source.refresh():
            return False
        for source in self._variants.values():  # variants share the index, not its new vectors
            if source is not self.source:
                source.close_side()
        self._variants = {self.source.config: self.source}
        return True

    def close(self) -> None:
        for source in {id(s): s for s in self._variants.values()}.values():
            if source is not self.source:
                source.close_side()
        self.source.close()


ShardOpener = Callable[[Path, Shard, Candidates], ShardClient]


def local_shard(archive: Path, shard: Shard, config: Candidates) -> ShardClient:
    return LocalShard(archive / shard.directory, config)
