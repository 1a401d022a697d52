"""What the answer judge costs: one question at a time (the chat, `dateline ask`) and a file of them
(`dateline batch`), with the judge and without (`--no-judge`), alternating in one process.

    .venv/bin/python -m bench.judge_speed [--index DIR] [--runs 5] [--single 40] [--depths 3 4]
        [--unmentioned] [--highlight] [--answer-line]

`--depths`: also the judge reading that many candidates; `--unmentioned`: also the shipped ranking
without the unmentioned-word check (`Verdict.unmentioned_bar` 0), to see what that check costs;
`--highlight`: also without the judge's say in the highlight (`Judging.highlight` 0: logits only);
`--answer-line`: also without the answer line (`AnswerLine.bar` None: no span read or shown).

The models are loaded before the clock starts. Batch answers the benchmark's 368 questions as of
their dates, k=5, to JSON Lines in memory, as `dateline batch` does; one at a time answers the first
`--single` of them with k=5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import time
from dataclasses import replace
from pathlib import Path

from bench.common import EVAL, OUT, benchmark_index, machine, median, table
from embeddings.judge import SHIPPED, load_judge
from qa.answering.retriever import Retriever
from qa.batch.questions import Question
from qa.batch.running import run_batch
from qa.batch.writing import Writer
from qa.config import Search
from qa.reading.query import Query


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--single", type=int, default=40)
    parser.add_argument("--questions", type=int, help="answer only the first N in batch (default: all)")
    parser.add_argument("--judge", type=Path, default=SHIPPED, help="the judge's folder")
    parser.add_argument("--depths", type=int, nargs="*", default=[], help="other numbers of candidates to judge")
    parser.add_argument("--unmentioned", action="store_true", help="also without the unmentioned-word check")
    parser.add_argument("--highlight", action="store_true", help="also without the judge's say in the highlight")
    parser.add_argument("--answer-line", action="store_true", help="also without the answer line")
    args = parser.parse_args()
    benchmark_index(args.index)
    rows = [json.loads(line) for line in (EVAL / "questions.jsonl").read_text().splitlines()]
    questions = [Question(r["id"], r["question"], i, dt.date.fromisoformat(r["date"])) for i, r in enumerate(rows, 1)]
    questions = questions[: args.questions]
    singles = [Query(q.question, k=5, as_of=q.as_of) for q in questions[: args.single]]
    on = Retriever.open(args.index, judge=True, judge_loader=lambda: load_judge(args.judge))
    if on.judge is None:
        raise SystemExit(f"no answer judge in {args.judge}")
    on.warm()
    shipped = Search()
    variants = {f"judge, top {shipped.judging.depth} (default)": on}
    for depth in args.depths:
        variants[f"judge, top {depth}"] = on.with_config(
            replace(shipped, judging=replace(shipped.judging, depth=depth))
        )
    if args.highlight:
        features = replace(shipped, judging=replace(shipped.judging, highlight=0.0))
        variants["judge, highlight by sentence features alone"] = on.with_config(features)
    if args.answer_line:
        lineless = replace(shipped, answer_line=replace(shipped.answer_line, bar=None))
        variants["judge, no answer line"] = on.with_config(lineless)
    if args.unmentioned:
        unchecked = replace(shipped, verdict=replace(shipped.verdict, unmentioned_bar=0.0))
        variants["judge, no unmentioned check"] = on.with_config(unchecked)
    variants["no judge"] = Retriever(on.source, on.encoder, shipped)
    rates: dict[str, list[float]] = {name: [] for name in variants}
    latency: dict[str, list[float]] = {name: [] for name in variants}
    try:
        for _ in range(args.runs):
            for name, r in variants.items():
                start = time.perf_counter()
                run_batch(r, questions, Writer(io.StringIO(), "jsonl", fresh=True), k=5, as_of=None, progress=False)
                rates[name].append(len(questions) / (time.perf_counter() - start))
                for q in singles:
                    start = time.perf_counter()
                    r.ask(q)
                    latency[name].append(time.perf_counter() - start)
        passages = on.stats().passages
    finally:
        on.close()
    print(f"{len(questions)} questions, {passages:,} passages, {args.runs} alternating runs; judge {on.judge.name}")
    print(machine())
    out = []
    for name in rates:
        out.append(
            [
                name,
                f"{median(rates[name]):.1f}",
                f"{min(rates[name]):.1f}–{max(rates[name]):.1f}",
                f"{1000 * median(latency[name]):.0f}",
            ]
        )
    print(table(["ranking", "batch questions/s (median)", "runs ranged", "one question, ms (median)"], out))
    base = next(iter(variants))
    for name in list(variants)[:-1]:
        ratio = median(rates[name]) / median(rates["no judge"])
        extra = 1000 * (median(latency[name]) - median(latency["no judge"]))
        print(f"same run: {name} batch at {ratio:.2f}x the rate without the judge; one question +{extra:.0f} ms")
    if args.highlight:
        ratio = median(rates[base]) / median(rates["judge, highlight by sentence features alone"])
        print(f"same run: the judge's say in the highlight leaves batch at {ratio:.3f}x the rate without it")
    if args.answer_line:
        ratio = median(rates[base]) / median(rates["judge, no answer line"])
        extra = 1000 * (median(latency[base]) - median(latency["judge, no answer line"]))
        print(
            f"same run: the answer line leaves batch at {ratio:.3f}x the rate without it; one question {extra:+.1f} ms"
        )
    if args.unmentioned:
        ratio = median(rates[base]) / median(rates["judge, no unmentioned check"])
        print(f"same run: the unmentioned check leaves batch at {ratio:.3f}x the rate without it")


if __name__ == "__main__":
    main()
