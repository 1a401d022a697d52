"""Time-aware ranking, one story once, and dates named in questions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.config import AnswerTypes, Candidates, Search
from qa.index.indexer import index_paths
from qa.present.as_json import answer_json
from qa.reading.answer_types import expected_type
from qa.reading.query import Query
from qa.reading.question_dates import read_dates
from qa.search.index_source import IndexSource

REF = dt.date(2024, 3, 29)


@pytest.mark.parametrize(
    ("question", "since", "until", "hard"),
    [
        # A named period reaches a while past its end: its news keeps coming (a month: 31 days).
        ("What happened in March 2024?", "2024-03-01", "2024-05-01", True),
        ("Who won the vote in 2023?", "2023-01-01", "2024-04-01", True),
        ("What happened in January?", "2024-01-01", "2024-03-02", True),
        # A named day starts a week early: previews and schedules come before the day itself.
        ("What did the court decide on February 3, 2024?", "2024-01-27", "2024-02-06", True),
        ("What was agreed on 3 February 2024?", "2024-01-27", "2024-02-06", True),
        ("What changed after February 3, 2024?", "2024-02-04", None, True),
        ("What has changed since February 2024?", "2024-02-01", None, True),
        # Last month's and last year's news keeps coming after they end, as for named periods.
        ("What happened last month?", "2024-02-01", "2024-03-31", True),
        ("How many crossings were there last year?", "2023-01-01", "2024-04-01", True),
        # Part of a month: "late" its second half, "early" its first, "mid-" its middle; a few days' grace.
        ("What happened in late March 2025?", "2025-03-16", "2025-04-03", True),
        ("What happened in early March 2025?", "2025-03-01", "2025-03-18", True),
        ("What happened in mid-March 2025?", "2025-03-11", "2025-03-23", True),
        ("Who resigned in late February 2024?", "2024-02-16", "2024-03-03", True),
        ("What has changed since late January?", "2024-01-16", None, True),
        # Without a year, the latest one begun by the as-of day: late March 2024 up to it, late April 2023.
        ("What happened in late March?", "2024-03-16", "2024-04-01", True),
        ("What happened in late April?", "2023-04-16", "2023-05-03", True),
        # This month's events are often previewed the month before: a boost, not a filter.
        ("Which holiday is celebrated this month?", "2024-03-01", "2024-03-29", False),
        ("Which company announced layoffs this week?", "2024-03-22", "2024-03-29", False),
    ],
)
def test_dates_named_in_questions(question: str, since: str | None, until: str | None, hard: bool) -> None:
    hint = read_dates(question, REF)
    assert hint is not None
    assert (str(hint.since) if hint.since else None, str(hint.until) if hint.until else None) == (since, until)
    assert hint.hard is hard


@pytest.mark.parametrize("question", ["May I ask who won?", "Who leads the party?", "What did the 2024 budget do?"])
def test_no_date_where_none_is_named(question: str) -> None:
    assert read_dates(question, REF) is None


@pytest.mark.parametrize(
    ("question", "label", "why"),
    [
        (
            "What happened in March 2024?",
            "March 2024",
            "March 2024 and the 31 days after it, while its news is still coming",
        ),
        ("What happened in late March 2025?", "late March 2025", "late March 2025 and the 3 days after it, while"),
        ("What happened in mid-March 2025?", "mid-March 2025", "mid-March 2025 and the 3 days after it, while"),
        ("What was agreed on 3 February 2024?", "2024-02-03", "2024-02-03, the 7 days before it (previews), and the 3"),
        ("What has changed since February 2024?", "February 2024", ""),
    ],
)
def test_a_named_period_says_why_its_dates_reach_past_it(question: str, label: str, why: str) -> None:
    hint = read_dates(question, REF)
    assert hint is not None and hint.label == label
    widened = hint.widened(hint.since, hint.until)
    assert widened.startswith(why) if why else widened == ""


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("The hairdresser federation of which European country urged equal prices?", "a country"),
        ("Which nation lost its spot as the third largest economy?", "a country"),
        ("Which state's Supreme Court ruled on frozen embryos?", "a US state"),
        ("Which city was rocked this week by a bridge collapse?", "a city"),
        ("What percentage of men report having no close friends?", "a percentage"),
        ("How many hacking attempts does the bank fight off each day?", "an amount"),
        ("In what year did the bridge open?", "a year"),
        ("Which of the following nations hosted the summit?", "a country"),
        ("What is the state of the economy?", None),
        ("What did the country's president say about the strike?", None),
        ("Who won the election?", None),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question: str, kind: str | None) -> None:
    expected = expected_type(question)
    assert (expected.name if expected else None) == kind


def test_an_answer_must_be_one_the_question_does_not_name() -> None:
    country = expected_type("Which country besides France signed the treaty?")
    assert country is not None
    assert not country.found("France signed the treaty in Paris.", "Which country besides France signed the treaty?")
    assert country.found("France and Spain signed it.", "Which country besides France signed the treaty?")
    # Proper nouns only, whole names: "South Sudan" is not "Sudan", and "chad" the word is no country.
    sudan = "Which country did Sudan's army fight?"
    assert country.found("Fighting spread into South Sudan.", sudan)
    assert not country.found("A chad hung from the ballot.", "Which country held the vote?")
    percentage = expected_type("What percentage of voters turned out?")
    assert percentage is not None
    assert percentage.found("Turnout was 61% this year.", "What percentage of voters turned out?")
    assert not percentage.found("Turnout was high this year.", "What percentage of voters turned out?")


STORY = (
    "The central bank raised its main interest rate by half a point on Tuesday, the largest increase in two "
    "decades, saying inflation had proved more stubborn than expected. Officials signalled further rises."
)


@pytest.fixture
def news_index(tmp_path: Path) -> Path:
    rows = [
        {"id": "1", "title": "Bank lifts rates", "date": "2024-03-05", "source": "Wire A", "text": STORY},
        {
            "id": "2",
            "title": "Rates up again",
            "date": "2024-03-06",
            "source": "Paper B",
            "text": STORY + " Markets fell on the news.",
        },
        {
            "id": "3",
            "title": "Central bank decision",
            "date": "2024-03-06",
            "source": "Site C",
            "text": "Breaking: " + STORY,
        },
        {
            "id": "4",
            "title": "Old rate news",
            "date": "2023-01-10",
            "source": "Wire A",
            "text": "The central bank raised its main interest rate by a quarter point, a smaller step than in 2022.",
        },
        {
            "id": "5",
            "title": "Football",
            "date": "2024-03-07",
            "source": "Sports D",
            "text": "The home side won the derby three goals to one in front of a record crowd on Sunday.",
        },
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    index_paths(tmp_path / "index", [path], lambda: HashEncoder(128))
    return tmp_path / "index"


def test_syndicated_copies_take_one_slot(news_index: Path) -> None:
    retriever = Retriever.open(news_index, "hash-128")
    try:
        answer = retriever.ask(Query("How much did the central bank raise interest rates?", k=3, apply_bar=False))
    finally:
        retriever.close()
    first = answer.hits[0]
    outlets = {first.passage.source, *(c.source for c in first.also)}
    assert outlets == {"Wire A", "Paper B", "Site C"}
    assert [h.passage.source for h in answer.hits].count("Paper B") + sum(
        c.source == "Paper B" for h in answer.hits for c in h.also
    ) == 1
    assert answer_json(answer)["passages"][0]["also"]


def test_a_named_month_filters_and_says_so(news_index: Path) -> None:
    retriever = Retriever.open(news_index, "hash-128")
    try:
        answer = retriever.ask(
            Query("What did the central bank do with interest rates in January 2023?", apply_bar=False)
        )
        empty = retriever.ask(Query("What did the central bank do in June 2021?", apply_bar=False))
    finally:
        retriever.close()
    assert [h.passage.source for h in answer.hits] == ["Wire A"]
    assert answer.hits[0].passage.date == dt.date(2023, 1, 10)
    assert "January 2023" in answer.notes[0]
    assert "nothing from then" in empty.notes[0] and empty.hits


def test_keyword_search_within_dates_equals_the_filtered_search(
    tmp_path: Path,
) -> None:
    rows = [
        {
            "id": str(i),
            "title": f"Harbour report {i}",
            "date": (dt.date(2024, 1, 1) + dt.timedelta(days=i)).isoformat(),
            "source": "Port News",
            "text": f"The harbour authority counted {i} ships. " + "Cargo ships waited at the harbour. " * (i % 3 + 1),
        }
        for i in range(60)
    ]
    path = tmp_path / "ports.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    index_paths(tmp_path / "index", [path], lambda: HashEncoder(32))
    # A pool of 5: 4 x 5 ranked unfiltered, so both paths are exercised.
    config = Search(candidates=Candidates(pool=5))
    retriever = Retriever.open(tmp_path / "index", "hash-32", config=config)
    source = retriever.source
    assert isinstance(source, IndexSource)
    try:
        for since, until in [(None, dt.date(2024, 2, 1)), (dt.date(2024, 1, 10), dt.date(2024, 1, 12)), (None, None)]:
            allowed = source._allowed_ids(since, until)
            got = source._keyword(source.store, '"harbour" OR "ships"', (since, until, None), allowed, source.config)
            want = dict(source.store.keyword_search('"harbour" OR "ships"', 5, since, until, 0.5))
            assert got == want and len(got) == min(5, 60 if allowed is None else len(allowed))
    finally:
        retriever.close()


def test_on_topic_quotes_holding_the_answer_kind_come_first(tmp_path: Path) -> None:
    rows = [
        {
            "id": "1",
            "title": "Salons told to end the pink tax",
            "date": "2023-09-25",
            "source": "Wire A",
            "text": "Hair salons were urged by the hairdressers federation to charge men and women the same price "
            "for a haircut, ending a long tradition of dearer cuts for women.",
        },
        {
            "id": "2",
            "title": "One price for every haircut",
            "date": "2023-09-26",
            "source": "Paper B",
            "text": "In Belgium, the hairdressers federation urged salons this week to charge women and men equal "
            "prices for haircuts.",
        },
        {
            "id": "3",
            "title": "Pipelines damaged",
            "date": "2023-09-27",
            "source": "Site C",
            "text": "Gas pipelines from Russia to Germany were damaged under the sea, officials in Denmark and "
            "Sweden said on Tuesday.",
        },
    ]
    (tmp_path / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    index_paths(tmp_path / "index", [tmp_path / "news.jsonl"], lambda: HashEncoder(128))
    question = (
        "The hairdressers federation of which European country urged salons to charge men and women the same price?"
    )
    retriever = Retriever.open(tmp_path / "index", "hash-128")
    try:
        answer = retriever.ask(Query(question, k=3, apply_bar=False))
        plain = retriever.with_config(Search(answer_types=AnswerTypes(weight=0.0))).ask(
            Query(question, k=3, apply_bar=False)
        )
    finally:
        retriever.close()
    # Without the boost the closest wording wins; with it, the on-topic quote naming a country leads,
    # while the off-topic one that names four countries stays last.
    assert [h.passage.source for h in plain.hits] == ["Wire A", "Paper B", "Site C"]
    assert [h.passage.source for h in answer.hits] == ["Paper B", "Wire A", "Site C"]
    assert answer.hits[2].score == plain.hits[2].score
