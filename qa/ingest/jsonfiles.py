"""JSON Lines (streamed a line at a time) and JSON files of article records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from qa.config import Indexing
from qa.ingest.items import Item, Problem, decode
from qa.ingest.records import from_record, records_in


def stream_jsonl(path: Path, limits: Indexing) -> Iterator[Item]:
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


def is_utf16(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) in (b"\xff\xfe", b"\xfe\xff")


def _jsonl_line(path: Path, line: str, number: int, limits: Indexing) -> Iterator[Item]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Problem(str(path), f"not valid JSON ({exc.msg}), skipped", number)
        return
    yield from from_record(path, record, number, limits)


def read_jsonl(path: Path, text: str, limits: Indexing) -> Iterator[Item]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield from _jsonl_line(path, line, number, limits)


def read_json(path: Path, text: str, limits: Indexing) -> Iterator[Item]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(str(path), f"not valid JSON ({exc.msg} at line {exc.lineno}), skipped")
        return
    records = records_in(doc)
    for number, record in enumerate(records, 1):
        yield from from_record(path, record, number, limits, label="record")
