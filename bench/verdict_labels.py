""" "Nothing relevant" against several readings of "answerable": what a bar hides and what it catches.

    .venv/bin/python -m bench.verdict_labels --set DIR --index DIR [--bar cosine=0.53] [--out FILE]

`--set` is laid out like `../shared/eval/rtqa-2024q1` (questions.jsonl, qrels.jsonl); `--index` its
articles indexed by `dateline index`. Each question is asked as of its date, judge on, without the
bar. Unanswerable: no article dated on or before it holds a gold answer. Answerable, three ways first:
- loose: some article on or before it holds a gold answer (the benchmark's rule; a chance mention
  counts);
- found: web search returned, for this question, an article holding a gold answer (qrels, any age);
- recent: such an article within 14 days before it (the strict measure's questions).

Prints each score's ROC AUC per reading against the unanswerable questions (the best cosine of the
quotes, the best cosine of every candidate, which is what dateline's bar reads, and the judge's best
logit among the candidates it read), then the reading of
`../shared/eval/README.md`'s probe (a strict hit in the top 10 against every other question). Then,
for bars on either score (a few fixed, those given with `--bar`, and those hiding 2% of each reading
here), the share each hides of every reading, of the questions with a strict hit in the top 10, and
of those with a gold answer in the first five quotes (what the chat would stop showing), beside the
share of unanswerable questions caught.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

import qa.answering.retriever as retriever_module
from bench.common import machine, table
from embeddings.judge import load_judge
from qa.answering.retriever import Retriever
from qa.config import Search, Verdict
from qa.evaluation import answerable, load_questions, norm, read_down
from qa.ranking.answers import Answer, Hit
from qa.ranking.scoring import Ranked
from qa.ranking.verdict import verdict
from qa.reading.query import Query
from qa.reading.question import Reading
from qa.strict import load_qrels
from qa.training.measures import Memo, auc

BARS = {
    "cosine": [0.30, 0.35, 0.40, 0.45, 0.50],
    "candidates": [0.30, 0.35, 0.40, 0.45, 0.50],
    "judge": [-4.0, -3.0, -2.0, -1.0, 0.0],
}
READINGS = ("loose", "found", "recent")
# The bar tables also show what a bar hides of questions with a strict hit in the top 10 (listed)
# and of those with a gold answer in the first five quotes (on screen).
COLUMNS = (*READINGS, "listed", "on screen")


def bar_argument(text: str) -> tuple[str, float]:
    """`cosine=0.45` or `judge=-1` as (score, value)."""
    name, _, value = text.partition("=")
    try:
        if name in BARS:
            return name, float(value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r}: give SCORE=VALUE, SCORE one of {', '.join(BARS)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument(
        "--bar",
        action="append",
        default=[],
        type=bar_argument,
        metavar="SCORE=VALUE",
        help="also read this bar (fitted elsewhere)",
    )
    parser.add_argument(
        "--unmentioned",
        type=float,
        nargs="*",
        default=[0.0, Verdict().unmentioned_bar],
        help="unmentioned bars to read as dateline says it (0: off)",
    )
    parser.add_argument("--out", type=Path, help="write each question's scores, labels and best quote here")
    args = parser.parse_args()
    questions = load_questions(args.set / "questions.jsonl")
    shipped = load_judge()
    if shipped is None:
        raise SystemExit("no answer judge in this install")
    judge = Memo(shipped)
    retriever = Retriever.open(args.index, judge_loader=lambda: judge, judge=True)
    # What dateline's bar reads: the best cosine of every candidate, not only of the quotes shown
    # (qa.ranking.verdict). Recorded on its way to the verdict, so the bar is fitted on that score.
    seen: dict[str, float] = {}

    def recording(
        reading: Reading, found: list[Hit], ranked: Ranked, config: Search, *rest: Any, **named: Any
    ) -> Answer:
        seen["best"] = max((c.cosine for c in ranked.candidates.values()), default=0.0)
        return verdict(reading, found, ranked, config, *rest, **named)

    setattr(retriever_module, "verdict", recording)  # noqa: B010 - the name Retriever calls
    articles = [(a.date.isoformat() if a.date else None, a.text) for a in retriever.articles()]
    strict = {j.question.id: j for j in load_qrels(args.set / "qrels.jsonl", questions)}
    labels = {
        "loose": {q.id for q in answerable(questions, articles)},
        "found": {j.question.id for j in load_qrels(args.set / "qrels.jsonl", questions, within=1_000_000)},
        "recent": set(strict),
    }
    scores: dict[str, dict[str, float]] = {"cosine": {}, "candidates": {}, "judge": {}}
    listed: set[str] = set()
    best_quote: dict[str, str] = {}
    on_screen: set[str] = set()
    for q in questions:
        judge.best = float("-inf")
        answer = retriever.ask(Query(q.question, k=10, as_of=dt.date.fromisoformat(q.date), apply_bar=False))
        scores["cosine"][q.id] = max((h.relevance for h in answer.hits), default=0.0)
        scores["candidates"][q.id] = seen["best"]
        scores["judge"][q.id] = judge.best
        best_quote[q.id] = answer.hits[0].passage.text if answer.hits else ""
        # What a bar would take from the screen: a gold answer in the first five quotes.
        golds = [norm(g) for g in q.answers]
        if any(g in norm(f"{h.passage.title} {h.passage.text}") for h in answer.hits[:5] for g in golds):
            on_screen.add(q.id)
        if q.id in strict:
            texts = [f"{h.passage.title} {h.passage.text}".strip() for h in answer.hits]
            urls = [h.passage.url in strict[q.id].urls for h in answer.hits]
            if read_down(texts, urls, q.answers)[0] is not None:
                listed.add(q.id)
    unanswerable = [q.id for q in questions if q.id not in labels["loose"]]
    print(f"{args.set.name}: {len(questions)} questions, {len(unanswerable)} unanswerable; {machine()}")
    rows = []
    for reading in READINGS:
        pos = [q.id for q in questions if q.id in labels[reading]]
        aucs = [f"{auc([s[i] for i in pos], [s[i] for i in unanswerable]):.3f}" for s in scores.values()]
        rows.append([reading, str(len(pos)), *aucs])
    others = [q.id for q in questions if q.id not in listed]
    aucs = [f"{auc([s[i] for i in listed], [s[i] for i in others]):.3f}" for s in scores.values()]
    rows.append([f"strict hit in the top 10, against the other {len(others)}", str(len(listed)), *aucs])
    print(table(["answerable", "questions", *(f"AUC {name}" for name in scores)], rows))
    labels["listed"] = listed
    labels["on screen"] = on_screen
    if args.out:
        with args.out.open("w", encoding="utf-8") as out:
            for q in questions:
                record: dict[str, object] = {"id": q.id, "question": q.question, "answers": q.answers}
                record["top"] = best_quote[q.id]
                record.update({name: s[q.id] for name, s in scores.items()})
                record.update({r: q.id in labels[r] for r in labels})
                out.write(json.dumps(record) + "\n")

    def row(name: str, said: set[str]) -> list[str]:
        """A bar's row: the share of each reading it hides, and of unanswerable questions it catches."""
        shares = [np.mean([i in said for i in labels[r]]) for r in COLUMNS]
        return [name, *(f"{h:.1%}" for h in shares), f"{np.mean([i in said for i in unanswerable]):.1%}"]

    def below(score: dict[str, float], bar: float) -> set[str]:
        return {i for i, v in score.items() if v < bar}

    for name, bars in BARS.items():
        score = scores[name]
        given = [value for score_name, value in args.bar if score_name == name]
        rows = [row(f"{bar:g}", below(score, bar)) for bar in [*bars, *given]]
        for r in READINGS:
            # The highest bar hiding at most 2% of this reading's answerable questions, fitted here.
            bar = float(np.quantile([score[i] for i in labels[r]], 0.02, method="lower"))
            rows.append(row(f"{bar:.3g} (2% of {r})", below(score, bar)))
        print(table([f"{name} bar", *(f"hidden: {r}" for r in COLUMNS), "unanswerable caught"], rows))
    # The given cosine bars as dateline applies them: on the best cosine of every candidate, which is
    # at least the best quote's, at the shipped k.
    rows = []
    for bar in [Verdict().relevance_bar, *(value for name, value in args.bar if name == "cosine")]:
        for unmentioned in args.unmentioned:
            verdict_config = replace(Verdict(), relevance_bar=bar, unmentioned_bar=unmentioned)
            barred = retriever.with_config(replace(Search(), verdict=verdict_config))
            said = {
                q.id
                for q in questions
                if barred.ask(Query(q.question, as_of=dt.date.fromisoformat(q.date))).nothing_found
            }
            rows.append(row(f"{bar:g}, unmentioned below {unmentioned:g}", said))
    print("As dateline says it:")
    print(table(["cosine bar", *(f"hidden: {r}" for r in COLUMNS), "unanswerable caught"], rows))


if __name__ == "__main__":
    main()
