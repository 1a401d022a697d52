"""Hybrid retrieval: dense (FAISS) and keyword (FTS5) candidates, fused, filtered by date."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from embeddings.encoder import Encoder, EncoderError, Vectors, load_encoder
from embeddings.vectors import IdSet, VectorIndex, VectorIndexError, reconstruct
from qa.errors import DatelineError
from qa.index.store import Stats, Store, StoredPassage, load_vector_index
from qa.ingest.articles import Article
from qa.search.answer_types import AnswerType, expected_type
from qa.search.answers import Answer, Copy, Hit
from qa.search.dedupe import copied_from, shingles
from qa.search.highlight import best_sentence
from qa.search.query import Query
from qa.search.question_dates import DateHint, read_dates
from qa.search.text import fts_query
from qa.settings import model_cache

# How many candidates each side brings to the fusion.
POOL = 100
# How many of the best candidates are checked for the kind of answer the question asks for.
TYPE_DEPTH = 100
# Candidates looked at past the last quote shown, for other outlets' copies of the stories shown
# (a story run by five outlets puts five copies of each passage near the top), while their score
# stays within COPY_GAP of that quote's: another headline and date move a copy's score that much.
# On the benchmark: 55 copies listed instead of 39, for about 7% of the batch rate (bench/copies.py).
COPY_LOOKAHEAD = 40
COPY_GAP = 0.3
# Copies found on the benchmark are all at least 0.55 in vector similarity to the quote they copy;
# below 0.5 a candidate is not read at all (half of them).
COPY_SIMILAR = 0.5
# Below this cosine between question and best passage, nothing in the archive answers it.
RELEVANCE_BAR = 0.30
# Below this cosine a quote is off the question's topic (a stray keyword match, the only article
# left in a date range): it is left out even when other quotes clear the bar.
QUOTE_FLOOR = 0.15


@dataclass(frozen=True, slots=True)
class Ranking:
    """How candidates are scored; each part can be switched off for an ablation (bench/quality.py)."""

    dense: bool = True
    keyword: bool = True
    keyword_weight: float = 0.3
    """Weight of BM25 relative to the best BM25 in the pool, added to the cosine."""
    recency_weight: float = 0.2
    recency_days: float = 14.0
    """Recency prior: weight * exp(-age / days), age counted back from the as-of day (or the archive's newest)."""
    window_weight: float = 0.1
    """Boost for passages inside a vague period the question names ("this week")."""
    question_dates: bool = True
    answer_type_weight: float = 0.3
    """Boost for a passage (with its headline) holding the kind of answer asked for ("which country")."""
    type_margin: float = 0.2
    """Only passages this close in cosine to the best candidate get that boost: on the question's topic."""
    collapse: bool = True
    per_article: int = 3
    """At most this many passages of one article in an answer."""
    title_weight: float = 0.5
    """BM25 weight of the headline column against the passage text (1.0)."""
    common_words: float = 0.02
    """Single words found in more than this share of passages are left out of the keyword search:
    BM25 gives them almost no weight, and dropping them makes it several times faster (0: keep all)."""


EncoderLoader = Callable[[str | None], Encoder]
# since, until, the period the question names (if any), and notes on how the question was read.
Filters = tuple[dt.date | None, dt.date | None, DateHint | None, list[str]]


def _load(model: str | None) -> Encoder:
    return load_encoder(model, cache_dir=model_cache())


class Retriever:
    """An open index with its encoder: answers questions.

    Safe to share between threads (the chat's workers): one call at a time uses the index and caches.
    """

    def __init__(self, store: Store, encoder: Encoder, vectors: VectorIndex, ranking: Ranking | None = None) -> None:
        self.store = store
        self.encoder = encoder
        self.vectors = vectors
        self.ranking = ranking or Ranking()
        self.newest = store.newest_date()
        self.generation = store.generation
        self._passages = store.passage_count()
        self._df: dict[str, int] = {}
        # Date filters repeat across a batch (one as-of day per question file week): compute each once.
        self._allowed: dict[tuple[dt.date | None, dt.date | None], IdSet | None] = {}
        # Keyword searches run on a thread of their own with its own connection: SQLite works without
        # the GIL, so they overlap with encoding the questions and with ranking in Python.
        self._keyword_pool: ThreadPoolExecutor | None = None
        self._keyword_store: Store | None = None
        self._lock = threading.RLock()

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
        with self._lock:
            if self._keyword_pool is not None:
                self._keyword_pool.shutdown(wait=True)
            if self._keyword_store is not None:
                self._keyword_store.close()
            self.store.close()

    def stats(self) -> Stats:
        """What the index holds now (another process may have added to it since it was opened)."""
        with self._lock:
            return self.store.stats()

    def article(self, article_id: str) -> Article | None:
        """A whole stored article, or None when it has left the index."""
        with self._lock:
            return self.store.article(article_id)

    def refresh(self) -> None:
        """Pick up what another process indexed since this one opened (a new generation)."""
        with self._lock:
            self._refresh()

    def _refresh(self) -> None:
        generation = self.store.generation
        if generation != self.generation:
            self.vectors = load_vector_index(self.store)
            self.newest = self.store.newest_date()
            self._allowed.clear()
            self._df.clear()
            self._passages = self.store.passage_count()
            self.generation = generation

    def warm(self) -> None:
        """Load the model now rather than on the first question."""
        warm = getattr(self.encoder, "warm", None)
        if warm is not None:
            with self._lock:
                warm()

    def ask(self, query: Query) -> Answer:
        return self.ask_many([query])[0]

    def ask_many(self, queries: list[Query]) -> list[Answer]:
        """Answers for many questions; their embeddings are computed in one batch."""
        if not queries:
            return []
        with self._lock:
            return self._ask_many(queries)

    def _ask_many(self, queries: list[Query]) -> list[Answer]:
        self._refresh()
        filters = [self._filters(q) for q in queries]
        keyword = [
            self._submit_keyword(q, since, until) for q, (since, until, _, _) in zip(queries, filters, strict=True)
        ]
        vectors = self.encoder.encode_queries([q.question for q in queries])
        # All questions are searched together, each inside its own date range: one pass over the vectors.
        dense: list[list[int]] = [[] for _ in queries]
        if self.ranking.dense:
            allowed = [self._allowed_ids(since, until) for since, until, _, _ in filters]
            _, ids = self.vectors.search(vectors, POOL, allowed)
            dense = [[int(pid) for pid in row if pid >= 0] for row in ids.tolist()]
        return [
            self._answer(q, vectors[i : i + 1], filters[i], dense[i], job.result() if job is not None else {})
            for i, (q, job) in enumerate(zip(queries, keyword, strict=True))
        ]

    def _submit_keyword(
        self, query: Query, since: dt.date | None, until: dt.date | None
    ) -> Future[dict[int, float]] | None:
        """Start the question's keyword search on the keyword thread (None when it has no keywords)."""
        if not self.ranking.keyword or not (match := fts_query(query.question, self._informative)):
            return None
        if self._keyword_pool is None:
            self._keyword_store = Store.open(self.store.directory)
            self._keyword_pool = ThreadPoolExecutor(1, thread_name_prefix="dateline-keyword")
        assert self._keyword_store is not None
        allowed = self._allowed_ids(since, until)
        return self._keyword_pool.submit(self._keyword, self._keyword_store, match, since, until, allowed)

    def _informative(self, word: str) -> bool:
        """False for a word in more than `common_words` of the passages (cached per word)."""
        if not self.ranking.common_words:
            return True
        if word not in self._df:
            if len(self._df) > 100_000:
                self._df.clear()
            self._df[word] = self.store.document_frequency(word)
        # A small archive keeps every word: there the search is fast anyway.
        return self._df[word] <= max(self.ranking.common_words * self._passages, 100)

    def _allowed_ids(self, since: dt.date | None, until: dt.date | None) -> IdSet | None:
        if (since, until) not in self._allowed:
            # Each set holds up to one id per passage (and a selector and a sorted copy): bound the
            # cache by ids, not entries, so a million-passage archive stays within its memory.
            if len(self._allowed) > 64 or sum(len(a) for a in self._allowed.values() if a) > 4_000_000:
                self._allowed.clear()
            ids = self.store.allowed_ids(since, until)
            self._allowed[(since, until)] = None if ids is None else IdSet(ids)
        return self._allowed[(since, until)]

    def _filters(self, query: Query) -> Filters:
        """The date range to search: the user's filters narrowed by a period the question names."""
        since, until = query.since, query.latest
        reference = query.as_of or self.newest or dt.date.today()
        hint = read_dates(query.question, reference) if self.ranking.question_dates else None
        notes: list[str] = []
        if hint is None or not hint.hard:
            return since, until, hint, notes
        h_since = max(filter(None, (since, hint.since)), default=None)
        h_until = min(filter(None, (until, hint.until)), default=None)
        allowed = self._allowed_ids(h_since, h_until)
        if (h_since and h_until and h_since > h_until) or (allowed is not None and not len(allowed)):
            notes.append(f"the question names {hint.label}, but the archive has nothing from then; searched all dates")
            return since, until, None, notes
        span = f"{h_since or 'the start'} to {h_until or 'the end'}"
        notes.append(f"read as asking about {hint.label}: searched articles from {span}")
        return h_since, h_until, hint, notes

    def _keyword(
        self, store: Store, match: str, since: dt.date | None, until: dt.date | None, allowed: IdSet | None
    ) -> dict[int, float]:
        """The best POOL keyword matches within the dates (`allowed`: the ids there, None for all), by BM25."""
        weight = self.ranking.title_weight
        if allowed is None:
            return dict(store.keyword_search(match, POOL, None, None, weight))
        # Most matches usually lie inside the range (an as-of day hides only what came after), and
        # ranking without the date join costs a third less: rank a deeper pool unfiltered, keep the
        # allowed, and fall back to the filtered search only when too few survive. Same result.
        found = store.keyword_search(match, 4 * POOL, None, None, weight)
        inside = allowed.contains(np.array([pid for pid, _ in found], dtype=np.int64))
        kept = [hit for hit, ok in zip(found, inside.tolist(), strict=True) if ok][:POOL]
        if len(kept) < POOL and len(found) == 4 * POOL:
            return dict(store.keyword_search(match, POOL, since, until, weight))
        return dict(kept)

    def _answer(
        self, query: Query, qvec: Vectors, filters: Filters, dense: list[int], keyword: dict[int, float]
    ) -> Answer:
        cfg = self.ranking
        _, _, hint, notes = filters
        reference = query.as_of or self.newest
        candidates: set[int] = set(dense) | set(keyword)
        pool = np.array(sorted(candidates), dtype=np.int64)
        cos = dict(zip(pool.tolist(), (reconstruct(self.vectors, pool) @ qvec[0]).tolist(), strict=True))
        facts = self.store.passage_facts(pool.tolist())
        top_kw = max(keyword.values(), default=0.0) or 1.0
        score: dict[int, float] = {}
        for pid, (_, date) in facts.items():
            value = (cos[pid] if cfg.dense else 0.0) + cfg.keyword_weight * keyword.get(pid, 0.0) / top_kw
            if date and reference and not (hint and hint.hard):
                age = max((reference - date).days, 0)
                value += cfg.recency_weight * math.exp(-age / cfg.recency_days)
            if date and hint and not hint.hard and (hint.since or date) <= date <= (hint.until or date):
                value += cfg.window_weight
            score[pid] = value
        ranked = sorted(score, key=lambda pid: -score[pid])
        texts: dict[int, StoredPassage] = {}
        expected = expected_type(query.question) if cfg.answer_type_weight else None
        if expected is not None:
            texts = self._favour_type(query.question, expected, ranked[:TYPE_DEPTH], score, cos)
            ranked = sorted(score, key=lambda pid: -score[pid])
        hits = self._select(query, ranked, facts, score, cos, texts, expected)
        best = max((h.relevance for h in hits), default=0.0)
        answer = Answer(query.question, query.as_of, since=query.since, until=query.until, notes=tuple(notes))
        if hits and best < RELEVANCE_BAR and query.apply_bar:
            return replace(answer, nothing_found=True, closest=tuple(hits[:3]))
        if query.apply_bar:
            on_topic = [h for h in hits if h.relevance >= QUOTE_FLOOR]
            hits = [replace(h, rank=rank) for rank, h in enumerate(on_topic, 1)]
        return replace(answer, hits=tuple(hits), nothing_found=not hits)

    def _favour_type(
        self, question: str, expected: AnswerType, top: list[int], score: dict[int, float], cos: dict[int, float]
    ) -> dict[int, StoredPassage]:
        """Raise the best candidates whose headline or text holds the kind of answer asked for; their texts."""
        texts = self.store.passages(top)
        floor = max((cos[pid] for pid in top), default=0.0) - self.ranking.type_margin
        for pid, p in texts.items():
            if cos[pid] >= floor and expected.found(p.read, question):
                score[pid] += self.ranking.answer_type_weight
        return texts

    def _maybe_copies(self, shown: list[int], after: list[int]) -> set[int]:
        """Of the candidates after the last quote, those whose vector is close enough to a shown
        quote's to be a copy of it (text and headline embedded together: another outlet's headline
        and cut keep a copy above COPY_SIMILAR); only their texts are fetched and compared."""
        if not after:
            return set()
        near = (
            reconstruct(self.vectors, np.array(after, dtype=np.int64))
            @ reconstruct(self.vectors, np.array(shown, dtype=np.int64)).T
        ).max(axis=1)
        return {pid for pid, sim in zip(after, near.tolist(), strict=True) if sim >= COPY_SIMILAR}

    @staticmethod
    def _twin(
        p: StoredPassage, sh: frozenset[int], kept: list[tuple[StoredPassage, frozenset[int], list[Copy]]]
    ) -> tuple[StoredPassage, frozenset[int], list[Copy]] | None:
        """The hit shown from another article that `p` copies, if any."""
        others = [k for k in kept if k[0].article_id != p.article_id]
        found = copied_from(sh, [k[1] for k in others])
        return None if found is None else others[found]

    def _select(
        self,
        query: Query,
        ranked: list[int],
        facts: dict[int, tuple[str, dt.date | None]],
        score: dict[int, float],
        cos: dict[int, float],
        texts: dict[int, StoredPassage],
        expected: AnswerType | None,
    ) -> list[Hit]:
        """The top k, one story once (copies listed under the first), at most `per_article` per article."""
        kept: list[tuple[StoredPassage, frozenset[int], list[Copy]]] = []
        per_article: dict[str, int] = {}
        full_at, last = None, 0.0
        maybe: set[int] = set()
        for n, pid in enumerate(ranked):
            if full_at is not None and (n > full_at + COPY_LOOKAHEAD or score[pid] < last - COPY_GAP):
                break  # enough were looked at for copies of the stories shown
            capped = per_article.get(facts[pid][0], 0) >= self.ranking.per_article
            if capped and not self.ranking.collapse:
                continue
            if full_at is not None and pid not in maybe:
                continue
            if pid not in texts:
                # Text is fetched only for passages that may be shown, a few at a time.
                texts.update(self.store.passages(ranked[n : n + 2 * query.k]))
            p = texts.get(pid)
            if p is None:
                continue  # deleted by a writer since the search began
            sh = shingles(p.text) if self.ranking.collapse else frozenset()
            twin = self._twin(p, sh, kept) if self.ranking.collapse else None
            if twin is not None:
                if all(c.article_id != p.article_id for c in twin[2]):
                    twin[2].append(Copy(p.source, p.date, p.title, p.url, p.article_id, p.id))
                continue
            if full_at is not None or capped:
                continue  # a capped article's passage is read only as another outlet's copy
            kept.append((p, sh, []))
            per_article[p.article_id] = per_article.get(p.article_id, 0) + 1
            if len(kept) == query.k:
                full_at, last = n, score[pid]
                if not self.ranking.collapse:
                    break
                after = ranked[n + 1 : n + 1 + COPY_LOOKAHEAD]
                maybe = self._maybe_copies([k[0].id for k in kept], after)
                texts.update(self.store.passages([c for c in maybe if c not in texts]))
        return [
            Hit(
                rank,
                p,
                score[p.id],
                best_sentence(query.question, p.text, expected),
                also=tuple(sorted(copies, key=lambda c: (c.date or dt.date.max, c.source))),
                relevance=cos[p.id],
            )
            for rank, (p, _, copies) in enumerate(kept, 1)
        ]
