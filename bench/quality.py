"""Retrieval quality on the news-QA benchmark, with an ablation of each ranking part.

    .venv/bin/python -m bench.quality [--index DIR]

Builds the index of the benchmark's 2,440 articles if it is not there (tens of minutes on 2 cores),
then answers the 368 questions as of their dates under each configuration and prints a table.
Each quote is read with the headline it is shown under (as `dateline eval` does); the last two
columns read the quote text alone, as the benchmark's baselines were scored.
"""

from __future__ import annotations

import argparse
import collections
import time
from dataclasses import replace
from pathlib import Path

from bench.common import EVAL, OUT, benchmark_index, machine, table
from qa.answering.retriever import Retriever
from qa.config import AnswerTypes, Candidates, Collapse, QuestionDates, Scoring, Search
from qa.evaluation import evaluate, load_questions

DEFAULT = Search()
NO_RECENCY = Scoring(recency_weight=0, window_weight=0)
PLAIN = Search(
    scoring=NO_RECENCY,
    dates=QuestionDates(enabled=False),
    answer_types=AnswerTypes(weight=0),
    collapse=Collapse(enabled=False, per_article=1000),
)
WITH_DATES = replace(PLAIN, scoring=Scoring(), dates=QuestionDates())
CONFIGS = [
    ("dense only", replace(PLAIN, candidates=Candidates(keyword=False))),
    ("keyword only (FTS5 BM25)", replace(PLAIN, candidates=Candidates(dense=False))),
    ("fused (cosine + 0.3 x relative BM25)", PLAIN),
    ("+ recency prior", replace(PLAIN, scoring=Scoring(window_weight=0))),
    ("+ dates named in the question", WITH_DATES),
    ("+ one story once", replace(WITH_DATES, collapse=Collapse(per_article=1000))),
    ("+ at most 3 passages per article", Search(answer_types=AnswerTypes(weight=0))),
    ("+ the kind of answer asked for (default)", DEFAULT),
]
KEYS = ["AR@200w", "AR@1000w", "R@1", "R@5", "R@10", "MRR@10"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index")
    args = parser.parse_args()
    benchmark_index(args.index)
    questions = load_questions(EVAL / "questions.jsonl")
    retriever = Retriever.open(args.index)
    retriever.warm()
    rows = []
    by_month: dict[str, dict[str, list[bool]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    try:
        for name, config in CONFIGS:
            variant = retriever.with_config(config)
            start = time.perf_counter()
            summary, default_records = evaluate(variant, questions)
            elapsed = time.perf_counter() - start
            quotes, quote_records = evaluate(variant, questions, headlines=False)
            if config == DEFAULT:
                for label, records in (("headline and quote", default_records), ("quote only", quote_records)):
                    for r in records:
                        words = r["words_to_answer"]
                        by_month[r["date"][:7]][label].append(words is not None and words <= 1000)
            rows.append(
                [
                    name,
                    *(f"{summary[k]:.3f}" for k in KEYS),
                    *(f"{quotes[k]:.3f}" for k in KEYS[:2]),
                    f"{elapsed / summary['questions'] * 1000:.0f}",
                ]
            )
    finally:
        retriever.close()
    print(f"rtqa-2024q1, {int(summary['questions'])} answerable questions; {machine()}")
    print(table(["ranking", *KEYS, "AR@200w, quote only", "AR@1000w, quote only", "ms/question"], rows))
    # Each month's questions on their own: how steady the default is from one period to the next.
    month_rows = [
        [month, str(len(kinds["quote only"])), *(f"{sum(v) / len(v):.3f}" for v in kinds.values())]
        for month, kinds in sorted(by_month.items())
    ]
    print(table(["questions asked in", "questions", "AR@1000w", "AR@1000w, quote only"], month_rows))


if __name__ == "__main__":
    main()
