"""The training slice: rtqa-train's held-out questions laid out like the dev set, to fit the judge's use on.

    .venv/bin/python -m qa.training.train_slice --out DIR [--quarter 2023Q2]
    .venv/bin/dateline index DIR/articles.jsonl --index DIR/index
    .venv/bin/dateline eval DIR/questions.jsonl --strict --index DIR/index --out DIR/strict.jsonl

Writes questions.jsonl, qrels.jsonl, search.jsonl and articles.jsonl for the questions asked in
`qa.training.data.HOLD_OUT` (2023 Q1), or in `--quarter` (a fold of qa.training.folds), with every
article web search returned for them, so
`dateline eval` and `score.py` run on it as on `../shared/eval/rtqa-2024q1`. The judge never learns
from these questions; dateline's use of it (its weight, the "nothing relevant" bar) is fitted here,
then checked on the dev set.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from qa.training.data import HOLD_OUT, TRAIN, held_out, quarter_span


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--quarter", type=quarter_span, help="the questions of this quarter, e.g. 2023Q2 (default: HOLD_OUT)"
    )
    args = parser.parse_args()
    span = args.quarter or HOLD_OUT
    args.out.mkdir(parents=True, exist_ok=True)

    def lines(name: str) -> list[dict[str, object]]:
        return [json.loads(line) for line in (TRAIN / name).read_text().splitlines()]

    questions = [q for q in lines("questions.jsonl") if held_out(str(q["date"]), span)]
    ids = {q["id"] for q in questions}
    search = [r for r in lines("search.jsonl") if r["id"] in ids]
    qrels = [r for r in lines("qrels.jsonl") if r["id"] in ids]
    urls = {u for r in search for u in r["urls"]}  # type: ignore[attr-defined]
    urls |= {x["url"] for r in qrels for x in r["relevant"]}  # type: ignore[attr-defined]
    with gzip.open(TRAIN / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        articles = [a for a in map(json.loads, fh) if a["url"] in urls]
    for name, rows in (("questions", questions), ("search", search), ("qrels", qrels), ("articles", articles)):
        (args.out / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    print(f"{len(questions)} questions, {len(qrels)} with qrels, {len(articles)} articles -> {args.out}")


if __name__ == "__main__":
    main()
