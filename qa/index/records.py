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
    title_derived: bool = False
    """True when the article had no headline and its title was made from its opening words."""

    @property
    def headline(self) -> str:
        """The headline shown above the quote: none when it was made from the very words the quote opens with."""
        if self.title_derived and " ".join(self.text.split()).startswith(self.title.removesuffix("…").rstrip()):
            return ""
        return self.title

    @property
    def read(self) -> str:
        """What a person reads of this quote: the headline every answer shows it under, then the quote."""
        return f"{self.headline}\n{self.text}" if self.headline else self.text


@dataclass(frozen=True, slots=True)
class Stats:
    articles: int
    passages: int
    first_date: dt.date | None
    last_date: dt.date | None
    undated: int
    sources: list[tuple[str, int]]
    bytes: int
