"""Batch answering rate, warm: the benchmark's 368 questions against its index.

    .venv/bin/python -m bench.batch_speed [--index DIR] [--runs 3]

The model is loaded before the clock starts; each run answers every question as of its date and
writes JSON Lines to a scratch file, as `dateline batch` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import time
from pathlib import Path

from bench.common import EVAL, OUT, benchmark_index, machine, median, table
from qa.answering.retriever import Retriever
from qa.batch.questions import Question
from qa.batch.running import run_batch
from qa.batch.writing import Writer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    benchmark_index(args.index)
    rows = [json.loads(line) for line in (EVAL / "questions.jsonl").read_text().splitlines()]
    questions = [Question(r["id"], r["question"], i, dt.date.fromisoformat(r["date"])) for i, r in enumerate(rows, 1)]
    retriever = Retriever.open(args.index)
    retriever.warm()
    rates = []
    try:
        for _ in range(args.runs):
            sink = io.StringIO()
            start = time.perf_counter()
            summary = run_batch(
                retriever, questions, Writer(sink, "jsonl", fresh=True), k=5, as_of=None, progress=False
            )
            rates.append(len(questions) / (time.perf_counter() - start))
        passages = retriever.stats().passages
    finally:
        retriever.close()
    print(f"{len(questions)} questions, {passages:,} passages, median of {args.runs} runs; {machine()}")
    spread = f"{min(rates):.1f}–{max(rates):.1f}"
    print(
        table(
            ["what", "questions/s (median)", "runs ranged"], [["dateline batch, warm", f"{median(rates):.1f}", spread]]
        )
    )
    print(f"last run: {summary}")


if __name__ == "__main__":
    main()
