"""Cross-validation over rtqa-train's quarters: each fold's judge learned from the other quarters only,
measured on its own quarter's questions, and every choice made on the folds' mean.

    # once per quarter Q (qa.training.data.QUARTERS), kept outside the repo under ROOT:
    .venv/bin/python -m qa.training.train_slice --out ROOT/Q --quarter Q
    .venv/bin/dateline index ROOT/Q/articles.jsonl --index ROOT/Q/index
    .venv/bin/python -m qa.training.train_judge --out ROOT/Q/judge --hold-out Q [the recipe's options]
    # then:
    .venv/bin/python -m qa.training.folds --root ROOT [--depths 4 8] [--weights 0.2 0.5]

A fold is a folder of ROOT holding `index/` and the judge (`judge/onnx`, or `--judge DIR` for every
fold: the shipped judge, on the quarters it never learned from). Per fold it measures the ranking
without the judge and with it at each depth and weight (strict R@1..MRR@10 and highlight accuracy as
`score.py strict` counts them, loose AR@200w/1000w), then prints each variant's mean and spread
(population standard deviation) over the folds, and the variant chosen on the folds' mean: the best
strict MRR@10 whose loose AR@1000w stays within 0.005 of the ranking without the judge. Last, "nothing
relevant" at that variant: how well the best judge logit and the best cosine separate each quarter's
strict-answerable questions from its unanswerable ones (ROC AUC). The fold judges are read with the
sentence features picking the highlight (judge highlight 0): their token head is fitted afterwards,
for the judge that ships (qa.training.fit_judge_highlight).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
from dataclasses import replace
from pathlib import Path

from embeddings.judge import OnnxJudge
from qa.answering.retriever import Retriever
from qa.config import DEFAULT
from qa.evaluation import answerable, evaluate, load_questions
from qa.reading.query import Query
from qa.strict import load_qrels, strict
from qa.training.measures import LOOSE, STRICT, Memo, auc
from qa.training.report import machine, table

WEIGHTS = [0.1, 0.2, 0.5, 1.0]
DEPTHS = [DEFAULT.search.judging.depth]
MEASURES = [*STRICT, *LOOSE]

Variant = tuple[int, float] | None
"""(depth, weight) of the judge, or None: no judge."""


def name(variant: Variant) -> str:
    return "no judge" if variant is None else f"judge, depth {variant[0]}, weight {variant[1]:g}"


def measure_fold(
    folder: Path, judge_dir: Path, variants: list[Variant], verdict: bool = False
) -> tuple[dict[Variant, dict[str, float]], dict[str, float]]:
    """Each variant's measures on one fold; with `verdict`, instead the "nothing relevant" AUCs at the
    first variant."""
    questions = load_questions(folder / "questions.jsonl")
    judged = load_qrels(folder / "qrels.jsonl", questions)
    off = replace(DEFAULT.search, judging=replace(DEFAULT.search.judging, highlight=0.0))
    base = Retriever.open(folder / "index", config=off, judge_loader=lambda: None)
    judge = Memo(OnnxJudge(judge_dir))
    print(f"{folder.name}: {len(questions)} questions, {len(judged)} strict; judge {judge_dir}", flush=True)

    def retriever(variant: Variant) -> Retriever:
        if variant is None:
            return base
        judging = replace(off.judging, depth=variant[0], weight=variant[1])
        return Retriever(base.source, base.encoder, replace(off, judging=judging), judge)

    found: dict[Variant, dict[str, float]] = {}
    for variant in [] if verdict else variants:
        s, _ = strict(retriever(variant), judged)
        loose, _ = evaluate(retriever(variant), questions)
        found[variant] = {**{k: s[k] for k in STRICT}, **{k: loose[k] for k in LOOSE}}
        print(f"  {name(variant)}: " + ", ".join(f"{k} {v:.3f}" for k, v in found[variant].items()), flush=True)
    if not verdict:
        base.close()
        return found, {}

    r = retriever(variants[0])
    articles = ((a.date.isoformat() if a.date else None, f"{a.title} {a.text}") for a in r.articles())
    loose_yes = {q.id for q in answerable(questions, articles)}
    strict_yes = {j.question.id for j in judged}
    logit, cosine = {}, {}
    for q in questions:
        judge.best = float("-inf")
        answer = r.ask(Query(q.question, k=5, as_of=dt.date.fromisoformat(q.date), apply_bar=False))
        logit[q.id], cosine[q.id] = judge.best, max((h.relevance for h in answer.hits), default=0.0)
    no = [i for i in logit if i not in loose_yes]
    aucs = {
        "best judge logit": auc([logit[i] for i in strict_yes], [logit[i] for i in no]),
        "best cosine": auc([cosine[i] for i in strict_yes], [cosine[i] for i in no]),
    }
    base.close()
    return found, aucs


def spread(values: list[float]) -> str:
    """`mean ± sd` over the folds."""
    return f"{statistics.fmean(values):.3f} ± {statistics.pstdev(values):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="one folder per quarter (see above)")
    parser.add_argument("--folds", nargs="*", help="only these quarters, e.g. 2023Q1 2023Q3 (default: all found)")
    parser.add_argument("--judge", type=Path, help="this judge for every fold (default: each fold's judge/onnx)")
    parser.add_argument("--weights", type=float, nargs="*", default=WEIGHTS)
    parser.add_argument("--depths", type=int, nargs="*", default=DEPTHS)
    args = parser.parse_args()
    folders = sorted(
        f for f in args.root.iterdir() if (f / "index").is_dir() and (not args.folds or f.name in args.folds)
    )
    if not folders:
        parser.error(f"no fold with an index under {args.root}")
    variants: list[Variant] = [None, *((d, w) for d in args.depths for w in args.weights)]
    print(f"{len(folders)} folds; {machine()}", flush=True)
    per_fold: dict[str, dict[Variant, dict[str, float]]] = {}
    for folder in folders:
        judge_dir = args.judge or folder / "judge" / "onnx"
        per_fold[folder.name], _ = measure_fold(folder, judge_dir, variants)

    def mean(variant: Variant, key: str) -> float:
        return statistics.fmean(per_fold[f][variant][key] for f in per_fold)

    floor = mean(None, "AR@1000w") - 0.005
    judged = [v for v in variants if v is not None]
    keep = [v for v in judged if mean(v, "AR@1000w") >= floor] or judged
    chosen = max(keep, key=lambda v: (mean(v, "MRR@10"), mean(v, "R@1")))
    rows = [
        [
            name(v) + (" (chosen)" if v == chosen else ""),
            *(spread([per_fold[f][v][k] for f in per_fold]) for k in MEASURES),
        ]
        for v in variants
    ]
    print(f"\nmean ± sd over {len(per_fold)} folds ({', '.join(per_fold)})")
    print(table(["ranking", *(f"strict {k}" if k in STRICT else f"loose {k}" for k in MEASURES)], rows))
    rows = [[f, *(f"{per_fold[f][v]['R@1']:.3f}" for v in (None, chosen))] for f in per_fold]
    print(table(["fold", "strict R@1, no judge", f"strict R@1, {name(chosen)}"], rows))

    aucs = {}
    for folder in folders:
        _, aucs[folder.name] = measure_fold(folder, args.judge or folder / "judge" / "onnx", [chosen], verdict=True)
    rows = [[score, spread([aucs[f][score] for f in aucs])] for score in ("best judge logit", "best cosine")]
    print(table(["score, at the chosen variant", "AUC strict-answerable vs unanswerable (mean ± sd)"], rows))


if __name__ == "__main__":
    main()
