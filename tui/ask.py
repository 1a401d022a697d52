"""The question input, and pasted text made plain before it goes in.

Textual's parser loses a bracketed paste that holds an escape sequence (coloured text copied from a
terminal): it reads the ESC as the start of a key, so the rest arrives as keys, a pasted Tab among
them moving focus. `PasteParser` takes the paste whole before that parser sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual import events
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

# CSI (colours, cursor moves), OSC (titles, clipboard, links) to BEL or ST, then any other ESC pair.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain_paste(text: str) -> str:
    """Pasted text as one line of plain text: no escape sequences or controls; tabs and line ends are spaces."""
    text = _ESCAPES.sub("", text)
    text = re.sub(r"\r\n|[\t\n\r\v\f]", " ", text)
    return _CONTROLS.sub("", text)


class PasteParser(XTermParser):
    """Textual's terminal parser, with each bracketed paste passed on whole as one Paste event."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasted: list[str] | None = None

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of input
            yield from super().feed(data)
            return
        while data:
            if self._pasted is None:
                start = data.find(BRACKETED_PASTE_START)
                if start < 0:
                    yield from super().feed(data)
                    return
                if start:
                    yield from super().feed(data[:start])
                self._pasted, data = [], data[start + len(BRACKETED_PASTE_START) :]
            else:
                end = data.find(BRACKETED_PASTE_END)
                if end < 0:  # the paste goes on in the next read
                    self._pasted.append(data)
                    return
                self._pasted.append(data[:end])
                yield events.Paste("".join(self._pasted).replace("\x00", ""))
                self._pasted, data = None, data[end + len(BRACKETED_PASTE_END) :]


class HistoryInput(Input):
    """The question input; Up and Down walk through earlier questions."""

    BINDINGS = [
        Binding("up", "older", show=False),
        Binding("down", "newer", show=False),
    ]

    def __init__(self, history: list[str], **kwargs: object) -> None:
        # No select-all on focus: a key typed on a card moves focus here and goes in, and the focus
        # event that comes after it would select that key, so the next one replaced it.
        super().__init__(select_on_focus=False, **kwargs)  # type: ignore[arg-type]
        self.history = history
        self.position = 0

    def action_older(self) -> None:
        if self.history and self.position < len(self.history):
            self.position += 1
            self.value = self.history[-self.position]
            self.cursor_position = len(self.value)

    def action_newer(self) -> None:
        if self.position > 1:
            self.position -= 1
            self.value = self.history[-self.position]
        else:
            self.position, self.value = 0, ""
        self.cursor_position = len(self.value)

    async def _on_key(self, event: events.Key) -> None:
        # Enter is handled here, in the order keys arrive: left to the binding, it bubbles to the app
        # and runs after the keys typed behind it, so questions typed fast would run together.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        # All of it, as text (Input keeps only the first line, and would keep escape sequences).
        event.stop()
        event.prevent_default()  # Input's own handler would paste the raw first line as well
        text = plain_paste(event.text)
        if text:
            start, end = self.selection
            self.replace(text, min(start, end), max(start, end))

    async def action_submit(self) -> None:
        """Hand the question over and empty the input at once: what is typed next is the next question."""
        value, self.value, self.position = self.value, "", 0
        self.post_message(self.Submitted(self, value, None))
