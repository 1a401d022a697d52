"""Fit the recency prior with the judge on: its weight and its half-life, measured as a user meets them.

    .venv/bin/python -m qa.training.fit_recency --set DIR --index DIR [--weights ...] [--days ...]

The probe in `../shared/eval/README.md` found most of a later period's gain in recency ("this week"
questions are under-served), and the prior was last measured with the judge off. Fit on the
training slice (qa.training.train_slice), then read the chosen pair and its neighbours on the dev set.
Prints, for each (weight, days), the strict measure (as `score.py strict`), highlight accuracy and
the loose AR@Nw, all with the shipped judge re-ranking.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from embeddings.judge import SHIPPED, OnnxJudge
from qa.answering.retriever import Retriever
from qa.config import DEFAULT
from qa.evaluation import evaluate, load_questions
from qa.strict import load_qrels, strict
from qa.training.measures import LOOSE, STRICT, Memo
from qa.training.report import machine, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, required=True, help="questions.jsonl and qrels.jsonl")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--weights", type=float, nargs="*", default=[0.2, 0.3, 0.4, 0.6])
    parser.add_argument("--days", type=float, nargs="*", default=[7.0, 14.0, 30.0])
    parser.add_argument("--no-judge", action="store_true", help="rank without the judge")
    args = parser.parse_args()
    questions = load_questions(args.set / "questions.jsonl")
    judged = load_qrels(args.set / "qrels.jsonl", questions)
    shipped = DEFAULT.search
    base = Retriever.open(args.index, config=shipped, judge_loader=lambda: None)
    judge = None if args.no_judge else Memo(OnnxJudge(SHIPPED))
    print(f"{args.set.name}: {len(questions)} questions, {len(judged)} strict; {machine()}", flush=True)
    rows = []
    for weight in args.weights:
        for days in args.days:
            config = replace(shipped, scoring=replace(shipped.scoring, recency_weight=weight, recency_days=days))
            r = Retriever(base.source, base.encoder, config, judge)
            s, _ = strict(r, judged)
            loose, _ = evaluate(r, questions)
            shipped_pair = (weight, days) == (
                DEFAULT.search.scoring.recency_weight,
                DEFAULT.search.scoring.recency_days,
            )
            name = f"{weight:g} x exp(-age / {days:g} days)" + (" (shipped)" if shipped_pair else "")
            rows.append([name, *(f"{s[k]:.3f}" for k in STRICT), *(f"{loose[k]:.3f}" for k in LOOSE)])
            print(rows[-1], flush=True)
    print(table(["recency prior", *(f"strict {k}" for k in STRICT), *(f"loose {k}" for k in LOOSE)], rows))


if __name__ == "__main__":
    main()
