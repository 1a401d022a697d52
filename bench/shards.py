"""A sharded archive against one index over the same articles: the same answers?

    .venv/bin/python -m bench.shards --set DIR --index SINGLE --archive DIR [--shard-by month]

`--set` holds questions.jsonl, qrels.jsonl and articles.jsonl; `--index` is one index built over
those articles by `dateline index`. The archive is built (once) by the archive indexer over the same
articles; each shard's embed cache is first filled with the single index's vectors for the same
passage texts, so nothing is embedded twice (the vectors are the ones the single index holds).

Prints the strict and loose measures for the single index and for the archive (BM25 with the
archive's statistics or each shard's own; with `--cluster`, also served by shard actors on a
3-node Ray cluster on loopback, which must run inside `unshare --net`), how many questions get the
same quotes as from the single index, the time per question (medians, same run), and each shard's size.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.common import machine, median, table
from embeddings.factory import indexing_encoder
from qa.answering.retriever import Retriever
from qa.evaluation import evaluate, load_questions
from qa.index.archive import is_archive, period_of, read_manifest
from qa.index.archiving import index_archive
from qa.index.database import Store
from qa.index.embed_cache import EmbedCache
from qa.index.embedding import offer_old_vectors
from qa.index.indexer import IndexOptions, index_paths
from qa.index.layout import Layout
from qa.ingest.articles import Article
from qa.ingest.readers import read_paths
from qa.settings import model_cache
from qa.strict import load_qrels, strict

STRICT = ("R@1", "R@5", "MRR@10", "highlight")
LOOSE = ("AR@1000w",)


def seed_caches(single: Path, archive: Path, shard_by: str, articles: Path) -> None:
    """Build the archive, its shards' embed caches filled from the single index's vectors."""
    store = Store.open(single)
    encoder = indexing_encoder(None, cache_dir=model_cache(), precision="int8")
    by_period: dict[str, list[str]] = {}
    for item in read_paths([articles]):
        if isinstance(item, Article):
            by_period.setdefault(period_of(item.date, shard_by), []).append(item.id)
    stored = set(store.article_ids())
    for period, ids in by_period.items():
        (archive / period).mkdir(parents=True, exist_ok=True)
        cache = EmbedCache(Layout(archive / period).embed_cache)
        offer_old_vectors(store, [i for i in ids if i in stored], encoder, cache)
    store.close()
    index_archive(archive, [articles], lambda: encoder, IndexOptions(progress=True), shard_by=shard_by)


def build_single(old: Path, single: Path, articles: Path) -> None:
    """One index over the articles, its embed cache filled from an older index's vectors (an older
    passage cut leaves most passages' text, and so their vectors, as they were)."""
    store = Store.open(old)
    encoder = indexing_encoder(None, cache_dir=model_cache(), precision="int8")
    single.mkdir(parents=True, exist_ok=True)
    offer_old_vectors(store, sorted(store.article_ids()), encoder, EmbedCache(Layout(single).embed_cache))
    store.close()
    report = index_paths(single, [articles], lambda: encoder, IndexOptions(progress=True))
    print(f"one index: {report.passages_embedded} passages embedded, {report.passages_reused} reused", flush=True)


def start_cluster() -> tuple[Any, str]:
    """Three nodes of one CPU on loopback; only inside a network namespace holding nothing else."""
    import socket

    interfaces = sorted(name for _, name in socket.if_nameindex())
    if interfaces != ["lo"]:
        raise SystemExit(f"--cluster runs only in a loopback-only network namespace (here: {interfaces})")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    from ray.cluster_utils import Cluster

    node: dict[str, Any] = {"num_cpus": 1, "object_store_memory": 200 * 1024 * 1024, "node_ip_address": "127.0.0.1"}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    for _ in range(2):
        cluster.add_node(**node)
    return cluster, str(cluster.address)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--shard-by", default="month")
    parser.add_argument("--seed-from", type=Path, help="build --index first, reusing this older index's vectors")
    parser.add_argument(
        "--cluster", action="store_true", help="also serve the archive from a 3-node loopback Ray cluster (netns)"
    )
    parser.add_argument("--timing-only", action="store_true", help="only the time per question")
    parser.add_argument("--timing-questions", type=int, default=64, help="questions timed (default 64)")
    args = parser.parse_args()
    articles = args.set / "articles.jsonl"
    if args.seed_from and not (args.index / "dateline.sqlite").exists():
        build_single(args.seed_from, args.index, articles)
    if not is_archive(args.archive):
        seed_caches(args.index, args.archive, args.shard_by, articles)
    questions = load_questions(args.set / "questions.jsonl")
    judged = load_qrels(args.set / "qrels.jsonl", questions)
    print(f"{args.set}: {len(questions)} questions, {len(judged)} strict; {machine()}", flush=True)
    single = Retriever.open(args.index)
    archive = Retriever.open(args.archive)
    shard_stats = replace(archive.config, candidates=replace(archive.config.candidates, shard_keywords="shard"))
    variants = {
        "one index": single,
        "archive in-process, BM25 with the archive's statistics (default)": archive,
        "archive in-process, BM25 with each shard's own statistics": archive.with_config(shard_stats),
    }
    cluster = None
    if args.cluster:
        from qa.answering.opening import open_retriever
        from qa.settings import Settings

        cluster, address = start_cluster()
        variants["archive over Ray, 3 loopback nodes"] = open_retriever(Settings(args.archive, ray=address))
    try:
        if not args.timing_only:
            quality(variants, questions, judged)
        timing(variants, questions[: args.timing_questions])
        sizes(args.archive)
        if cluster is not None:
            actor_memory(args.archive)
    finally:
        for retriever in variants.values():
            retriever.close()
        if cluster is not None:
            import ray

            ray.shutdown()
            cluster.shutdown()


def quality(variants: dict[str, Retriever], questions: list[Any], judged: list[Any]) -> None:
    rows, tops = [], {}
    for name, retriever in variants.items():
        s, _ = strict(retriever, judged)
        loose, records = evaluate(retriever, questions)
        tops[name] = {r["id"]: [(p["date"], p["text"]) for p in r["passages"]] for r in records}
        rows.append([name, *(f"{s[k]:.3f}" for k in STRICT), *(f"{loose[k]:.3f}" for k in LOOSE)])
        print(rows[-1], flush=True)
    print(table(["source", *(f"strict {k}" for k in STRICT), *(f"loose {k}" for k in LOOSE)], rows))
    base = tops["one index"]
    rows = []
    for name, got in tops.items():
        if name != "one index":
            first = sum(got[i][:1] == base[i][:1] for i in base) / len(base)
            five = sum(got[i][:5] == base[i][:5] for i in base) / len(base)
            every = sum(got[i] == base[i] for i in base) / len(base)
            rows.append([name, f"{first:.1%}", f"{five:.1%}", f"{every:.1%}"])
    print(table(["against one index", "same first quote", "same first 5 quotes", "same 20 quotes"], rows))


def timing(variants: dict[str, Retriever], questions: list[Any]) -> None:
    """Time per question, the sources taking turns over the same questions (one batch, 20 quotes)."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(3):
        for name, retriever in variants.items():
            start = time.perf_counter()
            evaluate(retriever, questions)
            times[name].append((time.perf_counter() - start) / len(questions))
    base_t = median(times["one index"])
    print(
        table(
            [f"source ({len(questions)} questions)", "ms a question (one batch, 20 quotes)", "vs one index"],
            [[n, f"{1000 * median(t):.1f}", f"{median(t) / base_t:.2f}x"] for n, t in times.items()],
        )
    )


def actor_memory(archive_dir: Path) -> None:
    """Each shard actor's resident memory (its process, read from /proc: the nodes share this machine)."""
    import ray

    from qa.cluster.serving import actor_name

    rows: list[list[str]] = []
    for shard in read_manifest(archive_dir).shards:
        actor = ray.get_actor(actor_name(archive_dir, shard), namespace="dateline")
        pid: object = ray.get(actor.pid.remote())
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
        rows.append([shard.period, str(shard.passages), f"{rss / 1024:.0f}"])
    print(table(["shard actor", "passages", "resident MB"], rows))


def sizes(archive_dir: Path) -> None:
    """The shards' sizes: the largest five, and all of them summed."""
    manifest = read_manifest(archive_dir)
    rows: list[list[str]] = []
    disk, passages = 0.0, 0
    for shard in sorted(manifest.shards, key=lambda s: -s.passages):
        stats, meta = Store.describe(archive_dir / shard.directory)
        vectors = shard.passages * int(meta["dim"]) * 4
        disk, passages = disk + stats.bytes, passages + shard.passages
        if len(rows) < 5:
            row = [shard.period, str(shard.articles), str(shard.passages), f"{stats.bytes / 1e6:.1f}"]
            rows.append([*row, f"{vectors / 1e6:.1f}"])
    total = [f"all {len(manifest.shards)} shards", "", str(passages), f"{disk / 1e6:.1f}"]
    rows.append([*total, f"{passages * 1.536e-3:.1f}"])
    print(table(["shard (largest five)", "articles", "passages", "MB on disk", "MB of vectors in memory"], rows))


if __name__ == "__main__":
    main()
