"""The answer span's examples: each answer-holding passage as the judge reads it, with where the gold
answer's words start and end among its tokens (qa.training.fit_answer_span learns from them)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from qa.ranking.judging import judge_input
from qa.training.data import answer_passages
from qa.training.judge_states import Reader


@dataclass(slots=True)
class SpanPassage:
    """One answer-holding passage as the judge read it."""

    day: str
    dev: bool
    question: str
    text: str
    golds: tuple[str, ...]
    states: npt.NDArray[np.float16]  # per token of the passage, its states at the layers read
    spans: npt.NDArray[np.int64]  # per token, its (start, end) in `text`
    starts: npt.NDArray[np.bool_]  # per token, whether a gold answer's mention starts there
    ends: npt.NDArray[np.bool_]  # per token, whether one ends there


def mentions(text: str, golds: tuple[str, ...]) -> list[tuple[int, int]]:
    """The (start, end) of each gold answer written out in `text`, matched as whole words, any case."""
    found = []
    for gold in golds:
        gold = gold.strip()
        if gold:
            found += [m.span() for m in re.finditer(rf"(?<!\w){re.escape(gold)}(?!\w)", text, re.I)]
    return found


def passage_only(p: SpanPassage) -> SpanPassage:
    """The passage's own tokens only (readings kept before they were cut to them)."""
    inside = p.spans[:, 0] >= 0
    if inside.all():
        return p
    return replace(p, states=p.states[inside], spans=p.spans[inside], starts=p.starts[inside], ends=p.ends[inside])


def span_passages(folder: Path, reader: Reader, dev: bool, limit: int | None = None) -> list[SpanPassage]:
    """Every answer-holding passage of `folder`'s questions whose gold answer the judge read, at most
    `limit` (spread evenly over the set)."""
    items = list(answer_passages(folder))
    if limit and len(items) > limit:
        items = [items[i] for i in np.linspace(0, len(items) - 1, limit).astype(int)]
    out = []
    for q, article, text, _, _ in items:
        golds = tuple(str(a) for a in q["answers"])
        read = judge_input(
            article.get("title") or "", text, dt.date.fromisoformat(article["date"]), dt.date.fromisoformat(q["date"])
        )
        states, token_spans = reader.states(q["question"], read)
        spans = token_spans - (len(read) - len(text))
        inside = spans[:, 0] >= 0  # the passage's own tokens, not its age's and headline's
        spans, states = spans[inside], [s[inside] for s in states]
        starts = np.zeros(len(spans), bool)
        ends = np.zeros(len(spans), bool)
        for a, b in mentions(text, golds):
            covered = np.flatnonzero((spans[:, 0] >= a) & (spans[:, 1] <= b))
            if covered.size:
                starts[covered[0]] = ends[covered[-1]] = True
        if starts.any():
            out.append(
                SpanPassage(
                    q["date"],
                    dev,
                    q["question"],
                    text,
                    golds,
                    np.hstack(states).astype(np.float16),
                    spans,
                    starts,
                    ends,
                )
            )
    return out
