"""Article records (JSON, JSON Lines, and later CSV and spreadsheets): common field names mapped to an article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.config import Indexing
from qa.ingest.dates import parse_record_date
from qa.ingest.items import Item, Problem, derive_title, make_article

# The names archives give each field (matched without regard to case): the first present wins.
_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "date": (
        "date", "published_at", "published", "publication_date", "pubdate", "datepublished", "published_date",
        "date_published", "datecreated", "created_at", "created", "timestamp", "time",
    ),
    "source": ("source", "outlet", "publisher", "site", "site_name", "sitename", "source_name", "domain"),
    "url": ("url", "link", "canonical_url", "permalink", "href"),
    "text": ("text", "body", "content", "articlebody", "article_body", "full_text", "fulltext", "story"),
}  # fmt: skip
# What a record's text may fall back to when it has no body: a summary is text, if less of it.
_SUMMARY = ("description", "summary", "abstract")


def field(record: dict[str, Any], name: str) -> Any:
    """The record's value for a field, by any of its names (a schema.org `{"name": ...}` object gives its name)."""
    lowered = {str(k).lower(): v for k, v in record.items()}
    for alias in _FIELDS[name] + (_SUMMARY if name == "text" else ()):
        value = lowered.get(alias)
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            value = value["name"]  # "publisher": {"@type": "Organization", "name": "Reuters"}
        if value is not None:
            return value
    return None


def records_in(doc: object) -> list[object]:
    """The records of a JSON document: a list, an object holding one list of records
    (`{"articles": [...]}`), or a single record."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict) and field(doc, "text") is None:
        lists = [v for v in doc.values() if isinstance(v, list) and v and all(isinstance(r, dict) for r in v)]
        if len(lists) == 1:
            return list(lists[0])
    return [doc]


def from_record(path: Path, record: object, number: int, limits: Indexing, label: str = "line") -> Iterator[Item]:
    line = number if label == "line" else None
    where = "" if line else f"record {number}: "
    if not isinstance(record, dict):
        yield Problem(str(path), f"{where}not a JSON object, skipped", line)
        return
    text = field(record, "text")
    if not isinstance(text, str) or not text.strip():
        names = ", ".join(_FIELDS["text"] + _SUMMARY)
        what = f"no text field (looked for {names})" if text is None else "text is not a non-empty string"
        yield Problem(str(path), f"{where}{what}, skipped", line)
        return
    fields: dict[str, str] = {}
    for name in ("title", "source", "url"):
        value = field(record, name)
        if value is not None and not isinstance(value, str):
            yield Problem(str(path), f"{where}{name} is not a string, ignored", line, fatal=False)
            value = None
        fields[name] = value or ""
    try:
        date = parse_record_date(field(record, "date"), day_first=limits.date_order == "dmy")
    except ValueError as exc:
        yield Problem(str(path), f"{where}bad date ({exc}); indexed as undated", line, fatal=False)
        date = None
    ident = record.get("id")
    key_part = str(ident) if isinstance(ident, str | int) else fields["url"] or f"{label}{number}"
    title = fields["title"]
    result = make_article(
        path,
        f"{path.resolve()}#{key_part}",
        title or derive_title(text),
        date,
        fields["url"],
        text,
        not title,
        outlet=fields["source"],
        limits=limits,
    )
    if isinstance(result, Problem):
        yield Problem(result.path, where + result.message, line)
    else:
        yield result
