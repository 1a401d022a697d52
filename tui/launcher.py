"""The `dateline` entry point: the chat with no command (or `chat`), the core CLI otherwise."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def chat_parser() -> argparse.ArgumentParser:
    from qa.cli.options import index_options, judge_option, ray_option

    parser = argparse.ArgumentParser(
        prog="dateline chat",
        description="The chat: ask questions of the archive; F1 lists the keys.",
        epilog="example: dateline chat --index ~/news-index",
    )
    index_options(parser)
    judge_option(parser)
    ray_option(parser, "answer from a sharded archive served by this Ray cluster")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if (
        not args
        or args[0] == "chat"
        or args[0] in {"--index", "--model", "--judge", "--no-judge", "--ray"}
        or args[0].startswith(("--index=", "--model=", "--ray="))
    ):
        parsed = chat_parser().parse_args(args[1:] if args and args[0] == "chat" else args)
        from tui.app import run_chat

        return run_chat(parsed.index, parsed.model, parsed.judge, parsed.ray)
    from qa.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
