"""The answer span: the few words of a quote that answer, read from the judge's start and end scores."""

from __future__ import annotations

import math
import re

import numpy as np
import numpy.typing as npt

from qa.config import AnswerLine
from qa.ranking.answers import Hit, Said
from qa.ranking.scoring import Ranked, Read
from qa.reading.answer_types import expected_type
from qa.reading.text import STOPWORDS, content_words


def word_edges(text: str, spans: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per token, whether an answer may start at it and whether one may end at it: only at a word's
    edge (a word piece inside a word can do neither, so a span never cuts a word), and never at a
    stop word or a mark."""
    starts, ends = [], []
    for a, b in spans.tolist():
        if a < 0 or b > len(text):  # a token outside the text (its headline, its age)
            starts.append(False)
            ends.append(False)
            continue
        first, last = a == 0 or not text[a - 1].isalnum(), b == len(text) or not text[b].isalnum()
        # The whole word the token lies in.
        left, right = a, b
        while left > 0 and text[left - 1].isalnum():
            left -= 1
        while right < len(text) and text[right].isalnum():
            right += 1
        word = text[left:right].lower()
        fit = any(c.isalnum() for c in word) and word not in STOPWORDS
        starts.append(first and fit)
        ends.append(last and fit)
    return np.array(starts, bool), np.array(ends, bool)


def candidates(
    text: str,
    spans: npt.NDArray[np.int64],
    start_scores: npt.NDArray[np.float32],
    end_scores: npt.NDArray[np.float32],
    max_tokens: int,
    question: str,
    k: int,
) -> list[tuple[int, int, float]]:
    """The best `k` spans by the heads, (start, end, score) in `text`: whole words, at most
    `max_tokens` tokens, the score its first token's start score plus its last token's end score, and
    not only words the question says (an answer names what the question does not: "Kim Il Sung" may
    answer a question about Kim Song Nam, "Kim" may not)."""
    n = len(spans)
    if n == 0:
        return []
    can_start, can_end = word_edges(text, spans)
    first = np.where(can_start, start_scores, -np.inf)
    last = np.where(can_end, end_scores, -np.inf)
    # score[i, j] for a span from token i to token i + j.
    grid = np.full((n, max_tokens), -np.inf, dtype=np.float64)
    for j in range(min(max_tokens, n)):
        grid[: n - j, j] = first[: n - j] + last[j:]
    asked = set(content_words(question))
    flat = grid.ravel()
    found: list[tuple[int, int, float]] = []
    for at in np.argsort(-flat, kind="stable")[: ASKED_TRIES + k].tolist():
        score = float(flat[at])
        if not np.isfinite(score) or len(found) == k:
            break
        i, j = divmod(at, max_tokens)
        start, end = int(spans[i, 0]), int(spans[i + j, 1])
        if not asked.issuperset(content_words(text[start:end])):
            found.append((start, end, score))
    return found


ASKED_TRIES = 32
"""How many more of the best spans are looked at for ones that say more than the question."""

CHOICE = ("span score", "below the best", "words", "capitals", "digits", "kind asked", "number asked", "who asked")
"""What picks among a quote's best spans (`choice_features`): the heads' score and how far below
the best it is, the span's length in words (log), its share of capitalised words, whether it holds a
digit, whether it is the kind of answer asked for (1), not (-1) or none is asked (0), and a digit
where a number is asked, capitals where a person is."""
_NUMBER = re.compile(r"\b(?:how (?:many|much|old|long|far)|what (?:year|percentage|number)|when)\b", re.I)
_WHO = re.compile(r"\b(?:who|whom|whose)\b", re.I)


def choice_features(question: str, text: str, found: list[tuple[int, int, float]]) -> npt.NDArray[np.float64]:
    """Per span of `found`, its CHOICE features."""
    kind = expected_type(question)
    number, who = float(bool(_NUMBER.search(question))), float(bool(_WHO.search(question)))
    best = max((f[2] for f in found), default=0.0)
    rows = []
    for start, end, score in found:
        said = text[start:end]
        words = said.split()
        capitals = sum(w[:1].isupper() for w in words) / max(len(words), 1)
        digits = float(any(c.isdigit() for c in said))
        shown = 0.0 if kind is None else (1.0 if kind.found(said, question) else -1.0)
        rows.append(
            [score, score - best, math.log1p(len(words)), capitals, digits, shown, number * digits, who * capitals]
        )
    return np.array(rows, dtype=np.float64).reshape(-1, len(CHOICE))


def best_span(
    text: str,
    spans: npt.NDArray[np.int64],
    start_scores: npt.NDArray[np.float32],
    end_scores: npt.NDArray[np.float32],
    max_tokens: int,
    question: str = "",
    choice: tuple[float, ...] | None = None,
) -> tuple[int, int, float] | None:
    """(start, end, heads' score) of the span `choice` (weights over CHOICE) scores best among the
    heads' best CHOICE_SPANS (`candidates`); without `choice`, the heads' best. None: no span."""
    found = candidates(text, spans, start_scores, end_scores, max_tokens, question, CHOICE_SPANS if choice else 1)
    if not found:
        return None
    if choice:
        picked = int(np.argmax(choice_features(question, text, found) @ np.asarray(choice)))
        return found[picked]
    return found[0]


CHOICE_SPANS = 10
"""How many of the heads' best spans `choice` picks among."""


FEATURES = ("judge logit", "span score", "in the highlight")
"""What the answer line's confidence reads (`span_features`): the judge's logit for the quote, the
span's start plus end score, and whether the span lies inside the quote's highlighted sentence."""


def span_features(logit: float, score: float, start: int, end: int, highlight: tuple[int, int]) -> list[float]:
    """The features of one span (FEATURES' order)."""
    return [logit, score, float(highlight[0] <= start and end <= highlight[1])]


def quote_span(
    hit: Hit, read: Read, max_tokens: int, question: str, choice: tuple[float, ...] | None = None
) -> tuple[int, int, list[float]] | None:
    """The best span of a quote the judge read with span heads, and its features (None: it has none)."""
    reading = read.reading
    if not reading.starts.size:
        return None
    spans = reading.spans - read.offset
    inside = spans[:, 0] >= 0  # the passage's tokens, not its age and headline's
    text = hit.passage.text
    best = best_span(text, spans[inside], reading.starts[inside], reading.ends[inside], max_tokens, question, choice)
    if best is None:
        return None
    start, end, score = best
    return start, end, span_features(reading.logit, score, start, end, hit.highlight)


def said(found: tuple[Hit, ...], ranked: Ranked, question: str, cfg: AnswerLine) -> Said | None:
    """The answer line: the first quote's best span, when its confidence reaches `cfg.bar`."""
    if not found or cfg.bar is None:
        return None
    hit = found[0]
    read = ranked.read.get(hit.passage.id)
    span = quote_span(hit, read, cfg.span_tokens, question, cfg.choice) if read is not None else None
    if span is None:
        return None
    start, end, features = span
    z = cfg.weights[0] + sum(w * x for w, x in zip(cfg.weights[1:], features, strict=True))
    confidence = 1.0 / (1.0 + math.exp(-z))
    if confidence < cfg.bar:
        return None
    return Said(hit.passage.text[start:end], hit.rank, start, end, round(confidence, 4), tuple(features))
