"""The answer judge as a ranking step: what it reads of a passage, and how its score enters the ranking.

The judge (embeddings/judge.py) reads each of the best fused candidates as dateline shows it (its
headline, then the passage) after its coarse age when the question is asked: a judge blind to dates
ranks by topic, and years-old stories win (shared/eval/README.md). Its probability that a passage
answers is added to the fused score, so dates, one story once and the per-article cap still apply.
"""

from __future__ import annotations

import datetime as dt
import math

from embeddings.judge import Judge
from qa.config import Judging, Search
from qa.index.records import StoredPassage
from qa.ranking.scoring import Ranked, Read, Step, Texts
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


def judged_by(judge: Judge) -> Step:
    """A ranking step: the judge reads the best `depth` candidates; its probability, weighted, is added.
    Then it reads up to `siblings` more passages of the article it ranks first, so the quote is that
    article's answering passage, not only its best-fused one. When it gives a say in the highlight and
    reads tokens, its reading of each is kept for that."""

    def judge_ids(ids: list[int], ranked: Ranked, reading: Reading, texts: Texts, cfg: Judging, spans: bool) -> None:
        passages = texts.get(ids)
        if not passages:
            return
        inputs = [_read(p, p.text, reading, cfg) for p in passages.values()]
        question = reading.query.question
        if (cfg.highlight and judge.reads_tokens) or (spans and judge.reads_spans):
            readings = judge.read(question, inputs)
            for (pid, p), text, read in zip(passages.items(), inputs, readings, strict=True):
                ranked.read[pid] = Read(len(text) - len(p.text), read)
            logits = [r.logit for r in readings]
        else:
            logits = judge.score(question, inputs).tolist()
        for pid, logit in zip(passages, logits, strict=True):
            ranked.judged[pid] = logit
            ranked.score[pid] += cfg.weight * probability(logit)

    def step(ranked: Ranked, reading: Reading, texts: Texts, config: Search) -> Ranked:
        cfg = config.judging
        if not ranked.order:
            return ranked
        spans = config.answer_line.bar is not None  # the answer line reads the spans
        judge_ids(ranked.order[: cfg.depth], ranked, reading, texts, cfg, spans)
        ranked.resort()
        if cfg.siblings and ranked.order:
            article = ranked.candidates[ranked.order[0]].article_id
            siblings = [
                pid for pid in ranked.order if pid not in ranked.judged and ranked.candidates[pid].article_id == article
            ][: cfg.siblings]
            if siblings:
                judge_ids(siblings, ranked, reading, texts, cfg, spans)
                ranked.resort()
        return ranked

    return step
