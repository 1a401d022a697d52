"""Where the chat writes: the saved conversation and the copied quote, each at a path it says in full."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qa.errors import DatelineError
from qa.settings import dateline_home


def export_path(arg: str | None, now: dt.datetime) -> Path:
    """The file to save the conversation in: `arg` (`~` expanded), else a new one in DATELINE_HOME/exports.

    Raises DatelineError when `arg`'s folder does not exist: the chat creates no folder it was not asked for.
    """
    if not arg:
        folder = dateline_home() / "exports"
        folder.mkdir(parents=True, exist_ok=True)  # dateline's own folder, made as DATELINE_HOME's others are
        return folder / f"dateline-{now:%Y%m%d-%H%M%S}.md"
    path = Path(arg).expanduser().absolute()
    if not path.parent.is_dir():
        raise DatelineError(f"there is no folder {path.parent}; create it first or choose another", "Not saved")
    return path


def clipboard_file(text: str) -> Path:
    """Write `text` to DATELINE_HOME/clipboard.txt, the copy that works when the terminal passes no clipboard on."""
    path = dateline_home() / "clipboard.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path.absolute()
