"""Where the answers sit: for each answerable question, the rank of the first passage holding it.

    .venv/bin/python -m bench.misses [--index DIR] [--depth 200]

Answers each question as of its date with the default ranking, `--depth` passages deep, finds the
first passage containing a gold answer (the scorer's normalisation), and prints how many questions
fall in each rank band, with the age (days before the question) of that passage and of the top 10.
It also counts the questions the archive covers that week: an article from the 7 days before the
question holds a gold answer (the evidence a reader of that week's news would want).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import statistics
from pathlib import Path

from bench.common import EVAL, OUT, benchmark_index, machine, table
from qa.answering.retriever import Retriever
from qa.evaluation import evaluate, load_questions, norm

BANDS = [(0, 10, "1-10"), (10, 20, "11-20"), (20, 50, "21-50"), (50, 10**9, "51+")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index")
    parser.add_argument("--depth", type=int, default=200)
    args = parser.parse_args()
    retriever = Retriever.open(benchmark_index(args.index))
    try:
        _, records = evaluate(retriever, load_questions(EVAL / "questions.jsonl"), k=args.depth)
        articles = [(a.date, norm(f"{a.title} {a.text}")) for a in retriever.articles() if a.date]
    finally:
        retriever.close()
    covered = 0
    covered_top10 = 0
    found: dict[str, list[tuple[int | None, int | None]]] = collections.defaultdict(list)
    for record in records:
        asked = dt.date.fromisoformat(record["date"])
        answers = [norm(a) for a in record["answers"]]

        def age(date: str | None, asked: dt.date = asked) -> int | None:
            return (asked - dt.date.fromisoformat(date)).days if date else None

        band = f"none in the top {args.depth}"
        answer_age = None
        for rank, passage in enumerate(record["passages"]):
            if any(a in norm(passage["text"]) for a in answers):
                band = next(name for lo, hi, name in BANDS if lo <= rank < hi)
                answer_age = age(passage["date"])
                break
        if any(0 <= (asked - d).days <= 7 and any(a in text for a in answers) for d, text in articles):
            covered += 1
            covered_top10 += band == "1-10"
        ages = [a for a in (age(p["date"]) for p in record["passages"][:10]) if a is not None]
        found[band].append((answer_age, int(statistics.median(ages)) if ages else None))
    rows = []
    for _, _, band in [*BANDS, (0, 0, f"none in the top {args.depth}")]:
        items = found.get(band, [])
        answer_ages = [a for a, _ in items if a is not None]
        top_ages = [t for _, t in items if t is not None]
        rows.append(
            [
                band,
                str(len(items)),
                str(int(statistics.median(answer_ages))) if answer_ages else "—",
                str(sum(a <= 7 for a in answer_ages)) if answer_ages else "—",
                str(int(statistics.median(top_ages))) if top_ages else "—",
            ]
        )
    print(f"{len(records)} answerable questions, default ranking, {args.depth} deep; {machine()}")
    headers = ["first answer at rank", "questions", "its median age, days", "of them within 7 days"]
    print(table([*headers, "median age of the top 10, days"], rows))
    print(
        f"an article from the week before the question holds an answer for {covered} of {len(records)} "
        f"questions; for {covered_top10} of them an answer is in the top 10"
    )


if __name__ == "__main__":
    main()
