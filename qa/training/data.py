"""Reading the training data: the rtqa sets beside this checkout, the held-out span, answer-holding passages."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from qa.evaluation import norm
from qa.ingest.chunker import chunk, sentence_spans
from qa.ranking.judging import judge_input

ROOT = Path(__file__).resolve().parents[2]
"""The checkout: `../shared/eval` lies beside it."""
TRAIN = ROOT.parent / "shared" / "eval" / "rtqa-train"
DEV = TRAIN.parent / "rtqa-2024q1"
# Training questions asked in this span are held out of the judge's data: dateline's ranking, the
# judge's weight in it and the "nothing relevant" bar are fitted on them (qa.training.train_slice).
HOLD_OUT = ("2023-01-01", "2023-03-31")

Record = dict[str, Any]
"""One JSON line of an rtqa file (a question, an article, a search result or a qrels entry)."""


QUARTERS = ("2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q2", "2024Q3", "2024Q4")
"""rtqa-train's quarters (2024 Q1 is the dev set): the folds of cross-validation (qa.training.folds)."""


def held_out(day: str, span: tuple[str, str] = HOLD_OUT) -> bool:
    """Whether a question asked on `day` (ISO) is in `span` (first and last day, ISO)."""
    return span[0] <= day <= span[1]


def quarter_span(name: str) -> tuple[str, str]:
    """A quarter's first and last day, ISO: "2023Q2" -> ("2023-04-01", "2023-06-30")."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", name.strip().upper())
    if match is None:
        raise ValueError(f"not a quarter: {name!r} (write it like 2023Q2)")
    year, q = match.group(1), int(match.group(2))
    first = 3 * q - 2
    last = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}[q]
    return f"{year}-{first:02d}-01", f"{year}-{last}"


def quarter_of(day: str) -> str:
    """The quarter of an ISO day: "2023-05-17" -> "2023Q2"."""
    return f"{day[:4]}Q{(int(day[5:7]) - 1) // 3 + 1}"


def rows(folder: Path, name: str) -> list[Record]:
    """The records of `folder/name`, or of `name.gz` beside it when the plain file is not there."""
    path = folder / name
    if path.exists():
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with gzip.open(path.with_name(name + ".gz"), "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dated_input(title: str, passage: str, published: str | None, asked: str) -> str:
    """The judge's input for a passage, its age read from ISO dates (None: undated)."""
    day = dt.date.fromisoformat
    return judge_input(title, passage, day(published) if published else None, day(asked))


def answer_passages(folder: Path) -> Iterator[tuple[Record, Record, str, list[tuple[int, int]], np.ndarray]]:
    """(question, article, passage, its sentences' spans, which of them hold the answer) for every
    answer-holding passage of each question's search results, dated on or before it."""
    by_url = {a["url"]: a for a in rows(folder, "articles.jsonl")}
    search = {r["id"]: r["urls"] for r in rows(folder, "search.jsonl")}
    for q in rows(folder, "questions.jsonl"):
        golds = [norm(g) for g in q["answers"]]
        for url in search.get(q["id"], []):
            a = by_url.get(url)
            if a is None or not a.get("date") or a["date"] > q["date"]:
                continue
            for p in chunk(url, a["text"], a.get("title") or ""):
                if not any(g in norm(p.text) for g in golds):
                    continue
                spans = [(s.start, s.end) for s in sentence_spans(p.text, 0, len(p.text))] or [(0, len(p.text))]
                right = np.array([any(g in norm(p.text[s:e]) for g in golds) for s, e in spans], float)
                if right.any():  # an answer across two sentences has no right pick
                    yield q, a, p.text, spans, right
