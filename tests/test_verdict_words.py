"""The words behind an on-topic "nothing relevant": which of a question's words an archive must
mention, their other forms, and how the verdict names them."""

from __future__ import annotations

import datetime as dt

from qa.present.words import nothing_found
from qa.ranking.answers import Answer
from qa.reading.question_dates import without_dates
from qa.reading.text import as_written, holds_all, is_name, named_words, word_forms


def test_numbers_and_units_are_not_words_an_archive_must_mention() -> None:
    # "$10bn" may be written "10 billion", "4ft" "4-foot": only words with letters and no digits count.
    words = named_words("A $10bn lawsuit over a 4ft alligator in 2046: who filed the lawsuit?")
    assert words == ["lawsuit", "alligator", "filed"]
    # Nor how it asks, nor the halves of a negation ("won't" is no "won").
    assert named_words("How many people, and how much money?") == ["people", "money"]
    assert named_words("Why won’t Kim's sister meet them, and why didn't he?") == ["kim", "sister", "meet"]


def test_the_name_of_a_thing_is_how_a_question_asks() -> None:
    # An archive names the agency ("KCNA"); it need not say "name".
    assert named_words("What is the name of the North Korean news agency?") == ["north", "korean", "news", "agency"]
    assert named_words("What are the names of the ministers?") == ["ministers"]
    assert named_words("Who was named chairman?") == ["named", "chairman"]


def test_a_passage_holds_every_word_in_some_form() -> None:
    forms = {w: word_forms(w) for w in ["oversee", "artillery"]}
    assert holds_all(forms, "Kim oversaw an artillery drill.")
    assert not holds_all(forms, "Kim oversaw a parade.")
    assert not holds_all({}, "A question with no words to hold.")


def test_a_period_the_question_names_is_read_from_dates_not_text() -> None:
    # An article dated 2024-03-28 need not say "March".
    assert named_words(without_dates("Who did Kim Song Nam meet in March 2024?")) == ["kim", "song", "nam", "meet"]
    assert named_words(without_dates("What did Xi say last week, and yesterday?")) == ["xi"]


def test_a_word_comes_with_its_irregular_forms() -> None:
    assert {"oversaw", "overseen"} <= set(word_forms("oversee"))
    assert "told" in word_forms("tell")
    assert word_forms("population")[0] == "population"
    assert word_forms("pyongyang") == ["pyongyang"]  # a name has no other forms


def test_a_word_is_named_as_the_question_spells_it() -> None:
    question = "What is the GDP of France, and Korea's?"
    assert [as_written(w, question) for w in named_words(question)] == ["GDP", "France", "Korea"]
    assert as_written("gd", question) == "gd"  # only whole words


def test_the_verdict_names_what_the_archive_never_mentions() -> None:
    plain = Answer("What is the GDP of France?", dt.date(2024, 1, 1), nothing_found=True)
    assert nothing_found(plain) == "Nothing relevant in this archive."
    one = Answer("What is the population of Pyongyang?", None, nothing_found=True, unmentioned=("population",))
    assert nothing_found(one) == "Nothing relevant in this archive. No article in it mentions “population”."
    three = Answer("Who won the election?", None, nothing_found=True, unmentioned=("won", "presidential", "election"))
    assert nothing_found(three).endswith("mentions “won”, “presidential” or “election”.")


def test_only_names_are_words_an_archive_must_mention() -> None:
    # A name is written with a capital past a sentence's start; verbs, words of time and common nouns
    # ("decide", "late", "cinemas") may be said in other terms, so they never decide the verdict.
    question = "How much military aid did the US decide to give Ukraine in late March?"
    assert [w for w in named_words(question) if is_name(w, question)] == ["us", "ukraine", "march"]
    question = "A live-action remake of which Disney animation hit cinemas this week?"
    assert [w for w in named_words(question) if is_name(w, question)] == ["disney"]
    # A capital at a sentence's start says nothing: "Officials" opens the second sentence.
    question = "Hamlin collapsed on the field. Officials said which team does he play for?"
    assert [w for w in named_words(question) if is_name(w, question)] == []
    assert is_name("gdp", "What is the GDP of France?") and is_name("iphone", "Who sold the iPhone?")
