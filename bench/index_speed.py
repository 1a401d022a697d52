"""`dateline index` end to end: sentence-transformers fp32 against other paths, on the same articles.

    .venv/bin/python -m bench.index_speed [--articles 300] [--paths fp32 auto] [--runs 1]

Writes the benchmark's first `--articles` articles to a JSON Lines file and indexes it from scratch
with each `--precision` in turn (`auto`: the path `dateline prepare` chose for this machine), each
run a fresh index in a temporary DATELINE_HOME, the model cache's graphs made beforehand (as the
set-up does), and prints the wall time of the whole command and the ratio to the first path.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import EVAL, OUT, ROOT, machine, median, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--paths", nargs="*", default=["fp32", "auto"])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    cache = OUT / "models"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles.jsonl"
        with open(EVAL / "articles.jsonl", encoding="utf-8") as fh:
            source.write_text("".join(itertools.islice(fh, args.articles)), encoding="utf-8")
        env = {**os.environ, "DATELINE_HOME": tmp, "DATELINE_CACHE": str(cache), "TOKENIZERS_PARALLELISM": "false"}
        launcher = [sys.executable, "-m", "tui.launcher"]
        subprocess.run([*launcher, "prepare"], env=env, cwd=ROOT, check=True)
        seconds: dict[str, list[float]] = {p: [] for p in args.paths}
        said: dict[str, str] = {}
        for run in range(args.runs):
            for path in args.paths:
                index = Path(tmp) / f"index-{path}-{run}"
                start = time.perf_counter()
                done = subprocess.run(
                    [*launcher, "index", str(source), "--index", str(index), "--precision", path],
                    env=env,
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                seconds[path].append(time.perf_counter() - start)
                said[path] = next((line for line in done.stderr.splitlines() if "embedding with" in line), "")
    base = median(seconds[args.paths[0]])
    rows = [
        [p, f"{median(s):.1f}", f"{base / median(s):.2f}x", said[p].split("embedding with")[-1].strip()[:60]]
        for p, s in seconds.items()
    ]
    print(f"{args.articles} articles, `dateline index` from scratch, median of {args.runs}; {machine()}")
    print(table(["--precision", "seconds", f"vs {args.paths[0]}", "embedding with"], rows))


if __name__ == "__main__":
    main()
