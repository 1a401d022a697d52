"""Reading articles from text files, JSON Lines, JSON arrays and directories.

Bad input never stops a run: each problem is reported with its file (and line) and skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import Indexing
from qa.ingest.articles import Article, content_id
from qa.ingest.dates import parse_record_date

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
_LIMITS = Indexing()

_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "date": ("date", "published_at", "published", "publication_date", "pubdate"),
    "source": ("source", "outlet", "publisher", "site"),
    "url": ("url", "link"),
    "text": ("text", "body", "content"),
}
_DATE_PREFIX = re.compile(r"\A\s*date\s+(\S+)\s+")
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’]\s*$")
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


def read_paths(paths: list[Path], limits: Indexing = _LIMITS) -> Iterator[Item]:
    """Every article under the given files and directories, and every problem met on the way.

    `limits`: the largest file and article read (qa.config.Indexing).
    """
    for path in paths:
        if not path.exists() and not path.is_symlink():
            yield Problem(str(path), "no such file or directory")
        elif path.is_dir():
            yield from _read_dir(path, limits)
        else:
            yield from read_file(path, limits)


def _read_dir(root: Path, limits: Indexing) -> Iterator[Item]:
    # followlinks=False: a symlink loop can never trap the walk.
    for dirpath, dirnames, filenames in os.walk(root, onerror=None, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            suffix = path.suffix.lower()
            if suffix not in TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES:
                yield Problem(str(path), f"not an article file ({suffix}), skipped")
                continue
            yield from read_file(path, limits)


def read_file(path: Path, limits: Indexing = _LIMITS) -> Iterator[Item]:
    """The articles in one file, by its extension: .jsonl/.ndjson, .json, anything else is text."""
    try:
        if not path.is_file():
            yield Problem(str(path), "not a regular file (a broken link or a device), skipped")
            return
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES and not _is_utf16(path):
            yield from _stream_jsonl(path, limits)
            return
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            yield Problem(str(path), f"file too large ({size / 1e9:.1f} GB), skipped")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(str(path), f"cannot read: {exc.strerror or exc}, skipped")
        return
    kind, reader = (
        ("JSON Lines", _read_jsonl)
        if suffix in JSONL_SUFFIXES
        else ("JSON", _read_json)
        if suffix in JSON_SUFFIXES
        else ("text", _read_text)
    )
    text = decode(data)
    if text is None:
        yield Problem(str(path), f"binary file, not {kind}: skipped")
    elif not text.strip():
        yield Problem(str(path), "empty file, skipped")
    else:
        yield from reader(path, text, limits)


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


def _read_text(path: Path, text: str, limits: Indexing) -> Iterator[Item]:
    date: dt.date | None = None
    if match := _DATE_PREFIX.match(text):
        try:
            date = parse_record_date(match.group(1))
        except ValueError as exc:
            yield Problem(str(path), f"bad date ({exc}); indexed as undated", fatal=False)
        text = text[match.end() :]
    title, body, derived = _split_headline(text)
    yield _make(path, str(path.resolve()), title, date, path.name, "", body, derived, outlet="", limits=limits)


def _split_headline(text: str) -> tuple[str, str, bool]:
    """(title, body, derived): a short first line without closing punctuation is a headline."""
    text = text.lstrip()
    first, sep, rest = text.partition("\n")
    if sep and rest.strip() and len(first.split()) <= 25 and not _SENTENCE_END.search(first):
        return first.strip(), rest.strip(), False
    body = text.rstrip()
    return derive_title(body), body, True


def _make(
    path: Path,
    key: str,
    title: str,
    date: dt.date | None,
    source: str,
    url: str,
    text: str,
    derived: bool,
    *,
    outlet: str,
    limits: Indexing,
) -> Article | Problem:
    """An article, or the reason it cannot be one. `outlet` is the outlet the input names, if any."""
    text = text.rstrip()
    if not text.strip():
        return Problem(str(path), "no article text, skipped")
    if len(text) > limits.max_article_chars:
        return Problem(str(path), f"article too long ({len(text):,} characters), skipped")
    return Article(
        id=content_id(text, date, outlet, title),
        title=title.strip() or derive_title(text),
        date=date,
        source=source,
        url=url,
        path=str(path),
        key=key,
        text=text,
        title_derived=derived,
    )


def _stream_jsonl(path: Path, limits: Indexing) -> Iterator[Item]:
    """JSON Lines a line at a time: memory holds one record, whatever the file's size.

    The file's kind is judged from its head as `decode` judges a whole file; a line that is not
    UTF-8 is read as Windows-1252. (UTF-16 files, rare, are read whole by `read_file`.)
    """
    with path.open("rb") as fh:
        head = fh.read(65_536)
        if decode(head) is None:
            yield Problem(str(path), "binary file, not JSON Lines: skipped")
            return
        fh.seek(0)
        seen = False
        for number, raw in enumerate(fh, 1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode("cp1252", errors="replace")
            if line.strip():
                seen = True
                yield from _jsonl_line(path, line, number, limits)
        if not seen:
            yield Problem(str(path), "empty file, skipped")


def _is_utf16(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) in (b"\xff\xfe", b"\xfe\xff")


def _jsonl_line(path: Path, line: str, number: int, limits: Indexing) -> Iterator[Item]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Problem(str(path), f"not valid JSON ({exc.msg}), skipped", number)
        return
    yield from _from_record(path, record, number, limits)


def _read_jsonl(path: Path, text: str, limits: Indexing) -> Iterator[Item]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield from _jsonl_line(path, line, number, limits)


def _read_json(path: Path, text: str, limits: Indexing) -> Iterator[Item]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(str(path), f"not valid JSON ({exc.msg} at line {exc.lineno}), skipped")
        return
    records = doc if isinstance(doc, list) else [doc]
    for number, record in enumerate(records, 1):
        yield from _from_record(path, record, number, limits, label="record")


def _field(record: dict[str, Any], name: str) -> Any:
    for alias in _FIELDS[name]:
        if alias in record and record[alias] is not None:
            return record[alias]
    return None


def _from_record(path: Path, record: object, number: int, limits: Indexing, label: str = "line") -> Iterator[Item]:
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
    result = _make(
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
