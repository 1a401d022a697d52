"""Building and updating an index: read, chunk, embed only what changed, commit atomically."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embeddings.encoder import Encoder, Vectors, int8_missing, load_encoder
from qa.articles import Article, Passage
from qa.chunker import CHUNKER_VERSION, article_passages, embedding_text
from qa.errors import DatelineError
from qa.progress import Progress
from qa.readers import Problem, read_paths
from qa.settings import model_cache
from qa.store import DB_NAME, Store, load_vector_index, write_lock

CACHE_NAME = "embed-cache.sqlite"
EMBED_BATCH = 256


@dataclass
class IndexReport:
    """What one `dateline index` run did."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicates: int = 0
    pruned: int = 0
    passages_embedded: int = 0
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


def embed_passages(encoder: Encoder, texts: list[str], cache: EmbedCache | None, *, progress: bool) -> Vectors:
    """Vectors for the texts, longest first in batches (less padding), cached batch by batch."""
    keys = [hashlib.sha1(f"{encoder.name}\n{t}".encode()).hexdigest() for t in texts]
    known = cache.get(keys) if cache else {}
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    todo = []
    for i, key in enumerate(keys):
        if key in known:
            out[i] = np.frombuffer(known[key], dtype=np.float32)
        else:
            todo.append(i)
    todo.sort(key=lambda i: -len(texts[i]))
    bar = Progress(len(todo), "embedding", "passages") if progress and todo else None
    for b in range(0, len(todo), EMBED_BATCH):
        batch = todo[b : b + EMBED_BATCH]
        vectors = encoder.encode_passages([texts[i] for i in batch])
        out[batch] = vectors
        if cache:
            cache.put((keys[i], vectors[j].tobytes()) for j, i in enumerate(batch))
        if bar:
            bar.advance(len(batch))
    if bar:
        bar.close()
    return out


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
        carried: list[Article] = []
        if rebuild and old_meta.get("model"):
            # Keep every stored article: rebuilding re-reads them from the index, not the files.
            carried = list(existing.articles())
        if rebuild:
            existing.close()
            target_name = DB_NAME + ".new"
            with contextlib.suppress(FileNotFoundError):
                (directory / target_name).unlink()
            store = Store.open(directory, create=True, db_name=target_name)
        else:
            store = existing
            target_name = DB_NAME
        try:
            _update(store, paths, encoder, meta, carried, prune, progress, report, on_problem)
        finally:
            store.close()
        if rebuild:
            new = directory / target_name
            new.replace(directory / DB_NAME)
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


def _update(
    store: Store,
    paths: list[Path],
    encoder: Encoder,
    meta: dict[str, str],
    carried: list[Article],
    prune: bool,
    progress: bool,
    report: IndexReport,
    on_problem: Callable[[Problem], None] | None,
) -> None:
    stored = store.article_ids()  # id -> key
    by_key: dict[str, set[str]] = {}
    for article_id, key in stored.items():
        by_key.setdefault(key, set()).add(article_id)
    new: dict[str, Article] = {a.id: a for a in carried}
    carried_ids = set(new)
    seen_keys: set[str] = set()
    delete: set[str] = set()
    for item in read_paths(paths):
        if isinstance(item, Problem):
            report.problems.append(item)
            if on_problem:
                on_problem(item)
            continue
        seen_keys.add(item.key)
        if item.id in stored or item.id in new:
            if (item.id in stored and item.id not in delete) or item.id in carried_ids:
                report.unchanged += 1
            else:
                report.duplicates += 1
            continue
        old_ids = by_key.get(item.key, set()) - delete
        if old_ids:
            delete |= old_ids
            report.replaced += 1
        else:
            report.added += 1
        new[item.id] = item
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
            if article_id not in delete and (file_gone or (read_now and key not in seen_keys)):
                delete.add(article_id)
                report.pruned += 1
    chunks: list[tuple[Article, list[Passage]]] = [(a, article_passages(a)) for a in new.values()]
    texts = [embedding_text(a.title, p.text) for a, ps in chunks for p in ps]
    cache = EmbedCache(store.directory / CACHE_NAME)
    vectors = embed_passages(encoder, texts, cache, progress=progress)
    report.passages_embedded = len(texts)
    add = []
    offset = 0
    for article, passages in chunks:
        add.append((article, passages, vectors[offset : offset + len(passages)]))
        offset += len(passages)
    if add or delete or store.meta.get("model") != meta["model"]:
        store.write(add=add, delete=sorted(delete), meta=meta)
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
