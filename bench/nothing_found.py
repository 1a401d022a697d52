"""The "nothing relevant" bar: how often it fires on answerable and on unanswerable questions.

    .venv/bin/python -m bench.nothing_found [--index DIR]

A question of the benchmark is answerable when its answer occurs in an article dated on or before it
(see ../shared/eval/README.md); the others have no answer in the archive. A good bar says "nothing
relevant" often for the second kind and rarely for the first.

A second table does the same for the per-quote floor (quotes below it are left out of an answer that
has others): how many of the shown quotes it removes, and whether any answerable question loses every
quote holding its answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from bench.common import EVAL, OUT, benchmark_index, machine, table
from qa.answering.retriever import Retriever
from qa.config import Verdict
from qa.evaluation import answerable, load_questions, norm
from qa.reading.query import Query

RELEVANCE_BAR, QUOTE_FLOOR = Verdict().relevance_bar, Verdict().quote_floor

BARS = [0.25, 0.30, 0.35, 0.40, 0.45]
FLOORS = [0.10, 0.15, 0.20, 0.25, 0.30]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index")
    args = parser.parse_args()
    questions = load_questions(EVAL / "questions.jsonl")
    retriever = Retriever.open(benchmark_index(args.index))
    try:
        articles = ((a.date.isoformat() if a.date else None, f"{a.title} {a.text}") for a in retriever.articles())
        yes = {q.id for q in answerable(questions, articles)}
        answers = retriever.ask_many(
            [Query(q.question, k=5, as_of=dt.date.fromisoformat(q.date), apply_bar=False) for q in questions]
        )
    finally:
        retriever.close()
    best = {q.id: max((h.relevance for h in a.hits), default=0.0) for q, a in zip(questions, answers, strict=True)}
    rows = []
    for bar in BARS:
        on_yes = sum(best[i] < bar for i in yes) / len(yes)
        no = [i for i in best if i not in yes]
        on_no = sum(best[i] < bar for i in no) / max(len(no), 1)
        mark = " (default)" if bar == RELEVANCE_BAR else ""
        rows.append([f"{bar:.2f}{mark}", f"{on_yes:.1%}", f"{on_no:.1%}"])
    print(f"{len(yes)} answerable, {len(best) - len(yes)} unanswerable questions; {machine()}")
    print(table(["bar (cosine)", "'nothing relevant' on answerable", "on unanswerable"], rows))

    # The per-quote floor, over the quotes of the questions that clear the default bar.
    shown = [(q, a) for q, a in zip(questions, answers, strict=True) if best[q.id] >= RELEVANCE_BAR]
    holds = {(q.id, h.rank): any(norm(x) in norm(h.passage.read) for x in q.answers) for q, a in shown for h in a.hits}
    rows = []
    for floor in FLOORS:
        cut = {(q.id, h.rank) for q, a in shown for h in a.hits if h.relevance < floor}
        quotes_yes = [k for k in holds if k[0] in yes]
        lost = sum(
            1
            for q, a in shown
            if any(holds[(q.id, h.rank)] for h in a.hits)
            and all((q.id, h.rank) in cut for h in a.hits if holds[(q.id, h.rank)])
        )
        quotes_no = [k for k in holds if k[0] not in yes]
        mark = " (default)" if floor == QUOTE_FLOOR else ""
        rows.append(
            [
                f"{floor:.2f}{mark}",
                f"{sum(k in cut for k in quotes_yes)} of {len(quotes_yes)}",
                f"{sum(holds[k] for k in cut)}",
                f"{lost}",
                f"{sum(k in cut for k in quotes_no)} of {len(quotes_no)}",
            ]
        )
    headers = [
        "quote floor (cosine)",
        "quotes left out, answerable",
        "of them holding an answer",
        "questions losing every answer shown",
        "quotes left out, unanswerable",
    ]
    print(table(headers, rows))


if __name__ == "__main__":
    main()
