"""What the index gives back: a stored passage with its citation, and counts of the whole index."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage with what a citation needs."""

    id: int
    article_id: str
    ordinal: int
    start: int
    end: int
    text: str
    title: str
    date: dt.date | None
    source: str
    url: str

    @property
    def read(self) -> str:
        """What a person reads of this quote: the headline every answer shows it under, then the quote."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True, slots=True)
class Stats:
    articles: int
    passages: int
    first_date: dt.date | None
    last_date: dt.date | None
    undated: int
    sources: list[tuple[str, int]]
    bytes: int
