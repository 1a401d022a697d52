"""The sentence of a passage that best answers the question."""

from __future__ import annotations

from qa.ingest.chunker import sentence_spans
from qa.search.answer_types import AnswerType
from qa.search.text import content_words


def _stem(word: str) -> str:
    return word[:6]


def best_sentence(
    question: str, passage: str, expected: AnswerType | None = None, bonus: float = 2.0
) -> tuple[int, int]:
    """(start, end) within `passage` of the sentence sharing the most question words.

    Rarer-looking words (numbers, long words) count more; ties go to the earlier sentence. A sentence
    holding the kind of answer asked for (`expected`: a country, a percentage) counts as `bonus` more words
    (qa.config.AnswerTypes.highlight_bonus).
    """
    wanted = {_stem(w): 1.0 + (len(w) > 6) + w.isdigit() for w in content_words(question)}
    best, best_score = (0, len(passage)), -1.0
    for span in sentence_spans(passage, 0, len(passage)):
        words = {_stem(w) for w in content_words(passage[span.start : span.end])}
        score = sum(weight for stem, weight in wanted.items() if stem in words)
        if expected is not None and expected.found(passage[span.start : span.end], question):
            score += bonus
        if score > best_score:
            best, best_score = (span.start, span.end), score
    return best
