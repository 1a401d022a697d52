"""Every benchmark this machine can run, one after another, each printing its table (`make bench`).

    .venv/bin/python -m bench.run_all [--index DIR] [--only NAME ...] [--list]

The benchmark index (the shared news-QA set) is built first when it is missing: tens of minutes
on 2 cores, once. The GPU benchmarks run only where torch sees a CUDA device. Each script runs in
its own process, so one failing does not stop the rest; the exit code says whether all passed.
Paste the tables into docs/benchmarks.md with the CPU line each prints.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OUT, ROOT, benchmark_index

# (module, arguments, needs the benchmark index, needs a GPU); quick settings, the scripts' own
# defaults where they are already short.
SCRIPTS: list[tuple[str, list[str], bool, bool]] = [
    ("bench.encode_speed", ["--passages", "256", "--runs", "3"], False, False),
    ("bench.startup", ["--runs", "3"], False, False),
    ("bench.index_memory", ["--sizes", "610", "1220"], False, False),
    ("bench.quality", [], True, False),
    ("bench.batch_speed", [], True, False),
    ("bench.judge_speed", ["--runs", "3"], True, False),
    ("bench.copies", ["--runs", "3"], True, False),
    ("bench.misses", [], True, False),
    ("bench.nothing_found", [], True, False),
    ("bench.vector_latency", ["--sizes", "100000", "--queries", "100"], True, False),
    ("bench.gpu_speed", [], False, True),
    ("bench.passage_sizes", [], False, True),
]


def has_gpu() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index", help="the benchmark index (built if missing)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these (e.g. encode_speed quality)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args()
    if args.list:
        for module, extra, index, gpu in SCRIPTS:
            needs = ", ".join(n for n, on in (("benchmark index", index), ("GPU", gpu)) if on) or "nothing"
            print(f"{module.removeprefix('bench.'):16} needs {needs}; runs with {' '.join(extra) or 'defaults'}")
        return 0
    chosen = [s for s in SCRIPTS if not args.only or s[0].removeprefix("bench.") in args.only]
    gpu = has_gpu()
    failed: list[str] = []
    for module, extra, needs_index, needs_gpu in chosen:
        if needs_gpu and not gpu:
            print(f"\n## {module}: skipped, no CUDA device on this machine", flush=True)
            continue
        command = [sys.executable, "-m", module, *extra]
        if needs_index:
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
