"""A sharded archive against one index over the same articles: the same answers?

    .venv/bin/python -m bench.shards --set DIR --index SINGLE --archive DIR [--shard-by month]

`--set` holds questions.jsonl, qrels.jsonl and articles.jsonl; `--index` is one index built over
those articles by `dateline index`. The archive is built (once) by the archive indexer over the same
articles; each shard's embed cache is first filled with the single index's vectors for the same
passage texts, so nothing is embedded twice (the vectors are the ones the single index holds).

Prints the strict and loose measures for the single index and for the archive (both ways of merging
keyword scores), how many questions get the same first quote and the same top 5 articles, the time
per question (medians of batches, same run), and each shard's size.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from bench.common import machine, median, table
from embeddings.factory import indexing_encoder
from qa.evaluation import evaluate, load_questions
from qa.index.archive import index_archive, is_archive, period_of, read_manifest
from qa.index.database import Store
from qa.index.embed_cache import EmbedCache
from qa.index.indexer import _offer_old_vectors
from qa.index.layout import Layout
from qa.ingest.articles import Article
from qa.ingest.readers import read_paths
from qa.search.retriever import Retriever
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
        _offer_old_vectors(store, [i for i in ids if i in stored], encoder, cache)
    store.close()
    index_archive(archive, [articles], lambda: encoder, shard_by=shard_by, progress=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--shard-by", default="month")
    args = parser.parse_args()
    if not is_archive(args.archive):
        seed_caches(args.index, args.archive, args.shard_by, args.set / "articles.jsonl")
    questions = load_questions(args.set / "questions.jsonl")
    judged = load_qrels(args.set / "qrels.jsonl", questions)
    print(f"{args.set}: {len(questions)} questions, {len(judged)} strict; {machine()}")
    single = Retriever.open(args.index)
    archive = Retriever.open(args.archive)
    variants = {
        "one index": single,
        "archive, shard BM25 as is": archive,
        "archive, BM25 / shard's best": archive.with_config(
            replace(archive.config, candidates=replace(archive.config.candidates, shard_keywords="relative"))
        ),
    }
    rows, tops = [], {}
    for name, retriever in variants.items():
        s, _ = strict(retriever, judged)
        loose, records = evaluate(retriever, questions)
        tops[name] = {r["id"]: [p["article_id"] for p in r["passages"]] for r in records}
        rows.append([name, *(f"{s[k]:.3f}" for k in STRICT), *(f"{loose[k]:.3f}" for k in LOOSE)])
        print(rows[-1], flush=True)
    print(table(["source", *(f"strict {k}" for k in STRICT), *(f"loose {k}" for k in LOOSE)], rows))
    base = tops["one index"]
    rows = []
    for name, got in tops.items():
        if name == "one index":
            continue
        first = sum(got[i][:1] == base[i][:1] for i in base) / len(base)
        five = sum(got[i][:5] == base[i][:5] for i in base) / len(base)
        rows.append([name, f"{first:.1%}", f"{five:.1%}"])
    print(table(["against one index", "same first quote's article", "same top-5 articles, in order"], rows))
    # Time per question, the two taking turns over the same batches.
    times: dict[str, list[float]] = {"one index": [], "archive": []}
    for _ in range(3):
        for name, retriever in (("one index", single), ("archive", archive)):
            start = time.perf_counter()
            evaluate(retriever, questions)
            times[name].append((time.perf_counter() - start) / len(questions))
    base_t = median(times["one index"])
    print(
        table(
            ["source", "ms a question (batches of 64)", "vs one index"],
            [[n, f"{1000 * median(t):.1f}", f"{median(t) / base_t:.2f}x"] for n, t in times.items()],
        )
    )
    manifest = read_manifest(args.archive)
    rows = []
    for shard in manifest.shards:
        stats, _ = Store.describe(args.archive / shard.directory)
        rows.append([shard.period, str(shard.articles), str(shard.passages), f"{stats.bytes / 1e6:.1f}"])
    print(table(["shard", "articles", "passages", "MB on disk"], rows))
    single.close()
    archive.close()


if __name__ == "__main__":
    main()
