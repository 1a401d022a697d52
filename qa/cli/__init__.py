"""The `dateline` command line (everything but the chat): index, ask, batch, eval, distill, info, export.

Each command is a module beside this one: its help, its options (`declare`) and its handler (`run`),
which turns the options into a call to the core. This module only dispatches and turns errors into
one `dateline: error:` line and an exit code.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from embeddings.base import EncoderError
from qa.cli import asking, batching, distilling, evaluating, exporting, indexing, info, preparing
from qa.cli.options import say
from qa.errors import DatelineError, ExitCode, damaged
from qa.settings import Settings

COMMANDS: dict[str, ModuleType] = {
    "index": indexing,
    "ask": asking,
    "batch": batching,
    "eval": evaluating,
    "distill": distilling,
    "info": info,
    "export": exporting,
    "prepare": preparing,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dateline",
        description="Question answering over a news archive: quoted, dated passages. With no command, opens the chat.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.declare(sub.add_parser(name, help=command.HELP, epilog=command.EPILOG))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; user mistakes print one `dateline: error:` line, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("name a command (the chat is `dateline` alone)")
    settings = Settings.resolve(args.index, args.model, getattr(args, "judge", None), getattr(args, "ray", None))
    handler: Callable[[argparse.Namespace, Settings], ExitCode] = COMMANDS[args.command].run
    try:
        return int(handler(args, settings))
    except DatelineError as exc:
        say(f"error: {exc}")
    except EncoderError as exc:
        say(f"error: the model failed: {exc}")
    except sqlite3.DatabaseError as exc:
        say(f"error: {damaged(settings.index_dir, exc)}")
    except KeyboardInterrupt:
        say("interrupted; the index is as it was before this run")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitCode.OK)
    return int(ExitCode.ERROR)
