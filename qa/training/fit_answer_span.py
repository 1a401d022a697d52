"""Fit the answer span on the judge's own reading of a quote: a start head and an end head over its
token states, so the call that ranks a quote also says which of its words answer.

    .venv/bin/python -m qa.training.fit_answer_span --judge DIR [--layers 3 4 5] [--write D]

The examples are every answer-holding passage of rtqa-train's questions (qa.training.span_data): the
tokens where a gold answer's mention starts and ends are the heads' positives, NEGATIVE_TOKENS others
per passage their negatives; a logistic regression each over the token states at `--layers`. Fitted on
rtqa-train without the 2023 Q1 questions; the held-out quarter and the dev set check them. Prints,
with the passage known to hold the answer, how often the best span (qa.ranking.answer_span) is a gold
answer exactly or contains one. Whether an answer line is shown is fitted afterwards, on the ranking's
real first quotes over the training quarters (qa.training.fit_answer_bar). `--write D`: the judge's
folder again, its graph with two more outputs, "start_scores" and "end_scores".
"""

from __future__ import annotations

import argparse
import json
import pickle
import shutil
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from embeddings.judge import GRAPH
from qa.config import DEFAULT
from qa.evaluation import said_matches
from qa.ranking.answer_span import CHOICE, CHOICE_SPANS, candidates, choice_features
from qa.training.data import DEV, HOLD_OUT, TRAIN, held_out, quarter_span
from qa.training.fit_judge_highlight import fit
from qa.training.graph import add_heads
from qa.training.judge_states import Reader
from qa.training.report import machine, table
from qa.training.span_data import SpanPassage, passage_only, span_passages

SPAN_TOKENS = DEFAULT.search.answer_line.span_tokens
NEGATIVE_TOKENS = 24
"""Tokens per passage, besides the answer's start (or end), a head learns "not here" from."""


def head(train: list[SpanPassage], which: str, c: float) -> tuple[npt.NDArray[np.float32], float]:
    """A logistic regression over token states for "a gold answer starts (ends) here": (weights,
    bias) on the states' own scale."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    xs, ys = [], []
    for p in train:
        yes = getattr(p, which)
        others = np.flatnonzero(~yes)
        picked = np.r_[np.flatnonzero(yes), rng.choice(others, min(len(others), NEGATIVE_TOKENS), replace=False)]
        xs.append(p.states[picked])
        ys.append(yes[picked])
    x, y = np.vstack(xs).astype(np.float32), np.concatenate(ys)
    mean, scale = x.mean(0), x.std(0) + 1e-6
    model = LogisticRegression(C=c, max_iter=500).fit((x - mean) / scale, y)
    w = (model.coef_[0] / scale).astype(np.float32)
    return w, float(model.intercept_[0] - mean @ w)


Heads = tuple[tuple[npt.NDArray[np.float32], float], tuple[npt.NDArray[np.float32], float]]
"""The start head and the end head: (weights, bias) each."""


def choices(ps: list[SpanPassage], heads: Heads) -> list[tuple[list[tuple[int, int, float]], np.ndarray]]:
    """Per passage, the heads' best spans (qa.ranking.answer_span.candidates) and their CHOICE features."""
    (w_start, b_start), (w_end, b_end) = heads
    out = []
    for p in ps:
        states = p.states.astype(np.float32)
        found = candidates(
            p.text, p.spans, states @ w_start + b_start, states @ w_end + b_end, SPAN_TOKENS, p.question, CHOICE_SPANS
        )
        out.append((found, choice_features(p.question, p.text, found)))
    return out


def picked(
    ps: list[SpanPassage], cs: list[tuple[list[tuple[int, int, float]], np.ndarray]], choice: np.ndarray
) -> list[str]:
    """Each passage's span as `choice` picks it among its candidates ("" where none)."""
    out = []
    for p, (found, x) in zip(ps, cs, strict=True):
        if not found:
            out.append("")
            continue
        start, end, _ = found[int(np.argmax(x @ choice))]
        out.append(p.text[start:end])
    return out


def read_all(reader: Reader, limit: int | None, cache: Path | None) -> list[SpanPassage]:
    """rtqa-train's passages (at most `limit`) and the dev set's, as the judge reads them; from
    `cache` when it holds them, else read and kept there."""
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            kept: list[SpanPassage] = pickle.load(fh)
        return [passage_only(p) for p in kept]
    began = time.monotonic()
    every = span_passages(TRAIN, reader, dev=False, limit=limit) + span_passages(DEV, reader, dev=True)
    print(f"read {len(every)} passages in {time.monotonic() - began:.0f} s", flush=True)
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(every, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judge", type=Path, required=True, help="the judge's folder (with its token head or not)")
    parser.add_argument("--layers", type=int, nargs="+", default=[3, 4, 5])
    parser.add_argument("--c", type=float, default=0.05, help="the heads' inverse L2 strength")
    parser.add_argument("--l2", type=float, default=0.01, help="L2 of the pick among the heads' best spans")
    parser.add_argument("--limit", type=int, help="read at most this many training passages (a quick look)")
    parser.add_argument(
        "--hold-out",
        metavar="QUARTER",
        type=quarter_span,
        help="fit without this quarter, e.g. 2023Q3 (default: HOLD_OUT)",
    )
    parser.add_argument("--cache", type=Path, help="keep the judge's readings here, to fit again without reading")
    parser.add_argument("--write", type=Path, help="write the judge's folder with the span heads here")
    args = parser.parse_args()
    layers = tuple(args.layers)
    reader = Reader(args.judge, layers)
    span = args.hold_out or HOLD_OUT
    every = read_all(reader, args.limit, args.cache)
    train = [p for p in every if not p.dev and not held_out(p.day, span)]
    named = (
        ("rtqa-train (fitted on)", train),
        (f"held out {span[0]}..{span[1]}", [p for p in every if not p.dev and held_out(p.day, span)]),
        ("dev", [p for p in every if p.dev]),
    )
    start, end = head(train, "starts", args.c), head(train, "ends", args.c)
    sets = [(name, ps, choices(ps, (start, end))) for name, ps in named]
    # The pick among the heads' best spans: a softmax over each passage's, the right ones its gold answers.
    examples = []
    for p, (found, x) in zip(train, sets[0][2], strict=True):
        right = np.array([said_matches(p.text[a:b], p.golds)[0] for a, b, _ in found], float)
        if right.any():
            examples.append((p.day, x, right))
    choice = fit(examples, args.l2)
    alone = np.r_[1.0, np.zeros(len(CHOICE) - 1)]
    print(f"answer span from the passage holding the answer; judge layers {list(layers)}, C {args.c}; {machine()}")
    rows = []
    for name, ps, cs in sets:
        row = [name, str(len(ps))]
        for weights in (alone, choice):
            hits = [said_matches(s, p.golds) for s, p in zip(picked(ps, cs, weights), ps, strict=True)]
            row += [f"{np.mean([r[i] for r in hits]):.3f}" for i in (0, 1)]
        rows.append(row)
    columns = ["set", "passages", "heads: exact", "heads: contained", "picked: exact", "picked: contained"]
    print(table(columns, rows))
    print(f"qa.config.AnswerLine(choice=({', '.join(f'{v:.4g}' for v in choice)}))  # {', '.join(CHOICE)}")
    if args.write:
        heads, at = {}, 0
        widths = [s.shape[1] for s in reader.states("a", "b")[0]]
        for name, (w, b) in (("start_scores", start), ("end_scores", end)):
            parts, at = {}, 0
            for layer, width in zip(layers, widths, strict=True):
                parts[layer] = w[at : at + width]
                at += width
            heads[name] = (parts, b)
        args.write.mkdir(parents=True, exist_ok=True)
        add_heads(args.judge / GRAPH, heads, args.write / GRAPH)
        if args.write.resolve() != args.judge.resolve():
            shutil.copy(args.judge / "tokenizer.json", args.write / "tokenizer.json")
        card = json.loads((args.judge / "card.json").read_text(encoding="utf-8"))
        card["answer_span"] = (
            f"start_scores and end_scores: logistic regressions on layers {list(layers)}' token states for 'a"
            f" gold answer starts (ends) here' (its mentions' first and last tokens, {NEGATIVE_TOKENS} others per"
            f" passage), C {args.c}; fitted by python -m qa.training.fit_answer_span --layers"
            f" {' '.join(map(str, layers))} --c {args.c} on rtqa-train's answer-holding passages ({len(train)}),"
            f" {span[0]}..{span[1]} held out; with the passage known, the best span is a gold answer in "
            + ", ".join(f"{r[2]} ({r[0]})" for r in rows)
            + "; picked among its best spans with qa.config.AnswerLine.choice, "
            + ", ".join(f"{r[4]} ({r[0]})" for r in rows)
        )
        (args.write / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
