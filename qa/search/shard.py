"""One shard of an archive, as the archive's reader sees it: the `Shard` protocol and the request it answers.

A shard is an index: open here (`IndexSource`, qa.search.index_source) or held by a Ray actor
(`RayShard`, qa.cluster.serving). `ShardedSource` (qa.search.shards) merges what they find.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from embeddings.base import Vectors
from qa.config import Candidates
from qa.index.archive import ShardEntry
from qa.reading.question import Reading
from qa.search.bm25 import KeywordStats
from qa.search.candidates import Candidate, Holdings


class ShardUnavailable(Exception):
    """A shard did not answer (its actor failed and could not be restarted)."""


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One batch of questions put to one shard, searched inside each one's dates and outlets."""

    readings: tuple[Reading, ...]
    vectors: Vectors
    """The questions' vectors, a row each."""
    config: Candidates
    matches: tuple[str, ...]
    """Each question's keyword search (an FTS5 MATCH expression; "" for none)."""
    stats: KeywordStats | None = None
    """The statistics keyword hits are scored with (the whole archive's); None: the shard's own."""


Found = list[tuple[list[int], dict[int, float], tuple[Candidate, ...]]]
"""Per question: the dense pool's ids (best first), the keyword pool (id -> score), and the
candidates of both with their cosines (keyword scores 0: the merge sets them)."""


class Pending(Protocol):
    """A search started on a shard; `result` waits for it."""

    def result(self) -> Found: ...


class Shard(Holdings, Protocol):
    """One shard, wherever it is held. Ids are the shard's own; `ShardedSource` makes them the archive's."""

    def search(self, request: SearchRequest) -> Pending:
        """Start searching the shard: the archive starts every shard's search before it waits on any."""
        ...

    def keyword_stats(self, quoted: list[str]) -> KeywordStats:
        """The shard's BM25 statistics for these phrases."""
        ...

    def vectors(self, ids: list[int]) -> Vectors:
        """The passages' vectors, a row each."""
        ...


ShardOpener = Callable[[Path, ShardEntry, int, Candidates], Shard]
"""Opens an archive's shard, given the archive, the shard's entry and place in the manifest, and the settings."""
