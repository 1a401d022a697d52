"""Ranking steps: the fused score of each candidate, then boosts that re-order the best of them.

Each step takes the `Ranked` list and returns it re-scored; `retriever.RANKING_STEPS` lists them in
order, so a new step (a re-ranker) is one function and one line there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from embeddings.judge import JudgeReading
from qa.config import Search
from qa.index.records import StoredPassage
from qa.reading.question import Reading
from qa.search.candidates import Candidate, CandidateSource, Pool


class Texts:
    """Passages' text, fetched from the source only when a step needs it, and kept for the later ones."""

    def __init__(self, source: CandidateSource) -> None:
        self.source = source
        self.known: dict[int, StoredPassage] = {}

    def get(self, ids: list[int]) -> dict[int, StoredPassage]:
        """The passages among `ids` still in the index (a writer may have deleted some meanwhile)."""
        missing = [pid for pid in ids if pid not in self.known]
        if missing:
            self.known.update(self.source.passages(missing))
        return {pid: self.known[pid] for pid in ids if pid in self.known}

    def fetch(self, ids: list[int]) -> None:
        """Fetch these in one query (ahead of reading them one by one)."""
        self.get(ids)


@dataclass(frozen=True, slots=True)
class Read:
    """The judge's reading of a candidate (its token scores), and where the passage starts in what it read."""

    offset: int
    reading: JudgeReading


@dataclass(slots=True)
class Ranked:
    """One question's candidates with their scores, best first."""

    candidates: dict[int, Candidate]
    score: dict[int, float]
    order: list[int]
    judged: dict[int, float] = field(default_factory=dict)
    """The answer judge's logit for the candidates it read (none when it is off)."""
    read: dict[int, Read] = field(default_factory=dict)
    """Its token scores for them, when it reads tokens and has a say in the highlight."""

    def resort(self) -> None:
        self.order = sorted(self.score, key=lambda pid: -self.score[pid])


Step = Callable[[Ranked, Reading, Texts, Search], Ranked]


def fuse(pool: Pool, reading: Reading, config: Search) -> Ranked:
    """cosine + keyword_weight * bm25 / best bm25, plus a recency prior and a named window's boost."""
    cfg = config.scoring
    dense = config.candidates.dense
    hint, reference = reading.hint, reading.reference
    score: dict[int, float] = {}
    for c in pool.candidates:
        value = (c.cosine if dense else 0.0) + cfg.keyword_weight * c.keyword / pool.best_keyword
        if c.date and reference and not (hint and hint.hard):
            age = max((reference - c.date).days, 0)
            value += cfg.recency_weight * math.exp(-age / cfg.recency_days)
        if c.date and hint and not hint.hard and (hint.since or c.date) <= c.date <= (hint.until or c.date):
            value += cfg.window_weight
        score[c.id] = value
    ranked = Ranked({c.id: c for c in pool.candidates}, score, [])
    ranked.resort()
    return ranked


def favour_answer_type(ranked: Ranked, reading: Reading, texts: Texts, config: Search) -> Ranked:
    """Raise the best candidates whose headline or text holds the kind of answer asked for, if on the topic."""
    expected = reading.expected
    if expected is None:
        return ranked
    cfg = config.answer_types
    top = ranked.order[: cfg.depth]
    cosine = {pid: ranked.candidates[pid].cosine for pid in top}
    floor = max(cosine.values(), default=0.0) - cfg.margin
    for pid, p in texts.get(top).items():
        if cosine[pid] >= floor and expected.found(p.read, reading.query.question):
            ranked.score[pid] += cfg.weight
    ranked.resort()
    return ranked
