"""What an answer shows, and in what order, said once for every front end.

`answer_view` turns an `Answer` into blocks: how the question was read (`Note`), then either the
answering words when the judge is sure of them (`Answered`) and the quotes that answer it, or the
nothing-found line (`NothingFound`) with the nearest passages under their label (`ClosestLabel`,
then `Quote`s marked `closest`). The terminal, Markdown, batch's rows, the JSON object and the
chat's widgets each render these blocks in their own form.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.present.words import CLOSEST, nothing_found
from qa.ranking.answers import Answer, Hit, Said


@dataclass(frozen=True, slots=True)
class Note:
    """How the question was read, e.g. the date range it names ("in March 2024")."""

    text: str


@dataclass(frozen=True, slots=True)
class NothingFound:
    """The line saying that nothing in the archive answers, and why when the question's words decided it."""

    text: str


@dataclass(frozen=True, slots=True)
class Answered:
    """The answer in one line: the words of a quote that answer (that quote marks them too)."""

    said: Said


@dataclass(frozen=True, slots=True)
class ClosestLabel:
    """The label over the nearest passages, so that none is read as an answer."""

    text: str = CLOSEST


@dataclass(frozen=True, slots=True)
class Quote:
    """One quote: an answer's hit, or (`closest`) one of the nearest passages under `NothingFound`."""

    hit: Hit
    closest: bool = False
    scored: bool = True
    """Whether its score means anything: a period's stories are listed oldest first, not ranked."""
    answer: tuple[int, int] | None = None
    """Where the answer line's words lie in its text, in the quote that holds them."""


Block = Note | Answered | NothingFound | ClosestLabel | Quote


def answer_view(answer: Answer) -> tuple[Block, ...]:
    """The answer's blocks in the order every front end shows them: notes, then the answer line (when
    there is one) and the quotes, or the
    nothing-found line and the nearest passages (every one of them: a front end may fold them away)."""
    blocks: list[Block] = [Note(n) for n in answer.notes]
    if answer.nothing_found or not answer.hits:
        blocks.append(NothingFound(nothing_found(answer)))
        if answer.closest:
            blocks.append(ClosestLabel())
            blocks += [Quote(h, closest=True) for h in answer.closest]
    else:
        said = answer.said
        if said is not None:
            blocks.append(Answered(said))
        blocks += [
            Quote(h, scored=not answer.digest, answer=(said.start, said.end) if said and said.rank == h.rank else None)
            for h in answer.hits
        ]
    return tuple(blocks)


def quotes(blocks: tuple[Block, ...], *, closest: bool = False) -> list[Hit]:
    """The hits of the view's quotes: the answer's (or, `closest`, the nearest passages shown under nothing found)."""
    return [b.hit for b in blocks if isinstance(b, Quote) and b.closest == closest]
