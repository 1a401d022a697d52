"""Markdown notes: YAML front matter gives the title, date, outlet and link; the body is read as text.

The body's Markdown is parsed (markdown-it-py) and only its words are kept: `**bold**`, links and
headings never reach a passage as markup.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt

from qa.config import Indexing
from qa.ingest.dates import parse_record_date
from qa.ingest.items import Item, Problem, derive_title, make_article
from qa.ingest.records import field

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# Blocks whose end starts a new paragraph of the plain text.
_BLOCK_ENDS = {"paragraph_close", "heading_close", "list_item_close", "blockquote_close", "code_block", "fence"}


def plain_text(markdown: str) -> tuple[str, str]:
    """(the first heading, the text without markup), paragraphs separated by blank lines."""
    heading, parts, current = "", [], []
    tokens = MarkdownIt("commonmark").parse(markdown)
    for i, token in enumerate(tokens):
        if token.type == "inline":
            words = "".join(
                child.content if child.type in ("text", "code_inline") else "\n" if child.type == "hardbreak" else " "
                for child in token.children or []
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            )
            if i and tokens[i - 1].type == "heading_open" and not heading and tokens[i - 1].tag == "h1":
                heading = words.strip()
                continue
            current.append(words)
        elif token.type in ("code_block", "fence"):
            current.append(token.content.rstrip())
        if token.type in _BLOCK_ENDS and current:
            parts.append(" ".join(current).strip())
            current = []
    if current:
        parts.append(" ".join(current).strip())
    return heading, "\n\n".join(p for p in parts if p)


def read_markdown(path: Path, text: str, limits: Indexing) -> Iterator[Item]:
    """A Markdown file, with its front matter's title, date, source and url when it has them."""
    meta: dict[str, Any] = {}
    if match := _FRONT.match(text):
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            yield Problem(
                str(path), f"front matter is not valid YAML ({str(exc).splitlines()[0]}); read as text", fatal=False
            )
            loaded = None
        if isinstance(loaded, dict):
            meta = loaded
            text = text[match.end() :]
    heading, body = plain_text(text)
    date: dt.date | None = None
    raw = field(meta, "date")
    if isinstance(raw, dt.datetime | dt.date):  # YAML reads `date: 2024-10-06` as a date already
        date = raw.date() if isinstance(raw, dt.datetime) else raw
    else:
        try:
            date = parse_record_date(raw, day_first=limits.date_order == "dmy")
        except ValueError as exc:
            yield Problem(str(path), f"bad date ({exc}); indexed as undated", fatal=False)
    given = field(meta, "title")
    title = str(given) if given else heading
    outlet = str(field(meta, "source") or "")
    url = str(field(meta, "url") or "")
    yield make_article(
        path,
        str(path.resolve()),
        title or derive_title(body),
        date,
        url,
        body,
        not title,
        outlet=outlet,
        limits=limits,
    )
