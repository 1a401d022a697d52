"""The one patch to Textual: its terminal driver's input parser, so that a paste arrives whole.

Textual's parser reads an ESC inside a bracketed paste (coloured text copied from a terminal) as the
start of a key, so the rest of the paste arrives as keys, a pasted Tab among them moving focus.
Textual offers no hook for the parser: the Linux driver builds it by the module-level name
`XTermParser`, so the chat puts `tui.ask.PasteParser` (Textual's parser, taking a paste whole first)
under that name before the app runs.
"""

from __future__ import annotations

import sys

from tui.ask import PasteParser


def use_paste_parser() -> None:
    """Make the terminal driver parse input with `PasteParser` (Windows has its own driver, without this name)."""
    if sys.platform == "win32":
        return
    from textual.drivers import linux_driver

    linux_driver.XTermParser = PasteParser  # type: ignore[attr-defined]
