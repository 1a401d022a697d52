"""Probe: can a head on the shipped judge's own token states tell a passage that holds the answer from
one that does not, better than its logit? (For "nothing relevant": a score of the text, not the age.)

    .venv/bin/python -m bench.probe_judge_presence [--layers 2 3 4 5] [--c 0.001]

For each question, up to 2 passages of its search results (dated on or before it, as dateline cuts
them) holding a gold answer and 3 holding none, each read by the judge as dateline shows it (age,
headline, passage). A logistic regression on the mean and the maximum of the passages' token states
at `--layers` is fitted on rtqa-train without the 2023 Q1 questions, and read on those held-out
questions, on the dev set and on the bundled corpus's own questions (bench/bundled_verdicts.py),
against the judge's logit on the same passages. About 25 minutes on 2 cores. Not shipped:
docs/benchmarks.md, "An answer-presence head on the judge's states".
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.common import BUNDLED_QUESTIONS, ROOT, machine, table
from embeddings.factory import indexing_encoder
from embeddings.judge import SHIPPED, JudgeReading, OnnxJudge
from qa.answering.retriever import Retriever
from qa.evaluation import norm
from qa.index.indexer import index_paths
from qa.ingest.chunker import chunk
from qa.ranking.judging import judge_input
from qa.reading.query import Query
from qa.settings import model_cache
from qa.training.data import DEV, HOLD_OUT, TRAIN, rows
from qa.training.judge_states import Reader
from qa.training.measures import auc

POSITIVES, NEGATIVES, QUESTION_CAP = 2, 3, 250
# (question, passage as the judge reads it, whether it holds a gold answer)
Item = tuple[str, str, bool]


def sample(folder: Path, keep: Callable[[str], bool], cap: int | None) -> list[Item]:
    """Each kept question's answer-holding and other passages, in a fixed random order."""
    rng = random.Random(0)
    by_url = {a["url"]: a for a in rows(folder, "articles.jsonl")}
    search = {r["id"]: r["urls"] for r in rows(folder, "search.jsonl")}
    questions = [q for q in rows(folder, "questions.jsonl") if keep(q["date"])]
    rng.shuffle(questions)
    out: list[Item] = []
    for q in questions[:cap]:
        golds = [g for g in (norm(str(a)).strip() for a in q["answers"]) if g]
        holding: list[str] = []
        others: list[str] = []
        for url in search.get(q["id"], []):
            a = by_url.get(url)
            if a is None or not a.get("date") or a["date"] > q["date"]:
                continue
            asked, published = dt.date.fromisoformat(q["date"]), dt.date.fromisoformat(a["date"])
            for p in chunk(url, a["text"], a.get("title") or ""):
                read = judge_input(a.get("title") or "", p.text, published, asked)
                holds = any(re.search(rf"\b{re.escape(g)}\b", norm(read)) for g in golds)
                (holding if holds else others).append(read)
        rng.shuffle(holding)
        rng.shuffle(others)
        out += [(q["question"], r, True) for r in holding[:POSITIVES]]
        out += [(q["question"], r, False) for r in others[:NEGATIVES]]
    return out


def pooled(reader: Reader, question: str, read: str) -> np.ndarray:
    """The mean and the maximum of the passage's token states, layers side by side."""
    states = np.hstack(reader.states(question, read)[0]).astype(np.float32)
    both: np.ndarray = np.concatenate([states.mean(0), states.max(0)])
    return both


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, nargs="+", default=[2, 3, 4, 5])
    parser.add_argument("--c", type=float, default=0.001, help="inverse L2 strength of the regression")
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    reader, judge = Reader(SHIPPED, tuple(args.layers)), OnnxJudge()
    start = time.monotonic()
    sets = {
        "rtqa-train (fitted on)": sample(TRAIN, lambda d: not HOLD_OUT[0] <= d <= HOLD_OUT[1], None),
        f"held out {HOLD_OUT[0]}..{HOLD_OUT[1]}": sample(
            TRAIN, lambda d: HOLD_OUT[0] <= d <= HOLD_OUT[1], QUESTION_CAP
        ),
        "dev": sample(DEV, lambda d: True, QUESTION_CAP),
    }
    x = {name: np.stack([pooled(reader, q, r) for q, r, _ in items]) for name, items in sets.items()}
    y = {name: np.array([h for _, _, h in items]) for name, items in sets.items()}
    fitted = next(iter(sets))
    mean, scale = x[fitted].mean(0), x[fitted].std(0) + 1e-4
    model = LogisticRegression(C=args.c, max_iter=2000).fit((x[fitted] - mean) / scale, y[fitted])
    print(f"read {sum(map(len, sets.values()))} passages in {time.monotonic() - start:.0f} s; {machine()}")
    rows = []
    for name, items in sets.items():
        head = model.decision_function((x[name] - mean) / scale)
        logit = np.array([judge.score(q, [r])[0] for q, r, _ in items])
        pos, neg = y[name], ~y[name]
        aucs = [auc(list(s[pos]), list(s[neg])) for s in (head, logit)]
        rows.append([name, f"{pos.sum()} / {neg.sum()}", *(f"{a:.3f}" for a in aucs)])
    print("Passages holding a gold answer against the question's other passages:")
    print(table(["set", "holding / not", "AUC head", "AUC judge logit"], rows))
    # The bundled corpus: each question's best head score among the candidates the judge reads.
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        index_paths(index, [ROOT / "corpus"], lambda: indexing_encoder(None, cache_dir=model_cache(), precision="fp32"))
        retriever = Retriever.open(index, judge=True)
        assert retriever.judge is not None
        read_by_judge: list[list[str]] = []
        inner = retriever.judge.read

        def recording(question: str, passages: list[str]) -> list[JudgeReading]:
            read_by_judge.append(passages)
            return inner(question, passages)

        retriever.judge.read = recording  # type: ignore[method-assign]
        answerable: list[float] = []
        unanswerable: list[float] = []
        for question, phrase in BUNDLED_QUESTIONS:
            read_by_judge.clear()
            retriever.ask(Query(question, k=3, apply_bar=False))
            features = np.stack([pooled(reader, question, r) for r in read_by_judge[0]])
            best = float(model.decision_function((features - mean) / scale).max())
            (answerable if phrase else unanswerable).append(best)
        retriever.close()
    print(
        f"bundled corpus, {len(answerable)} answerable / {len(unanswerable)} not: AUC of the best head score "
        f"{auc(answerable, unanswerable):.3f}"
    )


if __name__ == "__main__":
    main()
