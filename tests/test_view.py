"""The answer's view (qa.present.view): what every front end shows of an answer, and in what order."""

from __future__ import annotations

import datetime as dt

from qa.index.records import StoredPassage
from qa.present.as_json import answer_json
from qa.present.terminal import render_answer
from qa.present.view import ClosestLabel, Note, NothingFound, Quote, answer_view, quotes
from qa.present.words import CLOSEST, NOTHING_FOUND
from qa.ranking.answers import Answer, Hit


def _hit(rank: int, text: str = "The bank raised its rate.") -> Hit:
    passage = StoredPassage(rank, f"a{rank}", 0, 0, len(text), text, "Rates", dt.date(2024, 3, 6), "Paper B", "")
    return Hit(rank, passage, 0.5, (0, len(text)), relevance=0.4)


def test_an_answer_shows_its_notes_then_its_quotes() -> None:
    answer = Answer("Q?", None, hits=(_hit(1), _hit(2)), notes=("read as March",))
    assert answer_view(answer) == (Note("read as March"), Quote(_hit(1)), Quote(_hit(2)))


def test_a_period_s_stories_have_no_score() -> None:
    answer = Answer("Q?", None, hits=(_hit(1),), digest=True)
    assert answer_view(answer) == (Quote(_hit(1), scored=False),)
    assert "score" not in render_answer(answer, color=False)


def test_nothing_found_shows_the_nearest_passages_under_their_label() -> None:
    answer = Answer("Q?", None, nothing_found=True, closest=(_hit(1),), notes=("n",))
    blocks = answer_view(answer)
    assert blocks == (Note("n"), NothingFound(NOTHING_FOUND), ClosestLabel(), Quote(_hit(1), closest=True))
    assert quotes(blocks) == [] and quotes(blocks, closest=True) == [_hit(1)]
    # The terminal folds them away unless asked; the JSON object always holds them.
    assert render_answer(answer, color=False).endswith("(--closest shows the nearest passages anyway)")
    assert CLOSEST in render_answer(answer, color=False, show_closest=True)
    record = answer_json(answer)
    assert record["passages"] == [] and [p["rank"] for p in record["closest"]] == [1] and record["notes"] == ["n"]
