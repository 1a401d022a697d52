"""An answer as Markdown: the report batch writes and the conversation the chat saves are the same text."""

from __future__ import annotations

from collections.abc import Sequence

from qa.present.view import Answered, Note, Quote, answer_view
from qa.present.words import NOTHING_FOUND, also_in, answer_line, marked, reference
from qa.ranking.answers import Answer, Hit


def quote(hit: Hit, answer: tuple[int, int] | None = None) -> list[str]:
    """The quote as a block quote, its best sentence in bold and the answer line's words (`answer`:
    where they lie) in italics, then its citation and the other outlets."""
    p = hit.passage
    # A sentence never spans a line break, so the marks pair up.
    text = marked(p.text, hit.highlight, answer, ("**", "**", "*", "*"))
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
                lines += quote(block.hit, block.answer)
            elif isinstance(block, Answered):
                lines += [f"**{answer_line(block.said)}**", ""]
            elif not isinstance(block, Note):  # notes are the caller's to give, in `read` (the chat does)
                lines += [f"_{block.text}_", ""]
    return "\n".join(lines) + "\n"
