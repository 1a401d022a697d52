"""`dateline eval --strict`: the benchmark's stricter measure, exactly as `score.py strict` computes it,
and how often the highlighted sentence is the one holding the answer.

A question counts when web search found, for that very question, an article holding a gold answer
and published within `within` days before it (`qrels.jsonl` beside the questions). A hit is a quote
of one of those articles holding the answer in its headline or quote, read as shown: headline, then
quote. Highlight accuracy: of the first `shown` quotes holding a gold answer, the share whose
highlighted sentence holds it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.answering.retriever import Retriever
from qa.config import DEFAULT
from qa.errors import DatelineError
from qa.evaluation import BUDGETS, EvalQuestion, norm, read_down, said_matches
from qa.present.as_json import answer_json
from qa.ranking.answers import Answer
from qa.reading.query import Query

WITHIN = 14
# Quotes a reader sees on one screen: the ones whose highlight is judged.
SHOWN = 5


@dataclass(frozen=True, slots=True)
class Judged:
    """One counted question: its relevant articles (urls) and golds."""

    question: EvalQuestion
    urls: frozenset[str]


def load_qrels(path: Path, questions: list[EvalQuestion], within: int = WITHIN) -> list[Judged]:
    """The questions that count: those with a relevant article published within `within` days up to them."""
    by_id = {q.id: q for q in questions}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatelineError(
            f"cannot read {path}: {exc.strerror}; --strict needs the benchmark's qrels.jsonl", "Bad input"
        ) from exc
    judged = []
    for line in lines:
        if not line.strip():
            continue
        rel = json.loads(line)
        q = by_id.get(str(rel["id"]))
        if q is None:
            continue
        day = dt.date.fromisoformat(q.date)
        urls = frozenset(
            r["url"]
            for r in rel["relevant"]
            if r["date"] and 0 <= (day - dt.date.fromisoformat(r["date"])).days <= within
        )
        if urls:
            judged.append(Judged(q, urls))
    return judged


def _score(judged: Judged, passages: list[dict[str, Any]]) -> tuple[int | None, int | None]:
    """(rank of the first hit in the top 10, words read to the first hit), as score.py strict reads them:
    headline, then quote; only quotes of the question's relevant articles can hit."""
    texts = [((p.get("title") or "") + " " + p["text"]).strip() for p in passages]
    return read_down(texts, [p.get("url") in judged.urls for p in passages], judged.question.answers)


def _highlights(judged: Judged, answer: Answer) -> tuple[int, int]:
    """(shown quotes holding a gold answer, of them those whose highlighted sentence holds it)."""
    golds = [norm(g) for g in judged.question.answers]
    holding = right = 0
    for hit in answer.hits[:SHOWN]:
        if any(g in norm(hit.passage.text) for g in golds):
            holding += 1
            start, end = hit.highlight
            right += any(g in norm(hit.passage.text[start:end]) for g in golds)
    return holding, right


def strict(
    retriever: Retriever,
    judged: list[Judged],
    *,
    k: int = DEFAULT.answering.eval_k,
    batch: int = 64,
    sources: tuple[str, ...] = (),
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """The strict summary (R@1/3/5/10, MRR@10, AR@200w/1000w, highlight accuracy) and, per question,
    an `ask --json` object plus its id (what score.py strict reads); `sources`: only those outlets searched."""
    ranks: dict[int, int] = {1: 0, 3: 0, 5: 0, 10: 0}
    mrr, budgets, holding, right = 0.0, dict.fromkeys(BUDGETS, 0), 0, 0
    records: list[dict[str, Any]] = []
    lines: list[tuple[bool, bool]] = []
    for i in range(0, len(judged), batch):
        chunk = judged[i : i + batch]
        queries = [
            Query(
                j.question.question, k=k, as_of=dt.date.fromisoformat(j.question.date), sources=sources, apply_bar=False
            )
            for j in chunk
        ]
        for j, answer in zip(chunk, retriever.ask_many(queries), strict=True):
            record = {"id": j.question.id, **answer_json(answer)}
            records.append(record)
            first, hit_at = _score(j, record["passages"])
            for r in ranks:
                ranks[r] += first is not None and first <= r
            mrr += 1 / first if first else 0.0
            for b in BUDGETS:
                budgets[b] += hit_at is not None and hit_at <= b
            if answer.said is not None:
                lines.append(said_matches(answer.said.text, j.question.answers))
            h, ok = _highlights(j, answer)
            holding, right = holding + h, right + ok
    n = max(len(judged), 1)
    summary: dict[str, float] = {"questions": len(judged)}
    summary.update({f"R@{r}": v / n for r, v in ranks.items()})
    summary["MRR@10"] = mrr / n
    summary.update({f"AR@{b}w": v / n for b, v in budgets.items()})
    summary["highlight"] = right / holding if holding else 0.0
    if lines:
        summary["answered"] = len(lines) / n
        summary["line exact"] = sum(e for e, _ in lines) / len(lines)
        summary["line contained"] = sum(c for _, c in lines) / len(lines)
    return summary, records
