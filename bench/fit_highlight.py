"""Fit the highlight's weights (qa.config.Highlighting) on rtqa-train, and check them.

    .venv/bin/python -m bench.fit_highlight [--l2 0.01]

The examples: for each question, every passage (as dateline cuts them) of the articles web search
returned for it, dated on or before it, that holds a gold answer; the sentences holding one are the
right picks. No index and no model: the features are the text's (qa.ranking.highlight). The weights
are fitted on rtqa-train without the 2023 Q1 questions (`bench.train_judge.HOLD_OUT`), by maximum
likelihood of the right sentence among its passage's (a softmax per passage); the held-out questions
and the dev set only check them. Prints, per set, the share of passages whose picked sentence holds
the answer: with question words (the picker before), with the shipped weights, and with the weights fitted now.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path

import numpy as np

from bench.common import machine, table
from bench.train_judge import HOLD_OUT, TRAIN
from qa.config import Highlighting
from qa.evaluation import norm
from qa.ingest.chunker import chunk, sentence_spans
from qa.ranking.highlight import FEATURES, sentence_features
from qa.reading.answer_types import expected_type

DEV = TRAIN.parent / "rtqa-2024q1"
# One example: the question's day, each sentence's features, which sentences hold the answer.
Example = tuple[str, np.ndarray, np.ndarray]


def _rows(folder: Path, name: str) -> list[dict]:
    path = folder / name
    if path.exists():
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with gzip.open(path.with_name(name + ".gz"), "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def answer_passages(folder: Path) -> Iterator[tuple[dict, dict, str, list[tuple[int, int]], np.ndarray]]:
    """(question, article, passage, its sentences' spans, which of them hold the answer) for every
    answer-holding passage of each question's search results, dated on or before it."""
    by_url = {a["url"]: a for a in _rows(folder, "articles.jsonl")}
    search = {r["id"]: r["urls"] for r in _rows(folder, "search.jsonl")}
    for q in _rows(folder, "questions.jsonl"):
        golds = [norm(g) for g in q["answers"]]
        for url in search.get(q["id"], []):
            a = by_url.get(url)
            if a is None or not a.get("date") or a["date"] > q["date"]:
                continue
            for p in chunk(url, a["text"], a.get("title") or ""):
                if not any(g in norm(p.text) for g in golds):
                    continue
                spans = [(s.start, s.end) for s in sentence_spans(p.text, 0, len(p.text))] or [(0, len(p.text))]
                right = np.array([any(g in norm(p.text[s:e]) for g in golds) for s, e in spans], float)
                if right.any():  # an answer across two sentences has no right pick
                    yield q, a, p.text, spans, right


def examples(folder: Path) -> list[Example]:
    """Every answer-holding passage of each question's search results, as a highlight example."""
    out = []
    for q, _, text, spans, right in answer_passages(folder):
        rows = sentence_features(q["question"], text, expected_type(q["question"]))
        assert [span for span, _ in rows] == spans
        out.append((q["date"], np.array([v for _, v in rows]), right))
    return out


def accuracy(exs: list[Example], weights: np.ndarray) -> float:
    """The share of examples whose best-scored sentence (ties: the earlier) holds the answer."""
    return float(np.mean([right[int(np.argmax(x @ weights))] for _, x, right in exs]))


def fit(exs: list[Example], l2: float, steps: int = 400, rate: float = 0.5) -> np.ndarray:
    """Weights maximising the likelihood of the right sentences (a softmax over each passage's),
    by gradient descent on standardised features; returned on the features' own scale."""
    stacked = np.vstack([x for _, x, _ in exs])
    mean, scale = stacked.mean(0), stacked.std(0) + 1e-9
    z = [((x - mean) / scale, right / right.sum()) for _, x, right in exs]
    w = np.zeros(stacked.shape[1])
    for _ in range(steps):
        grad = np.zeros_like(w)
        for zx, target in z:
            s = zx @ w
            p = np.exp(s - s.max())
            grad += zx.T @ (p / p.sum() - target)
        w -= rate * (grad / len(z) + l2 * w)
    return w / scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--l2", type=float, default=0.01)
    args = parser.parse_args()
    train = examples(TRAIN)
    fitted_on = [e for e in train if not HOLD_OUT[0] <= e[0] <= HOLD_OUT[1]]
    held = [e for e in train if HOLD_OUT[0] <= e[0] <= HOLD_OUT[1]]
    dev = examples(DEV)
    fitted = fit(fitted_on, args.l2)
    fitted /= fitted[FEATURES.index("coverage")]  # the scale does not change a pick: read it as coverage's
    # The picker before: question words, a sentence holding the kind asked for counting 2 more.
    before = np.array([{"words": 1.0, "kind": 2.0}.get(name, 0.0) for name in FEATURES])
    pickers = (
        ("question words (before)", before),
        ("shipped", np.array(astuple(Highlighting()))),
        ("fitted now", fitted),
    )
    sets = (("rtqa-train (fitted on)", fitted_on), (f"held out {HOLD_OUT[0]}..{HOLD_OUT[1]}", held), ("dev", dev))
    print(f"highlight: the picked sentence holds the answer; {machine()}")
    rows = [[name, str(len(exs)), *(f"{accuracy(exs, w):.3f}" for _, w in pickers)] for name, exs in sets]
    print(table(["set", "passages", *(p for p, _ in pickers)], rows))
    print("fitted weights: " + ", ".join(f"{n}={v:.2f}" for n, v in zip(FEATURES, fitted, strict=True)))


if __name__ == "__main__":
    main()
