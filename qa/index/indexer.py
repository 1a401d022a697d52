"""Building and updating an index: read, chunk, embed only what changed, commit atomically."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embeddings.encoder import Encoder, Vectors, int8_missing, load_encoder
from qa.errors import DatelineError
from qa.index.store import DB_NAME, Store, load_vector_index, write_lock
from qa.ingest.articles import Article, Passage
from qa.ingest.chunker import CHUNKER_VERSION, article_passages, embedding_text
from qa.ingest.readers import Problem, read_paths
from qa.progress import Progress
from qa.settings import model_cache

CACHE_NAME = "embed-cache.sqlite"
EMBED_BATCH = 256
# Passages embedded and written per group: what one run holds in memory at a time.
GROUP_PASSAGES = 2048


@dataclass
class IndexReport:
    """What one `dateline index` run did."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicates: int = 0
    pruned: int = 0
    passages_embedded: int = 0
    passages_reused: int = 0
    """Passages stored with a vector made before: by an interrupted run, or an edited article's unchanged ones."""
    rebuilt_because: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(p.fatal for p in self.problems)


class EmbedCache:
    """Vectors computed by an unfinished run, so an interrupted run resumes without re-embedding."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, timeout=30)
        self.conn.execute("CREATE TABLE IF NOT EXISTS v(hash TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def get(self, keys: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            out.update(self.conn.execute(f"SELECT hash, vector FROM v WHERE hash IN ({marks})", part).fetchall())
        return out

    def put(self, items: Iterable[tuple[str, bytes]]) -> None:
        with self.conn:
            self.conn.executemany("INSERT OR REPLACE INTO v VALUES (?, ?)", items)

    def discard(self) -> None:
        self.conn.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink()


def indexing_encoder(
    model: str | None, *, device: str | None = None, precision: str = "int8", cache_dir: Path | None = None
) -> Encoder:
    """The encoder indexing uses: on a CPU, the int8 graph unless fp32 is asked for (docs/benchmarks.md)."""
    cache = cache_dir or model_cache()
    return load_encoder(model, device=device, cache_dir=cache, use_graph=False, int8=precision == "int8")


def needs_preparing(model: str | None, *, device: str | None = None, precision: str = "int8") -> bool:
    """True when indexing will first export and quantize the model (a one-time wait of ~20 s)."""
    return precision == "int8" and device in (None, "cpu") and int8_missing(model, model_cache())


def _meta(encoder: Encoder, model_path: str) -> dict[str, str]:
    return {"model": encoder.name, "model_path": model_path, "dim": str(encoder.dim), "chunker": CHUNKER_VERSION}


def embed_passages(
    encoder: Encoder, texts: list[str], cache: EmbedCache | None, on_batch: Callable[[int], None] | None = None
) -> tuple[Vectors, int]:
    """Vectors for the texts, longest first in batches (less padding), cached batch by batch, and how
    many came from the cache.

    `on_batch(n)` is told after each batch how many texts are done so far (cached ones included).
    """
    keys = [_cache_key(encoder, t) for t in texts]
    known = cache.get(keys) if cache else {}
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    todo = []
    for i, key in enumerate(keys):
        if key in known:
            out[i] = np.frombuffer(known[key], dtype=np.float32)
        else:
            todo.append(i)
    todo.sort(key=lambda i: -len(texts[i]))
    for b in range(0, len(todo), EMBED_BATCH):
        batch = todo[b : b + EMBED_BATCH]
        vectors = encoder.encode_passages([texts[i] for i in batch])
        out[batch] = vectors
        if cache:
            cache.put((keys[i], vectors[j].tobytes()) for j, i in enumerate(batch))
        if on_batch:
            on_batch(len(texts) - len(todo) + b + len(batch))
    return out, len(texts) - len(todo)


def _cache_key(encoder: Encoder, text: str) -> str:
    return hashlib.sha1(f"{encoder.name}\n{text}".encode()).hexdigest()


def _offer_old_vectors(store: Store, article_ids: list[str], encoder: Encoder, cache: EmbedCache) -> None:
    """Put the vectors of articles about to be replaced in the embed cache: an edited article
    re-embeds only the passages whose text (or headline) changed."""
    rows = store.passage_vectors(article_ids)
    while batch := list(itertools.islice(rows, 2048)):
        cache.put((_cache_key(encoder, embedding_text(title, text)), vector) for title, text, vector in batch)


class _Sink:
    """Chunks, embeds and stores articles a group at a time inside the run's one transaction.

    Memory holds one group of passages, never the whole corpus; each group's vectors also go to the
    embed cache, so a run interrupted before its commit resumes without embedding them again.
    """

    def __init__(self, store: Store, encoder: Encoder, cache: EmbedCache, bar: Progress | None) -> None:
        self.store = store
        self.encoder = encoder
        self.cache = cache
        self.bar = bar
        self.pending: list[tuple[Article, list[Passage]]] = []
        self.pending_passages = 0
        self.seen: set[str] = set()
        self.stored = 0
        self.passages = 0
        self.reused = 0

    def add(self, article: Article) -> None:
        if article.id in self.seen:
            return
        self.seen.add(article.id)
        passages = article_passages(article)
        self.pending.append((article, passages))
        self.pending_passages += len(passages)
        if self.pending_passages >= GROUP_PASSAGES:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        texts = [embedding_text(a.title, p.text) for a, ps in self.pending for p in ps]
        credited = 0

        def advance(done: int) -> None:
            # The bar counts articles; a group's articles are credited as its passages are embedded.
            nonlocal credited
            share = len(self.pending) * done // max(len(texts), 1)
            if self.bar and share > credited:
                self.bar.advance(share - credited)
                credited = share

        vectors, reused = embed_passages(self.encoder, texts, self.cache, advance)
        self.reused += reused
        offset = 0
        for article, passages in self.pending:
            self.stored += self.store.insert(article, passages, vectors[offset : offset + len(passages)])
            offset += len(passages)
        self.passages += len(texts)
        if self.bar and len(self.pending) > credited:
            self.bar.advance(len(self.pending) - credited)
        self.pending, self.pending_passages = [], 0


def index_paths(
    directory: Path,
    paths: list[Path],
    encoder_factory: Callable[[], Encoder],
    *,
    model_path: str = "",
    prune: bool = False,
    rebuild: bool = False,
    wait: bool = False,
    progress: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
) -> IndexReport:
    """Add the articles under `paths` to the index in `directory`, embedding only what is new."""
    report = IndexReport()
    with write_lock(directory, wait=wait):
        encoder = encoder_factory()
        meta = _meta(encoder, model_path)
        existing = _open_or_set_aside(directory, report)
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
        target_name = DB_NAME + ".new"
        if rebuild:
            # A new database beside the old one, which stays readable (and is re-read) until the swap.
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    (directory / (target_name + suffix)).unlink()
            target = Store.open(directory, create=True, db_name=target_name)
        try:
            _update(existing, target, paths, encoder, meta, prune, progress, report, on_problem)
        finally:
            target.close()
            if target is not existing:
                existing.close()
        if rebuild:
            (directory / target_name).replace(directory / DB_NAME)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(str(directory / DB_NAME) + suffix).unlink()
            for stale in directory.glob("vectors-*.faiss"):
                stale.unlink()
        store = Store.open(directory)
        try:
            load_vector_index(store)
        finally:
            store.close()
    return report


def _open_or_set_aside(directory: Path, report: IndexReport) -> Store:
    """Open the index to update; a damaged one is moved aside (never deleted) and a new one started."""
    try:
        return Store.open(directory, create=True)
    except DatelineError as exc:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = directory / f"{DB_NAME}.damaged-{stamp}"
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(directory / DB_NAME) + suffix).replace(Path(str(aside) + suffix))
        for stale in directory.glob("vectors-*.faiss"):
            stale.unlink()
        report.rebuilt_because = f"{exc}; the damaged file was kept as {aside.name}"
        return Store.open(directory, create=True)


@dataclass
class _Plan:
    """What a run will change, decided from ids and keys alone (no text is kept)."""

    add: set[str] = field(default_factory=set)
    delete: set[str] = field(default_factory=set)
    replaced: set[str] = field(default_factory=set)
    """Of `delete`, the old versions of articles read again with other content."""


def _plan(
    stored: dict[str, str],
    paths: list[Path],
    prune: bool,
    report: IndexReport,
    on_problem: Callable[[Problem], None] | None,
) -> _Plan:
    """Read the files once to decide what is new, replaced, unchanged or gone."""
    by_key: dict[str, set[str]] = {}
    for article_id, key in stored.items():
        by_key.setdefault(key, set()).add(article_id)
    plan = _Plan()
    seen_keys: set[str] = set()
    for item in read_paths(paths):
        if isinstance(item, Problem):
            report.problems.append(item)
            if on_problem:
                on_problem(item)
            continue
        seen_keys.add(item.key)
        if item.id in stored or item.id in plan.add:
            if item.id in stored and item.id not in plan.delete:
                report.unchanged += 1
            else:
                report.duplicates += 1
            continue
        old_ids = by_key.get(item.key, set()) - plan.delete
        if old_ids:
            plan.delete |= old_ids
            plan.replaced |= old_ids
            report.replaced += 1
        else:
            report.added += 1
        plan.add.add(item.id)
    if prune:
        roots = [str(Path(p).resolve()) for p in paths]
        # A file that could not be read this time keeps its articles: prune only what is known gone.
        unread = {str(Path(p.path).resolve()) for p in report.problems if p.fatal and p.line is None}
        for article_id, key in stored.items():
            file_part = key.split("#", 1)[0]
            file_gone = not Path(file_part).exists()
            read_now = file_part not in unread and any(
                file_part == root or file_part.startswith(root + os.sep) for root in roots
            )
            if article_id not in plan.delete and (file_gone or (read_now and key not in seen_keys)):
                plan.delete.add(article_id)
                report.pruned += 1
    return plan


def _update(
    source: Store,
    target: Store,
    paths: list[Path],
    encoder: Encoder,
    meta: dict[str, str],
    prune: bool,
    progress: bool,
    report: IndexReport,
    on_problem: Callable[[Problem], None] | None,
) -> None:
    """Plan from ids and keys, then stream: read, chunk, embed and insert a group at a time.

    `target` is `source` for an update in place, or a new database for a rebuild, which re-embeds
    every stored article that the plan keeps. Either way the whole run is one transaction.
    """
    stored = source.article_ids()
    plan = _plan(stored, paths, prune, report, on_problem)
    carry = target is not source
    total = len(plan.add) + (len(stored) - len(plan.delete) if carry else 0)
    bar = Progress(total, "indexing", "articles") if progress and total else None
    cache = EmbedCache(target.directory / CACHE_NAME)
    sink = _Sink(target, encoder, cache, bar)
    if not carry and plan.replaced:
        _offer_old_vectors(source, sorted(plan.replaced), encoder, cache)
    target.begin()
    try:
        if carry:
            for article in source.articles():
                if article.id not in plan.delete:
                    sink.add(article)
        if plan.add:
            for item in read_paths(paths):
                # A file changed since the plan was made: what the plan does not name waits for the next run.
                if isinstance(item, Article) and item.id in plan.add:
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
        report.passages_embedded = sink.passages - sink.reused
        report.passages_reused = sink.reused
        if sink.stored or plan.delete or target.meta.get("model") != meta["model"]:
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
    directory: Path, corpus: Path, encoder_factory: Callable[[], Encoder], *, progress: bool = False
) -> IndexReport | None:
    """Build the default index over the bundled corpus when there is none yet."""
    if (directory / DB_NAME).exists():
        return None
    if not corpus.is_dir():
        raise DatelineError(f"no index at {directory} and no bundled corpus at {corpus}", "No index")
    return index_paths(directory, [corpus], encoder_factory, progress=progress)
