"""Hybrid retrieval: dense (FAISS) and keyword (FTS5) candidates, fused, filtered by date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from embeddings.encoder import Encoder, EncoderError, Vectors, load_encoder
from embeddings.vectors import VectorIndex, VectorIndexError, reconstruct
from qa.answers import Answer, Hit
from qa.errors import DatelineError
from qa.highlight import best_sentence
from qa.store import Store, load_vector_index
from qa.text import fts_query

# How many candidates each side brings to the fusion.
POOL = 100
# Weight of the keyword score (BM25 relative to the best in the pool) added to the cosine.
KEYWORD_WEIGHT = 0.3
# Below this cosine between question and best passage, nothing in the archive answers it.
RELEVANCE_BAR = 0.30


@dataclass(frozen=True, slots=True)
class Query:
    """A question and its filters; `as_of` hides everything published after that day."""

    question: str
    k: int = 5
    as_of: dt.date | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def latest(self) -> dt.date | None:
        if self.as_of and self.until:
            return min(self.as_of, self.until)
        return self.as_of or self.until


EncoderLoader = Callable[[str | None], Encoder]


def _load(model: str | None) -> Encoder:
    return load_encoder(model)


class Retriever:
    """An open index with its encoder: answers questions."""

    def __init__(self, store: Store, encoder: Encoder, vectors: VectorIndex) -> None:
        self.store = store
        self.encoder = encoder
        self.vectors = vectors
        # Date filters repeat across a batch (one as-of day per question file week): compute each once.
        self._allowed: dict[tuple[dt.date | None, dt.date | None], np.ndarray | None] = {}

    @classmethod
    def open(cls, index_dir: Path, model: str | None = None, loader: EncoderLoader = _load) -> Retriever:
        """Open the index and load the model it was built with (or `model`, which must match)."""
        store = Store.open(index_dir)
        meta = store.meta
        if not meta.get("model"):
            store.close()
            raise DatelineError(f"the index at {index_dir} is empty: add articles with `dateline index PATH...`")
        try:
            encoder = loader(model or meta.get("model_path") or None)
        except EncoderError as exc:
            store.close()
            raise DatelineError(str(exc), "Model failed") from exc
        if encoder.name != meta["model"] or str(encoder.dim) != meta.get("dim"):
            store.close()
            raise DatelineError(
                f"the index was built with model {meta['model']!r} but the question uses {encoder.name!r}; "
                "rebuild it with `dateline index --rebuild --model DIR PATH...` or drop --model",
                "Model mismatch",
            )
        try:
            vectors = load_vector_index(store)
        except VectorIndexError as exc:
            store.close()
            raise DatelineError(f"{exc}; rebuild with `dateline index --rebuild PATH...`", "Damaged index") from exc
        return cls(store, encoder, vectors)

    def close(self) -> None:
        self.store.close()

    def warm(self) -> None:
        """Load the model now rather than on the first question."""
        warm = getattr(self.encoder, "warm", None)
        if warm is not None:
            warm()

    def ask(self, query: Query) -> Answer:
        return self.ask_many([query])[0]

    def ask_many(self, queries: list[Query]) -> list[Answer]:
        """Answers for many questions; their embeddings are computed in one batch."""
        if not queries:
            return []
        vectors = self.encoder.encode_queries([q.question for q in queries])
        return [self._answer(q, vectors[i : i + 1]) for i, q in enumerate(queries)]

    def _answer(self, query: Query, qvec: Vectors) -> Answer:
        since, until = query.since, query.latest
        if (since, until) not in self._allowed:
            if len(self._allowed) > 64:
                self._allowed.clear()
            self._allowed[(since, until)] = self.store.allowed_ids(since, until)
        allowed = self._allowed[(since, until)]
        candidates: set[int] = set()
        if allowed is None or len(allowed):
            _, ids = self.vectors.search(qvec, POOL, allowed)
            candidates.update(int(i) for i in ids[0] if i >= 0)
        keyword: dict[int, float] = {}
        if match := fts_query(query.question):
            keyword = dict(self.store.keyword_search(match, POOL, since, until))
            candidates.update(keyword)
        pool = np.array(sorted(candidates), dtype=np.int64)
        cos = dict(zip(pool.tolist(), (reconstruct(self.vectors, pool) @ qvec[0]).tolist(), strict=True))
        top_kw = max(keyword.values(), default=0.0) or 1.0
        fused = {pid: cos[pid] + KEYWORD_WEIGHT * keyword.get(pid, 0.0) / top_kw for pid in cos}
        ranked = sorted(fused, key=lambda pid: -fused[pid])[: max(query.k * 4, 20)]
        passages = self.store.passages(ranked)
        hits: list[Hit] = []
        for pid in ranked:
            p = passages.get(pid)
            if p is None:
                continue  # deleted by a writer since the search began
            hits.append(Hit(len(hits) + 1, p, fused[pid], best_sentence(query.question, p.text), relevance=cos[pid]))
            if len(hits) == query.k:
                break
        best = max((h.relevance for h in hits), default=0.0)
        answer = Answer(query.question, query.as_of, since=query.since, until=query.until)
        if hits and best < RELEVANCE_BAR:
            return replace(answer, nothing_found=True, closest=tuple(hits[:3]))
        return replace(answer, hits=tuple(hits), nothing_found=not hits)
