"""Writing batch's answers: the output's format and file, and one answer at a time in it, flushed."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TextIO

from qa.batch.questions import Question
from qa.errors import DatelineError
from qa.present.markdown import answer_markdown
from qa.present.rows import CSV_COLUMNS, csv_rows, json_record
from qa.ranking.answers import Answer

OUTPUTS = ("jsonl", "csv", "md")

_OUTPUT_SUFFIXES = {"": "jsonl", "jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv", "md": "md", "markdown": "md"}


def output_format(path: str | None, given: str | None) -> str:
    """The format to write: --format, else OUT's extension (none, or stdout: JSON Lines).

    Raises DatelineError for an extension batch does not write: `answers.xlsx` holding JSON Lines
    would be a surprise found only when the file is opened.
    """
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".") if path and path != "-" else ""
    if suffix not in _OUTPUT_SUFFIXES:
        raise DatelineError(
            f"{path}: .{suffix} is not a format batch writes (jsonl, csv, md); "
            "pass --format jsonl|csv|md to write one of them under this name",
            "Bad option",
        )
    return _OUTPUT_SUFFIXES[suffix]


def check_output(path: str) -> None:
    """Raises DatelineError when OUT cannot be written, so the run stops before the model loads."""
    if path == "-":
        return
    out = Path(path)
    if out.is_dir():
        raise DatelineError(f"{path} is a folder: name a file to write, e.g. {out / 'answers.jsonl'}", "Bad option")
    if not out.parent.is_dir():
        raise DatelineError(f"cannot write {path}: the folder {out.parent} does not exist", "Bad option")


class Writer:
    """Writes one answer at a time in the chosen format and flushes it, so nothing done is lost.

    `columns`: a CSV's columns, `CSV_COLUMNS` or an older file's own when --resume appends to it.
    """

    def __init__(self, stream: TextIO, fmt: str, *, fresh: bool, columns: list[str] = CSV_COLUMNS) -> None:
        self.stream, self.fmt = stream, fmt
        self._csv = csv.writer(stream) if fmt == "csv" else None
        self._keep = [CSV_COLUMNS.index(c) for c in columns]
        if fresh and self._csv:
            self._csv.writerow(columns)
        if fresh and fmt == "md":
            stream.write("# dateline answers\n\n")
        stream.flush()

    def write(self, q: Question, answer: Answer | None, error: str | None = None) -> None:
        if self.fmt == "jsonl":
            self.stream.write(json.dumps(json_record(q.id, q.question, answer, error), ensure_ascii=False) + "\n")
        elif self._csv is not None:
            self._csv.writerows([row[i] for i in self._keep] for row in csv_rows(q.id, q.question, answer, error))
        else:
            self.stream.write(answer_markdown(q.question, answer, error=error, anchor=f"<!-- id: {q.id} -->"))
        self.stream.flush()


def open_output(path: Path, fresh: bool) -> TextIO:
    """OUT opened for writing (or appending); what check_output cannot foresee (no permission) is one line."""
    try:
        return open(path, "w" if fresh else "a", encoding="utf-8", newline="")
    except OSError as exc:
        raise DatelineError(f"cannot write {path}: {exc.strerror}", "Bad output") from exc
