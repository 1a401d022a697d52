"""Answers from the real bundled model on the bundled corpus: what a user sees from `dateline ask`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from qa.answering.retriever import Retriever
from qa.config import Search, Verdict
from qa.errors import DatelineError
from qa.reading.query import Query
from tests.helpers import file_of


def test_who_led_the_delegation(retriever: Retriever) -> None:
    answer = retriever.ask(Query("Who led the North Korean delegation that met Wang Yi?", k=3))
    top = answer.hits[0]
    assert file_of(retriever, top).startswith("003_")
    assert "Kim Song Nam" in top.passage.text
    assert top.passage.date == dt.date(2024, 3, 28)


def test_china_view_of_the_treaty(retriever: Retriever) -> None:
    answer = retriever.ask(Query("How does China view North Korea's treaty with Russia?", k=3))
    assert file_of(retriever, answer.hits[0]).startswith("004_")
    assert "treaty" in answer.hits[0].passage.text


def test_quotes_are_verbatim_slices_of_the_article(retriever: Retriever) -> None:
    answer = retriever.ask(Query("What did Xi say about the 75th anniversary?", k=5))
    assert answer.hits
    for hit in answer.hits:
        article = retriever.article(hit.passage.article_id)
        assert article is not None
        assert article.text[hit.passage.start : hit.passage.end] == hit.passage.text
        start, end = hit.highlight
        assert 0 <= start < end <= len(hit.passage.text)


def test_as_of_hides_what_came_later(retriever: Retriever) -> None:
    answer = retriever.ask(Query("Xi Jinping Kim Jong Un messages anniversary", k=5, as_of=dt.date(2024, 2, 1)))
    shown = answer.hits + answer.closest
    assert shown
    assert all(h.passage.date and h.passage.date <= dt.date(2024, 2, 1) for h in shown)


def test_a_question_the_archive_cannot_answer(retriever: Retriever) -> None:
    answer = retriever.ask(Query("What is the GDP of France?"))
    assert answer.nothing_found and not answer.hits
    assert answer.closest  # still available on request
    # Off the topic, the words the archive never mentions still say why, as the question spells them.
    assert answer.unmentioned == ("GDP", "France")


def test_an_on_topic_question_naming_what_the_archive_never_mentions(retriever: Retriever) -> None:
    # Every passage is about North Korea, but none names Lukashenko, Shoigu or Minsk: nothing answers.
    for question, names in [
        ("What did Lukashenko tell Shoigu?", ("Lukashenko", "Shoigu")),
        ("Did Lukashenko meet Shoigu in Minsk?", ("Lukashenko", "Shoigu", "Minsk")),
    ]:
        answer = retriever.ask(Query(question))
        assert answer.nothing_found and not answer.hits, question
        assert answer.unmentioned == names
        assert answer.closest
    # One name alone is often another name for what the archive does say: Choe met Putin in Russia.
    answer = retriever.ask(Query("Which leader did Choe see in Moscow?", k=3))
    assert not answer.nothing_found
    assert any("President Vladimir Putin" in h.passage.text for h in answer.hits)
    # The closest candidate decides alone when it is close: a strong paraphrase of the article.
    answer = retriever.ask(Query("Who heads the North Korean delegation?", k=3))
    assert not answer.nothing_found
    assert any("Kim Song Nam" in h.passage.text for h in answer.hits)


def test_a_common_word_the_archive_never_uses_hides_no_answer(retriever: Retriever) -> None:
    # No article says "decide" or "give", yet one holds the figure: a verb, a word of time or manner,
    # or a thing the passage says in other terms never turns an answer away; only a name does.
    answer = retriever.ask(Query("How much military aid did the US decide to give Ukraine?", k=3))
    assert not answer.nothing_found and not answer.unmentioned
    start, end = answer.hits[0].highlight
    assert "$8 billion in military aid to Ukraine" in answer.hits[0].passage.text[start:end]
    answer = retriever.ask(Query("Which countries did the missile launch alarm?", k=3))
    assert not answer.nothing_found
    start, end = answer.hits[0].highlight
    assert "the United States and Japan" in answer.hits[0].passage.text[start:end]


def test_a_short_question_about_a_name_the_archive_mentions_is_answered(retriever: Retriever) -> None:
    # Sergei Lavrov is named once, in passing, in a passage about Choe Son-hui: far from the question
    # by meaning (cosine 0.27, under the relevance bar), yet the one passage holding both his names.
    answer = retriever.ask(Query("Who is Sergei Lavrov?", k=3))
    assert not answer.nothing_found
    start, end = answer.hits[0].highlight
    assert "her Russian counterpart, Sergei Lavrov" in answer.hits[0].passage.text[start:end]


def test_a_short_question_about_a_name_is_answered_in_other_words(retriever: Retriever) -> None:
    # "go" is nowhere, "visited" is: a quote naming everyone the question names puts it on the topic.
    answer = retriever.ask(Query("Where did Blinken go?", k=3))
    assert not answer.nothing_found
    assert any("Blinken visited Seoul" in h.passage.text for h in answer.hits)


def test_a_short_question_naming_things_otherwise_is_answered(retriever: Retriever) -> None:
    # The article says "the United States" and "Ukraine"; a short question scores far lower (0.17)
    # than a long one, and has a bar of its own.
    answer = retriever.ask(Query("What did Washington supply to Kyiv?"))
    assert not answer.nothing_found
    assert any("$8 billion in military aid to Ukraine" in h.passage.text for h in answer.hits)


def test_a_quote_holding_every_word_is_shown_under_the_quote_floor(retriever: Retriever) -> None:
    # "its state media reported on Saturday" is in a passage far from the question by meaning
    # (cosine 0.04), one of few holding all three words: it is shown; the other far ones are not.
    # Ten quotes, so the test reads the rule, not where such a weak candidate happens to rank.
    answer = retriever.ask(Query("What did state media report?", k=10))
    assert not answer.nothing_found
    held = [h for h in answer.hits if "its state media reported on Saturday" in h.passage.text]
    assert held
    start, end = held[0].highlight
    assert "its state media reported on Saturday" in held[0].passage.text[start:end]
    floor = Verdict().quote_floor
    assert all(h.relevance >= floor or "state media" in h.passage.text.lower() for h in answer.hits)


def test_a_quote_naming_every_word_counts_with_the_unmentioned_check_off(retriever: Retriever) -> None:
    # The two rules read the same words, but each stands on its own setting.
    off = retriever.with_config(replace(Search(), verdict=replace(Verdict(), unmentioned_bar=0.0)))
    assert not off.ask(Query("Who is Sergei Lavrov?", k=3)).nothing_found


def test_the_name_of_something_is_not_a_word_the_archive_must_mention(retriever: Retriever) -> None:
    # No article says "name"; one names the agency.
    answer = retriever.ask(Query("What is the name of the North Korean news agency?", k=3))
    assert not answer.nothing_found and not answer.unmentioned
    assert any("KCNA" in h.passage.text for h in answer.hits)


def test_a_word_in_another_form_is_still_mentioned(retriever: Retriever) -> None:
    # The article says Kim "oversaw" the artillery firing; "oversee" is not in it.
    answer = retriever.ask(Query("What did Kim oversee on the eve of the anniversary?", k=3))
    assert not answer.nothing_found
    assert any("artillery" in h.passage.text for h in answer.hits)


def test_the_highlight_holds_the_kind_of_answer_asked_for(retriever: Retriever) -> None:
    # "How many" wants a number: the sentence with the 75th anniversary, not the one sharing most words.
    answer = retriever.ask(Query("How many years of diplomatic relations did China and North Korea mark?", k=3))
    start, end = answer.hits[0].highlight
    assert "75th anniversary" in answer.hits[0].passage.text[start:end]


def test_how_many_quotes_are_asked_for_never_decides_nothing_relevant(retriever: Retriever) -> None:
    for question in ("What anniversary was marked?", "What is the GDP of France?", "What did Xi say?"):
        verdicts = {retriever.ask(Query(question, k=k)).nothing_found for k in (1, 2, 5)}
        assert len(verdicts) == 1, question


def test_a_question_about_a_period_lists_its_stories(retriever: Retriever) -> None:
    answer = retriever.ask(Query("What happened in March 2024?", k=5, as_of=dt.date(2024, 12, 31)))
    assert not answer.nothing_found
    assert [file_of(retriever, h)[:3] for h in answer.hits] == ["003"]  # the one story of March
    assert "its stories, oldest first, each by its opening; searched articles dated 2024-03-01" in answer.notes[0]
    october = retriever.ask(Query("What happened on 6 October 2024?", k=5))
    dates = [h.passage.date for h in october.hits if h.passage.date]
    assert dates and len(dates) == len(october.hits) and dates == sorted(dates) and all(d.month == 10 for d in dates)
    assert len({h.passage.article_id for h in october.hits}) == len(october.hits)  # one quote per story


def test_filters_tell_the_truth(retriever: Retriever) -> None:
    asked = retriever.ask(Query("Who did Kim Song Nam meet in March 2024?", since=dt.date(2024, 10, 1)))
    assert "your date filter (on or after 2024-10-01) leaves it out" in asked.notes[0]
    assert "nothing from then" not in " ".join(asked.notes) and "all dates" not in " ".join(asked.notes)
    assert all(h.passage.date and h.passage.date >= dt.date(2024, 10, 1) for h in asked.hits)
    old = retriever.ask(Query("What did Xi say?", as_of=dt.date(1900, 12, 31)))
    assert old.nothing_found and any("nothing in the archive is dated on or before 1900-12-31" in n for n in old.notes)


def test_undated_articles_left_out_by_a_date_filter_are_counted(retriever: Retriever) -> None:
    answer = retriever.ask(
        Query("What did Wang say about the situation on the Korean Peninsula?", as_of=dt.date(2024, 12, 1))
    )
    assert any("1 undated article is left out by the date filter" in n for n in answer.notes)
    plain = retriever.ask(Query("What did Wang say about the situation on the Korean Peninsula?"))
    assert not any("undated" in n for n in plain.notes)


def test_an_empty_date_range_is_an_error() -> None:
    with pytest.raises(DatelineError, match="range is empty"):
        Query("What did Xi say?", since=dt.date(2024, 10, 1), until=dt.date(2024, 3, 31))


def test_near_verbatim_questions_are_answered(retriever: Retriever) -> None:
    atmosphere = retriever.ask(Query("What atmosphere did the talks take place in?", k=3))
    assert not atmosphere.nothing_found
    assert any("comradely and friendly atmosphere" in h.passage.text for h in atmosphere.hits)
    quoted = retriever.ask(Query('What did "Xi" say?', k=3))
    assert not quoted.nothing_found and any("Xi" in h.passage.text for h in quoted.hits)
