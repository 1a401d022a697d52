"""Shared helpers for the benchmark scripts: where the data is, the machine, the table."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
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
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dateline"), "index", "--index", str(index), str(EVAL / "articles.jsonl")],
        check=True,
    )
