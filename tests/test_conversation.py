"""The chat's conversation logic without the UI: which questions follow up, what the export says."""

from __future__ import annotations

import datetime as dt

import pytest

from qa.conversation import Conversation
from qa.ranking.answers import Answer
from qa.reading.followups import is_followup


@pytest.mark.parametrize(
    "question",
    [
        "Who is Sun Weidong and why did he visit Pyongyang?",
        "Why did Choe Son-hui say that?",
        "What did Xi say to Kim?",
        "Who led the North Korean delegation that met Wang Yi?",
        # "this week" is a period; "Which country … its …" asks for its own subject.
        "Which food was linked to a multistate e.coli outbreak this week?",
        "Which country updated its nuclear doctrine this week?",
        "Which app informed users that some of their photos were deleted?",
    ],
)
def test_a_question_naming_what_its_pronoun_means_stands_alone(question: str) -> None:
    assert not is_followup(question)


@pytest.mark.parametrize(
    "question",
    [
        "What did he say?",
        "And Russia?",
        "When was that?",
        "what about Liu Jianchao?",
        "and what did Kim say?",
        "What did he tell Kim?",  # the name comes after the pronoun: "he" is someone before
        "In March, what did he say?",  # a month is no one "he" could be
        "What did they say this week?",
        "What caused it?",
        "Which one did he pick?",
        "How much did it cost?",
    ],
)
def test_a_real_follow_up_is_still_one(question: str) -> None:
    assert is_followup(question)


def test_the_chat_reads_a_complete_question_alone_after_another() -> None:
    conversation = Conversation()
    first = "What did Xi say to Kim in March 2024?"
    conversation.query(first)
    conversation.record(first, Answer(first, None))
    second = "Who is Sun Weidong and why did he visit Pyongyang?"
    query, followed = conversation.query(second)
    assert followed is None and query.question == second  # searched as typed: no topic carried
    conversation.record(second, Answer(second, None))
    query, followed = conversation.query("What did he say?")
    assert followed == second and query.question == "What did he say? (Sun Weidong, Pyongyang)"


def test_the_export_says_k_beside_the_as_of_day_of_each_question() -> None:
    conversation = Conversation()
    conversation.command("/k 3")
    conversation.command("/asof 2024-02-01")
    question = "Who met Choe Son-hui?"
    conversation.record(question, Answer(question, dt.date(2024, 2, 1)), filters=conversation.filters_text())
    markdown = conversation.to_markdown()
    assert f"## {question}\n\n_filters: k=3 · as of 2024-02-01_\n\n" in markdown
    assert "_as of 2024-02-01_" not in markdown  # no line with the day and without k
