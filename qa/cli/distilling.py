"""`dateline distill`: bulk mode's fast static model, made from the bundled one."""

from __future__ import annotations

import argparse
from pathlib import Path

from qa.cli.options import index_options, say
from qa.errors import ExitCode
from qa.settings import Settings

HELP = "bulk mode: make a fast static model from the bundled one (then: index --model DIR)"
EPILOG = "example: dateline distill ~/static-minilm && dateline index --model ~/static-minilm news.jsonl"


def declare(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", type=Path, metavar="DIR", help="where to write the static model")
    p.add_argument("--dims", type=int, default=256, help="vector size (default 256)")
    index_options(p)


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from embeddings.distill import distill_static

    source = Path(settings.model).expanduser() if settings.model else None
    out = distill_static(args.out, source, args.dims)
    say(f"static model written to {out}; index with `dateline index --model {out} PATH...`")
    return ExitCode.OK
