"""One error type for everything a user can cause, and the command line's exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the `dateline` command (documented in docs/output.md)."""

    OK = 0
    ERROR = 1  # the command failed: a bad index, a missing model, a bad argument value
    USAGE = 2  # the command line itself was wrong (argparse's convention)
    PARTIAL = 3  # it ran, but some inputs were skipped (bad files, bad question lines)
    INTERRUPTED = 130  # Ctrl-C; work already done is kept


class DatelineError(Exception):
    """A problem the user can act on; `str()` is one line saying what went wrong and what to do."""

    def __init__(self, message: str, title: str = "Error") -> None:
        super().__init__(message)
        self.title = title


REBUILD = "rebuild it with `dateline index --rebuild PATH...`"
"""The advice for an index that cannot be read as it is (damaged, another format, another model)."""


def damaged(directory: object, why: object) -> DatelineError:
    """The error for an index that cannot be read: what went wrong and how to get a good one back."""
    return DatelineError(f"the index at {directory} is damaged ({why}); {REBUILD}", "Damaged index")
