"""Fit the highlight on the judge's own reading of a quote: a token head that points at the answer,
beside the sentence features (qa.ranking.highlight), so the call that ranks a quote also picks its
answering sentence.

    .venv/bin/python -m qa.training.fit_judge_highlight --judge OUT/onnx [--pool mean|max] [--layers 0 1 2 3 4 5]
        [--write D]

The examples are qa.training.fit_highlight's: every answer-holding passage of each question's search
results, its sentences holding the answer the right picks. The judge reads each passage as dateline
shows it to it (age, headline, passage; embeddings/judge.py), and its tokens' states at `--layers`
are kept (float16: about 9 GB of memory for all six layers). Fitted on rtqa-train without the 2023
Q1 questions (the held-out questions and the dev set only check them), by maximum likelihood of the
right sentence (a softmax per passage), one of two ways:
- `--pool mean` (shipped): per sentence, its features and the mean of its tokens' states, one linear
  score; the states' weights are a per-token head whose mean over a sentence is that sentence's share;
- `--pool max`: a token detector first, a logistic regression over a token's states for "this token
  is part of a gold answer" (every answer token of a training passage, and OTHER_TOKENS others), then
  per sentence its features, the detector's best token logit in it, and whether the judge read it.

Prints the share of passages whose picked sentence holds the answer, with the sentence features
alone, (max) the detector alone, and with the judge's reading, and the numbers for
qa.config.Judging. `--write D`: the judge's folder again (graph, tokenizer, card), its graph with
the head as a second output ("token_scores": each passage token's score).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import astuple
from pathlib import Path

import numpy as np

from embeddings.judge import GRAPH, OnnxJudge
from qa.config import DEFAULT
from qa.ranking.highlight import FEATURES
from qa.training.data import DEV, HOLD_OUT, TRAIN, held_out
from qa.training.graph import add_token_head
from qa.training.judge_states import Passage, Reader, passages
from qa.training.report import machine, table
from qa.training.train_judge import VERSION

# One example: the question's day, per sentence its features and a third of the judge's say, right picks.
Example = tuple[str, np.ndarray, np.ndarray]
# Tokens per passage of the training questions the detector learns from, besides the answer's own.
OTHER_TOKENS = 12


def detector(train: list[Passage], c: float) -> tuple[np.ndarray, float]:
    """A logistic regression over token states for "this token is part of the answer", from every
    answer token of the training passages and OTHER_TOKENS others each; (weights, bias) on the
    states' own scale."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    xs, ys = [], []
    for p in train:
        others = np.flatnonzero(~p.answer)
        picked = np.r_[np.flatnonzero(p.answer), rng.choice(others, min(len(others), OTHER_TOKENS), replace=False)]
        xs.append(p.states[picked])
        ys.append(p.answer[picked])
    x, y = np.vstack(xs).astype(np.float32), np.concatenate(ys)
    mean, scale = x.mean(0), x.std(0) + 1e-6
    model = LogisticRegression(C=c, max_iter=300).fit((x - mean) / scale, y)
    w = model.coef_[0] / scale
    return w, float(model.intercept_[0] - mean @ w)


def mean_examples(ps: list[Passage]) -> list[Example]:
    """Per sentence: its features, the mean of its tokens' states (0 for a sentence past what the
    judge read), and whether it was read."""
    out = []
    for p in ps:
        width = p.states.shape[1]
        means = [p.states[t].astype(np.float32).mean(0) if t.size else np.zeros(width) for t in p.inside]
        read = [float(t.size > 0) for t in p.inside]
        out.append((p.day, np.column_stack([p.features, np.array(means), read]), p.right))
    return out


def examples(ps: list[Passage], w: np.ndarray, b: float) -> list[Example]:
    """Per sentence: its features, the judge's best token logit in it (0 for a sentence past what it
    read), and whether it went unread."""
    out = []
    for p in ps:
        logits = p.states.astype(np.float32) @ w + b
        best = [float(logits[t].max()) if t.size else 0.0 for t in p.inside]
        unread = [float(t.size == 0) for t in p.inside]
        out.append((p.day, np.column_stack([p.features, best, unread]), p.right))
    return out


def fit(exs: list[Example], l2: float) -> np.ndarray:
    """Weights maximising the likelihood of the right sentences (a softmax over each passage's), on
    standardised features by L-BFGS; returned on the features' own scale."""
    from scipy.optimize import minimize

    x = np.vstack([e[1] for e in exs])
    target = np.concatenate([e[2] / e[2].sum() for e in exs])
    group = np.concatenate([np.full(len(e[2]), i) for i, e in enumerate(exs)])
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    scale = x.std(0) + 1e-6
    z = (x - x.mean(0)) / scale

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = z @ w
        e = np.exp(s - np.maximum.reduceat(s, starts)[group])
        p = e / np.add.reduceat(e, starts)[group]
        value = -(target * np.log(p + 1e-12)).sum() / len(exs) + 0.5 * l2 * w @ w
        return value, z.T @ (p - target) / len(exs) + l2 * w

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    fitted: np.ndarray = np.asarray(result.x) / scale
    return fitted


def accuracy(exs: list[Example], weights: np.ndarray) -> float:
    """The share of examples whose best-scored sentence (ties: the earlier) holds the answer."""
    return float(np.mean([right[int(np.argmax(x @ weights))] for _, x, right in exs]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--judge",
        type=Path,
        required=True,
        help="the judge's folder without a head (train_judge's OUT/onnx)",
    )
    parser.add_argument("--layers", type=int, nargs="+", default=[0, 1, 2, 3, 4, 5])
    parser.add_argument("--pool", choices=["mean", "max"], default="mean", help="how a sentence reads its tokens")
    parser.add_argument("--c", type=float, default=0.01, help="--pool max: the token detector's inverse L2 strength")
    parser.add_argument("--l2", type=float, default=0.01, help="L2 of the sentence pick's fit")
    parser.add_argument("--write", type=Path, help="write the judge's folder with the token head here")
    args = parser.parse_args()
    if OnnxJudge(args.judge).reads_tokens:
        parser.error(f"{args.judge} already has a token head; give the judge exported by qa.training.train_judge")
    layers = tuple(args.layers)
    reader = Reader(args.judge, layers)
    start = time.monotonic()
    train = passages(TRAIN, reader, dev=False) + passages(DEV, reader, dev=True)
    print(f"read {len(train)} passages in {time.monotonic() - start:.0f} s", flush=True)
    held = [p for p in train if not p.dev and held_out(p.day)]
    dev = [p for p in train if p.dev]
    train = [p for p in train if not p.dev and not held_out(p.day)]
    named = (("rtqa-train (fitted on)", train), (f"held out {HOLD_OUT[0]}..{HOLD_OUT[1]}", held), ("dev", dev))
    n = len(FEATURES)
    if args.pool == "mean":
        sets = [(name, mean_examples(ps)) for name, ps in named]
        width = sets[0][1][0][1].shape[1]
        both = fit(sets[0][1], args.l2)
        # The mean of (state . w + read weight) over a sentence's tokens is its mean state . w plus
        # that weight: the head's per-token score, the read weight its bias.
        w, b = both[n : width - 1], float(both[width - 1])
        pickers = [
            (
                "sentence features alone (qa.config.Highlighting)",
                np.r_[astuple(DEFAULT.search.highlighting), np.zeros(width - n)],
            )
        ]
        print("qa.config.Judging: highlight=1 (the head carries its scale), pool='mean'")
    else:
        w, b = detector(train, args.c)
        sets = [(name, examples(ps, w, b)) for name, ps in named]
        both = fit(sets[0][1], args.l2)
        pickers = [
            ("sentence features alone (qa.config.Highlighting)", np.r_[astuple(DEFAULT.search.highlighting), 0.0, 0.0]),
            ("the judge's best token alone", np.r_[np.zeros(n), 1.0, 0.0]),
        ]
        print(f"qa.config.Judging: highlight={both[n]:.3g}, unread={both[n + 1] / both[n]:.3g}, pool='max'")
    pickers.append(("with the judge's reading (fitted now)", both))
    print(f"highlight: the picked sentence holds the answer; judge layers {list(layers)}, {args.pool}; {machine()}")
    rows = [[name, str(len(exs)), *(f"{accuracy(exs, p):.3f}" for _, p in pickers)] for name, exs in sets]
    print(table(["set", "passages", *(p for p, _ in pickers)], rows))
    features = ", ".join(f"{f}={v:.3g}" for f, v in zip(FEATURES, both[:n], strict=True))
    print(f"qa.config.Judging.highlighting: Highlighting({features})")
    if args.write:
        heads, at = {}, 0
        for layer, states in zip(layers, reader.states("a", "b")[0], strict=True):
            heads[layer] = w[at : at + states.shape[1]]
            at += states.shape[1]
        args.write.mkdir(parents=True, exist_ok=True)
        add_token_head(args.judge / GRAPH, heads, b, args.write / GRAPH)
        shutil.copy(args.judge / "tokenizer.json", args.write / "tokenizer.json")
        card = json.loads((args.judge / "card.json").read_text(encoding="utf-8"))
        head = (
            f"a linear head on layers {list(layers)}' token states, a sentence's share the mean over its tokens"
            if args.pool == "mean"
            else f"a logistic regression on layers {list(layers)}' token states for 'this token is part of the"
            f" answer' (answer tokens and {OTHER_TOKENS} others per passage), a sentence's share its best token"
        )
        card["highlight_head"] = (
            f"token_scores: {head}; fitted with the sentence features by python -m"
            f" qa.training.fit_judge_highlight --pool {args.pool} --layers {' '.join(map(str, layers))}"
            f" --l2 {args.l2} on rtqa-train's answer-holding passages ({len(train)}), 2023 Q1 held out;"
            " the pick holds the answer in " + ", ".join(f"{accuracy(exs, both):.3f} ({name})" for name, exs in sets)
        )
        card["version"] = VERSION
        (args.write / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
