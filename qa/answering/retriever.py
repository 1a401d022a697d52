"""Answering questions: an open index and its encoder, and the pipeline one question goes through.

read the question -> candidate pools (dense + keyword, inside its dates) -> fuse scores
-> RANKING_STEPS (answer types) -> the answer judge -> select (one story once, per-article cap)
-> hits -> verdict
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from embeddings.base import Encoder, EncoderError, Vectors
from embeddings.factory import question_encoder
from embeddings.judge import Judge, load_judge
from qa.config import DEFAULT, Search
from qa.errors import DatelineError
from qa.index.database import Store
from qa.index.records import Stats
from qa.ingest.articles import Article
from qa.ranking.answer_span import said
from qa.ranking.answers import Answer
from qa.ranking.collapse import first_runs, select
from qa.ranking.digest import digest
from qa.ranking.highlight import highlighted
from qa.ranking.judging import judged_by
from qa.ranking.scoring import Step, Texts, favour_answer_type, fuse
from qa.ranking.verdict import below_relevance, hits, needs_mentions, verdict
from qa.reading.query import Query
from qa.reading.question import Reading, read_question
from qa.reading.question_dates import without_dates
from qa.reading.text import as_written, holds_all, is_name, named_words, word_forms
from qa.search.candidates import ArchiveSource, Pool
from qa.search.index_source import IndexSource, local_shard
from qa.search.shard import ShardOpener
from qa.settings import model_cache

# Re-scoring steps after the fused score, in order; each is `Step` (qa.ranking.scoring).
RANKING_STEPS: tuple[Step, ...] = (favour_answer_type,)

EncoderLoader = Callable[[str | None], Encoder]
JudgeLoader = Callable[[], Judge | None]


def _load(model: str | None) -> Encoder:
    return question_encoder(model, model_cache())


def _open_source(index_dir: Path, config: Search, opener: ShardOpener | None = None) -> ArchiveSource:
    """One index, or a sharded archive (a directory with a manifest), opened and checked."""
    from qa.index.archive import is_archive

    if is_archive(index_dir):
        from qa.search.shards import ShardedSource

        return ShardedSource(index_dir, config.candidates, opener or local_shard)
    if opener is not None:
        raise DatelineError(
            f"{index_dir} is a single index; a cluster serves a sharded archive, made by "
            "`dateline index --shard-by month|quarter|year PATH...`",
            "Not an archive",
        )
    store = Store.open(index_dir)
    if not store.meta.get("model") or not store.passage_count():
        store.close()
        raise DatelineError(
            f"the index at {index_dir} holds no articles yet: add some with `dateline index PATH...`", "Empty index"
        )
    return IndexSource.opened(store, config.candidates)


class Retriever:
    """An open index with its encoder: answers questions.

    Safe to share between threads (the chat's workers): one call at a time uses the index and caches.
    """

    def __init__(
        self, source: ArchiveSource, encoder: Encoder, config: Search = DEFAULT.search, judge: Judge | None = None
    ) -> None:
        self.model_path: str | None = source.meta.get("model_path") or None
        """The model directory the index was built with (None: the bundled model)."""
        self.source = source
        self.encoder = encoder
        self.config = config
        self.judge = judge
        """The answer judge, when this install ships one and it is not turned off (None: the ranking without it)."""
        self._steps = RANKING_STEPS if self.judge is None else (*RANKING_STEPS, judged_by(self.judge))
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls,
        index_dir: Path,
        model: str | None = None,
        loader: EncoderLoader = _load,
        config: Search = DEFAULT.search,
        judge_loader: JudgeLoader = load_judge,
        *,
        judge: bool = False,
        opener: ShardOpener | None = None,
    ) -> Retriever:
        """Open the index and load the model it was built with (or `model`, which must match), and the
        answer judge when `judge` asks for it (`Settings.judge`). A sharded archive's shards are opened
        by `opener` (default: in this process)."""
        source = _open_source(index_dir, config, opener)
        meta = source.meta
        try:
            encoder = loader(model or meta.get("model_path") or None)
            answer_judge = judge_loader() if judge else None
        except EncoderError as exc:
            source.close()
            raise DatelineError(str(exc), "Model failed") from exc
        if encoder.name != meta["model"] or str(encoder.dim) != meta.get("dim"):
            source.close()
            raise DatelineError(
                f"the index was built with model {meta['model']!r} but the question uses {encoder.name!r}; "
                "rebuild it with `dateline index --rebuild --model DIR PATH...` or drop --model",
                "Model mismatch",
            )
        return cls(source, encoder, config, answer_judge)

    def with_config(self, config: Search) -> Retriever:
        """The same open index and model, ranking with another config (benchmarks compare variants).

        Close only the original: the variant shares its index (and, with the same candidate settings,
        its caches and keyword thread).
        """
        source = self.source
        if config.candidates != self.config.candidates:
            source = source.with_candidates(config.candidates)
        return Retriever(source, self.encoder, config, self.judge)

    def close(self) -> None:
        with self._lock:
            self.source.close()

    def stats(self) -> Stats:
        """What the index holds now (another process may have added to it since it was opened)."""
        with self._lock:
            return self.source.stats()

    def article(self, article_id: str) -> Article | None:
        """A whole stored article, or None when it has left the index."""
        with self._lock:
            return self.source.article(article_id)

    def articles(self) -> list[Article]:
        """Every stored article (evaluation reads them to know which questions are answerable)."""
        with self._lock:
            return list(self.source.articles())

    def refresh(self) -> None:
        """Pick up what another process indexed since this one opened (a new generation)."""
        with self._lock:
            self.source.refresh()

    def warm(self) -> None:
        """Load the model (and the word forms the verdict may need) now rather than on the first question."""
        with self._lock:
            self.encoder.warm()
            word_forms("warm")

    def ask(self, query: Query) -> Answer:
        return self.ask_many([query])[0]

    def ask_many(self, queries: list[Query]) -> list[Answer]:
        """Answers for many questions; their embeddings are computed in one batch."""
        if not queries:
            return []
        with self._lock:
            source, config = self.source, self.config
            source.refresh()
            readings = [read_question(q, source.newest_date(), source, config) for q in queries]
            keyword = source.keyword_jobs(readings)
            vectors = self.encoder.encode_queries([q.question for q in queries])
            pools = source.pools_with(readings, vectors, keyword)
            answers = [self._answer(r, p, vectors[i]) for i, (r, p) in enumerate(zip(readings, pools, strict=True))]
            return [replace(a, sources=q.sources) if q.sources else a for a, q in zip(answers, queries, strict=True)]

    def _answer(self, reading: Reading, pool: Pool, question: Vectors) -> Answer:
        """One question through the ranking steps to its answer (a period's stories, when that is all it asks)."""
        if reading.digest:
            return digest(reading, question, self.source, self.config)
        if pool.unsearched:
            note = f"not searched: {', '.join(pool.unsearched)} (that part of the archive did not answer)"
            reading = replace(reading, notes=(*reading.notes, note))
        texts = Texts(self.source)
        ranked = fuse(pool, reading, self.config)
        for step in self._steps:
            ranked = step(ranked, reading, texts, self.config)
        shown = select(ranked, reading.query.k, texts, self.source, self.config)
        shown = first_runs(highlighted(shown, ranked, reading, self.config), texts)
        found = hits(shown, ranked)
        # The words the question names, weighed only when the verdict may hang on them: a name the
        # archive never mentions, or a quote holding every word or name (on the topic, however far:
        # it lifts the question over the bar and the quote over the floor).
        missing: tuple[str, ...] = ()
        held: frozenset[int] = frozenset()
        mentions = needs_mentions(ranked, reading, self.config)
        far = below_relevance(ranked, reading, self.config) or (
            reading.query.apply_bar and any(h.relevance < self.config.verdict.quote_floor for h in found)
        )
        if mentions or far:  # each rule on its own: turning the unmentioned check off keeps the other
            asked = reading.query.question
            forms = {w: word_forms(w) for w in named_words(without_dates(asked))}
            if mentions:
                absent = set(self.source.unmentioned([f for fs in forms.values() for f in fs]))
                names_only = self.config.verdict.unmentioned_words == "names"
                missing = tuple(
                    as_written(w, asked)
                    for w, fs in forms.items()
                    if absent.issuperset(fs) and (is_name(w, asked) or not names_only)
                )
            names = {w: fs for w, fs in forms.items() if is_name(w, asked)}
            if far:
                held = frozenset(
                    h.passage.id
                    for h in found
                    if holds_all(forms, text := f"{h.passage.title} {h.passage.text}") or holds_all(names, text)
                )
        answer = verdict(reading, found, ranked, self.config, missing, held=held)
        if answer.nothing_found or not answer.hits:
            return answer  # never an answer line beside "nothing relevant"
        line = said(answer.hits, ranked, reading.query.question, self.config.answer_line)
        return replace(answer, said=line) if line else answer
