"""One story once: how many other outlets' copies are listed, and what looking for them costs.

    .venv/bin/python -m bench.copies [--index DIR] [--runs 5]

Answers the benchmark's questions as of their dates (k = 5) with settings of how far past the last
quote shown the ranking is read for copies, taking turns run by run in one process, and prints
the copies listed ("also in" entries) and the batch rate, median of the runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

from bench.common import EVAL, OUT, benchmark_index, machine, median, table
from qa.answering.retriever import Retriever
from qa.config import Collapse, Search
from qa.reading.query import Query

INF = float("inf")
SETTINGS = [
    ("the next 10 (2k), every one read (before)", 10, INF, -INF),
    ("the next 40, every one read", 40, INF, -INF),
    ("the next 40 within 0.3 of the last quote's score, every one read", 40, 0.3, -INF),
    ("the next 40 within 0.3, read if vector similarity >= 0.5 (default)", 40, 0.3, 0.5),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = [json.loads(line) for line in (EVAL / "questions.jsonl").read_text().splitlines()]
    queries = [Query(r["question"], k=5, as_of=dt.date.fromisoformat(r["date"])) for r in rows]
    retriever = Retriever.open(benchmark_index(args.index))
    rates: dict[str, list[float]] = {name: [] for name, _, _, _ in SETTINGS}
    copies: dict[str, int] = {}
    try:
        retriever.ask_many(queries[:64])  # warm: model, caches
        for _ in range(args.runs):
            for name, lookahead, gap, similar in SETTINGS:
                collapse = Collapse(copy_lookahead=lookahead, copy_gap=gap, copy_similar=similar)
                variant = retriever.with_config(Search(collapse=collapse))
                start = time.perf_counter()
                answers = variant.ask_many(queries)
                rates[name].append(len(queries) / (time.perf_counter() - start))
                copies[name] = sum(len(h.also) for a in answers for h in a.hits)
    finally:
        retriever.close()
    print(f"{len(queries)} questions, k = 5, {args.runs} runs each; {machine()}")
    out = [
        [name, str(copies[name]), f"{median(rates[name]):.1f}", f"{min(rates[name]):.1f}-{max(rates[name]):.1f}"]
        for name, _, _, _ in SETTINGS
    ]
    print(table(["read for copies after the last quote", "copies listed", "questions/s, median", "range"], out))


if __name__ == "__main__":
    main()
