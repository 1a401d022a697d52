"""Reading a questions file (.txt, .jsonl, .csv): each line a `Question`, or a `BadLine` saying what is wrong."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import DEFAULT
from qa.ingest.dates import parse_record_date
from qa.ingest.items import decode
from qa.reading.query import outlet_names

FORMATS = ("txt", "jsonl", "csv")


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    line: int
    as_of: dt.date | None = None
    k: int | None = None
    sources: tuple[str, ...] = ()
    """The question's own outlets (its `source`: a name or a comma-separated list); empty: the run's --source."""


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def input_format(path: str, given: str | None) -> str:
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in {"jsonl", "ndjson"}:
        return "jsonl"
    if suffix in {"csv", "txt"}:
        return suffix
    return "txt"


def _date(value: object, line: int) -> dt.date | BadLine | None:
    try:
        return parse_record_date(value)
    except ValueError as exc:
        return BadLine(line, f"bad date: {exc}")


def read_questions(data: bytes, fmt: str) -> Iterator[Question | BadLine]:
    """Questions from the bytes of a .txt, .jsonl or .csv file; bad lines come out as `BadLine`."""
    text = decode(data)
    if text is None:
        yield BadLine(0, "binary file, not a questions file")
        return
    if not text.strip():
        yield BadLine(0, "empty file: no questions")
        return
    if fmt == "csv":
        yield from _read_csv(text)
        return
    for number, line in _lines(data, text):
        if line is None:
            yield BadLine(number, "not valid UTF-8 text, skipped")
            continue
        line = line.strip()
        if fmt == "txt":
            if line and not line.startswith("#"):
                yield Question(str(number), line, number)
        elif line:
            yield _from_json(line, number)


def _lines(data: bytes, text: str) -> Iterator[tuple[int, str | None]]:
    """Numbered lines; when the file is not clean UTF-8, each line is decoded alone (None if it cannot be)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        for number, raw in enumerate(data.split(b"\n"), 1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
        return
    yield from enumerate(text.splitlines(), 1)


def _from_json(line: str, number: int) -> Question | BadLine:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadLine(number, f"not valid JSON ({exc.msg})")
    if not isinstance(record, dict):
        return BadLine(number, "not a JSON object")
    return _make(record, number)


def _make(record: dict[str, Any], number: int) -> Question | BadLine:
    question = record.get("question")
    if not isinstance(question, str) or not question.strip():
        return BadLine(number, "no question")
    date = _date(record.get("date") or None, number)
    if isinstance(date, BadLine):
        return date
    k = _k(record.get("k"))
    if isinstance(k, str):
        return BadLine(number, k)
    sources = _sources(record.get("source"))
    if isinstance(sources, str):
        return BadLine(number, sources)
    ident = record.get("id")
    return Question(str(ident) if ident not in (None, "") else str(number), question.strip(), number, date, k, sources)


def _sources(value: object) -> tuple[str, ...] | str:
    """A question's own outlets (none: the run's --source), or what is wrong with them."""
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        names = outlet_names([value])
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        names = outlet_names(value)
    else:
        return f"source must be an outlet's name or a list of names, not {value!r}"
    return names or f"source names no outlet: {value!r}"


def _k(value: object) -> int | str | None:
    """A question's own `k` (None: the run's -k), or what is wrong with it; the range is -k's."""
    if value in (None, ""):
        return None
    # bool is an int to Python, but `"k": true` is a mistake, not k=1.
    if isinstance(value, int) and not isinstance(value, bool):
        k = value
    elif isinstance(value, str) and value.strip().isdecimal():
        k = int(value)
    else:
        return f"k must be a whole number, not {value!r}"
    if not 1 <= k <= DEFAULT.answering.max_k:
        return f"k must be from 1 to {DEFAULT.answering.max_k}, not {k}"
    return k


def _read_csv(text: str) -> Iterator[Question | BadLine]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "question" not in [f.strip().lower() for f in reader.fieldnames]:
        yield BadLine(1, "the CSV header has no `question` column")
        return
    for row in reader:
        record = {(k or "").strip().lower(): v for k, v in row.items()}
        yield _make(record, reader.line_num)
