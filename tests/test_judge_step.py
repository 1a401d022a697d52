"""The answer judge's place in answering, with a judge whose verdicts are known (the shipped judge's
own answers are tested in test_judge.py): what it re-ranks, what it leaves to the rest of the
pipeline, when it says "nothing relevant", and the switch that turns it off."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from embeddings.judge import JudgeReading, Scores
from qa.answering.retriever import Retriever
from qa.cli import main as cli_main
from qa.config import Judging, Search
from qa.ranking.judging import age_tag, judge_input
from qa.reading.query import Query
from qa.settings import Settings


class PhraseJudge:
    """Says a passage answers when it holds the phrase, and points at the phrase's words (its token
    scores, and where the phrase starts and ends); records what it read."""

    reads_tokens = True
    reads_spans = True

    def __init__(self, phrase: str, yes: float = 6.0, no: float = -6.0) -> None:
        self.phrase, self.yes, self.no = phrase, yes, no
        self.seen: list[str] = []

    @property
    def name(self) -> str:
        return "phrase-judge-v0"

    def score(self, question: str, passages: list[str]) -> Scores:
        self.seen += passages
        return np.array([self.yes if self.phrase in p else self.no for p in passages], dtype=np.float32)

    def read(self, question: str, passages: list[str]) -> list[JudgeReading]:
        out = []
        for passage, logit in zip(passages, self.score(question, passages).tolist(), strict=True):
            words = [m.span() for m in re.finditer(r"\S+", passage)]
            said = [m.span() for m in re.finditer(re.escape(self.phrase), passage)]
            scores = [self.yes if any(a <= s and e <= b for a, b in said) else self.no for s, e in words]
            starts = [self.yes if any(a == s for a, _ in said) else self.no for s, _ in words]
            ends = [self.yes if any(b == e for _, b in said) else self.no for _, e in words]
            out.append(
                JudgeReading(
                    logit,
                    np.array(words, dtype=np.int64),
                    np.array(scores, dtype=np.float32),
                    np.array(starts, dtype=np.float32),
                    np.array(ends, dtype=np.float32),
                )
            )
        return out


def judged(retriever: Retriever, judge: PhraseJudge, **judging: Any) -> Retriever:
    config = replace(Search(), judging=replace(Judging(), **judging))
    return Retriever(retriever.source, retriever.encoder, config, judge)


# The answering passage is the sixth fused candidate (three passages of one article come first), so
# these tests let the judge read 10; the shipped judge reads 4 (qa.config.Judging.depth).
DEEP = 10


def test_the_judge_lifts_the_passage_that_answers(retriever: Retriever) -> None:
    question = Query("For whom did Kim Song Nam work as an interpreter?", k=3)
    judge = PhraseJudge("Kim Il Sung")
    answer = judged(retriever, judge, weight=1.0, depth=DEEP).ask(question)
    assert "Kim Il Sung" in answer.hits[0].passage.text
    assert not answer.nothing_found
    # It read each candidate as a reader sees it: age, headline, passage.
    assert judge.seen and all(": " in text for text in judge.seen)
    assert len(judge.seen) <= DEEP


def test_with_dated_off_the_judge_reads_every_candidate_as_undated(retriever: Retriever) -> None:
    question = Query("Who led the North Korean delegation that met Wang Yi?", k=3, as_of=dt.date(2024, 6, 1))
    dated, blind = PhraseJudge("Kim Song Nam"), PhraseJudge("Kim Song Nam")
    judged(retriever, dated, highlight=1.0).ask(question)
    judged(retriever, blind, highlight=1.0, dated=False).ask(question)
    # The same candidates, each read blind as undated; with their age, the dated articles' say how old
    # they are.
    assert blind.seen == [f"undated: {text.split(': ', 1)[1]}" for text in dated.seen]
    assert any(text.startswith(("this year: ", "this month: ")) for text in dated.seen)


def test_at_its_default_depth_the_judge_reads_the_best_four(retriever: Retriever) -> None:
    judge = PhraseJudge("Kim Il Sung")
    judged(retriever, judge, weight=1.0).ask(Query("For whom did Kim Song Nam work as an interpreter?", k=3))
    assert len(judge.seen) == Judging().depth == 4


def test_the_highlight_is_the_sentence_the_judge_picks(retriever: Retriever) -> None:
    question = Query("For whom did Kim Song Nam work as an interpreter?", k=3)
    judge = PhraseJudge("Kim Il Sung")
    answer = judged(retriever, judge, weight=1.0, highlight=1.0, depth=DEEP).ask(question)
    top = answer.hits[0]
    start, end = top.highlight
    assert "Kim Il Sung" in top.passage.text[start:end]
    assert len(judge.seen) <= DEEP  # in the call that ranked the candidates: none per sentence


def test_with_no_say_in_the_highlight_the_sentence_features_pick_it(retriever: Retriever) -> None:
    question = Query("For whom did Kim Song Nam work as an interpreter?", k=3)
    judge = PhraseJudge("Kim Il Sung")
    words = retriever.ask(question).hits
    judged_answer = judged(retriever, judge, weight=0.0, highlight=0.0).ask(question)
    assert len(judge.seen) <= Judging().depth
    assert [h.highlight for h in judged_answer.hits] == [h.highlight for h in words]


def test_the_judge_keeps_one_story_once_and_the_date_limits(retriever: Retriever) -> None:
    judge = PhraseJudge("Kim")
    answer = judged(retriever, judge).ask(Query("Kim Jong Un", k=5, as_of=dt.date(2024, 2, 1)))
    assert all(h.passage.date is None or h.passage.date <= dt.date(2024, 2, 1) for h in answer.hits)
    per_article: dict[str, int] = {}
    for h in answer.hits:
        per_article[h.passage.article_id] = per_article.get(h.passage.article_id, 0) + 1
    assert max(per_article.values()) <= Search().collapse.per_article


def test_nothing_relevant_when_the_judge_finds_no_answer(retriever: Retriever) -> None:
    question = Query("What is the population of Pyongyang?", k=3)
    answer = judged(retriever, PhraseJudge("no passage holds this"), bar=-4.0).ask(question)
    assert answer.nothing_found and not answer.hits
    assert answer.closest  # the nearest passages are still offered, marked as not answering


def test_without_a_bar_of_its_own_the_cosine_bar_decides(retriever: Retriever) -> None:
    question = Query("Who led the North Korean delegation that met Wang Yi?", k=3)
    assert Judging().bar is None
    assert not judged(retriever, PhraseJudge("no passage holds this")).ask(question).nothing_found


def test_the_bar_is_the_judges_when_it_ran(retriever: Retriever) -> None:
    question = Query("For whom did Kim Song Nam work as an interpreter?", k=3)
    unsure = PhraseJudge("Kim Il Sung", yes=-1.0, no=-6.0)
    assert not judged(retriever, unsure, bar=-2.0, depth=DEEP).ask(question).nothing_found
    assert judged(retriever, unsure, bar=0.0, depth=DEEP).ask(question).nothing_found


def test_turned_off_the_judge_reads_nothing(bundled_index: Path) -> None:
    judge = PhraseJudge("Kim Il Sung")
    retriever = Retriever.open(bundled_index, judge=False, judge_loader=lambda: judge)
    try:
        assert retriever.judge is None
        retriever.ask(Query("For whom did Kim Song Nam work as an interpreter?"))
    finally:
        retriever.close()
    assert judge.seen == []


def test_age_tags_read_as_a_person_would() -> None:
    asked = dt.date(2024, 3, 29)
    assert age_tag(dt.date(2024, 3, 29), asked) == "today"
    assert age_tag(dt.date(2024, 3, 25), asked) == "this week"
    assert age_tag(dt.date(2024, 3, 20), asked) == "last week"
    assert age_tag(dt.date(2024, 3, 1), asked) == "this month"
    assert age_tag(dt.date(2023, 6, 1), asked) == "this year"
    assert age_tag(dt.date(2020, 1, 1), asked) == "years ago"
    assert age_tag(dt.date(2024, 4, 2), asked) == "later"
    assert age_tag(None, asked) == "undated"
    assert judge_input("Talks", "They met.", dt.date(2024, 3, 28), asked) == "this week: Talks. They met."


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [
        (None, None, True),
        (False, None, False),
        (None, "off", False),
        (None, "0", False),
        (None, "on", True),
        (False, "on", False),
        (True, "off", True),
    ],
)
def test_the_switch(flag: bool | None, env: str | None, expected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if env is not None:
        monkeypatch.setenv("DATELINE_JUDGE", env)
    assert Settings.resolve(judge=flag).judge is expected


def test_judge_on_the_command_line(bundled_index: object, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(
        ["ask", "Who led the North Korean delegation that met Wang Yi?", "--index", str(bundled_index), "--judge"]
    )
    assert code == 0
    assert "Kim Song Nam" in capsys.readouterr().out


def test_with_siblings_the_judge_reads_more_of_the_article_it_ranks_first(retriever: Retriever) -> None:
    question = Query("Who did Kim Song Nam meet in Beijing?", k=3)
    # Named only further down the story the judge ranks first.
    alone, further = PhraseJudge("Liu Jianchao"), PhraseJudge("Liu Jianchao")
    before = judged(retriever, alone, weight=1.0, depth=1).ask(question)
    after = judged(retriever, further, weight=1.0, depth=1, siblings=10).ask(question)
    headline = alone.seen[0].split(": ", 1)[1].split(". ", 1)[0]
    # It read the first candidate, then more passages of that same story, and no other.
    assert len(alone.seen) == 1 and len(further.seen) > 1
    assert all(text.split(": ", 1)[1].startswith(headline + ".") for text in further.seen)
    # That story's passage naming him is the first quote now; it was not before.
    assert "Liu Jianchao" not in before.hits[0].passage.text
    assert "Liu Jianchao" in after.hits[0].passage.text
