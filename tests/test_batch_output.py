"""`dateline batch`'s answers: CSV, Markdown and JSON lines, where they may be written, and each answer in
the file before the next question is answered."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from embeddings.hash_encoder import HashEncoder
from embeddings.judge import Judge, JudgeReading, Scores, load_judge
from qa.answering.retriever import Retriever
from qa.batch.questions import Question
from qa.batch.running import run_batch
from qa.batch.writing import Writer
from qa.config import Search
from qa.index.indexer import index_paths
from qa.present.rows import CSV_COLUMNS, csv_rows
from qa.ranking.answers import Answer
from tests.conftest import CORPUS
from tests.helpers import batch


def test_csv_in_csv_out(hash_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.csv"
    questions.write_text('id,question,date\nq1,"Who met Choe Son-hui, and where?",2024-12-31\nq2,Wang Yi,\n')
    out = tmp_path / "a.csv"
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "2") == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == [
        "id",
        "question",
        "rank",
        "date",
        "source",
        "title",
        "quote",
        "score",
        "best_sentence",
        "also_in",
        "url",
        "notes",
        "answer",
    ]
    assert all(r["best_sentence"] and r["best_sentence"] in r["quote"] for r in rows)
    assert [(r["id"], r["rank"]) for r in rows] == [("q1", "1"), ("q1", "2"), ("q2", "1"), ("q2", "2")]
    assert rows[0]["question"] == "Who met Choe Son-hui, and where?"
    assert any(rows[0]["quote"] in f.read_text(encoding="utf-8") for f in CORPUS.iterdir())  # verbatim
    # The bundled text files name no outlet and no link: none is shown, not a file name.
    assert all(r["source"] == "" and r["url"] == "" for r in rows)


def test_markdown_report(hash_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("Who is Kim Song Nam?\n")
    out = tmp_path / "a.md"
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "1") == 0
    text = out.read_text()
    assert "## Who is Kim Song Nam?" in text and "\n> " in text and "\n— 1. " in text
    assert text.count("**") == 2  # the best sentence of the one quote, in bold


def test_copies_from_other_outlets_are_listed_in_every_format(tmp_path: Path) -> None:
    story = "The central bank raised its main interest rate by half a point on Tuesday, its largest step in years."
    rows = [
        {"id": "a", "title": "Rates up", "date": "2024-03-05", "source": "Wire A", "text": story},
        {"id": "b", "title": "Bank lifts rates", "date": "2024-03-06", "source": "Paper B", "text": story},
    ]
    articles = tmp_path / "wire.jsonl"
    articles.write_text("".join(json.dumps(r) + "\n" for r in rows))
    index = tmp_path / "index"
    index_paths(index, [articles], lambda: HashEncoder(64))
    questions = tmp_path / "q.txt"
    questions.write_text("How much did the central bank raise its rate?\n")
    for name in ("a.csv", "a.md", "a.jsonl"):
        assert batch(index, str(questions), "-o", str(tmp_path / name), "-k", "2") == 0
    # One quote (the same text twice takes one slot), citing one outlet and listing the other.
    (row,) = csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text()))
    other = {"Wire A": "Paper B (2024-03-06)", "Paper B": "Wire A (2024-03-05)"}[row["source"]]
    assert row["also_in"] == other
    assert f"_also in: {other}_" in (tmp_path / "a.md").read_text()
    (record,) = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert len(record["passages"]) == 1 and len(record["passages"][0]["also"]) == 1


def test_an_output_in_a_missing_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("Who is Kim Song Nam?\n")
    out = tmp_path / "missing_dir" / "out.csv"
    # Checked before the index or the model is opened: the missing index is never reached.
    assert batch(tmp_path / "nowhere", str(questions), "-o", str(out)) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"dateline: error: cannot write {out}: the folder {out.parent} does not exist"
    ]
    assert not out.parent.exists()


def test_an_output_extension_batch_does_not_write_needs_format(
    hash_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("Who is Kim Song Nam?\n")
    out = tmp_path / "out.xlsx"
    assert batch(tmp_path / "nowhere", str(questions), "-o", str(out)) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"dateline: error: {out}: .xlsx is not a format batch writes (jsonl, csv, md); ")
    assert "--format" in line and not out.exists()
    # Asked for by name, the format is written under the name given.
    assert batch(hash_index, str(questions), "-o", str(out), "--format", "csv", "-k", "1") == 0
    assert out.read_text().startswith("id,question,rank,")


def test_a_question_without_quotes_has_every_csv_column(tmp_path: Path) -> None:
    # An index of one article on another topic: the hash encoder's cosines stay under the bar.
    articles = tmp_path / "one.jsonl"
    articles.write_text(json.dumps({"title": "Ferries", "text": "Ferry service to Lisbon starts in May."}) + "\n")
    index = tmp_path / "index"
    index_paths(index, [articles], lambda: HashEncoder(64))
    questions = tmp_path / "q.txt"
    questions.write_text("Quantum chromodynamics lattice gauge theory?\n")
    out = tmp_path / "a.csv"
    assert batch(index, str(questions), "-o", str(out)) == 0
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert {len(row) for row in rows} == {13}
    row, *closest = csv.DictReader(io.StringIO(out.read_text()))
    assert row["id"] == "1" and row["question"] == "Quantum chromodynamics lattice gauge theory?"
    assert row["title"] == "nothing found"
    assert row["rank"] == row["score"] == row["best_sentence"] == row["url"] == row["answer"] == ""
    assert row["quote"] == "Nothing relevant in this archive."  # why, in words a reader reads
    # The nearest passages follow, each ranked as such: none is an answer.
    assert [r["rank"] for r in closest] == ["closest 1"]
    assert closest[0]["quote"] == "Ferry service to Lisbon starts in May." and closest[0]["score"]


def test_csv_rows_carry_each_quotes_link(tmp_path: Path) -> None:
    articles = tmp_path / "wire.jsonl"
    articles.write_text(
        json.dumps(
            {
                "title": "Bank lifts rates",
                "date": "2024-03-06",
                "source": "Paper B",
                "url": "https://paper-b.example/rates",
                "text": "The central bank raised its main interest rate by half a point on Tuesday.",
            }
        )
        + "\n"
    )
    index = tmp_path / "index"
    index_paths(index, [articles], lambda: HashEncoder(64))
    questions = tmp_path / "q.txt"
    questions.write_text("How much did the central bank raise its rate?\n")
    out = tmp_path / "a.csv"
    assert batch(index, str(questions), "-o", str(out)) == 0
    (row,) = csv.DictReader(io.StringIO(out.read_text()))
    assert (row["source"], row["url"]) == ("Paper B", "https://paper-b.example/rates")


class FileWatchingJudge:
    """The shipped answer judge, reading the output file each time it is asked about a question: what
    a reporter watching the file sees while the batch runs."""

    def __init__(self, judge: Judge, out: Path) -> None:
        self.judge, self.out = judge, out
        self.answers_on_disk: list[tuple[str, int]] = []

    @property
    def name(self) -> str:
        return self.judge.name

    @property
    def reads_tokens(self) -> bool:
        return self.judge.reads_tokens

    @property
    def reads_spans(self) -> bool:
        return self.judge.reads_spans

    def score(self, question: str, passages: list[str]) -> Scores:
        return self.judge.score(question, passages)

    def read(self, question: str, passages: list[str]) -> list[JudgeReading]:
        self.answers_on_disk.append((question, len(self.out.read_text().splitlines())))
        return self.judge.read(question, passages)


def test_each_answer_is_in_the_file_before_the_next_question_is_answered(retriever: Retriever, tmp_path: Path) -> None:
    asked = [
        "Who led the North Korean delegation that met Wang Yi?",
        "Which Chinese vice foreign minister visited Pyongyang?",
        "What did Xi Jinping tell Kim Jong Un he hoped to deepen?",
        "Which war did Beijing back Pyongyang in?",
    ]
    questions = [Question(str(n), q, n) for n, q in enumerate(asked, 1)]
    out = tmp_path / "a.jsonl"
    shipped = load_judge()
    assert shipped is not None
    judge = FileWatchingJudge(shipped, out)
    judged = Retriever(retriever.source, retriever.encoder, Search(), judge)
    with open(out, "w", encoding="utf-8") as stream:
        summary = run_batch(judged, questions, Writer(stream, "jsonl", fresh=True), k=3, as_of=None, progress=False)
    assert summary.answered == 4
    # All four are one group (encoded together), yet each answer was in the file, flushed, before
    # the next question was judged: an interruption loses at most the question being answered.
    assert judge.answers_on_disk == [(q, n) for n, q in enumerate(asked)]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["1", "2", "3", "4"]
    assert "Kim Song Nam" in records[0]["passages"][0]["text"]


def test_every_csv_row_of_a_question_says_how_it_was_read() -> None:
    answer = Answer("What happened?", None, nothing_found=True, notes=("read as a period", "k raised; ask for more"))
    (row,) = csv_rows("q1", answer.question, answer)
    notes = CSV_COLUMNS.index("notes")
    assert row[notes] == "read as a period\nk raised; ask for more"
    (failed,) = csv_rows("q1", answer.question, None, "no index")
    assert failed[5] == "failed: no index" and failed[notes] == ""
