"""CSV/TSV exports and Excel workbooks: a header row naming the fields, a row per article (as JSON records)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from qa.config import Indexing
from qa.ingest.items import Item, Problem
from qa.ingest.records import _FIELDS, from_record

_DELIMITERS = ",;\t|"


def read_csv(path: Path, text: str, limits: Indexing) -> Iterator[Item]:
    """Each row of a CSV or TSV export as an article record, the header naming the fields."""
    # The csv module refuses a field over 128 KiB by default; a long article is one field.
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_article_chars + 1))
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    tsv = ".tsv" in (s.lower() for s in path.suffixes[-2:])  # news.tsv, news.tsv.gz
    delimiter = "\t" if tsv else _delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(next(reader, []))
        if not _has_text_column(header):
            yield _no_text_column(path, header)
            return
        start = reader.line_num + 1
        for row in reader:
            # line_num is where the row ends; a quoted field may span lines, so report where it starts.
            number, start = start, reader.line_num + 1
            if any(cell.strip() for cell in row):
                yield from from_record(path, _record(header, row), number, limits)
    except csv.Error as exc:
        yield Problem(str(path), f"not a readable CSV ({exc}), skipped", reader.line_num or None)


def read_xlsx(path: Path, data: bytes, limits: Indexing) -> Iterator[Item]:
    """Each row of the workbook's first sheet as an article record, the first row naming the fields."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # A damaged workbook fails as a zip, as XML or as a missing part, each with its own error.
    except Exception as exc:  # noqa: BLE001
        yield Problem(str(path), f"not a readable Excel workbook ({_reason(exc)}), skipped")
        return
    try:
        rows: Iterator[tuple[Any, ...]] = book.worksheets[0].iter_rows(values_only=True)
        header = _header(_cell(v) for v in next(rows, ()))
        if not _has_text_column(header):
            yield _no_text_column(path, header)
            return
        for number, values in enumerate(rows, 2):
            row = [_cell(v) for v in values]
            if any(cell.strip() for cell in row):
                yield from from_record(path, _record(header, row), number, limits)
    # A sheet damaged past its first rows fails while it is read.
    except Exception as exc:  # noqa: BLE001
        yield Problem(str(path), f"not a readable Excel workbook ({_reason(exc)}), skipped")
    finally:
        book.close()


def _delimiter(first_line: str) -> str:
    """The delimiter the header line uses most (csv.Sniffer guesses wrong on prose with commas)."""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cells: Iterable[str]) -> list[str]:
    return [cell.strip().lower() for cell in cells]


def _has_text_column(header: list[str]) -> bool:
    return any(alias in header for alias in _FIELDS["text"])


def _no_text_column(path: Path, header: list[str]) -> Problem:
    accepted = ", ".join(_FIELDS["text"])
    seen = ", ".join(h for h in header if h)[:120] or "none"
    return Problem(str(path), f"no text column in the header (found: {seen}); name one of: {accepted}; skipped")


def _record(header: list[str], row: list[str]) -> dict[str, str]:
    """The row as a record; an empty or unnamed column is left out so it cannot hide a named one."""
    return {name: value for name, value in zip(header, row, strict=False) if name and value.strip()}


def _cell(value: object) -> str:
    """A cell as the text a CSV export would hold: dates as ISO, whole numbers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _reason(exc: Exception) -> str:
    return (str(exc).strip() or type(exc).__name__)[:120]
