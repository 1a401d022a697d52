"""A trained judge re-ranking dateline's top quotes, scored with the strict measure (issue #16, first step).

    .venv/bin/dateline eval QUESTIONS.jsonl --strict --out strict.jsonl --index DIR
    .venv/bin/python -m bench.judge_rerank strict.jsonl --judge DIR/model [--top 10]

Reads the `--out` records of `dateline eval --strict` (each question's ranked quotes as `ask --json`
gives them), re-orders the first `--top` quotes by the judge's score, and prints the strict measure
(computed by `../shared/eval/score.py strict`, the reference) for dateline's order, the judge's order,
and a no-model baseline: quotes at most 31 days old first, dateline's order otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import EVAL, machine, table
from qa.training.data import dated_input

KEYS = ["R@1", "R@3", "R@5", "R@10", "MRR@10", "AR@200w", "AR@1000w"]


def strict_scores(records: list[dict[str, Any]]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in records))
    out = subprocess.run(
        [sys.executable, str(EVAL.parent / "score.py"), "strict", str(EVAL), fh.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(fh.name).unlink()
    return {k: float(v) for k, v in re.findall(r"(\S+)=([\d.]+)", out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("records", type=Path)
    parser.add_argument("--judge", type=Path, required=True)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    import datetime as dt

    from sentence_transformers.cross_encoder import CrossEncoder

    questions = {q["id"]: q for q in map(json.loads, (EVAL / "questions.jsonl").read_text().splitlines())}
    records = [json.loads(line) for line in args.records.read_text().splitlines()]
    judge = CrossEncoder(str(args.judge), local_files_only=True, max_length=192)
    judged, recent = [], []
    for r in records:
        asked = questions[r["id"]]["date"]
        top, rest = r["passages"][: args.top], r["passages"][args.top :]
        pairs = [(r["question"], dated_input(p["title"], p["text"], p["date"], asked)) for p in top]
        scores = judge.predict(pairs) if pairs else []
        order = sorted(range(len(top)), key=lambda i: -float(scores[i]))
        judged.append({**r, "passages": [top[i] for i in order] + rest})
        day = dt.date.fromisoformat(asked)

        def old(p: dict[str, Any], day: dt.date = day) -> bool:
            return not p["date"] or (day - dt.date.fromisoformat(p["date"])).days > 31

        recent.append({**r, "passages": sorted(top, key=old) + rest})
    rows = []
    for name, rs in (("dateline's order", records), ("no model: <= 31 days old first", recent), ("judge", judged)):
        s = strict_scores(rs)
        rows.append([name, *(f"{s[k]:.3f}" for k in KEYS)])
    print(f"strict, {len(records)} questions, top {args.top} re-ranked; {machine()}")
    print(table(["order", *KEYS], rows))


if __name__ == "__main__":
    main()
