"""`dateline batch`: a file of questions in, the evidence for each out."""

from __future__ import annotations

import argparse

from qa.cli.options import (
    as_of_option,
    as_of_value,
    index_options,
    judge_option,
    k_option,
    k_value,
    ray_option,
    say,
    source_option,
    sources_value,
)
from qa.errors import ExitCode
from qa.settings import Settings

HELP = "answer a file of questions, writing the evidence for each"
EPILOG = "example: dateline batch questions.txt -o answers.csv -k 3"


def declare(p: argparse.ArgumentParser) -> None:
    p.add_argument("questions", metavar="QUESTIONS", help=".txt (one a line), .jsonl or .csv; - for stdin")
    p.add_argument("-o", "--output", metavar="OUT", default="-", help="output file (default: stdout)")
    p.add_argument("--format", choices=["jsonl", "csv", "md"], help="output format (default: from OUT's extension)")
    p.add_argument("--input-format", choices=["txt", "jsonl", "csv"], help="default: from the extension")
    k_option(p, "passages per question")
    as_of_option(p, "answer as of this day, unless a question gives its own date")
    source_option(p, ", unless a question names its own (a `source` field or column)")
    p.add_argument("--resume", action="store_true", help="skip the questions already answered in OUT")
    index_options(p)
    judge_option(p)
    ray_option(p, "answer from a sharded archive served by this Ray cluster")


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from qa.answering.opening import open_retriever
    from qa.batch.running import BatchJob, answer_file

    job = BatchJob(
        args.questions,
        args.output,
        args.input_format,
        args.format,
        k_value(args),
        as_of_value(args),
        args.resume,
        sources_value(args),
    )
    summary = answer_file(job, lambda: open_retriever(settings), say)
    say(str(summary))
    if summary.interrupted:
        say("interrupted; the answers written so far are kept (--resume continues)")
        return ExitCode.INTERRUPTED
    return ExitCode.PARTIAL if summary.bad_lines or summary.failed else ExitCode.OK
