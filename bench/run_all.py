"""Every benchmark, one after another, each printing its table (`make bench`).

    .venv/bin/python -m bench.run_all [--index DIR] [--only NAME ...] [--long] [--list]

Every script in bench/ is listed here (`--list` says what each needs). The benchmark index (the
shared news-QA set) is built first when it is missing: tens of minutes on 2 cores, once. The GPU
benchmarks run only where torch sees a CUDA device. The long ones (tens of minutes each on 2 cores)
run only with `--long`; those that need something made by hand (a trained judge's weights, a network
namespace) are listed with what they need and never run from here. Each script runs in its own
process, so one failing does not stop the rest; the exit code says whether all that ran passed.
Paste the tables into docs/benchmarks.md with the CPU line each prints.

Training and fitting what ships (the judge, the highlight, the recency prior, the verdict rule) is
not benchmarking: it is qa.training (`python -m qa.training.<module> --help`), never run from here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import EVAL, OUT, ROOT, benchmark_index


@dataclass(frozen=True, slots=True)
class Script:
    """One benchmark script (bench.<name>) and how run_all runs it."""

    name: str
    arguments: list[str] = field(default_factory=list)
    """Quick settings, or the script's own defaults where they are already short."""
    index: bool = False
    """Given the benchmark index (`--index`)."""
    gpu: bool = False
    """Run only where torch sees a CUDA device."""
    long: bool = False
    """Tens of minutes on 2 cores: run only with `--long`."""
    by_hand: str = ""
    """What it needs that run_all cannot make: listed, never run from here."""


SCRIPTS: list[Script] = [
    Script("encode_speed", ["--passages", "256", "--runs", "3"]),
    Script("startup", ["--runs", "3"]),
    Script("index_memory", ["--sizes", "610", "1220"]),
    Script("html_extraction"),
    Script("highlight_speed", ["--runs", "3"]),
    Script("bundled_verdicts"),
    Script("quality", index=True),
    Script("batch_speed", index=True),
    Script("judge_speed", ["--runs", "3"], index=True),
    Script("copies", ["--runs", "3"], index=True),
    Script("misses", index=True),
    Script("nothing_found", index=True),
    Script("vector_latency", ["--sizes", "100000", "--queries", "100"], index=True),
    Script("verdict_labels", ["--set", str(EVAL)], index=True, long=True),
    Script("shards", ["--set", str(EVAL), "--archive", str(OUT / "rtqa-archive")], index=True, long=True),
    Script("probe_judge_presence", long=True),
    Script("gpu_speed", gpu=True),
    Script("passage_sizes", gpu=True),
    Script(
        "judge_rerank",
        by_hand="a trained judge's weights (qa.training.train_judge's OUT/model) and `dateline eval --strict` records",
    ),
    Script("cluster_embed", by_hand="a network namespace holding only loopback (`unshare --net`, see its --help)"),
]


def has_gpu() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def describe(script: Script) -> str:
    """One line of `--list`: what the script needs and how it runs."""
    if script.by_hand:
        return f"{script.name:21} by hand; needs {script.by_hand}"
    wants = (("the benchmark index", script.index), ("a GPU", script.gpu), ("--long", script.long))
    needs = ", ".join(n for n, on in wants if on) or "nothing"
    return f"{script.name:21} needs {needs}; runs with {' '.join(script.arguments) or 'defaults'}"


def why_skipped(script: Script, *, run_long: bool, gpu: bool) -> str:
    """Why run_all does not run this script now ("": it runs)."""
    if script.by_hand:
        return f"by hand only; it needs {script.by_hand}"
    if script.gpu and not gpu:
        return "no CUDA device on this machine"
    if script.long and not run_long:
        return "long; run with --long"
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index", help="the benchmark index (built if missing)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these (e.g. encode_speed quality)")
    parser.add_argument(
        "--long",
        action="store_true",
        help="also run the long benchmarks (verdict_labels, shards, probe_judge_presence)",
    )
    parser.add_argument("--list", action="store_true", help="list every benchmark, what it needs, and exit")
    args = parser.parse_args()
    if args.list:
        for script in SCRIPTS:
            print(describe(script))
        return 0
    chosen = [s for s in SCRIPTS if not args.only or s.name in args.only]
    gpu = any(s.gpu for s in chosen) and has_gpu()
    failed: list[str] = []
    for script in chosen:
        module = f"bench.{script.name}"
        skipped = why_skipped(script, run_long=args.long, gpu=gpu)
        if skipped:
            print(f"\n## {module}: skipped, {skipped}", flush=True)
            continue
        command = [sys.executable, "-m", module, *script.arguments]
        if script.index:
            command += ["--index", str(benchmark_index(args.index))]
        print(f"\n## {module} {' '.join(command[3:])}", flush=True)
        start = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, check=False)
        print(f"({module}: {time.monotonic() - start:.0f} s, exit {done.returncode})", flush=True)
        if done.returncode:
            failed.append(module)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
