"""What the fits measure with: the judge with its scores remembered, ROC AUC, and the measures' names."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embeddings.judge import Judge, JudgeReading, Scores
from qa.ranking.answers import Hit
from qa.ranking.judging import judge_input

STRICT = ["R@1", "R@3", "R@5", "R@10", "MRR@10", "highlight"]
LOOSE = ["AR@200w", "AR@1000w"]


class Memo:
    """The judge with its scores remembered (every weight re-ranks the same candidates), and the best
    score of its latest call."""

    def __init__(self, judge: Judge) -> None:
        self.judge, self.known, self.best = judge, dict[tuple[str, str], float](), float("-inf")
        self.readings: dict[tuple[str, str], JudgeReading] = {}

    @property
    def name(self) -> str:
        return self.judge.name

    @property
    def reads_tokens(self) -> bool:
        return self.judge.reads_tokens

    @property
    def reads_spans(self) -> bool:
        return self.judge.reads_spans

    def read(self, question: str, passages: list[str]) -> list[JudgeReading]:
        missing = [p for p in passages if (question, p) not in self.readings]
        for p, r in zip(missing, self.judge.read(question, missing) if missing else [], strict=True):
            self.readings[(question, p)] = r
            self.known[(question, p)] = r.logit
        out = [self.readings[(question, p)] for p in passages]
        self.best = max([self.best, *(r.logit for r in out)])
        return out

    def score(self, question: str, passages: list[str]) -> Scores:
        missing = [p for p in passages if (question, p) not in self.known]
        if missing:
            for p, s in zip(missing, self.judge.score(question, missing).tolist(), strict=True):
                self.known[(question, p)] = s
        scores = np.array([self.known[(question, p)] for p in passages], dtype=np.float32)
        self.best = max(self.best, float(scores.max(initial=float("-inf"))))
        return scores


def undated_scores(judge: Judge, question: str, hits: Sequence[Hit]) -> list[float]:
    """The judge's logits for quotes read without their age: what it makes of the text alone."""
    blind = [judge_input(h.passage.title, h.passage.text, None, None) for h in hits]
    scores: list[float] = judge.score(question, blind).tolist() if blind else [float("-inf")]
    return scores


def auc(positive: list[float], negative: list[float]) -> float:
    """The chance a random positive scores above a random negative (ties count half)."""
    if not positive or not negative:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positive for n in negative)
    return wins / (len(positive) * len(negative))
