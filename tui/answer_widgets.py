"""An answer as the chat's widgets: the answer's view (qa.present.view), block by block."""

from __future__ import annotations

import datetime as dt

from qa.present.view import ClosestLabel, Note, NothingFound, answer_view
from qa.ranking.answers import Answer
from tui.widgets import AnswerCard, Notice


def answer_widgets(answer: Answer, reference: dt.date, reference_name: str) -> list[Notice | AnswerCard]:
    """Notices for the notes and the nothing-found line, a card for each quote; a nearest passage's
    card is marked as no answer. `reference`: the day each card's distance is counted from, called
    `reference_name` ("today", "the as-of day")."""
    widgets: list[Notice | AnswerCard] = []
    for block in answer_view(answer):
        if isinstance(block, Note):
            widgets.append(Notice(f"note: {block.text}", "note"))
        elif isinstance(block, NothingFound):
            widgets.append(Notice(block.text, "empty"))
        elif isinstance(block, ClosestLabel):
            widgets.append(Notice(block.text, "note"))
        else:
            widgets.append(AnswerCard(block.hit, reference, reference_name, closest=block.closest, gauge=block.scored))
    return widgets
