"""The shipped answer judge, the real model on the bundled corpus: what a user sees change with it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from embeddings.judge import GRAPH, SHIPPED, load_judge
from qa.answering.retriever import Retriever
from qa.reading.query import Query


def test_the_judge_ships_inside_the_package_small_and_described() -> None:
    assert (SHIPPED / GRAPH).stat().st_size <= 30 * 1024 * 1024
    card = json.loads((SHIPPED / "card.json").read_text())
    for key in ("name", "version", "from", "data", "recipe", "seed", "counts", "max_length"):
        assert key in card, key
    judge = load_judge()
    assert judge is not None and judge.name == f"{card['name']}-v{card['version']}"


def test_one_call_gives_the_logit_and_a_score_for_each_word_read() -> None:
    judge = load_judge()
    assert judge is not None and judge.reads_tokens
    passage = "this week: Talks in Beijing. The delegation was led by Kim Song Nam, the party's envoy."
    question = "Who led the North Korean delegation?"
    (reading,) = judge.read(question, [passage])
    assert reading.logit == float(judge.score(question, [passage])[0])
    # Every token of the passage, none of the question's, each with its place in the passage.
    assert len(reading.scores) == len(reading.spans) > len(passage.split())
    assert all(passage[start:end].strip() for start, end in reading.spans)
    assert "Kim" in {passage[start:end] for start, end in reading.spans}


def test_judging_needs_no_torch() -> None:
    code = (
        "import sys; from embeddings.judge import load_judge; j = load_judge(); "
        "s = j.score('Who won?', ['this week: Final. Spain won the final.', 'years ago: Weather. It rained.']); "
        "print(s[0] > s[1], 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]


def test_with_the_judge_the_first_quote_still_answers(bundled_index: Path) -> None:
    """The judge lifts the undated report's "The delegation, led by ... Kim Song Nam" above the
    dated one (which leads without it, test_answers.py): either way the highlighted sentence answers."""
    retriever = Retriever.open(bundled_index, judge=True)
    try:
        assert retriever.judge is not None
        answer = retriever.ask(Query("Who led the North Korean delegation that met Wang Yi?", k=3))
    finally:
        retriever.close()
    assert not answer.nothing_found
    top = answer.hits[0]
    start, end = top.highlight
    assert "Kim Song Nam" in top.passage.text[start:end]


def test_the_judge_reading_a_quote_points_its_highlight_at_the_answer(bundled_index: Path) -> None:
    retriever = Retriever.open(bundled_index, judge=True)
    try:
        answers = {
            "Which ally has North Korea drawn closer to?": "Russia",
            "Which war did Beijing back Pyongyang in?": "Korean War",
        }
        for question, phrase in answers.items():
            top = retriever.ask(Query(question, k=3)).hits[0]
            start, end = top.highlight
            assert phrase in top.passage.text[start:end], question
    finally:
        retriever.close()


def test_off_unless_asked_for(retriever: Retriever) -> None:
    assert retriever.judge is None
