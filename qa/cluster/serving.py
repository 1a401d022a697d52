"""Serving a sharded archive from Ray actors: one actor holds one shard, placed across the nodes.

The process the user runs keeps the merging (`ShardedSource`); only where a shard lives changes.
An actor opens its shard from the archive directory, which every node must see at the same path
(a shared filesystem in a real deployment). A dead actor is restarted and its call retried
(`Cluster.restarts`); a shard that stays down is reported, period by period, in the answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from embeddings.base import Vectors
from qa.config import Candidates, Cluster
from qa.index.archive import Shard
from qa.index.records import Stats, StoredPassage
from qa.ingest.articles import Article
from qa.reading.question import Reading
from qa.search.bm25 import KeywordStats
from qa.search.shard_client import Found, LocalShard, Pending, ShardClient, ShardUnavailable

NO_STATS = Stats(0, 0, None, None, 0, [], 0)


class ShardHolder(LocalShard):
    """What runs inside a shard's actor: a `LocalShard`, with the calls whose answers must travel
    as plain values (an actor cannot serve a property, a generator or a pending search)."""

    def __init__(self, directory: str, config: Candidates) -> None:
        super().__init__(Path(directory), config)

    def describe(self) -> dict[str, str]:
        return self.meta

    def search_now(
        self,
        readings: Sequence[Reading],
        vectors: Vectors,
        config: Candidates,
        matches: Sequence[str],
        stats: KeywordStats | None,
    ) -> Found:
        return self.search(readings, vectors, config, matches, stats).result()

    def article_list(self) -> list[Article]:
        return list(self.articles())

    def pid(self) -> int:
        """Which process holds the shard (a restarted actor is another)."""
        import os

        return os.getpid()

    def node(self) -> str:
        """Which node holds the shard."""
        import ray

        return str(ray.get_runtime_context().get_node_id())


def unavailable(ray: Any) -> tuple[type[BaseException], ...]:
    """What Ray raises when a shard cannot answer: its actor died for good (restarts spent), its node
    was lost, or it took longer than the timeout. Anything else is a fault in dateline, and shows."""
    e = ray.exceptions
    return (e.RayActorError, e.GetTimeoutError, e.ObjectLostError, e.WorkerCrashedError, e.NodeDiedError)


class _Remote:
    """A search running in an actor."""

    def __init__(self, ray: Any, ref: Any, period: str, timeout: float) -> None:
        self.ray, self.ref, self.period, self.timeout = ray, ref, period, timeout

    def result(self) -> Found:
        try:
            found: Found = self.ray.get(self.ref, timeout=self.timeout)
        except unavailable(self.ray) as exc:
            raise ShardUnavailable(self.period) from exc
        return found


def actor_name(archive: Path, shard: Shard) -> str:
    """One actor per shard generation of one archive: a second process finds and reuses it."""
    where = hashlib.sha1(str(archive.resolve()).encode()).hexdigest()[:10]
    return f"shard-{where}-{shard.period}-g{shard.generation}"


class RayShard:
    """A shard held by an actor on the cluster (created, or found when another process made it)."""

    def __init__(self, ray: Any, archive: Path, shard: Shard, config: Candidates, cluster: Cluster) -> None:
        self.ray, self.period, self.timeout = ray, shard.period, cluster.call_timeout
        holder = ray.remote(ShardHolder)
        self.actor = holder.options(
            name=actor_name(archive, shard),
            get_if_exists=True,
            lifetime="detached",  # it serves every process that asks, until the archive moves on
            num_cpus=0,  # placed by spreading, not by CPU: a shard waits for questions
            scheduling_strategy="SPREAD",
            max_restarts=cluster.restarts,
            max_task_retries=cluster.restarts,
        ).remote(str(archive / shard.directory), config)
        self._meta: dict[str, str] = self._call("describe")

    def _call(self, method: str, *args: Any) -> Any:
        try:
            return self.ray.get(getattr(self.actor, method).remote(*args), timeout=self.timeout)
        except unavailable(self.ray) as exc:
            raise ShardUnavailable(self.period) from exc

    def _or(self, fallback: Any, method: str, *args: Any) -> Any:
        """A call whose answer a missing shard may go without (its periods are reported by search)."""
        try:
            return self._call(method, *args)
        except ShardUnavailable:
            return fallback

    @property
    def meta(self) -> dict[str, str]:
        return self._meta

    def search(
        self,
        readings: Sequence[Reading],
        vectors: Vectors,
        config: Candidates,
        matches: Sequence[str],
        stats: KeywordStats | None,
    ) -> Pending:
        ref = self.actor.search_now.remote(list(readings), vectors, config, list(matches), stats)
        return _Remote(self.ray, ref, self.period, self.timeout)

    def keyword_stats(self, quoted: list[str]) -> KeywordStats:
        stats: KeywordStats = self._call("keyword_stats", quoted)
        return stats

    def passages(self, ids: list[int]) -> dict[int, StoredPassage]:
        passages: dict[int, StoredPassage] = self._call("passages", ids)
        return passages

    def vectors(self, ids: list[int]) -> Vectors:
        vectors: Vectors = self._call("vectors", ids)
        return vectors

    def leads(
        self, since: dt.date | None, until: dt.date | None, limit: int, sources: tuple[str, ...] | None = None
    ) -> tuple[list[int], int]:
        leads: tuple[list[int], int] = self._or(([], 0), "leads", since, until, limit, sources)
        return leads

    def newest_date(self) -> dt.date | None:
        newest: dt.date | None = self._or(None, "newest_date")
        return newest

    def holds_any(self, since: dt.date | None, until: dt.date | None) -> bool:
        return bool(self._or(False, "holds_any", since, until))

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]:
        found: tuple[dt.date | None, dt.date | None, int] = self._or((None, None, 0), "date_range")
        return found

    def stats(self) -> Stats:
        stats: Stats = self._or(NO_STATS, "stats")
        return stats

    def article(self, article_id: str) -> Article | None:
        article: Article | None = self._or(None, "article", article_id)
        return article

    def articles(self) -> Iterator[Article]:
        return iter(self._or([], "article_list"))

    def refresh(self) -> bool:
        return bool(self._or(False, "refresh"))

    def close(self) -> None:
        """Leave the actor serving (others may use it); `retire` ends it."""

    def retire(self) -> None:
        self.ray.kill(self.actor, no_restart=True)


def ray_opener(address: str, cluster: Cluster) -> Any:
    """A `ShardOpener` whose shards are actors on the cluster at `address` (joined at the first shard)."""
    from qa.cluster.connect import connect

    def open_shard(archive: Path, shard: Shard, config: Candidates) -> ShardClient:
        return RayShard(connect(address), archive, shard, config, cluster)

    return open_shard
