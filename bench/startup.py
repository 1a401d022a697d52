"""Cold start: `dateline ask` end to end, and the chat's first paint and readiness.

    .venv/bin/python -m bench.startup [--index DIR] [--runs 5]

Each figure is the median of several fresh processes; "from a new DATELINE_HOME" asks the same
index from a home never used before (the model's graphs come from the per-user cache). The
baseline, measured in the same run, is `python -c "import sentence_transformers"`: what any
torch-based start pays before doing anything.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, machine, median, table

CHAT_PROBE = """
import sys, time
t0 = float(sys.argv[1])
from tui.app import DatelineApp
from qa.settings import Settings
from pathlib import Path

class Probe(DatelineApp):
    painted = None
    def on_mount(self):
        # Textual also runs DatelineApp.on_mount: handlers are called along the class hierarchy.
        self.call_after_refresh(self.mark)
    def mark(self):
        self.painted = time.time() - t0
    def on_engine_ready(self, message):
        # Called besides the app's own handler; the model is loaded by then.
        print(f"{self.painted:.3f} {time.time() - t0:.3f}", flush=True)
        self.call_after_refresh(self.exit)

Probe(Settings(Path(sys.argv[2])), build_default=False).run(headless=True)
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, help="an existing index (default: the bundled corpus, built here)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    env = {**os.environ, "DATELINE_HOME": str(home)}
    # The `dateline` entry point, run by this interpreter (whichever environment runs the benchmark).
    dateline = [sys.executable, "-m", "tui.launcher"]
    index = args.index or home / "index"
    if args.index is None:
        subprocess.run([*dateline, "index", str(ROOT / "corpus")], check=True, capture_output=True, env=env, cwd=ROOT)
    # One ask exports the ONNX graph if the index was built elsewhere; not counted.
    ask = [*dateline, "ask", "Who led the North Korean delegation that met Wang Yi?", "--index", str(index)]
    subprocess.run(ask, check=True, capture_output=True, env=env, cwd=ROOT)
    base = [timed([sys.executable, "-c", "import sentence_transformers"], env) for _ in range(args.runs)]
    asks = [timed(ask, env) for _ in range(args.runs)]
    # The same index asked from a home never used before: the graphs come from the per-user cache.
    fresh = [timed(ask, {**env, "DATELINE_HOME": tempfile.mkdtemp(prefix="dateline-home-")}) for _ in range(args.runs)]
    paints, readies = [], []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHAT_PROBE, repr(time.time()), str(index)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        ).stdout.split()
        paints.append(float(out[-2]))
        readies.append(float(out[-1]))
    rows = [
        ["import sentence_transformers (baseline)", f"{median(base):.2f}", "1.00x"],
        ["dateline ask, end to end", f"{median(asks):.2f}", f"{median(base) / median(asks):.1f}x faster"],
        [
            "dateline ask from a new DATELINE_HOME",
            f"{median(fresh):.2f}",
            f"{median(base) / median(fresh):.1f}x faster",
        ],
        ["chat: first paint", f"{median(paints):.2f}", ""],
        ["chat: ready to answer (index open, model loaded)", f"{median(readies):.2f}", ""],
    ]
    print(f"median of {args.runs} fresh processes; {machine()}")
    print(table(["what", "seconds", "vs baseline"], rows))


if __name__ == "__main__":
    main()
