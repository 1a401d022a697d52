"""Plain data: articles, passages, and how an article gets its stable id."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")


def content_id(text: str, date: dt.date | None, outlet: str = "", headline: str = "") -> str:
    """A stable id from the content: the same story text and date give the same id.

    The same wire text run by two outlets is two articles (shown once, the other under "also in"):
    the outlet a record names tells them apart, or, where none is named (a text file), the headline
    each gave it. A file saved twice, same headline and text, is one article.
    """
    norm = _SPACE.sub(" ", text).strip().lower()
    payload = f"{date.isoformat() if date else 'undated'}\n{norm}"
    who = outlet.strip().lower() or (f"headline: {_SPACE.sub(' ', headline).strip().lower()}" if headline else "")
    if who:
        payload = f"{who}\n{payload}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from a file or a record."""

    id: str
    title: str
    date: dt.date | None
    """Publication date; None when the source gives none (shown as "undated", never today)."""
    source: str
    """The outlet the input names; "" when it names none (a file name is not an outlet)."""
    url: str
    path: str
    key: str
    """Where the article comes from (a file, or file#record): a changed article replaces the old one."""
    text: str
    title_derived: bool = False
    """True when the input had no headline and the title was made from the opening words."""
    from_feed: bool = False
    """True for a feed item (often a summary): the page itself, when the run also reads it, wins."""

    @property
    def date_text(self) -> str:
        return self.date.isoformat() if self.date else "undated"


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of whole sentences of an article; `text == article.text[start:end]`."""

    article_id: str
    ordinal: int
    start: int
    end: int
    text: str
