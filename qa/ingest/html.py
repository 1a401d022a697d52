"""Saved web pages: the article's text, headline, date and outlet, without menus, ads or bylines.

The story's text is qa/ingest/extraction.py's; what the page says of itself, qa/ingest/page_meta.py's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from trafilatura.settings import Document

from qa.config import Indexing
from qa.ingest.extraction import body, extract, parse
from qa.ingest.items import Item, Problem, derive_title, make_article
from qa.ingest.page_meta import PageMeta, date_in_url, headline, iso_date, page_meta
from qa.ingest.page_meta import outlet as page_outlet

_DAY = dt.timedelta(days=1)
# Hours of a UTC timestamp that are the day before in the Americas (20:00 in New York is 01:00 UTC), and
# those that are the day after east of Europe (00:04 in Vienna is 22:04 UTC).
_WEST_EVENING_UNTIL, _EAST_NIGHT_FROM = 10, 14
_NO_TEXT = "no article text found in the page, skipped"
# A page with no block of this many words that ends a sentence is a list of links, a menu or share
# buttons ("Share this with These are external links and will open in a new window"), not an article.
_SENTENCE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?:\s|$)|[。！？।؟۔]")


def read_html(
    path: Path,
    data: bytes,
    limits: Indexing,
    *,
    url: str = "",
    captured: dt.date | None = None,
    key: str | None = None,
) -> Iterator[Item]:
    """The article in one page; `url` and `captured` come from a web archive's record, when there is one."""
    # Parsed once: what the page says of itself is read first, then the tree is pruned and extracted.
    tree = parse(data)
    said = page_meta(tree) if tree is not None else None
    doc = extract(tree, url) if tree is not None else None
    text = body(doc)
    if doc is None or said is None or not any(_is_prose(b) for b in text.split("\n\n")):
        yield Problem(str(path), _NO_TEXT)
        return
    # What the page says of itself, in the order qa/ingest/page_meta.py documents.
    page_url = url or said.url or _string(doc.url)
    title = _string(doc.title)
    outlet = page_outlet(
        [*said.outlets, _string(doc.sitename)], said.headlines[0] if said.headlines else title, page_url
    )
    title = headline([title, *said.headlines], outlet, page_url)
    yield make_article(
        path,
        key or str(path.resolve()),
        title or derive_title(text),
        page_date(said, page_url, doc, captured),
        page_url,
        text,
        not title,
        outlet=outlet,
        limits=limits,
    )


def page_date(said: PageMeta, page_url: str, doc: Document | None, captured: dt.date | None = None) -> dt.date | None:
    """The page's publication date, in the order qa/ingest/page_meta.py documents; None: "undated"."""
    return dated(said, page_url, doc, captured)[0]


def dated(
    said: PageMeta, page_url: str, doc: Document | None, captured: dt.date | None = None
) -> tuple[dt.date | None, str]:
    """`page_date` and where it came from: "stated", "address", "markup", "captured" or "" (undated)."""
    in_url = date_in_url(page_url)
    marked = iso_date(doc.date) if doc is not None else None
    if said.date is not None and said.utc_hour is not None:
        # A UTC timestamp's day may not be the outlet's: the address's or the markup's day, one day off
        # where a time zone puts it (the Americas' evening before, Europe's or Asia's night after), is.
        before, after = said.utc_hour < _WEST_EVENING_UNTIL, said.utc_hour >= _EAST_NIGHT_FROM
        for day, source in ((in_url, "address"), (marked, "markup")):
            if day is not None and ((before and day == said.date - _DAY) or (after and day == said.date + _DAY)):
                return day, source
    for day, source in ((said.date, "stated"), (in_url, "address"), (marked, "markup"), (captured, "captured")):
        if day is not None:
            return day, source
    return None, ""


def _string(value: object) -> str:
    """A metadata field as text ("" when absent)."""
    return value.strip() if isinstance(value, str) else ""


def _is_prose(block: str) -> bool:
    """Whether a block reads as the story's prose: long enough, and ending a sentence in it."""
    return len(block.split()) >= _SENTENCE_WORDS and _SENTENCE_END.search(block) is not None
