"""`dateline info`: what the index holds."""

from __future__ import annotations

import argparse
import json

from qa.cli.options import index_options
from qa.errors import ExitCode
from qa.settings import Settings

HELP = "what the index holds"
EPILOG = "example: dateline info --json"


def declare(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    index_options(p)


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from qa.index.database import Store
    from qa.present.info import info_record, info_text

    stats, meta = Store.describe(settings.index_dir)
    if args.json:
        print(json.dumps(info_record(settings.index_dir, stats, meta), ensure_ascii=False))
    else:
        print(info_text(settings.index_dir, stats, meta))
    return ExitCode.OK
