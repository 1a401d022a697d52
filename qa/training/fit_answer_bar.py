"""Fit when the answer line shows: its confidence's weights and bar, by cross-validation over the folds.

    .venv/bin/python -m qa.training.fit_answer_bar --root ROOT [--judge DIR] [--right exact|contained]

ROOT is qa.training.folds' layout: one folder per rtqa-train quarter with its index. Every question of
each fold is asked as a user asks it (the "nothing relevant" verdict on); where the verdict finds
quotes, the first quote's best span (qa.ranking.answer_span) and its features are kept, right when it
is a gold answer (`--right exact`) or holds one (`contained`, the default; qa.training.span_data.matches).
The judge must carry span heads (qa.training.fit_answer_span --hold-out QUARTER --write
ROOT/QUARTER/judge/span, from the fold's judge); `--judge` is one such judge for every fold.

A logistic regression over FEATURES is fitted on all folds but one and scores the one left out; the bar
is the lowest at which the left-out scores' shown lines are right at least TARGET of the time, pooled
over the folds. Prints coverage (of every question, and of the strict-answerable ones) and precision
at each bar, per fold at the chosen one, and the weights and bar for qa.config.AnswerLine, fitted
then on every fold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
from dataclasses import replace
from pathlib import Path

import numpy as np

from embeddings.judge import OnnxJudge
from qa.answering.retriever import Retriever
from qa.config import DEFAULT
from qa.evaluation import load_questions, said_matches
from qa.ranking.answer_span import FEATURES
from qa.reading.query import Query
from qa.strict import load_qrels
from qa.training.report import machine, table

TARGET = 0.9
"""The share of shown answer lines that must be right (issue: a wrong line is worse than none)."""
BARS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]

Row = tuple[str, bool, bool, bool, list[float]]
"""(fold, strict-answerable, exact, contained, features) for each question whose verdict found quotes."""


def collect(folder: Path, judge_dir: Path) -> tuple[list[Row], int, int]:
    """One fold's rows, its question count and its strict-answerable count."""
    questions = load_questions(folder / "questions.jsonl")
    strict_ids = {j.question.id for j in load_qrels(folder / "qrels.jsonl", questions)}
    line = replace(DEFAULT.search.answer_line, bar=0.0)  # every span, to fit on
    config = replace(DEFAULT.search, answer_line=line)
    r = Retriever.open(folder / "index", config=config, judge_loader=lambda: OnnxJudge(judge_dir), judge=True)
    rows: list[Row] = []
    for q in questions:
        answer = r.ask(Query(q.question, k=5, as_of=dt.date.fromisoformat(q.date)))
        if answer.said is not None:
            exact, contained = said_matches(answer.said.text, q.answers)
            rows.append((folder.name, q.id in strict_ids, exact, contained, list(answer.said.features)))
    r.close()
    print(f"{folder.name}: {len(questions)} questions, {len(rows)} with a span", flush=True)
    return rows, len(questions), len(strict_ids)


def fit(rows: list[Row], right: int) -> np.ndarray:
    """[bias, weights...] of a logistic regression for "the span is right"."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([r[4] for r in rows])
    y = np.array([r[right] for r in rows])
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    weights: np.ndarray = np.r_[model.intercept_, model.coef_[0]].astype(float)
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--folds", nargs="*", help="only these quarters (default: every folder with an index)")
    parser.add_argument("--judge", type=Path, help="this judge (with span heads) for every fold")
    parser.add_argument("--judge-name", default="judge/span", help="else each fold's judge here (default: judge/span)")
    parser.add_argument("--right", choices=["exact", "contained"], default="contained")
    args = parser.parse_args()
    folders = sorted(
        f for f in args.root.iterdir() if (f / "index").is_dir() and (not args.folds or f.name in args.folds)
    )
    right = 2 if args.right == "exact" else 3
    print(f"{len(folders)} folds; {machine()}", flush=True)
    rows: list[Row] = []
    totals: dict[str, tuple[int, int]] = {}
    for folder in folders:
        found, n, n_strict = collect(folder, args.judge or folder / args.judge_name)
        rows += found
        totals[folder.name] = (n, n_strict)
    # Out of fold: each fold scored by the weights fitted on the others.
    scores: list[float] = []
    for fold in totals:
        w = fit([r for r in rows if r[0] != fold], right)
        scores += [float(1 / (1 + np.exp(-(w[0] + np.dot(w[1:], r[4]))))) for r in rows if r[0] == fold]
    n_all = sum(t[0] for t in totals.values())
    n_strict = sum(t[1] for t in totals.values())

    def at(bar: float, fold: str | None = None) -> tuple[float, float, float, float]:
        shown = [r for r, s in zip(rows, scores, strict=True) if s >= bar and (fold is None or r[0] == fold)]
        n, ns = (n_all, n_strict) if fold is None else totals[fold]
        exact = statistics.fmean(r[2] for r in shown) if shown else float("nan")
        contained = statistics.fmean(r[3] for r in shown) if shown else float("nan")
        return len(shown) / n, sum(r[1] for r in shown) / max(ns, 1), exact, contained

    heads = ["bar", "shown (all)", "shown (strict-answerable)", "exact", "contained"]
    print(table(heads, [[f"{b:.2f}", *(f"{v:.3f}" for v in at(b))] for b in BARS]))
    good = [b for b in BARS if at(b)[2 if right == 2 else 3] >= TARGET]
    bar = min(good) if good else max(BARS)
    print(f"chosen: bar {bar:.2f} ({'lowest with' if good else 'none reaches'} {args.right} >= {TARGET})")
    print(table(["fold", *heads[1:]], [[f, *(f"{v:.3f}" for v in at(bar, f))] for f in totals]))
    w = fit(rows, right)
    names = ", ".join(f"{n} {v:.4g}" for n, v in zip(FEATURES, w[1:], strict=True))
    print(f"qa.config.AnswerLine(bar={bar}, weights=({', '.join(f'{v:.4g}' for v in w)}))  # bias, {names}")


if __name__ == "__main__":
    main()
