"""Embedding throughput over a Ray cluster against worker count, beside one process, same run.

    unshare --net -- sh -c 'ip link set lo up && exec .venv/bin/python -m bench.cluster_embed'

Starts a loopback cluster of three one-CPU nodes (only inside a network namespace holding nothing
but loopback) and embeds the same benchmark passages as `dateline index --ray` does (a Ray Data
job of encoder actors) with 1, 2 and 3 workers, and in this process with the same path; medians
of `--runs`. The job's start (actors loading the model) is counted: it is what a group costs.
"""

from __future__ import annotations

import argparse
import os
import socket
import time
from typing import Any

from bench.common import machine, median, sample_passages, table
from embeddings.factory import indexing_encoder, load_encoder
from qa.config import Cluster
from qa.settings import model_cache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--precision", default="onnx")
    args = parser.parse_args()
    interfaces = sorted(name for _, name in socket.if_nameindex())
    if interfaces != ["lo"]:
        raise SystemExit(f"run inside a loopback-only network namespace (here: {interfaces})")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    import ray
    from ray.cluster_utils import Cluster as RayCluster

    from qa.cluster.connect import connect
    from qa.cluster.embedding import RayEncoder

    texts = sample_passages(args.passages)
    node: dict[str, Any] = {"num_cpus": 1, "object_store_memory": 200 * 1024 * 1024, "node_ip_address": "127.0.0.1"}
    cluster = RayCluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    for _ in range(2):
        cluster.add_node(**node)
    try:
        connect(cluster.address)
        local = indexing_encoder(None, cache_dir=model_cache(), precision=args.precision)
        local.encode_passages(texts[:16])
        runs: dict[str, list[float]] = {"this process (2 cores)": []}
        for workers in (1, 2, 3):
            runs[f"Ray Data job, {workers} worker(s)"] = []
        for _ in range(args.runs):
            start = time.perf_counter()
            local.encode_passages(texts)
            runs["this process (2 cores)"].append(time.perf_counter() - start)
            for workers in (1, 2, 3):
                question = load_encoder(None, cache_dir=model_cache())
                config = Cluster(embed_workers=workers)
                remote = RayEncoder(ray, question, None, model_cache(), args.precision, config)
                start = time.perf_counter()
                remote.encode_passages(texts)
                runs[f"Ray Data job, {workers} worker(s)"].append(time.perf_counter() - start)
        base = median(runs["this process (2 cores)"])
        print(f"{len(texts)} passages, path {args.precision}, median of {args.runs}; {machine()}")
        rows = [[name, f"{len(texts) / median(t):.1f}", f"{base / median(t):.2f}x"] for name, t in runs.items()]
        print(table(["embedding", "passages/s (job start included)", "vs this process"], rows))
    finally:
        ray.shutdown()
        cluster.shutdown()  # type: ignore[no-untyped-call]  # ray.cluster_utils has no annotations


if __name__ == "__main__":
    main()
