"""Article records (JSON, JSON Lines, and later CSV and spreadsheets): common field names mapped to an article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.config import Indexing
from qa.ingest.dates import parse_record_date
from qa.ingest.items import Item, Problem, derive_title, make_article

_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "date": ("date", "published_at", "published", "publication_date", "pubdate"),
    "source": ("source", "outlet", "publisher", "site"),
    "url": ("url", "link"),
    "text": ("text", "body", "content"),
}


def _field(record: dict[str, Any], name: str) -> Any:
    for alias in _FIELDS[name]:
        if alias in record and record[alias] is not None:
            return record[alias]
    return None


def from_record(path: Path, record: object, number: int, limits: Indexing, label: str = "line") -> Iterator[Item]:
    line = number if label == "line" else None
    where = "" if line else f"record {number}: "
    if not isinstance(record, dict):
        yield Problem(str(path), f"{where}not a JSON object, skipped", line)
        return
    text = _field(record, "text")
    if not isinstance(text, str) or not text.strip():
        what = "no text field" if text is None else "text is not a non-empty string"
        yield Problem(str(path), f"{where}{what}, skipped", line)
        return
    fields: dict[str, str] = {}
    for name in ("title", "source", "url"):
        value = _field(record, name)
        if value is not None and not isinstance(value, str):
            yield Problem(str(path), f"{where}{name} is not a string, ignored", line, fatal=False)
            value = None
        fields[name] = value or ""
    try:
        date = parse_record_date(_field(record, "date"))
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
        fields["source"] or path.name,
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
