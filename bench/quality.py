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
import dataclasses
import time
from pathlib import Path

from bench.common import EVAL, OUT, benchmark_index, machine, table
from qa.evaluation import evaluate, load_questions
from qa.search.retriever import Ranking, Retriever

DEFAULT = Ranking()
PLAIN = Ranking(
    recency_weight=0, window_weight=0, question_dates=False, answer_type_weight=0, collapse=False, per_article=1000
)
CONFIGS = [
    ("dense only", dataclasses.replace(PLAIN, keyword=False)),
    ("keyword only (FTS5 BM25)", dataclasses.replace(PLAIN, dense=False)),
    ("fused (cosine + 0.3 x relative BM25)", PLAIN),
    ("+ recency prior", dataclasses.replace(PLAIN, recency_weight=DEFAULT.recency_weight)),
    (
        "+ dates named in the question",
        dataclasses.replace(
            PLAIN, recency_weight=DEFAULT.recency_weight, window_weight=DEFAULT.window_weight, question_dates=True
        ),
    ),
    (
        "+ one story once",
        dataclasses.replace(
            PLAIN,
            recency_weight=DEFAULT.recency_weight,
            window_weight=DEFAULT.window_weight,
            question_dates=True,
            collapse=True,
        ),
    ),
    ("+ at most 3 passages per article", Ranking(answer_type_weight=0)),
    ("+ the kind of answer asked for (default)", Ranking()),
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
        for name, ranking in CONFIGS:
            retriever.ranking = ranking
            start = time.perf_counter()
            summary, default_records = evaluate(retriever, questions)
            elapsed = time.perf_counter() - start
            quotes, quote_records = evaluate(retriever, questions, headlines=False)
            if ranking == DEFAULT:
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
