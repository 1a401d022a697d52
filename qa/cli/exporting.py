"""`dateline export`: the stored articles as they were read."""

from __future__ import annotations

import argparse
import sys

from qa.cli.options import index_options, say
from qa.errors import DatelineError, ExitCode
from qa.settings import Settings

HELP = "write the stored articles (title, date, source, url, text, path) as JSON Lines or CSV"
EPILOG = "example: dateline export --format csv -o articles.csv"


def declare(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="OUT", default="-", help="output file (default: stdout)")
    p.add_argument("--format", choices=["jsonl", "csv"], help="default: from OUT's extension, else jsonl")
    index_options(p)


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from qa.index.database import Store
    from qa.present.export import export_articles

    fmt = args.format or ("csv" if str(args.output).lower().endswith(".csv") else "jsonl")
    store = Store.open(settings.index_dir)
    try:
        if args.output == "-":
            count = export_articles(store.articles(), sys.stdout, fmt)
        else:
            try:
                with open(args.output, "w", encoding="utf-8", newline="") as stream:
                    count = export_articles(store.articles(), stream, fmt)
            except OSError as exc:
                raise DatelineError(f"cannot write {args.output}: {exc.strerror}", "Bad output") from exc
    finally:
        store.close()
    say(f"{count} articles written to {'stdout' if args.output == '-' else args.output}")
    return ExitCode.OK
