"""The `dateline` command line (everything but the chat): index, ask, info, batch, eval."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from embeddings.base import EncoderError
from qa.errors import DatelineError, ExitCode
from qa.settings import Settings

EPILOG_ASK = 'example: dateline ask "Who led the North Korean delegation that met Wang Yi?" -k 3'


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", metavar="DIR", help="index directory (default: $DATELINE_HOME/index)")
    parser.add_argument("--model", metavar="DIR", help="a local sentence-transformers model directory")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-k", type=int, default=5, help="how many passages to show (default 5)")
    parser.add_argument("--as-of", metavar="DATE", help="answer as of this day: nothing published later is shown")
    parser.add_argument("--since", metavar="DATE", help="only articles from this day (YYYY-MM-DD, YYYY-MM, YYYY)")
    parser.add_argument("--until", metavar="DATE", help="only articles up to this day")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dateline",
        description="Question answering over a news archive: quoted, dated passages. With no command, opens the chat.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "index",
        help="add articles to the index (only new or changed ones are embedded)",
        epilog="example: dateline index corpus/ news.jsonl --prune",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="text, .jsonl or .json files, or directories")
    p.add_argument("--prune", action="store_true", help="drop articles whose files or records are gone")
    p.add_argument("--rebuild", action="store_true", help="re-embed everything from scratch")
    p.add_argument("--wait", action="store_true", help="wait for another indexer instead of stopping")
    p.add_argument("--device", default=None, help="torch device for embedding, e.g. cuda (default cpu)")
    p.add_argument(
        "--precision",
        choices=("int8", "fp32"),
        default="int8",
        help="CPU embedding: int8 (default, ~1.7x faster, same answers within 0.01 AR) or fp32 (exact)",
    )
    _common(p)

    p = sub.add_parser("ask", help="answer one question with quoted, dated passages", epilog=EPILOG_ASK)
    p.add_argument("question")
    _filters(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (see README)")
    p.add_argument("--closest", action="store_true", help="when nothing is relevant, show the nearest passages anyway")
    _common(p)

    p = sub.add_parser(
        "batch",
        help="answer a file of questions, writing the evidence for each",
        epilog="example: dateline batch questions.txt -o answers.csv -k 3",
    )
    p.add_argument("questions", metavar="QUESTIONS", help=".txt (one a line), .jsonl or .csv; - for stdin")
    p.add_argument("-o", "--output", metavar="OUT", default="-", help="output file (default: stdout)")
    p.add_argument("--format", choices=["jsonl", "csv", "md"], help="output format (default: from OUT's extension)")
    p.add_argument("--input-format", choices=["txt", "jsonl", "csv"], help="default: from the extension")
    p.add_argument("-k", type=int, default=5, help="passages per question (default 5)")
    p.add_argument("--as-of", metavar="DATE", help="answer as of this day, unless a question gives its own date")
    p.add_argument("--resume", action="store_true", help="skip the questions already answered in OUT")
    _common(p)

    p = sub.add_parser(
        "eval",
        help="score retrieval on a benchmark (AR@200w, AR@1000w, R@k, MRR@10)",
        epilog="example: dateline eval questions.jsonl --index bench-index --out per-question.jsonl",
    )
    p.add_argument(
        "questions", type=Path, metavar="QUESTIONS.jsonl", help='lines of {"id", "question", "date", "answers"}'
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="per-question results (ranked quotes, first hit)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--quotes-only",
        action="store_true",
        help="read the quote text alone, without the headline each quote is shown under",
    )
    _common(p)

    p = sub.add_parser(
        "distill",
        help="bulk mode: make a fast static model from the bundled one (then: index --model DIR)",
        epilog="example: dateline distill ~/static-minilm && dateline index --model ~/static-minilm news.jsonl",
    )
    p.add_argument("out", type=Path, metavar="DIR", help="where to write the static model")
    p.add_argument("--dims", type=int, default=256, help="vector size (default 256)")
    _common(p)

    p = sub.add_parser("info", help="what the index holds", epilog="example: dateline info --json")
    p.add_argument("--json", action="store_true")
    _common(p)

    p = sub.add_parser("chat", help="open the chat (the default)", epilog="example: dateline chat --index ~/news-index")
    _common(p)
    return parser


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_index(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from embeddings.base import Encoder
    from embeddings.factory import indexing_encoder, needs_preparing
    from qa.index.indexer import index_paths
    from qa.settings import model_cache

    def factory() -> Encoder:
        if needs_preparing(settings.model, cache_dir=model_cache(), device=args.device, precision=args.precision):
            _stderr("dateline: preparing the model for fast indexing (once, about 20 seconds)…")
        return indexing_encoder(settings.model, cache_dir=model_cache(), device=args.device, precision=args.precision)

    report = index_paths(
        settings.index_dir,
        args.paths,
        factory,
        model_path=settings.model or "",
        prune=args.prune,
        rebuild=args.rebuild,
        wait=args.wait,
        progress=True,
        on_problem=lambda p: _stderr(f"dateline: {'' if p.fatal else 'warning: '}{p}"),
    )
    if report.rebuilt_because:
        _stderr(f"dateline: rebuilt the index: {report.rebuilt_because}")
    _stderr(
        f"dateline: {report.added} added, {report.replaced} replaced, {report.unchanged} unchanged, "
        f"{report.duplicates} duplicates, {report.pruned} pruned, {report.skipped} skipped; "
        f"{report.passages_embedded} passages embedded"
        f"{f', {report.passages_reused} reused' if report.passages_reused else ''} -> {settings.index_dir}"
    )
    return ExitCode.PARTIAL if report.skipped else ExitCode.OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from qa.ingest.dates import parse_cli_date
    from qa.present.terminal import render_answer
    from qa.search.query import Query
    from qa.search.retriever import Retriever

    if args.k < 1:
        raise DatelineError("-k must be at least 1", "Bad option")
    query = Query(
        args.question,
        k=args.k,
        as_of=parse_cli_date(args.as_of, end=True) if args.as_of else None,
        since=parse_cli_date(args.since) if args.since else None,
        until=parse_cli_date(args.until, end=True) if args.until else None,
    )
    retriever = Retriever.open(settings.index_dir, settings.model)
    try:
        answer = retriever.ask(query)
    finally:
        retriever.close()
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        print(render_answer(answer, color=sys.stdout.isatty(), show_closest=args.closest))
    return ExitCode.OK


def cmd_info(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from qa.index.database import Store
    from qa.present.terminal import safe

    store = Store.open(settings.index_dir)
    try:
        stats, meta = store.stats(), store.meta
    finally:
        store.close()
    data = {
        "index": str(settings.index_dir),
        "articles": stats.articles,
        "passages": stats.passages,
        "first_date": stats.first_date.isoformat() if stats.first_date else None,
        "last_date": stats.last_date.isoformat() if stats.last_date else None,
        "undated": stats.undated,
        "sources": dict(stats.sources),
        "model": meta.get("model"),
        "dim": int(meta.get("dim", 0) or 0),
        "chunker": meta.get("chunker"),
        "bytes": stats.bytes,
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return ExitCode.OK
    span = f"{data['first_date']} to {data['last_date']}" if stats.first_date else "no dated articles"
    top = ", ".join(f"{safe(s)} ({n})" for s, n in stats.sources[:8])
    more = f", and {len(stats.sources) - 8} more" if len(stats.sources) > 8 else ""
    print(f"index     {settings.index_dir} ({stats.bytes / 1e6:.1f} MB)")
    print(f"articles  {stats.articles} ({stats.undated} undated)")
    print(f"passages  {stats.passages}")
    print(f"dates     {span}")
    print(f"sources   {top}{more}")
    print(f"model     {meta.get('model')} ({meta.get('dim')} dimensions), passages {meta.get('chunker')}")
    return ExitCode.OK


def cmd_batch(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from qa import batch
    from qa.ingest.dates import parse_cli_date
    from qa.search.retriever import Retriever

    in_fmt = batch.input_format(args.questions, args.input_format)
    out_fmt = batch.output_format(args.output, args.format)
    if args.k < 1:
        raise DatelineError("-k must be at least 1", "Bad option")
    as_of = parse_cli_date(args.as_of, end=True) if args.as_of else None
    if args.resume and args.output == "-":
        raise DatelineError("--resume needs an output file (-o OUT)", "Bad option")
    try:
        data = sys.stdin.buffer.read() if args.questions == "-" else Path(args.questions).read_bytes()
    except OSError as exc:
        raise DatelineError(f"cannot read {args.questions}: {exc.strerror}", "Bad input") from exc
    questions, bad = [], 0
    for item in batch.read_questions(data, in_fmt):
        if isinstance(item, batch.BadLine):
            bad += 1
            where = f"{args.questions}:{item.line}" if item.line else args.questions
            _stderr(f"dateline: skipped: {where}: {item.message}")
        else:
            questions.append(item)
    if not questions:
        raise DatelineError(f"no questions to answer in {args.questions}", "No questions")
    done: set[str] = set()
    out_path = Path(args.output)
    if args.resume:
        batch.drop_partial_line(out_path)
        done = batch.done_ids(out_path, out_fmt)
    todo = [q for q in questions if q.id not in done]
    retriever = Retriever.open(settings.index_dir, settings.model)
    try:
        retriever.warm()
        if args.output == "-":
            writer = batch.Writer(sys.stdout, out_fmt, fresh=True)
            summary = batch.run_batch(retriever, todo, writer, k=args.k, as_of=as_of, progress=True)
        else:
            fresh = not (args.resume and out_path.exists() and out_path.stat().st_size > 0)
            with open(out_path, "a" if not fresh else "w", encoding="utf-8", newline="") as stream:
                writer = batch.Writer(stream, out_fmt, fresh=fresh)
                summary = batch.run_batch(retriever, todo, writer, k=args.k, as_of=as_of, progress=True)
    finally:
        retriever.close()
    summary.bad_lines, summary.skipped_done = bad, len(questions) - len(todo)
    _stderr(f"dateline: {summary}")
    if summary.interrupted:
        _stderr("dateline: interrupted; the answers written so far are kept (--resume continues)")
        return ExitCode.INTERRUPTED
    return ExitCode.PARTIAL if summary.bad_lines or summary.failed else ExitCode.OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from qa.evaluation import evaluate, load_questions
    from qa.search.retriever import Retriever

    questions = load_questions(args.questions)
    retriever = Retriever.open(settings.index_dir, settings.model)
    try:
        retriever.warm()
        summary, records = evaluate(retriever, questions, headlines=not args.quotes_only)
    finally:
        retriever.close()
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"answerable questions: {int(summary['questions'])} of {len(questions)}")
        print("  ".join(f"{k}={v:.3f}" for k, v in summary.items() if k != "questions"))
    return ExitCode.OK


def cmd_distill(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from embeddings.distill import distill_static

    source = Path(settings.model).expanduser() if settings.model else None
    out = distill_static(args.out, source, args.dims)
    _stderr(f"dateline: static model written to {out}; index with `dateline index --model {out} PATH...`")
    return ExitCode.OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], ExitCode]] = {
    "index": cmd_index,
    "ask": cmd_ask,
    "info": cmd_info,
    "batch": cmd_batch,
    "eval": cmd_eval,
    "distill": cmd_distill,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; user mistakes print one `dateline: error:` line, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None or args.command == "chat":
        parser.error("the chat is started by the `dateline` launcher")
    settings = Settings.resolve(args.index, args.model)
    try:
        return int(COMMANDS[args.command](args, settings))
    except DatelineError as exc:
        _stderr(f"dateline: error: {exc}")
        return int(ExitCode.ERROR)
    except EncoderError as exc:
        _stderr(f"dateline: error: the model failed: {exc}")
        return int(ExitCode.ERROR)
    except sqlite3.DatabaseError as exc:
        _stderr(
            f"dateline: error: the index at {settings.index_dir} is damaged ({exc}); "
            "rebuild it with `dateline index --rebuild PATH...`"
        )
        return int(ExitCode.ERROR)
    except KeyboardInterrupt:
        _stderr("dateline: interrupted; the index is as it was before this run")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitCode.OK)
