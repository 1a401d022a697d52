"""`dateline ask`: one question, answered with quoted, dated passages."""

from __future__ import annotations

import argparse
import json
import sys

from qa.cli.options import filter_options, index_options, judge_option, query_value, ray_option, say
from qa.errors import ExitCode
from qa.settings import Settings

HELP = "answer one question with quoted, dated passages"
EPILOG = (
    'example: dateline ask "Who led the North Korean delegation that met Wang Yi?" -k 3. Each quote\'s best '
    "sentence is bold on a terminal, and between ** when the output is piped or saved to a file."
)


def declare(p: argparse.ArgumentParser) -> None:
    p.add_argument("question")
    filter_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (fields: docs/output.md)")
    p.add_argument("--closest", action="store_true", help="when nothing is relevant, show the nearest passages anyway")
    index_options(p)
    judge_option(p)
    ray_option(p, "answer from a sharded archive served by this Ray cluster")


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from qa.answering.opening import open_retriever
    from qa.present.as_json import answer_json
    from qa.present.terminal import render_answer

    query = query_value(args)
    retriever = open_retriever(settings, say=say)
    try:
        answer = retriever.ask(query)
    finally:
        retriever.close()
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False))
    else:
        print(render_answer(answer, color=sys.stdout.isatty(), show_closest=args.closest))
    return ExitCode.OK
