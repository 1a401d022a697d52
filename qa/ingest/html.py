"""Saved web pages: the article's text, headline, date and outlet, without menus, ads or bylines (trafilatura)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.settings import Document, set_date_params

from qa.config import Indexing
from qa.ingest.items import Item, Problem, derive_title, make_article
from qa.ingest.page_meta import date_in_url, headline, iso_date, page_meta
from qa.ingest.page_meta import outlet as page_outlet

# How trafilatura is asked: chosen by the count of html-dev pages read right (bench/html_extraction.py).
EXTRACTION: dict[str, Any] = {"include_comments": False, "include_tables": True}

_NO_TEXT = "no article text found in the page, skipped"
# A page whose every block is shorter than this is a list of links or a menu, not an article.
_SENTENCE_WORDS = 12
_LINES = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\u00a0]+")


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
    try:
        # Only ever given the bytes: trafilatura and htmldate fetch nothing.
        doc = trafilatura.bare_extraction(
            data,
            url=url or None,
            with_metadata=True,
            # Only dates the page states (markup, metadata, URL): htmldate's extensive search takes a
            # footer's "Copyright 2024" for 2024-01-01, worse than the capture date or "undated".
            date_extraction_params=set_date_params(False),
            **EXTRACTION,
        )
    except Exception:  # noqa: BLE001 -- any page, however broken, is one line for the user, never a traceback
        doc = None
    text = _paragraphs(_string(doc.text)) if isinstance(doc, Document) else ""
    if not isinstance(doc, Document) or not any(len(b.split()) >= _SENTENCE_WORDS for b in text.split("\n\n")):
        yield Problem(str(path), _NO_TEXT)
        return
    # What the page says of itself, in the order qa/ingest/page_meta.py documents.
    said = page_meta(data)
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
        said.date or date_in_url(page_url) or iso_date(doc.date) or captured,
        page_url,
        text,
        not title,
        outlet=outlet,
        limits=limits,
    )


def _paragraphs(text: str) -> str:
    """Trafilatura's one block a line, as paragraphs apart by a blank line (the chunker's unit)."""
    blocks = (_SPACES.sub(" ", b).strip() for b in _LINES.split(text))
    return "\n\n".join(b for b in blocks if b)


def _string(value: object) -> str:
    """A metadata field as text ("" when absent)."""
    return value.strip() if isinstance(value, str) else ""
