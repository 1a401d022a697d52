"""Shared helpers for the benchmark scripts: where the data is, the machine, the table, sample passages,
the bundled corpus's questions."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from qa.ingest.chunker import chunk, embedding_text
from qa.training.report import machine as machine
from qa.training.report import table as table

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval" / "rtqa-2024q1"
OUT = ROOT / "bench" / "out"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def gpu_arguments(parser: argparse.ArgumentParser) -> None:
    """Where a run on another machine finds the benchmark and the model (../shared may not be there)."""
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--articles", type=Path, default=EVAL / "articles.jsonl")
    parser.add_argument("--questions", type=Path, default=EVAL / "questions.jsonl")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the bundled one)")


def build_index(index: Path) -> None:
    """Index the benchmark's articles (incremental: only what is missing is embedded)."""
    if not EVAL.exists():
        raise SystemExit(f"the benchmark is not at {EVAL}: put ../shared beside this checkout")
    subprocess.run(
        [sys.executable, "-m", "tui.launcher", "index", "--index", str(index), str(EVAL / "articles.jsonl")],
        check=True,
        cwd=ROOT,
    )


def benchmark_index(index: Path) -> Path:
    """The benchmark's index at `index`, built first when it is not there (tens of minutes on 2 cores)."""
    if not (index / "dateline.sqlite").exists():
        print(f"building the benchmark index at {index} (once; tens of minutes on 2 cores)", file=sys.stderr)
        build_index(index)
    return index


def require_device(device: str) -> None:
    """Stop with a clear line when the asked-for torch device is not on this machine."""
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise SystemExit(f"no CUDA device here for --device {device}: run it on a GPU machine, or --device cpu")


def sample_passages(n: int) -> list[str]:
    """The first `n` passages of the benchmark's articles, as dateline embeds them."""
    out: list[str] = []
    with open(EVAL / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out += [embedding_text(r["title"], p.text) for p in chunk("x", r["text"], r["title"])]
            if len(out) >= n:
                return out[:n]
    return out


# (question, a phrase the answering sentence holds; None: the corpus does not answer it)
BUNDLED_QUESTIONS: list[tuple[str, str | None]] = [
    ("Who led the North Korean delegation that met Wang Yi?", "Kim Song Nam"),
    ("For whom did Kim Song Nam work as an interpreter?", "Kim Il Sung"),
    ("How many years of diplomatic relations did China and North Korea mark?", "75th"),
    ("Which Chinese vice foreign minister visited Pyongyang?", "Sun Weidong"),
    ("Who did Choe Son-hui meet in Pyongyang?", "Sun Weidong"),
    ("What did Xi Jinping tell Kim Jong Un he hoped to deepen?", "cooperation"),
    ("Which ally has North Korea drawn closer to?", "Russia"),
    # Short questions as a chat user types them: their cosines run lower than a quiz question's.
    ("What did Xi say about the 75th anniversary?", "deepen"),
    ("Who is Wang Huning?", "chairman of the National Committee"),
    ("What did Wang Yi say?", "solidarity"),
    # A word the corpus lacks ("heads"; it says "led"), answered: what the unmentioned bar was set by.
    ("Who heads the North Korean delegation?", "Kim Song Nam"),
    # Written after the unmentioned bar was set, to check it: answers in other words than the
    # article's, and on-topic questions the corpus cannot answer.
    ("What is China's trade role for North Korea?", "largest trading partner"),
    ("Which war did Beijing back Pyongyang in?", "Korean War"),
    ("What did Kim oversee on the eve of the anniversary?", "artillery"),
    ("Which news agency reported Xi's message?", "KCNA"),
    ("What weapons did Kim say he would use?", "nuclear weapons"),
    ("When did the Korean War end?", "1953"),
    ("What is the population of Pyongyang?", None),
    ("How many nuclear warheads does North Korea have?", None),
    ("Who won the South Korean presidential election?", None),
    ("What is North Korea's annual GDP?", None),
    ("When was Kim Jong Un born?", None),
    ("What is the GDP of France?", None),
    ("How many soldiers serve in North Korea's army?", None),
    ("What is the capital of South Korea?", None),
    ("How much does China export to North Korea each year?", None),
    ("What is the name of Kim Jong Un's daughter?", None),
    ("How tall is the Ryugyong Hotel?", None),
    ("Who is the president of Russia?", None),
    # Written later (2026-12-06), run once before the change they led to (a quote holding every word
    # the question names is on the topic; "the name of" is how a question asks), labelled by reading
    # the corpus: the last five are the on-topic questions it cannot answer that still get quotes.
    ("Who is Sergei Lavrov?", "Russian counterpart"),
    ("What is the name of the North Korean news agency?", "KCNA"),
    ("What is the capital of North Korea?", "Pyongyang"),
    ("Who is the foreign minister of North Korea?", "Choe Son-hui"),
    ("What currency does North Korea use?", None),
    ("Who founded the Workers' Party of Korea?", None),
    ("What did Kim Jong Un tell his army?", None),
    ("How many people live in Pyongyang?", None),
    ("Who is the prime minister of South Korea?", None),
    ("How long is the border between China and North Korea?", None),
    ("When did North Korea join the United Nations?", None),
    ("How many missiles did North Korea fire last year?", None),
]
