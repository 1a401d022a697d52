"""The sentence of a passage that best answers the question: each quote's highlight.

Each sentence is scored by a weighted sum of what it shows (`FEATURES`): the question's words, and
signs of an answer the question does not itself hold (the kind asked for, a new name, a new number).
The weights (qa.config.Highlighting) were fitted on rtqa-train's answer-holding passages by
qa.training.fit_highlight, which reads the same `sentence_features`. In a quote the answer judge read
(qa.ranking.judging), its reading of each sentence counts too (`judged_sentence`).
"""

from __future__ import annotations

import math
import re
from dataclasses import astuple, fields

import numpy as np
import numpy.typing as npt

from qa.config import DEFAULT, Highlighting, Judging, Search
from qa.ingest.chunker import sentence_spans
from qa.ranking.collapse import Shown
from qa.ranking.scoring import Ranked, Read
from qa.reading.answer_types import AnswerType
from qa.reading.question import Reading
from qa.reading.text import content_words

# One per field of qa.config.Highlighting, in its order.
FEATURES = tuple(f.name for f in fields(Highlighting))
_DEFAULT = DEFAULT.search.highlighting

_NAME = re.compile(r"\b[A-Z][\w'’-]*")
# Capitalised, but no name: a day or a month tells when, not who or what.
_CALENDAR = frozenset(
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december",
    }
)  # fmt: skip
_NUMBER = re.compile(r"\d[\d,.]*")
_QUOTE = re.compile(r"[\"“”]")
_ASKS_WHO = re.compile(r"\b(?:who|whom|whose)\b", re.I)
_ASKS_QUANTITY = re.compile(
    r"\bhow\s+(?:many|much|long|old)\b|\bwhat\s+(?:percentage|percent|number|amount|year|share|age)\b|\bwhen\b",
    re.I,
)


def _stem(word: str) -> str:
    return word[:6]


def sentence_features(
    question: str, passage: str, expected: AnswerType | None = None
) -> list[tuple[tuple[int, int], tuple[float, ...]]]:
    """Each sentence of `passage` as (start, end) with its `FEATURES` values. A passage without
    sentence ends is one sentence."""
    wanted = {_stem(w): 1.0 + (len(w) > 6) + w.isdigit() for w in content_words(question)}
    lowered = question.lower()
    who, quantity = bool(_ASKS_WHO.search(question)), bool(_ASKS_QUANTITY.search(question))
    spans = [(s.start, s.end) for s in sentence_spans(passage, 0, len(passage))] or [(0, len(passage))]
    texts = [passage[a:b] for a, b in spans]
    stems = [{_stem(w) for w in content_words(t)} for t in texts]
    words = [sum(weight for stem, weight in wanted.items() if stem in own) for own in stems]
    last = max(1, len(spans) - 1)
    out = []
    for i, (span, text, own, score) in enumerate(zip(spans, texts, stems, words, strict=True)):
        # Past the first word, which is capitalised anyway.
        novel = [m.group(0).lower() for m in list(_NAME.finditer(text))[1:]]
        names = math.log1p(sum(w not in lowered and w not in _CALENDAR for w in novel))
        numbers = math.log1p(sum(m.group(0) not in question for m in _NUMBER.finditer(text)))
        values = {
            "coverage": len(own & wanted.keys()) / max(1, len(wanted)),
            "words": score,
            "kind": float(expected is not None and expected.found(text, question)),
            "names": 0.0 if quantity else names,
            "people": names if who else 0.0,
            "numbers": numbers if quantity else 0.0,
            "position": i / last,
            "quoted": float(bool(_QUOTE.search(text))),
        }
        out.append((span, tuple(values[name] for name in FEATURES)))
    return out


def sentence_scores(
    question: str, passage: str, expected: AnswerType | None = None, weights: Highlighting = _DEFAULT
) -> list[tuple[tuple[int, int], float]]:
    """Each sentence of `passage` as (start, end) with its weighted score."""
    w = astuple(weights)
    return [
        (span, sum(x * y for x, y in zip(values, w, strict=True)))
        for span, values in sentence_features(question, passage, expected)
    ]


def best_sentence(
    question: str, passage: str, expected: AnswerType | None = None, weights: Highlighting = _DEFAULT
) -> tuple[int, int]:
    """(start, end) within `passage` of the best-scored sentence (ties: the earlier)."""
    scored = sentence_scores(question, passage, expected, weights)
    return max(scored, key=lambda s: (s[1], -s[0][0]))[0]


def sentence_tokens(
    sentences: list[tuple[int, int]], token_spans: npt.NDArray[np.int64], offset: int
) -> list[npt.NDArray[np.int64]]:
    """For each sentence (start, end) of a passage, which of the judge's tokens lie inside it. The
    tokens' spans are in what the judge read, where the passage starts at `offset`; a sentence past
    the judge's length has none."""
    starts, ends = token_spans[:, 0] - offset, token_spans[:, 1] - offset
    return [np.flatnonzero((starts >= a) & (ends <= b)) for a, b in sentences]


def judged_sentence(question: str, text: str, read: Read, expected: AnswerType | None, cfg: Judging) -> tuple[int, int]:
    """(start, end) of the sentence of `text` the judge's reading picks: the sentence features' score
    (with `cfg.highlighting`'s weights) plus `cfg.highlight` times the judge's token scores inside the
    sentence, pooled by `cfg.pool` (their mean or best), or `cfg.unread` for a sentence past what it
    read. Ties: the earlier.

    Question words miss an answer given in other words, and the judge reading a sentence alone
    misses the one that names the question's subject; reading the whole passage, in the call that
    ranks it, the judge does better than either (docs/benchmarks.md)."""
    scored = sentence_scores(question, text, expected, cfg.highlighting)
    inside = sentence_tokens([span for span, _ in scored], read.reading.spans, read.offset)
    pool = np.max if cfg.pool == "max" else np.mean
    judged = [
        value + cfg.highlight * (float(pool(read.reading.scores[tokens])) if tokens.size else cfg.unread)
        for (_, value), tokens in zip(scored, inside, strict=True)
    ]
    best = max(range(len(scored)), key=lambda i: (judged[i], -i))
    return scored[best][0]


def highlighted(shown: list[Shown], ranked: Ranked, reading: Reading, config: Search) -> list[Shown]:
    """Each quote with the sentence that best answers the question: by what each sentence shows
    (`best_sentence`) and, in the quotes the judge read, its reading of them (`judged_sentence`)."""
    question, expected = reading.query.question, reading.expected
    for s in shown:
        read = ranked.read.get(s.passage.id)
        s.highlight = (
            judged_sentence(question, s.passage.text, read, expected, config.judging)
            if read is not None and read.reading.scores.size and config.judging.highlight
            else best_sentence(question, s.passage.text, expected, config.highlighting)
        )
    return shown
