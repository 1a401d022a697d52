"""Query latency of the vector index at scale, against exact search.

    .venv/bin/python -m bench.vector_latency [--sizes 100000 1000000] [--queries 200]

Realistic vectors: real passage vectors from the benchmark index, each repeated with small noise up
to the wanted size (so neighbourhoods look like news, not like uniform noise). dateline picks exact
search below 200k vectors and HNSW above; this measures p50/p99 of one query, recall@10 against exact
search, build time, and the peak resident memory of a fresh process that serves the saved index as
`dateline ask` would: the question model loaded, the vectors file opened, questions searched.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from bench.common import OUT, ROOT, benchmark_index, machine, table
from embeddings.vectors import VectorIndex
from qa.index.database import Store


def realistic(base: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    picks = base[rng.integers(0, len(base), n)]
    x = picks + 0.05 * rng.standard_normal(picks.shape).astype(np.float32)
    unit: np.ndarray = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return unit


SERVE = """
import sys
from pathlib import Path
from embeddings.factory import load_encoder
from embeddings.vectors import VectorIndex
from qa.settings import model_cache
encoder = load_encoder(None, cache_dir=model_cache())
index = VectorIndex.load(Path(sys.argv[1]), encoder.dim)
for q in ["Who won the election?", "What did the central bank decide?", "Where did the storm hit?"] * 20:
    index.search(encoder.encode_queries([q]), 100)
# VmHWM, not getrusage: ru_maxrss survives exec and would report the (larger) parent's peak.
print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) // 1024)
"""


def serving_rss(path: Path) -> int:
    """Peak RSS (MB) of a fresh process serving the vectors file with the question model loaded."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SERVE, str(path)], capture_output=True, text=True, check=True, env=env)
    return int(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=OUT / "rtqa-index")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    store = Store.open(benchmark_index(args.index))
    _, base = store.vectors()
    store.close()
    queries = realistic(base, args.queries, seed=99)
    rows = []
    for n in args.sizes:
        x = realistic(base, n)
        start = time.perf_counter()
        index = VectorIndex.build(x.shape[1], np.arange(n, dtype=np.int64), x)
        built = time.perf_counter() - start
        times = []
        found = []
        for q in queries:
            t = time.perf_counter()
            _, ids = index.search(q[None, :], 10)
            times.append(time.perf_counter() - t)
            found.append(ids[0])
        exact = np.argsort(-(queries @ x.T), axis=1)[:, :10]
        recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(found, exact, strict=True)])
        kind = type(faiss.downcast_index(index._index.index)).__name__
        saved = OUT / f"vectors-{n}.faiss"
        index.save(saved)
        rss = serving_rss(saved)
        saved.unlink()
        ms = np.array(times) * 1000
        rows.append(
            [
                f"{n:,}",
                kind,
                f"{np.median(ms):.1f}",
                f"{np.percentile(ms, 99):.1f}",
                f"{recall:.3f}",
                f"{built:.0f}",
                f"{rss:,.0f}",
            ]
        )
        del index, x
    print(f"{args.queries} queries, k=10, one at a time; {machine()}")
    headers = ["vectors", "index", "p50 ms", "p99 ms", "recall@10 vs exact", "build s", "serving process peak RSS MB"]
    print(table(headers, rows))


if __name__ == "__main__":
    main()
