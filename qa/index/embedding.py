"""Embedding an indexing run's passages: from the embed cache or the encoder, longest first, a
group at a time inside the run's transaction."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable

import numpy as np

from embeddings.base import Encoder, Vectors
from qa.config import DEFAULT, Config
from qa.index.database import Store
from qa.index.embed_cache import EmbedCache
from qa.ingest.articles import Article, Passage
from qa.ingest.chunker import article_passages, embedding_text
from qa.progress import Progress


def embed_passages(
    encoder: Encoder,
    texts: list[str],
    cache: EmbedCache | None,
    on_batch: Callable[[int], None] | None = None,
    batch_size: int = DEFAULT.indexing.embed_batch,
) -> tuple[Vectors, int]:
    """Vectors for the texts, longest first in batches (less padding), cached batch by batch, and how
    many came from the cache.

    `on_batch(n)` is told after each batch how many texts are done so far (cached ones included).
    """
    keys = [cache_key(encoder, t) for t in texts]
    known = cache.get(keys) if cache else {}
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    todo = []
    for i, key in enumerate(keys):
        if key in known:
            out[i] = np.frombuffer(known[key], dtype=np.float32)
        else:
            todo.append(i)
    todo.sort(key=lambda i: -len(texts[i]))
    for b in range(0, len(todo), batch_size):
        batch = todo[b : b + batch_size]
        vectors = encoder.encode_passages([texts[i] for i in batch])
        out[batch] = vectors
        if cache:
            cache.put((keys[i], vectors[j].tobytes()) for j, i in enumerate(batch))
        if on_batch:
            on_batch(len(texts) - len(todo) + b + len(batch))
    return out, len(texts) - len(todo)


def cache_key(encoder: Encoder, text: str) -> str:
    """The embed cache's key for a text embedded by this encoder."""
    return hashlib.sha1(f"{encoder.name}\n{text}".encode()).hexdigest()


def offer_old_vectors(store: Store, article_ids: list[str], encoder: Encoder, cache: EmbedCache) -> None:
    """Put the vectors of articles about to be replaced in the embed cache: an edited article
    re-embeds only the passages whose text (or headline) changed."""
    rows = store.passage_vectors(article_ids)
    while batch := list(itertools.islice(rows, 2048)):
        cache.put((cache_key(encoder, embedding_text(title, text)), vector) for title, text, vector in batch)


class PassageSink:
    """Chunks, embeds and stores articles a group at a time inside the run's one transaction.

    Memory holds one group of passages, never the whole corpus; each group's vectors also go to the
    embed cache, so a run interrupted before its commit resumes without embedding them again.
    """

    def __init__(self, store: Store, encoder: Encoder, cache: EmbedCache, bar: Progress | None, config: Config) -> None:
        self.config = config
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
        passages = article_passages(article, self.config.chunking)
        self.pending.append((article, passages))
        self.pending_passages += len(passages)
        if self.pending_passages >= self.config.indexing.group_passages:
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

        vectors, reused = embed_passages(self.encoder, texts, self.cache, advance, self.config.indexing.embed_batch)
        self.reused += reused
        offset = 0
        for article, passages in self.pending:
            self.stored += self.store.insert(article, passages, vectors[offset : offset + len(passages)])
            offset += len(passages)
        self.passages += len(texts)
        if self.bar and len(self.pending) > credited:
            self.bar.advance(len(self.pending) - credited)
        self.pending, self.pending_passages = [], 0
