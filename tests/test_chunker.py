"""Passages: exact slices of the article, whole sentences, sized for the model, nothing lost."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.config import Chunking
from qa.ingest.articles import Article
from qa.ingest.chunker import chunk, sentence_spans
from qa.ingest.cleaning import story_spans
from qa.ingest.readers import read_paths
from tests.conftest import CORPUS

MAX_WORDS = Chunking().max_words


def test_every_passage_is_an_exact_slice_within_the_size() -> None:
    for article in read_paths([CORPUS]):
        assert isinstance(article, Article)
        for p in chunk(article.id, article.text, article.title):
            assert article.text[p.start : p.end] == p.text
            assert len(p.text.split()) <= MAX_WORDS + 30


def test_passages_end_at_sentence_ends() -> None:
    (article,) = [a for a in read_paths([CORPUS / "003_827395dfdfacd871.txt"]) if isinstance(a, Article)]
    for p in chunk(article.id, article.text, article.title):
        assert p.text.rstrip()[-1] in ".!?\"”'", p.text[-30:]


def test_abbreviations_do_not_end_sentences() -> None:
    text = "The U.S. Secretary of State met Mr. Kim in Seoul. Dr. Lee was there too."
    sentences = [text[s.start : s.end] for s in sentence_spans(text, 0, len(text))]
    assert sentences == ["The U.S. Secretary of State met Mr. Kim in Seoul.", "Dr. Lee was there too."]


def test_a_giant_sentence_is_cut_at_words() -> None:
    text = " ".join(f"word{i}" for i in range(1000))
    passages = chunk("x", text)
    assert all(len(p.text.split()) <= MAX_WORDS for p in passages)
    assert " ".join(p.text for p in passages) == text


_WORDS = st.text(alphabet="abcdefgh XYZ.,!?\n\"'", min_size=0, max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=40).map(" ".join))
def test_offsets_slice_exactly_and_no_text_is_lost_or_repeated(text: str) -> None:
    passages = chunk("x", text)
    covered: list[tuple[int, int]] = []
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert p.text == p.text.strip() and p.text
        covered.append((p.start, p.end))
    # No overlap: each passage starts after the previous one ends.
    for (_, end), (start, _) in itertools.pairwise(covered):
        assert start >= end
    # Every word of the story (what cleaning keeps of the text) is in exactly one passage, in order.
    story_words = [w for start, end in story_spans(text) for w in text[start:end].split()]
    assert story_words == [w for p in passages for w in p.text.split()]


def test_bylines_and_handles_never_reach_a_passage() -> None:
    text = (
        "Jane Onyanga-Omara / USA TODAY\n@MattGlo\nBy Jane Doe and John Roe, CNN\nBy Nada Tawfik, BBC News, New York\n"
        "The ferry service between Lisbon and Porto restarted on Monday after a strike by its crews, the company "
        "said in a statement.\nOfficials in Lisbon / Porto said more boats would come.\n"
        "By the end of the year the route will run daily.\n"
        "Edited by Mike Firn.\nReporting by Ana Costa\n"
    )
    shown = " ".join(p.text for p in chunk("a", text))
    assert "Firn" not in shown and "Ana Costa" not in shown
    assert "Onyanga" not in shown and "@MattGlo" not in shown and "John Roe" not in shown and "Tawfik" not in shown
    assert "Officials in Lisbon / Porto" in shown and "By the end of the year" in shown
