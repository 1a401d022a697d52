"""Choosing `Judging.siblings`: how many more passages of its first article the judge reads.

    .venv/bin/python -m qa.training.fit_siblings --root DIR [--siblings 0 2 4 8] [--dev INDEX]

Over the small archives `qa.training.small_archives build` made under DIR (a week of rtqa-train's
search results each), every week's own questions are asked as of their day with each variant, and
scored with the strict measure (`qa.strict`: a hit is a quote of an article web search found for
that question, holding a gold answer). The table gives strict R@1, R@5 and highlight accuracy per
quarter of rtqa-train, their mean and spread over the quarters, and the seconds a question takes.

The shipped judge learned from rtqa-train's questions outside `HOLD_OUT` (2023 Q1): on the other
quarters it has seen these very questions, so their figures flatter any judge step, and the held-out
quarter is reported apart. `--dev INDEX` (an index of rtqa-2024q1) checks the chosen variant last.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

from qa.answering.retriever import Retriever
from qa.config import DEFAULT, Search
from qa.evaluation import load_questions
from qa.strict import load_qrels, strict
from qa.training.data import DEV, HOLD_OUT, TRAIN
from qa.training.report import machine, table

MEASURES = ("R@1", "R@5", "highlight")


def quarter(day: str) -> str:
    """'2023 Q1' for an ISO day."""
    return f"{day[:4]} Q{(int(day[5:7]) - 1) // 3 + 1}"


def variant(siblings: int) -> Search:
    return replace(DEFAULT.search, judging=replace(DEFAULT.search.judging, siblings=siblings))


def per_archive(folder: Path, variants: list[int]) -> dict[int, tuple[dict[str, float], float]]:
    """Each variant's strict summary over this archive's own questions, and its seconds a question."""
    questions = load_questions(folder / "questions.jsonl")
    judged = load_qrels(TRAIN / "qrels.jsonl", questions)
    out: dict[int, tuple[dict[str, float], float]] = {}
    if not judged:
        return out
    base = Retriever.open(folder / "index", judge=True)
    try:
        for n in variants:
            retriever = base.with_config(variant(n))
            start = time.perf_counter()
            summary, _ = strict(retriever, judged)
            out[n] = (summary, (time.perf_counter() - start) / len(judged))
    finally:
        base.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="the small archives' folder")
    parser.add_argument("--siblings", type=int, nargs="+", default=[0, 2, 4, 8])
    parser.add_argument("--dev", type=Path, help="an index of rtqa-2024q1: the last check")
    args = parser.parse_args()
    # quarter -> variant -> [(questions, summary, seconds a question)]
    seen: dict[str, dict[int, list[tuple[float, dict[str, float], float]]]] = {}
    for folder in sorted(p for p in args.root.iterdir() if (p / "index").is_dir()):
        q = quarter(folder.name)
        for n, (summary, seconds) in per_archive(folder, args.siblings).items():
            seen.setdefault(q, {}).setdefault(n, []).append((summary["questions"], summary, seconds))
    print(f"strict measure over small archives of rtqa-train; {machine()}\n")
    headers = ["siblings", "quarter", "questions", *MEASURES, "ms/question"]
    rows: list[list[str]] = []
    held = quarter(HOLD_OUT[0])
    for n in args.siblings:
        means: dict[str, list[float]] = {m: [] for m in MEASURES}
        for q in sorted(seen):
            parts = seen[q].get(n, [])
            count = sum(c for c, _, _ in parts)
            if not count:
                continue
            value = {m: sum(c * s[m] for c, s, _ in parts) / count for m in MEASURES}
            ms = 1000 * sum(c * t for c, _, t in parts) / count
            label = f"{q} (held out)" if q == held else q
            rows.append([str(n), label, str(int(count)), *(f"{value[m]:.3f}" for m in MEASURES), f"{ms:.0f}"])
            if q != held:
                for m in MEASURES:
                    means[m].append(value[m])
        spread = [f"{statistics.mean(v):.3f} ± {statistics.pstdev(v):.3f}" if v else "-" for v in means.values()]
        rows.append([str(n), "quarters seen in training: mean ± sd", "", *spread, ""])
    print(table(headers, rows))
    if args.dev:
        print("\ndev (rtqa-2024q1), the last check:\n")
        questions = load_questions(DEV / "questions.jsonl")
        judged = load_qrels(DEV / "qrels.jsonl", questions)
        base = Retriever.open(args.dev, judge=True)
        dev_rows = []
        for n in args.siblings:
            start = time.perf_counter()
            summary, _ = strict(base.with_config(variant(n)), judged)
            ms = 1000 * (time.perf_counter() - start) / len(judged)
            dev_rows.append([str(n), str(len(judged)), *(f"{summary[m]:.3f}" for m in MEASURES), f"{ms:.0f}"])
        base.close()
        print(table(["siblings", "questions", *MEASURES, "ms/question"], dev_rows))


if __name__ == "__main__":
    main()
