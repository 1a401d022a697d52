"""Plain-text rendering of answers for the terminal: quotes, citations, highlights."""

from __future__ import annotations

import textwrap

from qa.present.words import CLOSEST, citation, nothing_found, safe
from qa.search.answers import Answer, Hit

BOLD, RESET = "\x1b[1m", "\x1b[0m"


def render_hit(hit: Hit, *, color: bool, width: int = 88) -> str:
    p = hit.passage
    start, end = hit.highlight
    lines = [f"{hit.rank}. {safe(citation(hit))}  (score {hit.score:.3f})"]
    body = " ".join(p.text.split())
    if color:
        # Mark the best sentence after wrapping plain text, by splitting around it.
        before, best, after = (" ".join(s.split()) for s in (p.text[:start], p.text[start:end], p.text[end:]))
        marked = " ".join(s for s in (safe(before), "\x00" + safe(best) + "\x01", safe(after)) if s)
        wrapped = textwrap.fill(marked, width=width, initial_indent='   "', subsequent_indent="    ")
        lines.append(wrapped.replace("\x00", BOLD).replace("\x01", RESET) + '"')
    else:
        lines.append(textwrap.fill(safe(body), width=width, initial_indent='   "', subsequent_indent="    ") + '"')
    if hit.also:
        # No-break spaces inside each entry keep an outlet and its date on one line.
        outlets = ", ".join(safe(c.label).replace(" ", "\xa0") for c in hit.also)
        wrapped = textwrap.fill(f"also in: {outlets}", width=width, initial_indent="   ", subsequent_indent="    ")
        lines.append(wrapped.replace("\xa0", " "))
    if p.url:
        lines.append(f"   {safe(p.url)}")
    return "\n".join(lines)


def render_answer(answer: Answer, *, color: bool, show_closest: bool = False) -> str:
    parts: list[str] = [f"note: {safe(n)}" for n in answer.notes]
    if answer.nothing_found:
        parts.append(nothing_found(answer))
        if show_closest and answer.closest:
            parts.append(CLOSEST)
            parts.extend(render_hit(h, color=color) for h in answer.closest)
        elif answer.closest:
            parts.append("(--closest shows the nearest passages anyway)")
    else:
        parts.extend(render_hit(h, color=color) for h in answer.hits)
    return "\n\n".join(parts)
