"""Fit the highlight's weights (qa.config.Highlighting) on rtqa-train, and check them.

    .venv/bin/python -m qa.training.fit_highlight [--l2 0.01]

The examples: for each question, every passage (as dateline cuts them) of the articles web search
returned for it, dated on or before it, that holds a gold answer; the sentences holding one are the
right picks. No index and no model: the features are the text's (qa.ranking.highlight). The weights
are fitted on rtqa-train without the 2023 Q1 questions (`qa.training.data.HOLD_OUT`), by maximum
likelihood of the right sentence among its passage's (a softmax per passage); the held-out questions
and the dev set only check them. Prints, per set, the share of passages whose picked sentence holds
the answer: with question words (the picker before), with the shipped weights, and with the weights fitted now.
"""

from __future__ import annotations

import argparse
from dataclasses import astuple
from pathlib import Path

import numpy as np

from qa.config import Highlighting
from qa.ranking.highlight import FEATURES, sentence_features
from qa.reading.answer_types import expected_type
from qa.training.data import DEV, HOLD_OUT, TRAIN, answer_passages, held_out
from qa.training.report import machine, table

# One example: the question's day, each sentence's features, which sentences hold the answer.
Example = tuple[str, np.ndarray, np.ndarray]


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
    fitted: np.ndarray = w / scale
    return fitted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--l2", type=float, default=0.01)
    args = parser.parse_args()
    train = examples(TRAIN)
    fitted_on = [e for e in train if not held_out(e[0])]
    held = [e for e in train if held_out(e[0])]
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
