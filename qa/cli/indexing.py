"""`dateline index`: add articles to the index (only new or changed ones are embedded)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from embeddings.base import Encoder
from embeddings.factory import PRECISIONS
from qa.cli.options import index_options, ray_option, say
from qa.config import DEFAULT, Config, Indexing
from qa.errors import DatelineError, ExitCode
from qa.settings import Settings, model_cache

HELP = "add articles to the index (only new or changed ones are embedded)"
EPILOG = "example: dateline index corpus/ news.jsonl --prune"


def declare(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help=(
            "files or directories: text, Markdown, HTML pages, PDF, JSON or JSON Lines, CSV/TSV, Excel, "
            "RSS/Atom feeds, web archives (WARC); .gz too"
        ),
    )
    p.add_argument("--prune", action="store_true", help="drop articles whose files or records are gone")
    p.add_argument("--rebuild", action="store_true", help="re-embed everything from scratch")
    p.add_argument("--wait", action="store_true", help="wait for another indexer instead of stopping")
    p.add_argument("--device", default=None, help="torch device for embedding, e.g. cuda (default cpu)")
    p.add_argument(
        "--date-order",
        choices=("mdy", "dmy"),
        default="mdy",
        help="how a numeric date like 10/06/2024 is read: mdy (October 6, the default) or dmy (10 June)",
    )
    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="auto",
        help="CPU embedding: auto (default: the fastest path measured on this machine whose vectors stay"
        " close to the exact model's), fp32 (the exact model), int8 or onnx (ONNX Runtime), bf16 (torch, where"
        " the CPU has it), ov-fp32, ov-int8, ov-bf16 or ov-int8-bf16 (OpenVINO)",
    )
    p.add_argument(
        "--shard-by",
        choices=("month", "quarter", "year"),
        default=None,
        help="write a sharded archive: one index per publication period (and one for undated articles), "
        "plus a manifest; later runs into the archive keep its periods",
    )
    ray_option(p, "embed on this Ray cluster, as a Ray Data job (needs an archive: --shard-by)")
    index_options(p)


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from embeddings.cache import needs_preparing
    from embeddings.factory import indexing_encoder
    from qa.index.archive import is_archive
    from qa.index.archiving import index_archive
    from qa.index.indexer import IndexOptions, index_paths

    cache = model_cache()
    chosen: list[str] = []

    def embeds(line: str) -> None:
        chosen.append(line.split(",")[0])  # the path's name on the progress line
        say(f"embedding with {line}")

    def encoder() -> Encoder:
        if settings.ray:
            return _cluster_encoder(settings, args.precision, embeds)
        if needs_preparing(settings.model, cache_dir=cache, device=args.device, precision=args.precision):
            say("preparing the model for fast indexing (once, about 20 seconds)…")
        return indexing_encoder(
            settings.model,
            cache_dir=cache,
            device=args.device,
            precision=args.precision,
            on_choice=embeds,
        )

    shard: list[str] = []
    indexing = Indexing(date_order=args.date_order)
    if settings.ray:  # one embedding job per group of passages, not per batch: a job costs seconds to start
        indexing = replace(indexing, embed_batch=indexing.group_passages)
    options = IndexOptions(
        model_path=settings.model or "",
        prune=args.prune,
        rebuild=args.rebuild,
        wait=args.wait,
        progress=lambda: ", ".join(shard[-1:] + chosen[-1:]),
        on_problem=lambda p: say(f"{'' if p.fatal else 'warning: '}{p}"),
        config=Config(indexing=indexing),
    )
    if settings.ray and not (args.shard_by or is_archive(settings.index_dir)):
        raise DatelineError(
            "--ray builds a sharded archive: add --shard-by month|quarter|year (or give --index an archive)",
            "Bad option",
        )
    if args.shard_by or is_archive(settings.index_dir):
        report = index_archive(
            settings.index_dir,
            args.paths,
            encoder,
            options,
            shard_by=args.shard_by,
            on_shard=shard.append,
            embed_ahead=bool(settings.ray),
        )
    else:
        report = index_paths(settings.index_dir, args.paths, encoder, options)
    if report.rebuilt_because:
        say(f"rebuilt the index: {report.rebuilt_because}")
    say(report.summary(settings.index_dir))
    return ExitCode.PARTIAL if report.skipped else ExitCode.OK


def _cluster_encoder(settings: Settings, precision: str, embeds: Callable[[str], None]) -> Encoder:
    """Passages embedded by a Ray Data job on the cluster; every worker takes this machine's path."""
    from embeddings.factory import load_encoder
    from embeddings.kernels import recorded
    from qa.cluster.embedding import ray_encoder

    cache = model_cache()
    local = load_encoder(settings.model, cache_dir=cache)
    if precision == "auto":
        choice = recorded(cache, local.name)
        precision = choice.path if choice else "auto"
    assert settings.ray
    encoder = ray_encoder(settings.ray, local, settings.model, cache, precision, DEFAULT.cluster)
    embeds(encoder.describe())
    return encoder
