"""The answer judge as a ranking step: what it reads of a passage, and how its score enters the ranking.

The judge (embeddings/judge.py) reads each of the best fused candidates as dateline shows it (its
headline, then the passage) after its coarse age when the question is asked: a judge blind to dates
ranks by topic, and years-old stories win (shared/eval/README.md). Its probability that a passage
answers is added to the fused score, so dates, one story once and the per-article cap still apply.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import numpy.typing as npt

from embeddings.judge import Judge
from qa.config import Judging, Search
from qa.index.records import StoredPassage
from qa.ranking.highlight import sentence_scores
from qa.ranking.scoring import Ranked, Read, Step, Texts
from qa.reading.answer_types import AnswerType
from qa.reading.question import Reading

# How old a passage is when the question is asked, in a reader's words: the judge learned these.
_AGES = ((1, "today"), (7, "this week"), (14, "last week"), (31, "this month"), (366, "this year"))


def age_tag(published: dt.date | None, asked: dt.date | None) -> str:
    """ "this week", "years ago", ... ("undated" without a date; "later" after the question's day)."""
    if published is None:
        return "undated"
    if asked is None:
        return "this year"  # no day to count from: the middle of the scale
    days = (asked - published).days
    if days < 0:
        return "later"
    return next((tag for limit, tag in _AGES if days < limit), "years ago")


def judge_input(title: str, passage: str, published: dt.date | None, asked: dt.date | None) -> str:
    """What the judge reads of a passage: its age, its headline, the passage."""
    return f"{age_tag(published, asked)}: {title}. {passage}"


def probability(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit))


def _read(passage: StoredPassage, text: str, reading: Reading, cfg: Judging) -> str:
    """What the judge reads of `text` (a passage, or one of its sentences): with the passage's age
    unless `cfg.dated` is off."""
    return judge_input(passage.title, text, passage.date if cfg.dated else None, reading.reference)


def sentence_tokens(
    sentences: list[tuple[int, int]], token_spans: npt.NDArray[np.int64], offset: int
) -> list[npt.NDArray[np.int64]]:
    """For each sentence (start, end) of a passage, which of the judge's tokens lie inside it. The
    tokens' spans are in what the judge read, where the passage starts at `offset`; a sentence past
    the judge's length has none."""
    starts, ends = token_spans[:, 0] - offset, token_spans[:, 1] - offset
    return [np.flatnonzero((starts >= a) & (ends <= b)) for a, b in sentences]


def judged_by(judge: Judge) -> Step:
    """A ranking step: the judge reads the best `depth` candidates; its probability, weighted, is added.
    When it gives a say in the highlight and reads tokens, its reading of each is kept for that."""

    def step(ranked: Ranked, reading: Reading, texts: Texts, config: Search) -> Ranked:
        cfg = config.judging
        passages = texts.get(ranked.order[: cfg.depth])
        if not passages:
            return ranked
        inputs = [_read(p, p.text, reading, cfg) for p in passages.values()]
        question = reading.query.question
        if cfg.highlight and judge.reads_tokens:
            readings = judge.read(question, inputs)
            for (pid, p), text, read in zip(passages.items(), inputs, readings, strict=True):
                ranked.read[pid] = Read(len(text) - len(p.text), read)
            logits = [r.logit for r in readings]
        else:
            logits = judge.score(question, inputs).tolist()
        for pid, logit in zip(passages, logits, strict=True):
            ranked.judged[pid] = logit
            ranked.score[pid] += cfg.weight * probability(logit)
        ranked.resort()
        return ranked

    return step


def judged_sentence(question: str, text: str, read: Read, expected: AnswerType | None, cfg: Judging) -> tuple[int, int]:
    """(start, end) of the sentence of `text` the judge's reading picks: the sentence features' score
    (with `cfg.highlighting`'s weights) plus `cfg.highlight` times the judge's token scores inside the
    sentence, pooled by `cfg.pool` (their mean or best), or `cfg.unread` for a sentence past what it
    read. Ties: the earlier.

    Question words miss an answer given in other words, and the judge reading a sentence alone
    misses the one that names the question's subject; reading the whole passage, in the call that
    ranks it, the judge does better than either (docs/benchmarks.md)."""
    scored = sentence_scores(question, text, expected, cfg.highlighting)
    inside = sentence_tokens([span for span, _ in scored], read.reading.spans, read.offset)
    pool = np.max if cfg.pool == "max" else np.mean
    judged = [
        value + cfg.highlight * (float(pool(read.reading.scores[tokens])) if tokens.size else cfg.unread)
        for (_, value), tokens in zip(scored, inside, strict=True)
    ]
    best = max(range(len(scored)), key=lambda i: (judged[i], -i))
    return scored[best][0]
