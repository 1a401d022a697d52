"""An answer as Markdown: the report batch writes and the conversation the chat saves are the same text."""

from __future__ import annotations

from collections.abc import Sequence

from qa.present.view import Note, Quote, answer_view
from qa.present.words import NOTHING_FOUND, also_in, reference
from qa.ranking.answers import Answer, Hit


def quote(hit: Hit) -> list[str]:
    """The quote as a block quote, its best sentence in bold, then its citation and the other outlets."""
    p = hit.passage
    start, end = hit.highlight
    # The best sentence in bold; a sentence never spans a line break, so the marks pair up.
    text = f"{p.text[:start]}**{p.text[start:end]}**{p.text[end:]}" if end > start else p.text
    lines = ["\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines()), ""]
    lines += [f"— {hit.rank}. {reference(hit)}", ""]
    if hit.also:
        lines += [f"_also in: {also_in(hit)}_", ""]
    return lines


def answer_markdown(
    question: str, answer: Answer | None, *, error: str | None = None, anchor: str = "", read: Sequence[str] = ()
) -> str:
    """One question's section: its heading, how it was read, and its quotes (or why there are none).

    `anchor` goes first as an HTML comment (batch's `<!-- id: ... -->`, which `--resume` reads);
    `read` says how the question was read (the chat's follow-ups and filters), each in italics.
    """
    lines = [anchor] if anchor else []
    lines += [f"## {question}", ""]
    lines += [line for note in read for line in (f"_{note}_", "")]
    if answer and answer.as_of:
        lines += [f"_as of {answer.as_of}_", ""]
    if error:
        lines += [f"**Failed:** {error}", ""]
    elif answer is None:
        lines += [f"_{NOTHING_FOUND}_", ""]
    else:
        for block in answer_view(answer):
            if isinstance(block, Quote):
                lines += quote(block.hit)
            elif not isinstance(block, Note):  # notes are the caller's to give, in `read` (the chat does)
                lines += [f"_{block.text}_", ""]
    return "\n".join(lines) + "\n"
