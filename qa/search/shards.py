"""Answering from a sharded archive in one process: each question reads only the shards its dates allow.

Each shard is a `Shard` (qa.search.shard): an `IndexSource` here, or one a Ray actor holds. A
passage's id in the archive is its shard's number (its place in the manifest) above its id in the
shard (`SHIFT` bits), so ids stay unique and ranking never needs to know about shards. Merging
keeps what one big index would find: the best `pool` passages by cosine (cosines compare directly
across shards) and the best `pool` by keyword score. Keyword scores do not compare directly, since
each shard has its own word statistics: `Candidates.shard_keywords` says how they are merged
(docs/benchmarks.md measures both).
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import ParamSpec, TypeVar

import numpy as np

from embeddings.base import Vectors
from qa.config import Candidates
from qa.index.archive import Manifest, combined, read_manifest
from qa.index.records import Stats, StoredPassage
from qa.ingest.articles import Article
from qa.reading.question import Reading
from qa.reading.text import fts_query
from qa.search.bm25 import KeywordStats, phrases, summed
from qa.search.candidates import Candidate, FromVectors, Pool
from qa.search.index_source import local_shard
from qa.search.shard import Pending, SearchRequest, Shard, ShardOpener, ShardUnavailable

SHIFT = 40
"""Bits of a passage id inside its shard: room for 10^12 passages a shard."""

NO_STATS = Stats(0, 0, None, None, 0, [], 0)
"""What a shard that does not answer adds to the archive's counts."""

T = TypeVar("T")
P = ParamSpec("P")


def _or(missing: T, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """A shard's answer, or `missing` when the shard does not answer (its periods are named by the search)."""
    try:
        return call(*args, **kwargs)
    except ShardUnavailable:
        return missing


class ShardedSource(FromVectors):
    """Candidates from an archive of period shards, held here or by Ray actors (`opener`)."""

    def __init__(self, directory: Path, config: Candidates, opener: ShardOpener = local_shard) -> None:
        self.directory = directory
        self.config = config
        self.opener = opener
        self.manifest: Manifest = read_manifest(directory)
        self.shards: list[Shard] = self._open_all()
        # The archive's BM25 statistics: totals, and each phrase's passages once asked (per generation).
        self._totals: tuple[int, int] | None = None
        self._hits: dict[str, int] = {}
        self._newest: dt.date | None = None
        self._outlets: list[tuple[str, int]] | None = None

    def _open_all(self) -> list[Shard]:
        opened: list[Shard] = []
        try:
            for place, entry in enumerate(self.manifest.shards):
                opened.append(self.opener(self.directory, entry, place, self.config))
        except BaseException:
            for shard in opened:
                shard.close()
            raise
        return opened

    # What the archive says of itself.

    @property
    def meta(self) -> dict[str, str]:
        return self.shards[0].meta

    def with_candidates(self, config: Candidates) -> ShardedSource:
        """The same open shards, searched with other candidate settings."""
        variant = copy.copy(self)
        variant.config = config
        return variant

    def close(self) -> None:
        for shard in self.shards:
            shard.close()

    def refresh(self) -> bool:
        """Pick up a new generation of the archive (another process indexed into it); whether there was."""
        manifest = read_manifest(self.directory)
        if manifest.generation != self.manifest.generation:
            old = self.shards
            self.manifest = manifest
            self.shards = self._open_all()
            for shard in old:
                shard.close()
            changed = True
        else:  # a run into the archive commits shard by shard, then the manifest
            changed = any([_or(False, shard.refresh) for shard in self.shards])
        if changed:
            self._totals, self._hits, self._newest, self._outlets = None, {}, None, None
        return changed

    def stats(self) -> Stats:
        return combined([_or(NO_STATS, s.stats) for s in self.shards])

    def outlets(self) -> list[tuple[str, int]]:
        """Every shard's outlets, summed (once per generation)."""
        if self._outlets is None:
            self._outlets = self.stats().sources
        return self._outlets

    def article(self, article_id: str) -> Article | None:
        return next((a for s in self.shards if (a := _or(None, s.article, article_id)) is not None), None)

    def articles(self) -> Iterator[Article]:
        return itertools.chain.from_iterable(_or((), s.articles) for s in self.shards)

    # Candidates.

    def _reads(self, since: dt.date | None, until: dt.date | None) -> list[int]:
        """The shards a search inside [since, until] reads."""
        return [i for i, entry in enumerate(self.manifest.shards) if entry.overlaps(since, until)]

    def newest_date(self) -> dt.date | None:
        """The newest article's date: asked of the newest shards first, once per generation."""
        if self._newest is None:
            for n in reversed(range(len(self.shards))):  # shards are in period order, undated last
                if (newest := _or(None, self.shards[n].newest_date)) is not None:
                    self._newest = newest
                    break
        return self._newest

    def holds_any(self, since: dt.date | None, until: dt.date | None) -> bool:
        partial = []
        for n in self._reads(since, until):
            entry = self.manifest.shards[n]
            first, last = entry.span()
            if first is None or last is None:
                partial.append(n)
                continue
            inside = (since is None or first >= since) and (until is None or last <= until)
            if inside and entry.articles:  # every article of the shard is in the range
                return True
            partial.append(n)
        return any(_or(False, self.shards[n].holds_any, since, until) for n in partial)

    def unmentioned(self, words: Sequence[str]) -> tuple[str, ...]:
        """Words no shard holds; none when a shard does not answer (it might hold them)."""
        held = dict.fromkeys(words, 0)
        for shard in self.shards:
            try:
                for word, n in shard.keyword_stats(list(words)).hits.items():
                    held[word] = held.get(word, 0) + n
            except ShardUnavailable:
                return ()
        return tuple(w for w in words if not held.get(w))

    def keyword_jobs(self, readings: Sequence[Reading]) -> None:
        """Nothing to start early: each shard searches both ways in one call (`pools_with`)."""
        return None

    def pools_with(self, readings: Sequence[Reading], vectors: Vectors, keyword: object) -> list[Pool]:
        """Each question's pool, merged from the shards its dates allow (searched all at once)."""
        matches, stats = self._keyword_searches(readings)
        started: dict[int, tuple[list[int], Pending]] = {}
        for n, shard in enumerate(self.shards):
            mine = [i for i, r in enumerate(readings) if n in self._reads(r.since, r.until)]
            if mine:
                asked = tuple(matches[i] for i in mine)
                request = SearchRequest(tuple(readings[i] for i in mine), vectors[mine], self.config, asked, stats)
                started[n] = (mine, shard.search(request))
        dense: list[list[Candidate]] = [[] for _ in readings]
        hits: list[dict[int, float]] = [{} for _ in readings]
        found: list[dict[int, Candidate]] = [{} for _ in readings]
        missing: list[set[str]] = [set() for _ in readings]
        for n, (mine, pending) in started.items():
            try:
                rows = pending.result()
            except ShardUnavailable:
                for i in mine:
                    missing[i].add(self.manifest.shards[n].period)
                continue
            for i, (ids, scores, candidates) in zip(mine, rows, strict=True):
                for c in candidates:
                    found[i][_global(n, c.id)] = _renumbered_candidate(n, c)
                dense[i] += [found[i][_global(n, pid)] for pid in ids]
                hits[i].update({_global(n, pid): score for pid, score in scores.items()})
        pools = []
        for i in range(len(readings)):
            top_dense = sorted(dense[i], key=lambda c: -c.cosine)[: self.config.pool]
            top_keyword = dict(sorted(hits[i].items(), key=lambda kv: -kv[1])[: self.config.pool])
            ids = sorted({c.id for c in top_dense} | set(top_keyword))
            candidates = tuple(_with_keyword(found[i][pid], top_keyword.get(pid, 0.0)) for pid in ids)
            best = max(top_keyword.values(), default=0.0) or 1.0
            pools.append(Pool(candidates, best, tuple(sorted(missing[i]))))
        return pools

    def _keyword_searches(self, readings: Sequence[Reading]) -> tuple[list[str], KeywordStats | None]:
        """Each question's keyword search, and the statistics its passages are scored with.

        With `shard_keywords` "global" (the default) both come from the whole archive, as one index
        would make them: which words are too common to search for, and each phrase's BM25 weight.
        With "shard" each shard decides and scores with its own statistics."""
        cfg = self.config
        if not cfg.keyword:
            return ["" for _ in readings], None
        if cfg.shard_keywords != "global":
            return [fts_query(r.query.question) for r in readings], None
        wanted = sorted({p for r in readings for p in phrases(fts_query(r.query.question))} - set(self._hits))
        if wanted or self._totals is None:
            parts = []
            for shard in self.shards:
                try:
                    parts.append(shard.keyword_stats(wanted))
                except ShardUnavailable:
                    continue  # its periods are reported by the search; its statistics are left out
            whole = summed(parts)
            self._totals = (whole.rows, whole.tokens)
            self._hits.update(whole.hits)
        rows, tokens = self._totals
        stats = KeywordStats(rows, tokens, self._hits)

        def informative(word: str) -> bool:  # as IndexSource._informative, over the whole archive
            limit = max(cfg.common_words * rows, cfg.common_words_floor)
            return not cfg.common_words or stats.hits.get(word, 0) <= limit

        return [fts_query(r.query.question, informative) for r in readings], stats

    def passages(self, ids: list[int]) -> dict[int, StoredPassage]:
        out: dict[int, StoredPassage] = {}
        for n, local in _by_shard(ids).items():
            for pid, passage in self.shards[n].passages(local).items():
                gid = _global(n, pid)
                out[gid] = replace(passage, id=gid)
        return out

    def vectors(self, ids: list[int]) -> Vectors:
        out = np.zeros((len(ids), int(self.meta.get("dim", 0))), dtype=np.float32)
        for n, local in _by_shard(ids).items():
            rows = [k for k, gid in enumerate(ids) if gid >> SHIFT == n]
            out[rows] = self.shards[n].vectors(local)
        return out

    def leads(
        self, since: dt.date | None, until: dt.date | None, limit: int, sources: tuple[str, ...] | None = None
    ) -> tuple[list[int], int]:
        # Shards hold disjoint periods in date order, so their openings, one shard after another,
        # are oldest first across the archive too.
        ids: list[int] = []
        count = 0
        for n in self._reads(since, until):
            local, found = _or(([], 0), self.shards[n].leads, since, until, limit, sources)
            count += found
            ids += [_global(n, pid) for pid in local]
        return ids[:limit], count

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]:
        ranges = [_or((None, None, 0), s.date_range) for s in self.shards]
        return (
            min((r[0] for r in ranges if r[0]), default=None),
            max((r[1] for r in ranges if r[1]), default=None),
            sum(r[2] for r in ranges),
        )


def _global(shard: int, pid: int) -> int:
    return (shard << SHIFT) | pid


def _by_shard(ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for gid in ids:
        out.setdefault(gid >> SHIFT, []).append(gid & ((1 << SHIFT) - 1))
    return out


def _renumbered_candidate(shard: int, c: Candidate) -> Candidate:
    return Candidate(_global(shard, c.id), c.article_id, c.date, c.cosine, 0.0)


def _with_keyword(c: Candidate, keyword: float) -> Candidate:
    return Candidate(c.id, c.article_id, c.date, c.cosine, keyword)
