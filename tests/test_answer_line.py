"""The answer line: the words of a quote that answer, shown above the quotes only when the judge is sure.

Unit tests of its parts with made-up scores; the real judge's line on the bundled corpus is tested in
test_answers.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace
from typing import Any

import numpy as np

from qa.answering.retriever import Retriever
from qa.config import AnswerLine, Judging, Search
from qa.evaluation import said_matches
from qa.index.records import StoredPassage
from qa.present.as_json import answer_json
from qa.present.markdown import answer_markdown
from qa.present.rows import CSV_COLUMNS, csv_rows
from qa.present.terminal import render_answer
from qa.present.view import Answered, Quote, answer_view
from qa.ranking.answer_span import best_span
from qa.ranking.answers import Answer, Hit, Said
from qa.reading.query import Query
from tests.test_judge_step import DEEP, PhraseJudge

TEXT = "Choe Son-hui met Sun Weidong in Pyongyang on Tuesday. They spoke of trade."


def _hit(rank: int, text: str = TEXT) -> Hit:
    passage = StoredPassage(rank, f"a{rank}", 0, 0, len(text), text, "Talks", dt.date(2024, 3, 6), "Paper B", "")
    return Hit(rank, passage, 0.5, (0, text.index(".") + 1), relevance=0.4)


def _tokens(text: str) -> np.ndarray:
    """Each word and mark of `text` as one token, like the judge's spans."""
    import re

    return np.array([m.span() for m in re.finditer(r"\w+|[^\w\s]", text)], dtype=np.int64)


def test_the_best_span_is_whole_words_not_only_the_question_s() -> None:
    spans = _tokens(TEXT)
    words = [TEXT[a:b] for a, b in spans]
    starts = np.zeros(len(spans), np.float32)
    ends = np.zeros(len(spans), np.float32)
    # The heads like "Pyongyang" best, but the question names it; then "Sun Weidong".
    starts[words.index("Pyongyang")] = ends[words.index("Pyongyang")] = 9
    starts[words.index("Sun")], ends[words.index("Weidong")] = 5, 5
    starts[words.index("in")] = 7  # a stop word never starts an answer
    question = "Who did Choe Son-hui meet in Pyongyang?"
    best = best_span(TEXT, spans, starts, ends, 2, question)
    assert best is not None and TEXT[best[0] : best[1]] == "Sun Weidong"
    # Never longer than the cap: one token is all that fits.
    short = best_span(TEXT, spans, starts, ends, 1, question)
    assert short is not None and TEXT[short[0] : short[1]] in {"Sun", "Weidong"}
    # A span may share a word with the question when it says more: "Choe Son-hui met Sun Weidong".
    longer = best_span(TEXT, spans, starts + 8 * (np.array(words) == "Choe"), ends, 12, question)
    assert longer is not None and TEXT[longer[0] : longer[1]].startswith("Choe")


def test_a_word_piece_inside_a_word_never_starts_or_ends_the_span() -> None:
    text = "Unhappiness grew."
    spans = np.array([[0, 2], [2, 7], [7, 11], [12, 16], [16, 17]], dtype=np.int64)  # Un|happi|ness grew .
    starts = np.array([0, 9, 0, 0, 0], np.float32)
    ends = np.array([0, 9, 0, 0, 0], np.float32)
    best = best_span(text, spans, starts, ends, 12)
    assert best is not None and text[best[0] : best[1]] == "Unhappiness"


def test_the_line_comes_before_the_quotes_and_its_quote_marks_the_words() -> None:
    start = TEXT.index("Sun")
    said = Said("Sun Weidong", 1, start, start + len("Sun Weidong"), 0.93)
    answer = Answer("Who did Choe Son-hui meet?", None, hits=(_hit(1), _hit(2)), said=said)
    blocks = answer_view(answer)
    assert blocks[0] == Answered(said)
    assert blocks[1] == Quote(_hit(1), answer=(said.start, said.end)) and blocks[2] == Quote(_hit(2))
    plain = render_answer(answer, color=False)
    assert plain.startswith("Answer: Sun Weidong\n\n1. ")
    assert '"**Choe Son-hui met *Sun Weidong* in Pyongyang on Tuesday.** They' in plain
    coloured = render_answer(answer, color=True)
    assert "\x1b[4mSun Weidong\x1b[0m\x1b[1m in Pyongyang" in coloured
    assert "**Answer: Sun Weidong**" in answer_markdown(answer.question, answer)
    assert "**Choe Son-hui met *Sun Weidong* in Pyongyang on Tuesday.**" in answer_markdown(answer.question, answer)
    record = answer_json(answer)
    assert record["answer"] == {"text": "Sun Weidong", "passage_rank": 1, "start": 17, "end": 28, "confidence": 0.93}
    rows = csv_rows("q1", answer.question, answer)
    column = CSV_COLUMNS.index("answer")
    assert [r[column] for r in rows] == ["Sun Weidong", ""]
    assert next(csv.reader(io.StringIO(",".join(CSV_COLUMNS))))[-1] == "answer"


def test_no_line_no_change_and_none_beside_nothing_found() -> None:
    answer = Answer("Q?", None, hits=(_hit(1),))
    assert not any(isinstance(b, Answered) for b in answer_view(answer))
    assert answer_json(answer)["answer"] is None
    said = Said("Sun Weidong", 1, 17, 28, 0.93)
    empty = Answer("Q?", None, nothing_found=True, closest=(_hit(1),), said=said)
    assert not any(isinstance(b, Answered) for b in answer_view(empty))
    assert "Answer:" not in render_answer(empty, color=False, show_closest=True)


def test_a_line_is_right_when_it_is_a_gold_answer_or_holds_one() -> None:
    assert said_matches("the Buffalo Bills", ["Buffalo Bills"]) == (False, True)
    assert said_matches("Buffalo Bills", ["buffalo bills"]) == (True, True)
    assert said_matches("Bills", ["Buffalo Bills"]) == (False, False)
    # Holding the answer in a long run of words is no answer line.
    assert said_matches("the Buffalo Bills beat the Miami Dolphins", ["Buffalo Bills"]) == (False, False)


# Through the ranking, with a judge that knows the answer's words (tests/test_judge_step.py).
SURE = AnswerLine(bar=0.9, weights=(-3.0, 1.0, 0.0, 0.0))  # sure when the judge's logit is over 5.2


def _with_line(retriever: Retriever, judge: PhraseJudge, line: AnswerLine = SURE, **judging: Any) -> Retriever:
    config = replace(Search(), judging=replace(Judging(), weight=1.0, depth=DEEP, **judging), answer_line=line)
    return Retriever(retriever.source, retriever.encoder, config, judge)


def test_the_line_is_the_judges_span_in_the_first_quote(retriever: Retriever) -> None:
    question = Query("For whom did Kim Song Nam work as an interpreter?", k=3)
    answer = _with_line(retriever, PhraseJudge("Kim Il Sung")).ask(question)
    said = answer.said
    assert said is not None and said.text == "Kim Il Sung" and said.rank == 1
    assert answer.hits[0].passage.text[said.start : said.end] == "Kim Il Sung"
    assert said.confidence >= 0.9
    assert render_answer(answer, color=False).startswith("Answer: Kim Il Sung\n\n1. ")


def test_no_line_when_unsure_or_off(retriever: Retriever) -> None:
    question = Query("For whom did Kim Song Nam work as an interpreter?", k=3)
    unsure = PhraseJudge("Kim Il Sung", yes=2.0)
    assert _with_line(retriever, unsure).ask(question).said is None
    assert _with_line(retriever, PhraseJudge("Kim Il Sung"), AnswerLine()).ask(question).said is None
    # The shipped settings show the line only above their fitted bar.
    bar = AnswerLine().bar
    assert bar is None or 0.5 <= bar < 1


def test_no_line_beside_nothing_relevant(retriever: Retriever) -> None:
    question = Query("What is the population of Pyongyang?", k=3)
    answer = _with_line(retriever, PhraseJudge("Pyongyang"), bar=7.0).ask(question)
    assert answer.nothing_found and answer.said is None
