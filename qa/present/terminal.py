"""Plain-text rendering of answers for the terminal: quotes, citations, highlights."""

from __future__ import annotations

import re
import textwrap

from qa.present.view import Answered, ClosestLabel, Note, NothingFound, answer_view
from qa.present.words import answer_line, citation, marked, safe
from qa.ranking.answers import Answer, Hit

BOLD, UNDERLINE, RESET = "\x1b[1m", "\x1b[4m", "\x1b[0m"
# The best sentence's marks where stdout is no terminal (a pipe, a file): Markdown's bold, as in
# batch's report, so the highlight survives `| cat` and `> file` and reads as plain text.
PLAIN_MARK = "**"
# The answer line's words inside the quote: underlined, or between single stars (Markdown's italics).
PLAIN_ANSWER_MARK = "*"
# What marks the sentence and the answer's words until the wrap is done: one character each.
STAND_INS = ("\x00", "\x01", "\x02", "\x03")


def render_hit(
    hit: Hit, *, color: bool, width: int = 88, scored: bool = True, answer: tuple[int, int] | None = None
) -> str:
    """A quote under its citation, the best sentence in bold (`color`) or between `PLAIN_MARK`s, and
    the answer line's words (`answer`: where they lie) underlined or between `PLAIN_ANSWER_MARK`s.

    `scored`: show the fused score (a period's stories, listed oldest first, have none that means anything).
    """
    p = hit.passage
    lines = [f"{hit.rank}. {safe(citation(hit))}" + (f"  (score {hit.score:.3f})" if scored else "")]
    # Marks touch the words they wrap, so the wrap never leaves one alone on a line; escape codes go
    # in after wrapping, as one-character stand-ins, so the wrap does not count them.
    marks = STAND_INS if color else (PLAIN_MARK,) * 2 + (PLAIN_ANSWER_MARK,) * 2
    pieces = re.split(f"([{''.join(STAND_INS)}])", marked(p.text, hit.highlight, answer, marks))
    text = " ".join("".join(x if x in STAND_INS else safe(x) for x in pieces).split())
    wrapped = textwrap.fill(text, width=width, initial_indent='   "', subsequent_indent="    ")
    for stand_in, code in zip(STAND_INS, (BOLD, RESET, UNDERLINE, RESET + BOLD), strict=True):
        wrapped = wrapped.replace(stand_in, code)
    lines.append(wrapped + '"')
    if hit.also:
        # No-break spaces inside each entry keep an outlet and its date on one line.
        outlets = ", ".join(safe(c.label).replace(" ", "\xa0") for c in hit.also)
        wrapped = textwrap.fill(f"also in: {outlets}", width=width, initial_indent="   ", subsequent_indent="    ")
        lines.append(wrapped.replace("\xa0", " "))
    if p.url:
        lines.append(f"   {safe(p.url)}")
    return "\n".join(lines)


def render_answer(answer: Answer, *, color: bool, show_closest: bool = False) -> str:
    """The answer's view as text: notes, then the quotes, or the nothing-found line and (`show_closest`)
    the nearest passages, else a hint that --closest shows them."""
    parts: list[str] = []
    for block in answer_view(answer):
        if isinstance(block, Note):
            parts.append(f"note: {safe(block.text)}")
        elif isinstance(block, Answered):
            line = safe(answer_line(block.said))
            parts.append(f"{BOLD}{line}{RESET}" if color else line)
        elif isinstance(block, NothingFound):
            parts.append(block.text)
        elif isinstance(block, ClosestLabel):
            parts.append(block.text if show_closest else "(--closest shows the nearest passages anyway)")
        elif show_closest or not block.closest:
            parts.append(render_hit(block.hit, color=color, scored=block.scored, answer=block.answer))
    return "\n\n".join(parts)
