"""`dateline index`: add articles to the index (only new or changed ones are embedded)."""

from __future__ import annotations

import argparse
from pathlib import Path

from embeddings.base import Encoder
from embeddings.factory import PRECISIONS
from qa.cli.options import index_options, say
from qa.config import Config, Indexing
from qa.errors import ExitCode
from qa.settings import Settings, model_cache

HELP = "add articles to the index (only new or changed ones are embedded)"
EPILOG = "example: dateline index corpus/ news.jsonl --prune"


def declare(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="text, .jsonl or .json files, or directories")
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
        help="CPU embedding: auto (default: the fastest path measured on this machine, within cosine 0.99"
        " of the exact model), int8, fp32 (the exact model) or bf16 (where the CPU has it)",
    )
    index_options(p)


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from embeddings.factory import indexing_encoder, needs_preparing
    from qa.index.indexer import index_paths

    cache = model_cache()
    chosen: list[str] = []

    def embeds(line: str) -> None:
        chosen.append(line.split(",")[0])  # the path's name on the progress line
        say(f"embedding with {line}")

    def encoder() -> Encoder:
        if needs_preparing(settings.model, cache_dir=cache, device=args.device, precision=args.precision):
            say("preparing the model for fast indexing (once, about 20 seconds)…")
        return indexing_encoder(
            settings.model,
            cache_dir=cache,
            device=args.device,
            precision=args.precision,
            on_choice=embeds,
        )

    report = index_paths(
        settings.index_dir,
        args.paths,
        encoder,
        model_path=settings.model or "",
        prune=args.prune,
        rebuild=args.rebuild,
        wait=args.wait,
        progress=lambda: chosen[-1] if chosen else "",
        on_problem=lambda p: say(f"{'' if p.fatal else 'warning: '}{p}"),
        config=Config(indexing=Indexing(date_order=args.date_order)),
    )
    if report.rebuilt_because:
        say(f"rebuilt the index: {report.rebuilt_because}")
    say(report.summary(settings.index_dir))
    return ExitCode.PARTIAL if report.skipped else ExitCode.OK
