"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds: each item an article with its own date, link and outlet
(the item's `<source>`, else the feed's title, else the link's host)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
from lxml import etree

from qa.config import Indexing
from qa.ingest.dates import parse_record_date
from qa.ingest.items import Item, Problem, derive_title, make_article
from qa.ingest.page_meta import host

# Elements that end a paragraph or a line: their breaks survive as blank lines / newlines.
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "blockquote", "li", "ul", "ol", "dl", "dt", "dd", "pre", "table", "tr"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption"}
)
_DROP = frozenset({"script", "style", "noscript", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_WHITE = re.compile(r"\s+")
_BLANKS = re.compile(r"\n\s*\n+")


def read_feed(path: Path, data: bytes, limits: Indexing) -> Iterator[Item]:
    """Every entry of the feed as an article; a file that is no feed is one problem."""
    # Bytes, never a string: given a string feedparser may take it for a URL and fetch it.
    parsed = feedparser.parse(data)
    entries: list[Any] = list(parsed.entries)
    if not entries:
        if parsed.bozo:
            reason = str(parsed.get("bozo_exception", "")).strip() or "not well-formed"
            yield Problem(str(path), f"not a readable RSS or Atom feed ({reason[:120]}), skipped")
        else:
            yield Problem(str(path), "feed has no items, skipped")
        return
    feed_title = _plain(parsed.feed.get("title", ""), parsed.feed.get("title_detail"))
    for number, entry in enumerate(entries, 1):
        yield from _entry(path, entry, number, feed_title, limits)


def _entry(path: Path, entry: Any, number: int, feed_title: str, limits: Indexing) -> Iterator[Item]:
    title = _plain(entry.get("title", ""), entry.get("title_detail"))
    link = str(entry.get("link", "") or "")
    where = f"item {number} ({title[:60] or 'untitled'})"
    text = _text(entry)
    if not text:
        yield Problem(str(path), f"{where}: no text, skipped")
        return
    date, bad = _date(entry)
    if bad:
        yield Problem(str(path), f"{where}: bad date ({bad}); indexed as undated", fatal=False)
    outlet = _outlet(entry) or feed_title or host(link)
    ident = entry.get("id") or link or str(number)
    result = make_article(
        path,
        f"{path.resolve()}#{ident}",
        title or derive_title(text),
        date,
        link,
        text,
        not title,
        outlet=outlet,
        limits=limits,
        from_feed=True,
    )
    if isinstance(result, Problem):
        yield Problem(result.path, f"{where}: {result.message}")
    else:
        yield result


def _outlet(entry: Any) -> str:
    """The outlet the item itself names, "" when it names none.

    An aggregated feed (alerts, a news search) names each item's outlet in its `<source>`:
    RSS 2.0's `<source url="...">Name</source>`, or Atom's `<source>` (the feed the entry was
    copied from: its title, else its author); feedparser reads both into `entry.source`. RSS
    `<source url>` without a name gives the site's host. The item's own author (RSS `author`,
    `dc:creator`, Atom `author`) is a byline in a single outlet's feed, not an outlet.
    """
    source = dict.get(entry, "source") or {}
    name = _plain(source.get("title", ""), source.get("title_detail")) or _plain(source.get("author", ""))
    return name or host(str(source.get("href", "") or ""))


def _date(entry: Any) -> tuple[dt.date | None, str]:
    """The entry's date as the feed writes it, else as feedparser read it; or why there is none."""
    # dict.get: feedparser's own `get` maps a missing "updated" to "published", with a warning.
    raw = dict.get(entry, "published") or dict.get(entry, "updated") or None
    try:
        # The day the outlet printed (feedparser's own reading is in UTC: 00:30 +02:00 is the day before).
        return parse_record_date(raw), ""
    except ValueError as exc:
        reason = str(exc)
    stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if isinstance(stamp, time.struct_time):
        return dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday), ""
    return None, reason


def _text(entry: Any) -> str:
    """The entry's fullest text: its longest `content` value, else its summary, as plain text."""
    contents = [c for c in entry.get("content", []) or [] if c.get("value")]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        text = _plain(best["value"], best)
        if text:
            return text
    return _plain(entry.get("summary", ""), entry.get("summary_detail"))


def _plain(value: object, detail: Any = None) -> str:
    """Plain text from a feed value: HTML (the usual case) converted, plain text kept as it is."""
    if not isinstance(value, str) or not value.strip():
        return ""
    kind = str((detail or {}).get("type", "text/html"))
    if "html" not in kind and "<" not in value:
        return _tidy(value)
    return html_text(value)


def html_text(markup: str) -> str:
    """The text of an HTML fragment, paragraphs kept as blank lines, no markup left."""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(markup)
    parts: list[str] = []
    _walk(root, parts)
    return _tidy("".join(parts))


def _walk(element: Any, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROP or not tag:  # scripts, comments, processing instructions
        return
    block = tag in _BLOCKS
    if block:
        parts.append("\n\n")
    if tag == "br":
        parts.append("\n")
    # Line breaks in the markup are spaces; only elements make breaks.
    if element.text:
        parts.append(_WHITE.sub(" ", element.text))
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(_WHITE.sub(" ", child.tail))
    if block:
        parts.append("\n\n")


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
