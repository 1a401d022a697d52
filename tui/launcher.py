"""The `dateline` entry point: the chat with no command (or `chat`), the core CLI otherwise."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] == "chat":
        from qa.cli import build_parser

        parsed = build_parser().parse_args(["chat", *args[1:]])
        from tui.app import run_chat

        return run_chat(parsed.index, parsed.model)
    from qa.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
