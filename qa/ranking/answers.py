"""What a question gets back: hits (quotes with citations) and the answer around them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "url": self.url,
            "article_id": self.article_id,
            "passage_id": self.passage_id,
        }


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

    def to_json(self) -> dict[str, Any]:
        p = self.passage
        return {
            "rank": self.rank,
            "text": p.text,
            "date": p.date.isoformat() if p.date else None,
            "source": p.source,
            "title": p.title,
            "url": p.url,
            "article_id": p.article_id,
            "passage_id": p.id,
            "score": round(self.score, 4),
            "highlight": {"start": self.highlight[0], "end": self.highlight[1]},
            "relevance": round(self.relevance, 4),
            "also": [c.to_json() for c in self.also],
        }


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
    notes: tuple[str, ...] = field(default=())
    """How the question was read, e.g. a date range it names ("in March 2024")."""
    digest: bool = False
    """True when the hits are a period's stories, listed oldest first ("What happened in March
    2024?"): every one answers, and no score ranks them, so none is shown."""

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "sources": list(self.sources),
            "nothing_found": self.nothing_found,
            "passages": [h.to_json() for h in self.hits],
            "closest": [h.to_json() for h in self.closest],
            "unmentioned": list(self.unmentioned),
            "notes": list(self.notes),
        }
