"""Building and updating a sharded archive: the files read once, each shard's run on its own articles.

Each article is spooled to its period's shard; each shard is then updated by the single-index
indexer (`index_paths` with `accept` and `reader`), so a shard keeps every promise an index makes;
the manifest is written last, atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import fields, replace
from pathlib import Path
from typing import Any, TextIO

from embeddings.base import Encoder
from qa.config import Config
from qa.errors import DatelineError
from qa.index.archive import SHARD_BY, Manifest, ShardEntry, is_archive, period_of, read_manifest, write_manifest
from qa.index.database import Store
from qa.index.indexer import IndexOptions, index_paths
from qa.index.layout import Layout
from qa.index.lock import write_lock
from qa.index.report import IndexReport
from qa.ingest.articles import Article
from qa.ingest.items import Item, Problem
from qa.ingest.readers import read_paths


def index_archive(
    directory: Path,
    paths: list[Path],
    encoder_factory: Callable[[], Encoder],
    options: IndexOptions | None = None,
    *,
    shard_by: str | None,
    on_shard: Callable[[str], None] | None = None,
    embed_ahead: bool = False,
) -> IndexReport:
    """Add the articles under `paths` to the archive in `directory`, each to its period's shard.

    `shard_by` is month, quarter or year (None: the archive's own). The files are read once: each
    article is spooled to its period's shard (and to the shard that holds it now, if its date moved
    it), problems are reported once, and each shard's run reads its spool.
    `embed_ahead`: embed every shard's new passages first, in big groups, into the shards' embed
    caches (for an encoder that costs seconds to start per call, such as a cluster's job).
    """
    options = options or IndexOptions()
    config = options.config
    previous = read_manifest(directory) if is_archive(directory) else None
    if previous is None and Layout(directory).exists():
        raise DatelineError(
            f"{directory} is a single index, not an archive; give --index a new directory for the archive",
            "Not an archive",
        )
    shard_by = shard_by or (previous.shard_by if previous else None)
    if shard_by not in SHARD_BY:
        raise DatelineError(f"--shard-by must be one of {', '.join(SHARD_BY)}", "Bad option")
    if previous and previous.shard_by != shard_by and not options.rebuild:
        raise DatelineError(
            f"the archive at {directory} is sharded by {previous.shard_by}, not {shard_by}; "
            f"drop --shard-by, or use a new directory",
            "Archive mismatch",
        )
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise DatelineError(f"no such file or directory: {', '.join(missing)}; nothing was indexed", "No input")
    directory.mkdir(parents=True, exist_ok=True)
    encoder: Encoder | None = None

    def one_encoder() -> Encoder:  # every shard embeds with the same loaded model
        nonlocal encoder
        encoder = encoder or encoder_factory()
        return encoder

    total = IndexReport()
    # Each shard's run reports no problem again (the survey did) and waits on no lock (this run holds the archive's).
    each_shard = replace(options, wait=False, on_problem=None)
    with write_lock(directory, wait=options.wait), _Spools(directory) as spools:
        held = _held_keys(directory, previous)
        problems: list[Problem] = []
        for item in read_paths(paths, config.indexing):
            if isinstance(item, Problem):
                problems.append(item)
                total.problems.append(item)
                if options.on_problem:
                    options.on_problem(item)
                continue
            period = period_of(item.date, shard_by)
            spools.add(period, item)
            if held.get(item.key, period) != period:  # its old shard must see it leave
                spools.add(held[item.key], item)
        periods = spools.periods() | ({s.period for s in previous.shards} if previous else set())
        ahead = _embed_ahead(directory, spools, one_encoder, shard_by, config, options.progress) if embed_ahead else 0
        shards = []
        for period in sorted(periods):
            if on_shard:
                on_shard(period)
            shard_dir = directory / period

            def here(article: Article, period: str = period) -> bool:
                return period_of(article.date, shard_by) == period

            def reader(period: str = period) -> Iterator[Item]:
                # Every shard hears of every unreadable file, so that --prune keeps its articles.
                yield from problems
                yield from spools.items(period)

            report = index_paths(shard_dir, paths, one_encoder, each_shard, accept=here, reader=reader)
            _add(total, report)
            shards.append(_shard(shard_dir, period))
        kept = [s for s in shards if s.articles]
        for gone in (s for s in shards if not s.articles):  # every article of the period was pruned
            shutil.rmtree(directory / gone.directory, ignore_errors=True)
        # What was embedded ahead came from the caches: it was embedded by this run all the same.
        moved = min(ahead, total.passages_reused)
        total.passages_embedded += moved
        total.passages_reused -= moved
        if not kept:
            raise DatelineError(f"no articles to index under {', '.join(map(str, paths))}", "Nothing indexed")
        meta = Store.describe(directory / kept[0].directory)[1]
        changed = previous is None or [s.generation for s in previous.shards] != [s.generation for s in kept]
        generation = (previous.generation if previous else 0) + (1 if changed else 0)
        manifest = Manifest(shard_by, meta["model"], meta["dim"], meta["chunker"], generation, tuple(kept))
        write_manifest(directory, manifest)
    return total


def _embed_ahead(
    directory: Path,
    spools: _Spools,
    encoder: Callable[[], Encoder],
    shard_by: str,
    config: Config,
    progress: bool | Callable[[], str],
) -> int:
    """Embed the passages of articles no shard holds yet, `Indexing.ahead_passages` at a time (one
    call each), into their shard's embed cache, where the shard's own run finds them; how many."""
    from qa.index.embed_cache import EmbedCache
    from qa.index.embedding import cache_key
    from qa.ingest.chunker import article_passages, embedding_text
    from qa.progress import Progress

    caches: dict[str, EmbedCache] = {}

    def cache(period: str) -> EmbedCache:
        if period not in caches:
            (directory / period).mkdir(parents=True, exist_ok=True)
            caches[period] = EmbedCache(Layout(directory / period).embed_cache)
        return caches[period]

    todo: list[tuple[str, str]] = []  # (period, text)
    for period in sorted(spools.periods()):
        known: set[str] = set()
        if Layout(directory / period).exists():
            store = Store.open(directory / period)
            known = set(store.article_ids())
            store.close()
        for item in spools.items(period):
            if isinstance(item, Article) and item.id not in known and period_of(item.date, shard_by) == period:
                known.add(item.id)
                todo += [(period, embedding_text(item.title, p.text)) for p in article_passages(item, config.chunking)]
    bar = Progress(len(todo), "embedding", "passages") if progress and todo else None
    step = config.indexing.ahead_passages
    try:
        for start in range(0, len(todo), step):
            group = todo[start : start + step]
            keys = [cache_key(encoder(), text) for _, text in group]
            done: set[str] = set()
            for period in {p for p, _ in group}:
                done |= set(cache(period).get([k for (p, _), k in zip(group, keys, strict=True) if p == period]))
            missing = [i for i, k in enumerate(keys) if k not in done]  # a resumed run embeds only the rest
            if missing:
                vectors = encoder().encode_passages([group[i][1] for i in missing])
                by_period: dict[str, list[tuple[str, bytes]]] = {}
                for row, i in enumerate(missing):
                    by_period.setdefault(group[i][0], []).append((keys[i], vectors[row].tobytes()))
                for period, items in by_period.items():
                    cache(period).put(items)
            if bar:
                bar.advance(len(group))
    finally:
        if bar:
            bar.close()
    return len(todo)


def _held_keys(directory: Path, previous: Manifest | None) -> dict[str, str]:
    """Which shard holds each stored article's key (file and place in it)."""
    held: dict[str, str] = {}
    for shard in previous.shards if previous else ():
        store = Store.open(directory / shard.directory)
        try:
            held.update({key: shard.period for key in store.article_ids().values()})
        finally:
            store.close()
    return held


class _Spools:
    """The articles read in one pass, kept per period in files beside the shards until the run ends
    (JSON Lines, one article a line)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / f".spool-{os.getpid()}"
        self.files: dict[str, TextIO] = {}

    def __enter__(self) -> _Spools:
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        return self

    def __exit__(self, *exc: object) -> None:
        for fh in self.files.values():
            fh.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def add(self, period: str, item: Article) -> None:
        if period not in self.files:
            self.files[period] = open(self.directory / period, "w", encoding="utf-8")  # noqa: SIM115 - closed on exit
        self.files[period].write(json.dumps(_plain(item)) + "\n")

    def periods(self) -> set[str]:
        return set(self.files)

    def items(self, period: str) -> Iterator[Article]:
        """The period's articles, in the order they were read (from the start at each call)."""
        fh = self.files.get(period)
        if fh is None:
            return
        fh.flush()
        with open(self.directory / period, encoding="utf-8") as reading:
            for line in reading:
                yield _article(json.loads(line))


_FIELDS = tuple(f.name for f in fields(Article))


def _plain(article: Article) -> dict[str, Any]:
    """The article as a JSON object (its date in ISO form)."""
    row = {name: getattr(article, name) for name in _FIELDS}
    row["date"] = article.date.isoformat() if article.date else None
    return row


def _article(row: dict[str, Any]) -> Article:
    date = row.pop("date")
    return Article(**row, date=dt.date.fromisoformat(date) if date else None)


def _shard(directory: Path, period: str) -> ShardEntry:
    stats, _ = Store.describe(directory)
    store = Store.open(directory)
    try:
        generation = store.generation
    finally:
        store.close()
    return ShardEntry(period, directory.name, stats.articles, stats.passages, generation)


def _add(total: IndexReport, report: IndexReport) -> None:
    """Sum a shard's counts into the archive's (its problems were reported once, by the survey)."""
    total.added += report.added
    total.replaced += report.replaced
    total.unchanged += report.unchanged
    total.duplicates += report.duplicates
    total.pruned += report.pruned
    total.passages_embedded += report.passages_embedded
    total.passages_reused += report.passages_reused
    total.rebuilt_because = total.rebuilt_because or report.rebuilt_because
