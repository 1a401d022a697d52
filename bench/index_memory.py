"""Peak memory of `dateline index` as the corpus grows: does indexing stream in bounded memory?

    .venv/bin/python -m bench.index_memory [--model hash-384] [--sizes 610 1220 2440] [--code DIR]

Each run is a fresh process indexing the first N benchmark articles into an empty index, as
`dateline index` does; its peak resident memory is the process's own `VmHWM`. The default model
is the instant test encoder (`hash-384`, vectors of the real size), which isolates what the
indexing pipeline itself holds; `--model default` uses the bundled model (slow: minutes per run).
`--code DIR` runs another checkout (a git worktree of an earlier commit) as the baseline.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import EVAL, ROOT, machine, table

CHILD = """
import sys
from tui.launcher import main
code = main(sys.argv[1:])
print("VmHWM", next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) // 1024)
sys.exit(code)
"""


def run(code: Path, articles: Path, model: str, work: Path) -> tuple[float, int, str]:
    """(seconds, peak MB, summary line) of one fresh `dateline index` process."""
    index = work / f"index-{time.monotonic_ns()}"
    args = ["index", "--index", str(index), str(articles)]
    if model != "default":
        args += ["--model", model]
    env = {**os.environ, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, env=env, cwd=code)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    peak = int(out.stdout.split("VmHWM")[-1].split()[0])
    summary = out.stderr.strip().splitlines()[-1]
    return elapsed, peak, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="hash-384")
    parser.add_argument("--sizes", type=int, nargs="+", default=[610, 1220, 2440])
    parser.add_argument("--code", type=Path, action="append", default=[], help="another checkout to compare")
    args = parser.parse_args()
    lines = (EVAL / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    codes = [ROOT, *args.code]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in args.sizes:
            articles = work / f"first-{n}.jsonl"
            articles.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
            words = sum(len(line.split()) for line in lines[:n])
            for code in codes:
                elapsed, peak, summary = run(code, articles, args.model, work)
                passages = summary.split(" embedded")[0].rsplit(" ", 1)[0].rsplit(" ", 1)[-1]
                label = "this checkout" if code == ROOT else code.name
                rows.append([label, str(n), f"{words / 1e6:.2f} M", passages, f"{elapsed:.0f}", str(peak)])
    print(f"`dateline index` with model {args.model}; {machine()}")
    print(table(["code", "articles", "words", "passages", "wall s", "peak RSS MB"], rows))


if __name__ == "__main__":
    main()
