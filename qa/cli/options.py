"""Options shared by several commands, declared once, and what they turn into."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from qa.config import DEFAULT
from qa.errors import DatelineError
from qa.ingest.dates import parse_cli_date
from qa.reading.query import Query, outlet_names


def say(message: str) -> None:
    """A diagnostic line on stderr (data goes to stdout)."""
    print(f"dateline: {message}", file=sys.stderr, flush=True)


def index_options(parser: argparse.ArgumentParser) -> None:
    """--index and --model, which every command (and the chat) takes."""
    parser.add_argument("--index", metavar="DIR", help="index directory (default: $DATELINE_HOME/index)")
    parser.add_argument("--model", metavar="DIR", help="a local sentence-transformers model directory")


def judge_option(parser: argparse.ArgumentParser) -> None:
    """--judge and --no-judge, for the commands that answer questions."""
    parser.add_argument(
        "--judge",
        dest="judge",
        action="store_const",
        const=True,
        help="re-rank with the answer judge (the default; DATELINE_JUDGE=off turns it off)",
    )
    parser.add_argument(
        "--no-judge",
        dest="judge",
        action="store_const",
        const=False,
        help="answer without the judge: about 4x the questions a second, for bulk runs",
    )


def ray_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--ray", metavar="ADDRESS", help=f"{what} (the head's host:port; also DATELINE_RAY)")


MAX_K = DEFAULT.answering.max_k


def k_option(parser: argparse.ArgumentParser, what: str = "passages to show") -> None:
    k = DEFAULT.answering.k
    parser.add_argument("-k", type=int, default=k, help=f"how many {what}, 1 to {MAX_K} (default {k})")


def k_value(args: argparse.Namespace) -> int:
    """-k as given, checked here once for every command that takes it."""
    if not 1 <= args.k <= MAX_K:
        raise DatelineError(f"-k must be a number from 1 to {MAX_K}, not {args.k}", "Bad option")
    return int(args.k)


def as_of_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--as-of", metavar="DATE", help=help)


def as_of_value(args: argparse.Namespace) -> dt.date | None:
    return parse_cli_date(args.as_of, end=True) if args.as_of else None


def filter_options(parser: argparse.ArgumentParser) -> None:
    """-k, --as-of, --since, --until and --source: what one question is answered with."""
    k_option(parser)
    as_of_option(parser, "answer as of this day: nothing published later is shown")
    parser.add_argument("--since", metavar="DATE", help="only articles from this day (YYYY-MM-DD, YYYY-MM, YYYY)")
    parser.add_argument("--until", metavar="DATE", help="only articles up to this day")
    source_option(parser)


def source_option(parser: argparse.ArgumentParser, more: str = "") -> None:
    """--source NAME: repeatable, each a name or a comma-separated list; `more` ends its help."""
    parser.add_argument(
        "--source",
        metavar="NAME",
        action="append",
        help="only articles from this outlet, named as `dateline info` lists it, in any case; repeat it or"
        f" separate names with commas for several (--source cnn.com --source 'USA Today'){more}",
    )


def sources_value(args: argparse.Namespace) -> tuple[str, ...]:
    """--source as given, checked here once for every command that takes it (none: every outlet)."""
    if not args.source:
        return ()
    names = outlet_names(args.source)
    if not names:
        raise DatelineError(
            "--source needs an outlet's name, e.g. --source cnn.com; `dateline info` lists the archive's", "Bad option"
        )
    return names


def query_value(args: argparse.Namespace) -> Query:
    """The question with the filters given on the command line."""
    if not args.question.strip():
        raise DatelineError('the question is empty: ask something, e.g. dateline ask "What did Xi say?"')
    return Query(
        args.question,
        k=k_value(args),
        as_of=as_of_value(args),
        since=parse_cli_date(args.since) if args.since else None,
        until=parse_cli_date(args.until, end=True) if args.until else None,
        sources=sources_value(args),
    )
