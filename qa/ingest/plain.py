"""Plain text files: an optional ` date YYYY-MM-DD` prefix, an optional headline line, the story."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from qa.config import Indexing
from qa.ingest.dates import parse_record_date
from qa.ingest.items import Item, Problem, derive_title, make_article

_DATE_PREFIX = re.compile(r"\A\s*date\s+(\S+)\s+")
# A first line that only dates the story: "Date: 2024-10-06", "Published: October 6, 2024", or the date alone.
_DATE_LINE = re.compile(r"\A\s*(?:(?:date|published|posted|updated)\s*:\s*)?(?P<date>[^\n]{4,40}?)\s*(?:\n|\Z)", re.I)
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’]\s*$")


def read_text(path: Path, text: str, limits: Indexing) -> Iterator[Item]:
    """A text file: its date (a ` date ...` prefix or a first line that is only a date), headline and story."""
    date: dt.date | None = None
    if match := _DATE_PREFIX.match(text):
        try:
            date = parse_record_date(match.group(1))
        except ValueError as exc:
            yield Problem(str(path), f"bad date ({exc}); indexed as undated", fatal=False)
        text = text[match.end() :]
    elif (line := _DATE_LINE.match(text)) and (day := _date_or_none(line.group("date"), limits)):
        date, text = day, text[line.end() :]
    title, body, derived = _split_headline(text)
    yield make_article(path, str(path.resolve()), title, date, "", body, derived, outlet="", limits=limits)


def _date_or_none(value: str, limits: Indexing) -> dt.date | None:
    """The date a line holds, when the line is nothing but a date."""
    try:
        return parse_record_date(value, day_first=limits.date_order == "dmy")
    except ValueError:
        return None


def _split_headline(text: str) -> tuple[str, str, bool]:
    """(title, body, derived): a short first line without closing punctuation is a headline."""
    text = text.lstrip()
    first, sep, rest = text.partition("\n")
    if sep and rest.strip() and len(first.split()) <= 25 and not _SENTENCE_END.search(first):
        return first.strip(), rest.strip(), False
    body = text.rstrip()
    return derive_title(body), body, True
