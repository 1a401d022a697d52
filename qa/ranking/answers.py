"""What a question gets back: hits (quotes with citations) and the answer around them, as plain data
(qa.present shows them: qa.present.view says what, qa.present.as_json the JSON object)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store imports numpy; the chat paints before that
    from qa.index.records import StoredPassage


@dataclass(frozen=True, slots=True)
class Copy:
    """Another outlet that ran the same story (a near-duplicate passage collapsed into a hit)."""

    source: str
    date: dt.date | None
    title: str
    url: str
    article_id: str
    passage_id: int

    @property
    def label(self) -> str:
        """How an "also in" entry reads: the outlet and its date (its headline when it names no outlet)."""
        where = self.source or (f"“{self.title}”" if self.title else "an article naming no outlet")
        return f"{where} ({self.date.isoformat() if self.date else 'undated'})"


@dataclass(frozen=True, slots=True)
class Hit:
    """One quote: a passage, its fused score, and the span of its best sentence."""

    rank: int
    passage: StoredPassage
    score: float
    highlight: tuple[int, int]
    """(start, end) of the best-answering sentence within `passage.text`."""
    also: tuple[Copy, ...] = ()
    relevance: float = 0.0
    """Cosine similarity of question and passage: the basis of the relevance indicator and the bar."""

    @property
    def date_text(self) -> str:
        return self.passage.date.isoformat() if self.passage.date else "undated"


@dataclass(frozen=True, slots=True)
class Said:
    """The answer in one line: the words of one quote that answer, read by the judge."""

    text: str
    rank: int
    """The quote that holds it (1: the first)."""
    start: int
    end: int
    """Where the words lie in that quote's passage text."""
    confidence: float
    """The chance, as fitted on the training quarters, that these words are the answer."""
    features: tuple[float, ...] = ()
    """What the confidence read (qa.ranking.answer_span.FEATURES): kept for fitting it, never shown."""


@dataclass(frozen=True, slots=True)
class Answer:
    """The hits for a question, or the verdict that nothing relevant was found."""

    question: str
    as_of: dt.date | None
    since: dt.date | None = None
    until: dt.date | None = None
    sources: tuple[str, ...] = ()
    """The outlets the question was kept to, as the user named them (empty: every outlet)."""
    hits: tuple[Hit, ...] = ()
    nothing_found: bool = False
    """True when no passage cleared the relevance bar; `closest` then holds the best few anyway."""
    closest: tuple[Hit, ...] = ()
    unmentioned: tuple[str, ...] = ()
    """With `nothing_found`: the question's words that no passage of the archive holds, when they
    decided it."""
    said: Said | None = None
    """The answering words, when the judge is sure of them (`qa.config.AnswerLine`); None otherwise."""
    notes: tuple[str, ...] = field(default=())
    """How the question was read, e.g. a date range it names ("in March 2024")."""
    digest: bool = False
    """True when the hits are a period's stories, listed oldest first ("What happened in March
    2024?"): every one answers, and no score ranks them, so none is shown."""
