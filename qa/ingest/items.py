"""What every reader makes: articles, and problems for the user to see; the helpers they share."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from qa.config import Indexing
from qa.ingest.articles import Article, content_id

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something skipped or doubtful in the input, for the user to see."""

    path: str
    message: str
    line: int | None = None
    fatal: bool = True
    """True when the item was skipped; False for a warning (e.g. a bad date stored as undated)."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


Item = Article | Problem


def decode(data: bytes) -> str | None:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1; None if binary."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:65536]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        # Mostly control characters means a binary file, not a Latin-1 one.
        if len(_CONTROL.findall(text[:65536])) > len(text[:65536]) // 100:
            return None
        return text


def derive_title(text: str, words: int = 12) -> str:
    """A short title from the opening words, for an article that has no headline."""
    first = text.strip().split("\n", 1)[0]
    parts = first.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def make_article(
    path: Path,
    key: str,
    title: str,
    date: dt.date | None,
    url: str,
    text: str,
    derived: bool,
    *,
    outlet: str,
    limits: Indexing,
    from_feed: bool = False,
) -> Article | Problem:
    """An article, or the reason it cannot be one.

    `outlet` is the outlet the input names, "" when it names none: then none is shown, as a file
    name shown where an outlet goes would be cited as one.
    """
    text = text.rstrip()
    if not text.strip():
        return Problem(str(path), "no article text, skipped")
    if len(text) > limits.max_article_chars:
        return Problem(str(path), f"article too long ({len(text):,} characters), skipped")
    return Article(
        id=content_id(text, date, outlet, title),
        title=title.strip() or derive_title(text),
        date=date,
        source=outlet.strip(),
        url=url,
        path=str(path),
        key=key,
        text=text,
        title_derived=derived,
        from_feed=from_feed,
    )
