"""The highlight's picker: what it reads of each sentence, and that the config's weights decide.

The real bundled model's highlights on real text are checked in test_answers.py, test_judge.py and
the chat tests; these check the mechanism on a passage written for it.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from qa.config import Highlighting
from qa.ranking.highlight import FEATURES, best_sentence, sentence_features
from qa.reading.answer_types import expected_type

PASSAGE = (
    "The summit on trade opened in Geneva on Monday. "
    "Delegates from Brazil and Kenya signed the trade accord after talks. "
    "Officials said the accord covers 40 percent of their exports."
)
QUESTION = "Which countries signed the trade accord at the summit?"


def _picked(question: str, weights: Highlighting) -> str:
    start, end = best_sentence(question, PASSAGE, expected_type(question), weights)
    return PASSAGE[start:end]


def test_each_sentence_gets_one_value_per_weight() -> None:
    rows = sentence_features(QUESTION, PASSAGE, expected_type(QUESTION))
    assert [PASSAGE[s:e] for (s, e), _ in rows][1].startswith("Delegates from Brazil")
    assert all(len(values) == len(FEATURES) for _, values in rows)


def test_a_day_or_a_month_is_no_name() -> None:
    (_, values), *_ = sentence_features("Who opened it?", "It opened in March on Monday, said Ana Lopez.")
    read = dict(zip(FEATURES, values, strict=True))
    # Two names (Ana, Lopez), not four.
    assert read["names"] == read["people"] == pytest.approx(math.log1p(2))


def test_the_shipped_weights_pick_the_sentence_naming_the_countries() -> None:
    assert _picked(QUESTION, Highlighting()).startswith("Delegates from Brazil and Kenya")


def test_the_weights_decide_the_pick() -> None:
    off = Highlighting(**dict.fromkeys(FEATURES, 0.0))
    # Question words alone: only the first sentence holds both "summit" and "trade".
    assert _picked("What happened at the summit on trade?", replace(off, words=1.0)).startswith("The summit")
    # Only a new number counts, for a question asking how much: the third sentence.
    assert _picked("How much of their exports does it cover?", replace(off, numbers=1.0)).startswith("Officials")
