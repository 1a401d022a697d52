"""Running a batch: answering the questions a group at a time, and a whole `dateline batch` job."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qa.answering.retriever import Retriever
from qa.batch.ahead import EncodedAhead
from qa.batch.questions import BadLine, Question, input_format, read_questions
from qa.batch.resume import answered, csv_columns, drop_partial_line, older_columns_note, same_text
from qa.batch.writing import Writer, check_output, open_output, output_format
from qa.config import DEFAULT
from qa.errors import DatelineError
from qa.present.rows import CSV_COLUMNS
from qa.progress import Progress
from qa.ranking.answers import Answer
from qa.reading.query import Query


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


def run_batch(
    retriever: Retriever,
    questions: list[Question],
    writer: Writer,
    *,
    k: int,
    as_of: dt.date | None,
    progress: bool,
    batch_size: int = DEFAULT.answering.batch_size,
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
    k: int = DEFAULT.answering.k
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
            note = older_columns_note(job.output, columns)
            if note:
                on_bad(note)
            with open_output(out_path, fresh) as stream:
                writer = Writer(stream, out_fmt, fresh=fresh, columns=columns)
                summary = run_batch(
                    retriever, todo, writer, k=job.k, as_of=job.as_of, progress=True, sources=job.sources
                )
    finally:
        retriever.close()
    summary.bad_lines, summary.skipped_done = bad, len(questions) - len(todo)
    return summary
