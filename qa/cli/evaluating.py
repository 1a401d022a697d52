"""`dateline eval`: score retrieval on a benchmark, exactly as the reference scorer does."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa.cli.options import index_options, judge_option, ray_option, say, source_option, sources_value
from qa.errors import ExitCode
from qa.settings import Settings

HELP = "score retrieval on a benchmark (AR@200w, AR@1000w, R@k, MRR@10)"
EPILOG = "example: dateline eval questions.jsonl --index bench-index --out per-question.jsonl"


def declare(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "questions", type=Path, metavar="QUESTIONS.jsonl", help='lines of {"id", "question", "date", "answers"}'
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="per-question results (ranked quotes, first hit)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--strict",
        action="store_true",
        help="the stricter measure (as score.py strict): hits only from the articles search found for each "
        "question (qrels.jsonl beside QUESTIONS, or --qrels), and highlight accuracy",
    )
    p.add_argument("--qrels", type=Path, metavar="FILE", help="the relevant articles per question (with --strict)")
    p.add_argument("--within", type=int, default=14, metavar="DAYS", help="with --strict: relevant articles "
                   "published at most this many days before the question (default 14)")  # fmt: skip
    p.add_argument(
        "--quotes-only",
        action="store_true",
        help="read the quote text alone, without the headline each quote is shown under",
    )
    source_option(p, "; without --strict, a question counts when an article of those outlets answers it")
    index_options(p)
    judge_option(p)
    ray_option(p, "answer from a sharded archive served by this Ray cluster")


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from qa.answering.opening import open_retriever
    from qa.evaluation import evaluate, load_questions, summary_text, write_records
    from qa.reading.outlets import searched_outlets
    from qa.strict import load_qrels, strict

    sources = sources_value(args)
    questions = load_questions(args.questions)
    judged = (
        load_qrels(args.qrels or args.questions.with_name("qrels.jsonl"), questions, args.within) if args.strict else []
    )
    retriever = open_retriever(settings)
    try:
        if sources:  # an outlet the archive lacks is said once here, not in every question's record
            for note in searched_outlets(sources, retriever.stats().sources)[1]:
                say(note)
        retriever.warm()
        if args.strict:
            summary, records = strict(retriever, judged, sources=sources)
        else:
            summary, records = evaluate(retriever, questions, headlines=not args.quotes_only, sources=sources)
    finally:
        retriever.close()
    if args.out:
        write_records(args.out, records)
    if args.json:
        print(json.dumps(summary))
    elif args.strict:
        measures = "  ".join(f"{k}={v:.3f}" for k, v in summary.items() if k != "questions")
        print(f"strict, within {args.within} days: {int(summary['questions'])} questions\n{measures}")
    else:
        print(summary_text(summary, len(questions)))
    return ExitCode.OK
