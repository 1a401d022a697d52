"""Serving a sharded archive from Ray actors: one actor holds one shard, placed across the nodes.

The process the user runs keeps the merging (`ShardedSource`); only where a shard lives changes.
An actor opens its shard from the archive directory, which every node must see at the same path
(a shared filesystem in a real deployment). A dead actor is restarted and its call retried
(`Cluster.restarts`); a shard that stays down is reported, period by period, in the answers.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from qa.config import Candidates, Cluster
from qa.index.archive import ShardEntry
from qa.index.database import Store
from qa.search.index_source import IndexSource
from qa.search.shard import Found, SearchRequest, Shard, ShardOpener, ShardUnavailable


class ShardHolder:
    """What runs inside a shard's actor: the shard's index, open in the actor's process, answering
    `Shard`'s calls with values that travel (an iterator as a list; a search finished here)."""

    def __init__(self, directory: str, config: Candidates) -> None:
        self.index = IndexSource.opened(Store.open(Path(directory)), config)

    def call(self, method: str, *args: Any) -> Any:
        """`Shard.<method>(*args)`, answered by the index."""
        answer = getattr(self.index, method)(*args)
        return list(answer) if isinstance(answer, Iterator) else answer

    def search(self, request: SearchRequest) -> Found:
        return self.index.search(request).result()

    def meta(self) -> dict[str, str]:
        return self.index.meta

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


def actor_name(archive: Path, entry: ShardEntry) -> str:
    """One actor per shard generation of one archive: a second process finds and reuses it."""
    where = hashlib.sha1(str(archive.resolve()).encode()).hexdigest()[:10]
    return f"shard-{where}-{entry.period}-g{entry.generation}"


def node_for(ray: Any, place: int) -> str:
    """The node a shard's actor is placed on: the cluster's live nodes taken in turn, by the shard's
    place in the manifest (so consecutive periods, which questions read together, sit apart)."""
    nodes = sorted(n["NodeID"] for n in ray.nodes() if n["Alive"])
    return str(nodes[place % len(nodes)])


class RayShard:
    """A `Shard` held by an actor on the cluster (created, or found when another process made it).

    `search` starts in the actor and is waited on later; every other call of `Shard` is made in the
    actor as it is asked, and a shard that does not answer raises `ShardUnavailable`."""

    def __init__(
        self, ray: Any, archive: Path, entry: ShardEntry, place: int, config: Candidates, cluster: Cluster
    ) -> None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        self.ray, self.period, self.timeout = ray, entry.period, cluster.call_timeout
        holder = ray.remote(ShardHolder)
        self.actor = holder.options(
            name=actor_name(archive, entry),
            get_if_exists=True,
            lifetime="detached",  # it serves every process that asks, until the archive moves on
            num_cpus=0,  # placed by node, not by CPU: a shard waits for questions
            # On its node while the node lives (soft: a lost node's actors restart on the others).
            scheduling_strategy=NodeAffinitySchedulingStrategy(node_for(ray, place), soft=True),
            max_restarts=cluster.restarts,
            max_task_retries=cluster.restarts,
        ).remote(str(archive / entry.directory), config)
        self.meta: dict[str, str] = self._ask(self.actor.meta)

    def _ask(self, method: Any, *args: Any) -> Any:
        try:
            return self.ray.get(method.remote(*args), timeout=self.timeout)
        except unavailable(self.ray) as exc:
            raise ShardUnavailable(self.period) from exc

    def search(self, request: SearchRequest) -> _Remote:
        return _Remote(self.ray, self.actor.search.remote(request), self.period, self.timeout)

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_") or not hasattr(Shard, method):
            raise AttributeError(method)
        return functools.partial(self._ask, self.actor.call, method)

    def close(self) -> None:
        """Leave the actor serving (others may use it); `retire` ends it."""

    def retire(self) -> None:
        self.ray.kill(self.actor, no_restart=True)


def ray_opener(address: str, cluster: Cluster) -> ShardOpener:
    """A `ShardOpener` whose shards are actors on the cluster at `address` (joined at the first shard)."""
    from qa.cluster.connect import connect

    def open_shard(archive: Path, entry: ShardEntry, place: int, config: Candidates) -> Shard:
        return RayShard(connect(address), archive, entry, place, config, cluster)

    return open_shard
