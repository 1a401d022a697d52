"""`dateline eval`: answer a benchmark's questions as of their dates and score the ranked quotes.

The measures are exactly those of the reference scorer (shared/eval/score.py): AR@Nw is the share of
answerable questions whose answer lies within the first N words read down the ranked quotes; R@k and
MRR@10 count passages. A quote dated after the question counts as read, never as a hit.

What is read of a quote is what dateline shows: its headline, then the quote. The headline's words
count against the budget like the quote's; `headlines=False` scores the quote text alone, as the
benchmark's baselines (plain article windows) were scored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.answering.retriever import Retriever
from qa.config import DEFAULT
from qa.errors import DatelineError
from qa.reading.outlets import matches
from qa.reading.query import Query

# The scorer's word budgets: about one quote, about one screen (a definition, not a setting).
BUDGETS = (200, 1000)


def norm(text: str) -> str:
    """The scorer's normalisation: NFKC, lower case, punctuation to spaces, padded for whole words."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[^\w\s]", " ", text)
    return " " + re.sub(r"\s+", " ", text).strip() + " "


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    id: str
    question: str
    date: str
    answers: tuple[str, ...]


def load_questions(path: Path) -> list[EvalQuestion]:
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatelineError(f"cannot read {path}: {exc.strerror}", "Bad input") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            out.append(EvalQuestion(str(r["id"]), r["question"], r["date"], tuple(r["answers"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise DatelineError(
                f"{path}:{number}: not a benchmark question (needs id, question, date, answers): {exc}",
                "Bad input",
            ) from exc
    return out


def answerable(questions: list[EvalQuestion], articles: Iterable[tuple[str | None, str]]) -> list[EvalQuestion]:
    """Questions whose normalised answer occurs in some article dated on or before the question."""
    normed = [(date or "9999", norm(text)) for date, text in articles]
    keep = []
    for q in questions:
        golds = [norm(g) for g in q.answers]
        if any(d <= q.date and any(g in t for g in golds) for d, t in normed):
            keep.append(q)
    return keep


def read_down(texts: list[str], may_hit: list[bool], answers: tuple[str, ...]) -> tuple[int | None, int | None]:
    """Read the ranked quotes top-down as the scorer does: (rank of the first hit in the top 10, words
    read up to the answer within the largest budget). Only quotes with `may_hit` can hit; every quote
    read counts against the budget."""
    golds = [norm(g) for g in answers]
    first, read, hit_at = None, 0, None
    for r, (text, ok) in enumerate(zip(texts[:50], may_hit, strict=False), 1):
        words = text.split()
        if ok and first is None and r <= 10 and any(g in norm(text) for g in golds):
            first = r
        if ok and hit_at is None:
            for b in BUDGETS:
                seen = " ".join(words[: max(b - read, 0)])
                if seen and any(g in norm(seen) for g in golds):
                    hit_at = read + len(seen.split())
                    break
        read += len(words)
    return first, hit_at


def score_one(q: EvalQuestion, ranked: list[tuple[str, str | None]]) -> dict[str, Any]:
    """Per-question outcome: the rank of the first hit in the top 10 and the words read to the answer.

    A quote dated after the question counts as read, never as a hit."""
    first, hit_at = read_down([t for t, _ in ranked], [(d or "9999") <= q.date for _, d in ranked], q.answers)
    return {"first_rank": first, "words_to_answer": hit_at}


def said_matches(answer: str, golds: tuple[str, ...] | list[str]) -> tuple[bool, bool]:
    """(exact, contained) for an answer line: it equals a gold answer after the scorer's normalisation;
    it holds every word of one, in order, and is at most twice as many words long."""
    said = norm(answer)
    exact = any(said == norm(g) for g in golds)
    contained = any(
        norm(g).strip() and norm(g) in said and len(said.split()) <= 2 * len(norm(g).split()) for g in golds
    )
    return exact, exact or contained


def summarise(outcomes: list[dict[str, Any]]) -> dict[str, float]:
    """The measures over the questions' outcomes; with answer lines, how often one was shown
    (`answered`) and, of those, how often it was a gold answer (`line exact`) or held one (`line contained`)."""
    n = max(len(outcomes), 1)
    out: dict[str, float] = {"questions": len(outcomes)}
    for b in BUDGETS:
        out[f"AR@{b}w"] = sum(o["words_to_answer"] is not None and o["words_to_answer"] <= b for o in outcomes) / n
    for k in (1, 5, 10):
        out[f"R@{k}"] = sum(o["first_rank"] is not None and o["first_rank"] <= k for o in outcomes) / n
    out["MRR@10"] = sum(1 / o["first_rank"] for o in outcomes if o["first_rank"]) / n
    lines = [said_matches(o["answer"], o["answers"]) for o in outcomes if o.get("answer")]
    if lines:
        out["answered"] = len(lines) / n
        out["line exact"] = sum(e for e, _ in lines) / len(lines)
        out["line contained"] = sum(c for _, c in lines) / len(lines)
    return out


def evaluate(
    retriever: Retriever,
    questions: list[EvalQuestion],
    *,
    k: int = DEFAULT.answering.eval_k,
    batch: int = 64,
    headlines: bool = True,
    sources: tuple[str, ...] = (),
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Answer each answerable question as of its date; the summary and one record per question.

    Each record's passages hold the text read for each quote (with its headline unless `headlines`
    is False), so the reference scorer run on them computes the same summary. With `sources` only
    those outlets are searched, and a question counts when one of their articles answers it.
    """
    articles = (
        (a.date.isoformat() if a.date else None, f"{a.title} {a.text}")
        for a in retriever.articles()
        if not sources or matches(a.source, sources)
    )
    kept = answerable(questions, articles)
    records: list[dict[str, Any]] = []
    for i in range(0, len(kept), batch):
        chunk = kept[i : i + batch]
        queries = [
            Query(q.question, k=k, as_of=dt.date.fromisoformat(q.date), sources=sources, apply_bar=False) for q in chunk
        ]
        for q, answer in zip(chunk, retriever.ask_many(queries), strict=True):
            ranked = [
                (
                    h.passage.read if headlines else h.passage.text,
                    h.passage.date.isoformat() if h.passage.date else None,
                )
                for h in answer.hits
            ]
            records.append(
                {
                    "id": q.id,
                    "question": q.question,
                    "date": q.date,
                    "answers": list(q.answers),
                    **score_one(q, ranked),
                    "answer": answer.said.text if answer.said else None,
                    "passages": [{"text": t, "date": d} for t, d in ranked],
                }
            )
    return summarise(records), records


def summary_text(summary: dict[str, float], asked: int) -> str:
    """The summary as `dateline eval` prints it: how many questions counted, then each measure."""
    measures = "  ".join(f"{k}={v:.3f}" for k, v in summary.items() if k != "questions")
    return f"answerable questions: {int(summary['questions'])} of {asked}\n{measures}"


def write_records(path: Path, records: list[dict[str, Any]]) -> None:
    """One JSON line per question: its ranked quotes and first hit, for error analysis."""
    try:
        with open(path, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise DatelineError(f"cannot write {path}: {exc.strerror}", "Bad output") from exc
