"""Plain-text rendering of answers for the terminal: quotes, citations, highlights."""

from __future__ import annotations

import textwrap

from qa.present.view import ClosestLabel, Note, NothingFound, answer_view
from qa.present.words import citation, safe
from qa.ranking.answers import Answer, Hit

BOLD, RESET = "\x1b[1m", "\x1b[0m"
# The best sentence's marks where stdout is no terminal (a pipe, a file): Markdown's bold, as in
# batch's report, so the highlight survives `| cat` and `> file` and reads as plain text.
PLAIN_MARK = "**"


def render_hit(hit: Hit, *, color: bool, width: int = 88, scored: bool = True) -> str:
    """A quote under its citation, the best sentence in bold (`color`) or between `PLAIN_MARK`s.

    `scored`: show the fused score (a period's stories, listed oldest first, have none that means anything).
    """
    p = hit.passage
    start, end = hit.highlight
    lines = [f"{hit.rank}. {safe(citation(hit))}" + (f"  (score {hit.score:.3f})" if scored else "")]
    # Marks touch the sentence's first and last words, so the wrap never leaves one alone on a line;
    # escape codes go in after wrapping, as one-character stand-ins, so the wrap does not count them.
    opening, closing = ("\x00", "\x01") if color else (PLAIN_MARK, PLAIN_MARK)
    before, best, after = (" ".join(s.split()) for s in (p.text[:start], p.text[start:end], p.text[end:]))
    marked = " ".join(s for s in (safe(before), opening + safe(best) + closing if best else "", safe(after)) if s)
    wrapped = textwrap.fill(marked, width=width, initial_indent='   "', subsequent_indent="    ")
    lines.append(wrapped.replace("\x00", BOLD).replace("\x01", RESET) + '"')
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
        elif isinstance(block, NothingFound):
            parts.append(block.text)
        elif isinstance(block, ClosestLabel):
            parts.append(block.text if show_closest else "(--closest shows the nearest passages anyway)")
        elif show_closest or not block.closest:
            parts.append(render_hit(block.hit, color=color, scored=block.scored))
    return "\n\n".join(parts)
