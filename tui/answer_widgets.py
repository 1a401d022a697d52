"""An answer as the chat's widgets: the answer's view (qa.present.view), block by block."""

from __future__ import annotations

import datetime as dt

from qa.present.view import Answered, ClosestLabel, Note, NothingFound, answer_view
from qa.present.words import answer_line
from qa.ranking.answers import Answer
from tui.widgets import AnswerCard, Notice


def answer_widgets(answer: Answer, reference: dt.date, reference_name: str) -> list[Notice | AnswerCard]:
    """Notices for the notes, the answer line and the nothing-found line, a card for each quote (the
    one holding the answer line's words marks them); a nearest passage's
    card is marked as no answer. `reference`: the day each card's distance is counted from, called
    `reference_name` ("today", "the as-of day")."""
    widgets: list[Notice | AnswerCard] = []
    for block in answer_view(answer):
        if isinstance(block, Note):
            widgets.append(Notice(f"note: {block.text}", "note"))
        elif isinstance(block, Answered):
            widgets.append(Notice(answer_line(block.said), "answer"))
        elif isinstance(block, NothingFound):
            widgets.append(Notice(block.text, "empty"))
        elif isinstance(block, ClosestLabel):
            widgets.append(Notice(block.text, "note"))
        else:
            widgets.append(
                AnswerCard(
                    block.hit, reference, reference_name, closest=block.closest, gauge=block.scored, answer=block.answer
                )
            )
    return widgets
