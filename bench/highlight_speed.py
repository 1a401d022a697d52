"""What picking the highlighted sentence costs per quote, against another version of the picker.

    .venv/bin/python -m bench.highlight_speed [--against OLD/qa/ranking/highlight.py] [--runs 5]

Times `best_sentence` over the dev set's first questions against ~110-word windows of its articles
(what dateline's passages are like), no answer type given. With `--against`, that file's picker (a
checkout of an earlier commit) runs in the same process, alternating with this one, and the table
gives the ratio of the medians.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import EVAL, machine, median, table
from qa.ranking.highlight import best_sentence

Picker = Callable[[str, str], tuple[int, int]]


def load_picker(path: Path) -> Picker:
    spec = importlib.util.spec_from_file_location("other_highlight", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    picker: Picker = module.best_sentence
    return picker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, help="another highlight.py to time beside this one")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--passages", type=int, default=100)
    args = parser.parse_args()
    lines = (EVAL / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines[: args.questions]]
    passages: list[str] = []
    with (EVAL / "articles.jsonl").open(encoding="utf-8") as articles:
        for line in articles:
            words = json.loads(line)["text"].split()
            passages += [" ".join(words[i : i + 110]) for i in range(0, min(len(words), 660), 110)]
            if len(passages) >= args.passages:
                break
    pairs = [(q, p) for q in questions for p in passages[: args.passages]]
    pickers: dict[str, Picker] = {"this checkout": best_sentence}
    if args.against:
        pickers[str(args.against)] = load_picker(args.against)
    times: dict[str, list[float]] = {name: [] for name in pickers}
    for _ in range(args.runs):
        for name, pick in pickers.items():
            start = time.perf_counter()
            for question, passage in pairs:
                pick(question, passage)
            times[name].append((time.perf_counter() - start) / len(pairs) * 1000)
    print(f"{len(pairs)} question-passage pairs, {args.runs} runs; {machine()}")
    ours = median(times["this checkout"])
    rows = [
        [name, f"{median(t):.3f}", f"{min(t):.3f}–{max(t):.3f}", f"{ours / median(t):.2f}"] for name, t in times.items()
    ]
    print(table(["picker", "ms per quote (median)", "range", "this checkout / it"], rows))


if __name__ == "__main__":
    main()
