"""Shared helpers for the benchmark scripts: where the data is, the machine, the table."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval" / "rtqa-2024q1"
OUT = ROOT / "bench" / "out"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, ready to paste into docs/benchmarks.md."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


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
