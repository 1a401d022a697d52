"""The sentence of a passage that best answers the question.

Each sentence is scored by a weighted sum of what it shows (`FEATURES`): the question's words, and
signs of an answer the question does not itself hold (the kind asked for, a new name, a new number).
The weights (qa.config.Highlighting) were fitted on rtqa-train's answer-holding passages by
bench/fit_highlight.py, which reads the same `sentence_features`.
"""

from __future__ import annotations

import math
import re
from dataclasses import astuple, fields

from qa.config import Highlighting
from qa.ingest.chunker import sentence_spans
from qa.reading.answer_types import AnswerType
from qa.reading.text import content_words

# One per field of qa.config.Highlighting, in its order.
FEATURES = tuple(f.name for f in fields(Highlighting))
_DEFAULT = Highlighting()

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
