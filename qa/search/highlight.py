"""The sentence of a passage that best answers the question."""

from __future__ import annotations

from qa.ingest.chunker import sentence_spans
from qa.search.answer_types import AnswerType
from qa.search.text import content_words


def _stem(word: str) -> str:
    return word[:6]


def sentence_scores(
    question: str, passage: str, expected: AnswerType | None = None, bonus: float = 2.0
) -> list[tuple[tuple[int, int], float]]:
    """Each sentence of `passage` as (start, end) with how many question words it shares.

    Rarer-looking words (numbers, long words) count more. A sentence holding the kind of answer asked
    for (`expected`: a country, a percentage) counts as `bonus` more words
    (qa.config.AnswerTypes.highlight_bonus). A passage without sentence ends is one sentence.
    """
    wanted = {_stem(w): 1.0 + (len(w) > 6) + w.isdigit() for w in content_words(question)}
    scored = []
    for span in sentence_spans(passage, 0, len(passage)):
        words = {_stem(w) for w in content_words(passage[span.start : span.end])}
        score = sum(weight for stem, weight in wanted.items() if stem in words)
        if expected is not None and expected.found(passage[span.start : span.end], question):
            score += bonus
        scored.append(((span.start, span.end), score))
    return scored or [((0, len(passage)), 0.0)]


def best_sentence(
    question: str, passage: str, expected: AnswerType | None = None, bonus: float = 2.0
) -> tuple[int, int]:
    """(start, end) within `passage` of the sentence sharing the most question words (ties: the earlier)."""
    scored = sentence_scores(question, passage, expected, bonus)
    return max(scored, key=lambda s: (s[1], -s[0][0]))[0]
