"""Fit and measure dateline's use of the answer judge: its weight in the ranking and the "nothing relevant" bar.

    .venv/bin/python -m qa.training.fit_judge --set DIR --index DIR [--judge DIR] [--bar LOGIT]

`--set` is a folder laid out like `../shared/eval/rtqa-2024q1` (questions.jsonl, qrels.jsonl): fit on
the training slice (qa.training.train_slice, questions the judge never learned from), then run the same
on the dev set with the fitted `--bar` to choose and report. Prints, for the ranking without the
judge and with it at each weight, the strict measure (as `score.py strict`), highlight accuracy and
the loose AR@Nw; then, at the chosen weight, how well the best judge score and the best cosine
separate answerable from unanswerable questions (ROC AUC) and the trade-off at each bar.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import replace
from pathlib import Path

from embeddings.judge import SHIPPED, OnnxJudge
from qa.answering.retriever import Retriever
from qa.config import DEFAULT, AnswerTypes, Judging, QuestionDates, Scoring
from qa.evaluation import EvalQuestion, answerable, evaluate, load_questions
from qa.reading.query import Query
from qa.strict import Judged, load_qrels, strict
from qa.training.measures import LOOSE, STRICT, Memo, auc, undated_scores
from qa.training.report import machine, table

WEIGHTS = [0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 100.0]
HIGHLIGHTS = [1.0]


def rules(base: Retriever, questions: list[EvalQuestion], judged: list[Judged]) -> None:
    """The rules tuned by hand on the dev set, each left out in turn (no judge)."""
    plain = DEFAULT.search
    variants = [
        ("all rules (today's ranking)", plain),
        ("without the answer-type boost", replace(plain, answer_types=AnswerTypes(weight=0))),
        ("without dates named in questions", replace(plain, dates=QuestionDates(enabled=False))),
        ("without the recency prior", replace(plain, scoring=Scoring(recency_weight=0))),
        ("recency prior doubled (0.4)", replace(plain, scoring=Scoring(recency_weight=0.4))),
    ]
    rows = []
    for name, config in variants:
        r = base.with_config(config)
        s, _ = strict(r, judged)
        loose, _ = evaluate(r, questions)
        rows.append([name, *(f"{s[k]:.3f}" for k in STRICT[:-1]), *(f"{loose[k]:.3f}" for k in LOOSE)])
        print(rows[-1], flush=True)
    print(table(["rules", *(f"strict {k}" for k in STRICT[:-1]), *(f"loose {k}" for k in LOOSE)], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, required=True, help="questions.jsonl and qrels.jsonl")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--judge", type=Path, default=SHIPPED)
    parser.add_argument("--weights", type=float, nargs="*", default=WEIGHTS)
    parser.add_argument(
        "--weight", type=float, help="the chosen weight (default: the best strict MRR@10 here, keeping loose AR@1000w)"
    )
    parser.add_argument("--bar", type=float, help="a bar fitted elsewhere, to report here")
    parser.add_argument(
        "--highlights", type=float, nargs="*", default=HIGHLIGHTS, help="the judge's weights in picking the highlight"
    )
    parser.add_argument("--depth", type=int, default=DEFAULT.search.judging.depth, help="candidates the judge reads")
    parser.add_argument("--undated", action="store_true", help="the judge reads every candidate without its age")
    parser.add_argument(
        "--rules", action="store_true", help="also re-check the hand-tuned rules, one left out at a time"
    )
    args = parser.parse_args()
    questions = load_questions(args.set / "questions.jsonl")
    judged = load_qrels(args.set / "qrels.jsonl", questions)
    off = DEFAULT.search
    base = Retriever.open(args.index, config=off, judge_loader=lambda: None)
    judge = Memo(OnnxJudge(args.judge))
    print(f"{args.set.name}: {len(questions)} questions, {len(judged)} strict; judge {judge.name}; {machine()}")

    def variant(weight: float | None, highlight: float = 0.0) -> Retriever:
        if weight is None:
            return base
        judging = Judging(
            weight=weight,
            highlight=highlight,
            depth=args.depth,
            dated=not args.undated,
        )
        return Retriever(base.source, base.encoder, replace(off, judging=judging), judge)

    rows: list[list[str]] = []
    found: dict[float | None, tuple[dict[str, float], dict[str, float]]] = {}

    def measure(weight: float | None, highlight: float) -> None:
        s, _ = strict(variant(weight, highlight), judged)
        loose, _ = evaluate(variant(weight, highlight), questions)
        found[weight] = (s, loose)
        name = "no judge" if weight is None else f"judge, weight {weight:g}"
        name += f", highlight: words + {highlight:g} x judge" if highlight else ""
        rows.append([name, *(f"{s[k]:.3f}" for k in STRICT), *(f"{loose[k]:.3f}" for k in LOOSE)])
        print(rows[-1], flush=True)

    # The weights are compared with question words picking the highlight; the judge's say in it is
    # then measured at the chosen weight.
    for weight in [None, *args.weights]:
        measure(weight, 0.0)
    if args.weight is None:
        floor = found[None][1]["AR@1000w"] - 0.005
        keep = [w for w in args.weights if found[w][1]["AR@1000w"] >= floor] or args.weights
        args.weight = max(keep, key=lambda w: (found[w][0]["MRR@10"], found[w][0]["R@1"]))
        print(f"chosen here: weight {args.weight:g}", flush=True)
    for highlight in args.highlights:
        measure(args.weight, highlight)
    print(table(["ranking", *(f"strict {k}" for k in STRICT), *(f"loose {k}" for k in LOOSE)], rows))
    if args.rules:
        rules(base, questions, judged)

    # "Nothing relevant": each question's best judge score and best cosine, asked one at a time.
    r = variant(args.weight)
    articles = ((a.date.isoformat() if a.date else None, f"{a.title} {a.text}") for a in r.articles())
    loose_yes = {q.id for q in answerable(questions, articles)}
    strict_yes = {j.question.id for j in judged}
    logit, undated, first, two, cosine = {}, {}, {}, {}, {}
    for q in questions:
        judge.best = float("-inf")
        answer = r.ask(Query(q.question, k=5, as_of=dt.date.fromisoformat(q.date), apply_bar=False))
        logit[q.id], cosine[q.id] = judge.best, max((h.relevance for h in answer.hits), default=0.0)
        # The same quotes read without their age: does the judge know an answer on the text alone?
        # Of the first one or two only, it costs one or two judge calls more a question, not five.
        blind = undated_scores(judge, q.question, answer.hits)
        undated[q.id], first[q.id], two[q.id] = max(blind), blind[0], max(blind[:2])
    either = {i: max(logit[i], undated[i]) for i in logit}
    no = [i for i in logit if i not in loose_yes]
    print(f"\n{len(loose_yes)} answerable ({len(strict_yes)} strict), {len(no)} unanswerable")
    rows = []
    judges = {
        "best judge logit": logit,
        "best undated logit": undated,
        "undated logit, first quote": first,
        "best undated logit, first two": two,
        "best of dated and undated": either,
    }
    for name, score in (*judges.items(), ("best cosine", cosine)):
        rows.append(
            [
                name,
                f"{auc([score[i] for i in strict_yes], [score[i] for i in no]):.3f}",
                f"{auc([score[i] for i in loose_yes], [score[i] for i in no]):.3f}",
            ]
        )
    print(table(["score", "AUC strict-answerable vs unanswerable", "AUC answerable vs unanswerable"], rows))
    # The cosine too: today's bar, in the same run.
    for name, score in (*judges.items(), ("best cosine", cosine)):
        yes_scores = sorted(score[i] for i in loose_yes)
        bars = sorted({*(yes_scores[int(f * len(yes_scores))] for f in (0.01, 0.02, 0.05, 0.10, 0.20))})
        given = args.bar if name != "best cosine" else None
        if given is not None:
            bars = sorted({*bars, given})
        rows = []
        for bar in bars:
            rows.append(
                [
                    f"{bar:.2f}" + (" (given)" if bar == given else ""),
                    f"{sum(score[i] < bar for i in loose_yes) / len(loose_yes):.1%}",
                    f"{sum(score[i] < bar for i in strict_yes) / max(len(strict_yes), 1):.1%}",
                    f"{sum(score[i] < bar for i in no) / max(len(no), 1):.1%}",
                ]
            )
        heads = [f"bar ({name})", "answerable hidden", "strict-answerable hidden", "unanswerable caught"]
        print(table(heads, rows))
    base.close()


if __name__ == "__main__":
    main()
