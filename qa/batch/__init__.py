"""Batch answering: a file of questions in, one evidence record per question out, flushed as it goes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from qa.answering.retriever import Retriever
from qa.batch.ahead import EncodedAhead
from qa.batch.resume import answered, csv_columns, drop_partial_line, same_text
from qa.config import Answering
from qa.errors import DatelineError
from qa.ingest.dates import parse_record_date
from qa.ingest.items import decode
from qa.present.markdown import answer_markdown
from qa.present.rows import CSV_COLUMNS, csv_rows, json_record
from qa.progress import Progress
from qa.ranking.answers import Answer
from qa.reading.query import Query, outlet_names

FORMATS = ("txt", "jsonl", "csv")
OUTPUTS = ("jsonl", "csv", "md")
_ANSWERING = Answering()


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
    if not 1 <= k <= _ANSWERING.max_k:
        return f"k must be from 1 to {_ANSWERING.max_k}, not {k}"
    return k


def _read_csv(text: str) -> Iterator[Question | BadLine]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "question" not in [f.strip().lower() for f in reader.fieldnames]:
        yield BadLine(1, "the CSV header has no `question` column")
        return
    for row in reader:
        record = {(k or "").strip().lower(): v for k, v in row.items()}
        yield _make(record, reader.line_num)


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


def run_batch(
    retriever: Retriever,
    questions: list[Question],
    writer: Writer,
    *,
    k: int,
    as_of: dt.date | None,
    progress: bool,
    batch_size: int = _ANSWERING.batch_size,
    sources: tuple[str, ...] = (),
) -> BatchSummary:
    """Answer the questions, writing (and counting on the bar) each answer as soon as it exists: an
    interruption loses at most the one being answered. The questions of a group of `batch_size` are
    encoded in one model call; each is then answered on its own."""
    summary = BatchSummary()
    start = time.monotonic()
    bar = Progress(len(questions), "answering", "questions") if progress and questions else None
    ahead = EncodedAhead(retriever.encoder)
    # The same open index and judge; only the encoder differs: it holds the group's vectors already.
    answering = Retriever(retriever.source, ahead, retriever.config, retriever.judge)
    try:
        for b in range(0, len(questions), batch_size):
            group = questions[b : b + batch_size]
            ahead.encode(q.question for q in group)
            for q in group:
                query = Query(
                    q.question, k=k if q.k is None else q.k, as_of=q.as_of or as_of, sources=q.sources or sources
                )
                answer: Answer | None = None
                error: str | None = None
                try:
                    answer = answering.ask(query)
                except DatelineError as exc:
                    error = str(exc)
                writer.write(q, answer, error)
                if error:
                    summary.failed += 1
                elif answer is None or answer.nothing_found:
                    summary.nothing_found += 1
                else:
                    summary.answered += 1
                if bar:
                    bar.advance()
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if bar:
            bar.close()
        summary.elapsed = time.monotonic() - start
    return summary


@dataclass(frozen=True, slots=True)
class BatchJob:
    """One `dateline batch` run: where the questions come from and the answers go (`-`: stdin, stdout)."""

    questions: str
    output: str = "-"
    in_format: str | None = None
    out_format: str | None = None
    k: int = 5
    as_of: dt.date | None = None
    resume: bool = False
    sources: tuple[str, ...] = ()
    """--source: the outlets every question is kept to, unless it names its own."""


def _read_job_questions(job: BatchJob, fmt: str, on_bad: Callable[[str], None]) -> tuple[list[Question], int]:
    """The job's good questions and how many lines were bad (each reported through `on_bad`)."""
    try:
        data = sys.stdin.buffer.read() if job.questions == "-" else Path(job.questions).read_bytes()
    except OSError as exc:
        raise DatelineError(f"cannot read {job.questions}: {exc.strerror}", "Bad input") from exc
    questions, bad = [], 0
    first_line: dict[str, int] = {}
    for item in read_questions(data, fmt):
        where = f"{job.questions}:{item.line}" if item.line else job.questions
        if isinstance(item, BadLine):
            bad += 1
            on_bad(f"skipped: {where}: {item.message}")
            continue
        if item.id in first_line:
            on_bad(
                f'warning: {where}: duplicate id "{item.id}" (first on line {first_line[item.id]}); '
                "both are answered, and --resume tells them apart by their question"
            )
        first_line.setdefault(item.id, item.line)
        questions.append(item)
    if not questions:
        raise DatelineError(f"no questions to answer in {job.questions}", "No questions")
    return questions, bad


def answer_file(job: BatchJob, open_retriever: Callable[[], Retriever], on_bad: Callable[[str], None]) -> BatchSummary:
    """Read the questions, skip those already answered (--resume), answer the rest into the output."""
    in_fmt, out_fmt = input_format(job.questions, job.in_format), output_format(job.output, job.out_format)
    if job.resume and job.output == "-":
        raise DatelineError("--resume needs an output file (-o OUT)", "Bad option")
    check_output(job.output)
    questions, bad = _read_job_questions(job, in_fmt, on_bad)
    out_path = Path(job.output)
    todo = questions
    if job.resume:
        drop_partial_line(out_path)
        done = answered(out_path, out_fmt)
        todo = []
        for q in questions:
            key = (q.id, same_text(q.question))
            if done[key]:
                done[key] -= 1  # one answer in OUT stands for one line: a line given twice is answered twice
            else:
                todo.append(q)
    retriever = open_retriever()
    try:
        retriever.warm()
        if job.output == "-":
            writer = Writer(sys.stdout, out_fmt, fresh=True)
            summary = run_batch(retriever, todo, writer, k=job.k, as_of=job.as_of, progress=True, sources=job.sources)
        else:
            fresh = not (job.resume and out_path.exists() and out_path.stat().st_size > 0)
            columns = CSV_COLUMNS if fresh or out_fmt != "csv" else csv_columns(out_path)
            if columns != CSV_COLUMNS:
                on_bad(
                    f"note: {job.output} has no url column (written by an older dateline); the answers added "
                    "keep its columns: write a new file (without --resume) to get the links"
                )
            with _open_output(out_path, fresh) as stream:
                writer = Writer(stream, out_fmt, fresh=fresh, columns=columns)
                summary = run_batch(
                    retriever, todo, writer, k=job.k, as_of=job.as_of, progress=True, sources=job.sources
                )
    finally:
        retriever.close()
    summary.bad_lines, summary.skipped_done = bad, len(questions) - len(todo)
    return summary


def _open_output(path: Path, fresh: bool) -> TextIO:
    """OUT opened for writing (or appending); what check_output cannot foresee (no permission) is one line."""
    try:
        return open(path, "w" if fresh else "a", encoding="utf-8", newline="")
    except OSError as exc:
        raise DatelineError(f"cannot write {path}: {exc.strerror}", "Bad output") from exc
