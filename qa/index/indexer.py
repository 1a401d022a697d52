"""Building and updating an index: read, chunk, embed only what changed, commit atomically."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from embeddings.base import Encoder
from qa.config import DEFAULT, Config
from qa.errors import DatelineError
from qa.index.database import Store
from qa.index.embed_cache import EmbedCache
from qa.index.embedding import PassageSink, offer_old_vectors
from qa.index.layout import Layout
from qa.index.lock import write_lock
from qa.index.plan import make_plan
from qa.index.report import IndexReport
from qa.index.vector_file import load_vector_index
from qa.ingest.articles import Article
from qa.ingest.items import Item, Problem
from qa.ingest.readers import read_paths
from qa.progress import Progress

__all__ = ["IndexOptions", "IndexReport", "ensure_index", "index_paths"]


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """How a run indexes, one index's (`index_paths`) or a sharded archive's (`index_archive`)."""

    model_path: str = ""
    """The model directory, recorded in the index for questions to load ("": the bundled model)."""
    prune: bool = False
    """Drop the articles whose files or records are gone."""
    rebuild: bool = False
    """Re-embed everything from scratch."""
    wait: bool = False
    """Wait for another indexer instead of stopping."""
    progress: bool | Callable[[], str] = False
    """Draw the progress line; a function adds its words to the line (how it embeds)."""
    on_problem: Callable[[Problem], None] | None = None
    config: Config = DEFAULT


def _meta(encoder: Encoder, model_path: str, config: Config) -> dict[str, str]:
    return {
        "model": encoder.name,
        "model_path": model_path,
        "dim": str(encoder.dim),
        "chunker": config.chunking.version,
    }


def index_paths(
    directory: Path,
    paths: list[Path],
    encoder_factory: Callable[[], Encoder],
    options: IndexOptions | None = None,
    *,
    accept: Callable[[Article], bool] | None = None,
    reader: Callable[[], Iterable[Item]] | None = None,
) -> IndexReport:
    """Add the articles under `paths` to the index in `directory`, embedding only what is new.

    `accept`: index only the articles it accepts (one period of a sharded archive); `reader`: what
    the files hold, read already (each call reads it from the start), instead of reading `paths`.
    """
    options = options or IndexOptions()
    config, rebuild = options.config, options.rebuild
    layout = Layout(directory)
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        # Most likely a typo: stop before anything is created, rather than build an empty index.
        raise DatelineError(f"no such file or directory: {', '.join(missing)}; nothing was indexed", "No input")
    report = IndexReport()
    with write_lock(directory, wait=options.wait):
        encoder = encoder_factory()
        meta = _meta(encoder, options.model_path, config)
        existing = _open_or_set_aside(layout, report)
        old_meta = existing.meta
        if old_meta.get("model") and not rebuild:
            for key, label in (("model", "model"), ("dim", "model"), ("chunker", "passage settings")):
                if old_meta.get(key) != meta[key]:
                    report.rebuilt_because = (
                        f"the index was built with {label} {old_meta.get(key)!r}, now {meta[key]!r}"
                    )
                    rebuild = True
                    break
        target = existing
        if rebuild:
            # A new database beside the old one, which stays readable (and is re-read) until the swap.
            Layout.remove_db(layout.rebuild_db)
            target = Store.open(directory, create=True, path=layout.rebuild_db)
        try:
            _update(existing, target, paths, encoder, meta, options, report, accept, reader)
        finally:
            target.close()
            if target is not existing:
                existing.close()
        if rebuild:
            layout.rebuild_db.replace(layout.db)
            Layout.remove_side_files(layout.db)
            layout.remove_vector_files()
        store = Store.open(directory)
        try:
            load_vector_index(store, config)
        finally:
            store.close()
    return report


def _open_or_set_aside(layout: Layout, report: IndexReport) -> Store:
    """Open the index to update; a damaged one is moved aside (never deleted) and a new one started."""
    try:
        return Store.open(layout.directory, create=True)
    except DatelineError as exc:
        aside = layout.damaged(time.strftime("%Y%m%d-%H%M%S"))
        Layout.move_db(layout.db, aside)
        layout.remove_vector_files()
        report.rebuilt_because = f"{exc}; the damaged file was kept as {aside.name}"
        return Store.open(layout.directory, create=True)


def _update(
    source: Store,
    target: Store,
    paths: list[Path],
    encoder: Encoder,
    meta: dict[str, str],
    options: IndexOptions,
    report: IndexReport,
    accept: Callable[[Article], bool] | None = None,
    reader: Callable[[], Iterable[Item]] | None = None,
) -> None:
    """Plan from ids and keys, then stream: read, chunk, embed and insert a group at a time.

    `target` is `source` for an update in place, or a new database for a rebuild, which re-embeds
    every stored article that the plan keeps. Either way the whole run is one transaction.
    """
    config, progress, on_problem = options.config, options.progress, options.on_problem
    stored = source.article_ids()
    plan = make_plan(stored, paths, options.prune, report, on_problem, config.indexing, accept, reader)
    carry = target is not source
    total = len(plan.add) + (len(stored) - len(plan.delete) if carry else 0)
    files: set[str] = set()
    note = progress if callable(progress) else None

    def detail() -> str:
        words = note() if note else ""
        return f"{len(files)} files" + (f", {words}" if words else "")

    bar = Progress(total, "indexing", "articles", detail=detail) if progress and total else None
    now = source.outlets()
    relabel = {i: o for i, o in plan.outlets.items() if i not in plan.delete and now.get(i, o) != o}
    report.relabelled = len(relabel)
    cache = EmbedCache(Layout(target.directory).embed_cache)
    sink = PassageSink(target, encoder, cache, bar, config)
    if not carry and plan.replaced:
        offer_old_vectors(source, sorted(plan.replaced), encoder, cache)
    target.begin()
    try:
        if carry:
            for article in source.articles():
                if article.id in relabel:
                    article = replace(article, source=relabel[article.id][0], url=relabel[article.id][1])
                if article.id not in plan.delete:
                    sink.add(article)
        if plan.add:
            for item in reader() if reader else read_paths(paths, config.indexing):
                # A file changed since the plan was made: what the plan does not name waits for the next run.
                if isinstance(item, Article) and item.id in plan.add:
                    files.add(item.path)
                    sink.add(item)
        sink.flush()
        missing = len(plan.add - sink.seen)
        if missing:
            problem = Problem(
                ", ".join(str(p) for p in paths),
                f"{missing} article(s) changed while this run read them and were left out; "
                "run `dateline index` again to add them",
                fatal=False,
            )
            report.problems.append(problem)
            if on_problem:
                on_problem(problem)
        if not carry:
            target.delete_articles(sorted(plan.delete))
            target.relabel(relabel)
        report.passages_embedded = sink.passages - sink.reused
        report.passages_reused = sink.reused
        if sink.stored or plan.delete or relabel or target.meta.get("model") != meta["model"]:
            target.commit(meta)
        else:
            target.rollback()
    except BaseException:
        target.rollback()
        raise
    finally:
        if bar:
            bar.close()
    cache.discard()


def ensure_index(
    directory: Path,
    corpus: Path,
    encoder_factory: Callable[[], Encoder],
    *,
    progress: bool = False,
    announce: Callable[[], None] | None = None,
) -> IndexReport | None:
    """Build the default index over the bundled corpus when there is none yet (`announce` is told first)."""
    if Layout(directory).exists() or Layout(directory).is_archive():
        return None
    if announce:
        announce()
    if not corpus.is_dir():
        raise DatelineError(f"no index at {directory} and no bundled corpus at {corpus}", "No index")
    return index_paths(directory, [corpus], encoder_factory, IndexOptions(progress=progress))
