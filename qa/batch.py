"""Batch answering: a file of questions in, one evidence record per question out, flushed as it goes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from qa.errors import DatelineError
from qa.ingest.dates import parse_record_date
from qa.ingest.readers import decode
from qa.progress import Progress
from qa.search.answers import Answer
from qa.search.query import Query
from qa.search.retriever import Retriever

FORMATS = ("txt", "jsonl", "csv")
OUTPUTS = ("jsonl", "csv", "md")
CSV_COLUMNS = ["id", "question", "rank", "date", "source", "title", "quote", "score", "best_sentence", "also_in"]
BATCH = 32


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    line: int
    as_of: dt.date | None = None
    k: int | None = None


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class BatchSummary:
    answered: int = 0
    nothing_found: int = 0
    failed: int = 0
    bad_lines: int = 0
    skipped_done: int = 0
    elapsed: float = 0.0
    interrupted: bool = False
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        rate = (self.answered + self.nothing_found) / self.elapsed if self.elapsed else 0.0
        text = (
            f"{self.answered} answered, {self.nothing_found} nothing found, {self.failed} failed, "
            f"{self.bad_lines} bad lines"
        )
        if self.skipped_done:
            text += f", {self.skipped_done} already done"
        return text + f"; {self.elapsed:.1f} s ({rate:.1f} questions/s)"


def input_format(path: str, given: str | None) -> str:
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in {"jsonl", "ndjson"}:
        return "jsonl"
    if suffix in {"csv", "txt"}:
        return suffix
    return "txt"


def output_format(path: str | None, given: str | None) -> str:
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".") if path and path != "-" else ""
    return {"csv": "csv", "md": "md", "markdown": "md"}.get(suffix, "jsonl")


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
    k = record.get("k")
    if k not in (None, "") and not (isinstance(k, int) or (isinstance(k, str) and k.isdigit())):
        return BadLine(number, f"k must be a whole number, not {k!r}")
    ident = record.get("id")
    return Question(
        str(ident) if ident not in (None, "") else str(number),
        question.strip(),
        number,
        date,
        int(k) if k not in (None, "") else None,
    )


def _read_csv(text: str) -> Iterator[Question | BadLine]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "question" not in [f.strip().lower() for f in reader.fieldnames]:
        yield BadLine(1, "the CSV header has no `question` column")
        return
    for row in reader:
        record = {(k or "").strip().lower(): v for k, v in row.items()}
        yield _make(record, reader.line_num)


class Writer:
    """Writes one answer at a time in the chosen format and flushes it, so nothing done is lost."""

    def __init__(self, stream: TextIO, fmt: str, *, fresh: bool) -> None:
        self.stream, self.fmt = stream, fmt
        self._csv = csv.writer(stream) if fmt == "csv" else None
        if fresh and self._csv:
            self._csv.writerow(CSV_COLUMNS)
        if fresh and fmt == "md":
            stream.write("# dateline answers\n\n")
        stream.flush()

    def write(self, q: Question, answer: Answer | None, error: str | None = None) -> None:
        if self.fmt == "jsonl":
            record: dict[str, Any] = {"id": q.id}
            if answer is not None:
                record.update(answer.to_json())
            else:
                record.update({"question": q.question, "passages": []})
            if error:
                record["error"] = error
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif self._csv is not None:
            hits = answer.hits if answer else ()
            if not hits:
                self._csv.writerow([q.id, q.question, "", "", "", "", "", error or "nothing found"])
            for h in hits:
                p = h.passage
                best = p.text[h.highlight[0] : h.highlight[1]]
                also = "; ".join(c.label for c in h.also)
                self._csv.writerow(
                    [q.id, q.question, h.rank, h.date_text, p.source, p.title, p.text, f"{h.score:.4f}", best, also]
                )
        else:
            self.stream.write(_markdown(q, answer, error))
        self.stream.flush()


def _markdown(q: Question, answer: Answer | None, error: str | None) -> str:
    lines = [f"<!-- id: {q.id} -->", f"## {q.question}", ""]
    if answer and answer.as_of:
        lines += [f"_as of {answer.as_of}_", ""]
    if error:
        lines += [f"**Failed:** {error}", ""]
    elif answer is None or not answer.hits:
        lines += ["_Nothing relevant in this archive._", ""]
    else:
        for h in answer.hits:
            p = h.passage
            start, end = h.highlight
            # The best sentence in bold; a sentence never spans a line break, so the marks pair up.
            text = f"{p.text[:start]}**{p.text[start:end]}**{p.text[end:]}" if end > start else p.text
            quote = "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())
            url = f" <{p.url}>" if p.url else ""
            lines += [quote, "", f"— {h.rank}. {p.source}, “{p.title}”, {h.date_text}{url}", ""]
            if h.also:
                lines += [f"_also in: {', '.join(c.label for c in h.also)}_", ""]
    return "\n".join(lines) + "\n"


def drop_partial_line(path: Path) -> None:
    """Cut a last line left half-written by an interruption, so appended answers start clean."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as fh:
            fh.truncate(data.rfind(b"\n") + 1)


def done_ids(path: Path, fmt: str) -> set[str]:
    """Ids already answered in an existing output file (for --resume)."""
    if not path.exists():
        return set()
    text = path.read_text(encoding="utf-8", errors="replace")
    if fmt == "jsonl":
        out = set()
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by an interruption is answered again
            if isinstance(record, dict) and "id" in record and "error" not in record:
                out.add(str(record["id"]))
        return out
    if fmt == "csv":
        return {row[0] for row in csv.reader(io.StringIO(text)) if row and row[0] != "id"}
    return {line[len("<!-- id: ") : -len(" -->")] for line in text.splitlines() if line.startswith("<!-- id: ")}


def run_batch(
    retriever: Retriever,
    questions: list[Question],
    writer: Writer,
    *,
    k: int,
    as_of: dt.date | None,
    progress: bool,
) -> BatchSummary:
    """Answer the questions in batches (one model call each), writing every answer as soon as it exists."""
    summary = BatchSummary()
    start = time.monotonic()
    bar = Progress(len(questions), "answering", "questions") if progress and questions else None
    try:
        for b in range(0, len(questions), BATCH):
            chunk = questions[b : b + BATCH]
            queries = [Query(q.question, k=q.k or k, as_of=q.as_of or as_of) for q in chunk]
            try:
                answers: list[Answer | None] = list(retriever.ask_many(queries))
                errors: list[str | None] = [None] * len(chunk)
            except DatelineError as exc:
                answers, errors = [None] * len(chunk), [str(exc)] * len(chunk)
            for q, answer, error in zip(chunk, answers, errors, strict=True):
                writer.write(q, answer, error)
                if error:
                    summary.failed += 1
                elif answer is None or answer.nothing_found:
                    summary.nothing_found += 1
                else:
                    summary.answered += 1
            if bar:
                bar.advance(len(chunk))
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if bar:
            bar.close()
        summary.elapsed = time.monotonic() - start
    return summary
