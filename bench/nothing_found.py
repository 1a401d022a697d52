"""The "nothing relevant" bar: how often it fires on answerable and on unanswerable questions.

    .venv/bin/python -m bench.nothing_found [--index DIR]

A question of the benchmark is answerable when its answer occurs in an article dated on or before it
(see ../shared/eval/README.md); the others have no answer in the archive. A good bar says "nothing
relevant" often for the second kind and rarely for the first.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from bench.common import EVAL, OUT, machine, table
from qa.evaluation import answerable, load_questions
from qa.query import Query
from qa.retrieval import RELEVANCE_BAR, Retriever

BARS = [0.25, 0.30, 0.35, 0.40, 0.45]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index")
    args = parser.parse_args()
    questions = load_questions(EVAL / "questions.jsonl")
    retriever = Retriever.open(args.index)
    try:
        articles = ((a.date.isoformat() if a.date else None, f"{a.title} {a.text}") for a in retriever.store.articles())
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


if __name__ == "__main__":
    main()
