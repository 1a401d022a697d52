"""`dateline batch`: every input and output format, bad lines, resume, and the exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from embeddings.hash_encoder import HashEncoder
from embeddings.judge import Judge, JudgeReading, Scores, load_judge
from qa.answering.retriever import Retriever
from qa.batch.questions import Question
from qa.batch.running import run_batch
from qa.batch.writing import Writer
from qa.cli import main
from qa.config import Search
from qa.index.indexer import index_paths
from qa.present.rows import csv_rows
from qa.ranking.answers import Answer
from tests.conftest import CORPUS, ROOT
from tests.helpers import ctrl_c_reaches_the_child


@pytest.fixture
def hash_index(tmp_path: Path) -> Path:
    directory = tmp_path / "index"
    index_paths(directory, [CORPUS], lambda: HashEncoder(64))
    return directory


def batch(index: Path, *args: str) -> int:
    return main(["batch", *args, "--index", str(index), "--model", "hash-64"])


def test_txt_to_jsonl_skips_comments_and_blanks(hash_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("# my questions\nWho is Kim Song Nam?\n\n  \nWhat did Xi say?\n")
    out = tmp_path / "a.jsonl"
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "2") == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["2", "5"]
    assert records[0]["question"] == "Who is Kim Song Nam?" and len(records[0]["passages"]) == 2
    assert {"rank", "text", "date", "source", "title", "score"} <= set(records[0]["passages"][0])


def test_jsonl_with_ids_dates_and_k(hash_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "early", "question": "Kim Jong Un Xi anniversary", "date": "2024-02-01", "k": 3}) + "\n"
    )
    out = tmp_path / "a.jsonl"
    assert batch(hash_index, str(questions), "-o", str(out)) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["id"] == "early" and record["as_of"] == "2024-02-01"
    assert 0 < len(record["passages"]) <= 3
    assert all(p["date"] and p["date"] <= "2024-02-01" for p in record["passages"])


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


def test_bad_lines_are_reported_and_the_good_ones_answered(
    hash_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_bytes(
        b'{"question": "Who is Kim Song Nam?"}\n'
        b"not json\n"
        b"[1, 2]\n"
        b'{"question": "Wang Yi", "date": "2024-13-45"}\n'
        b'{"id": 7}\n'
        b'{"question": "Wang Yi", "date": "yesterday"}\n'
        b'{"question": "Kim", "k": "many"}\n'
        b'{"question": "Pyongyang \xff\xfe"}\n'
        b'{"question": "Beijing"}\n'
    )
    out = tmp_path / "a.jsonl"
    assert batch(hash_index, str(questions), "-o", str(out)) == 3
    err = capsys.readouterr().err
    for line in (2, 3, 4, 5, 6, 7, 8):
        assert f"{questions}:{line}: " in err, line
    assert "Traceback" not in err
    assert [json.loads(r)["question"] for r in out.read_text().splitlines()] == ["Who is Kim Song Nam?", "Beijing"]


def test_csv_without_question_column(hash_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.csv"
    questions.write_text("id,text\n1,hello\n")
    assert batch(hash_index, str(questions)) == 1
    assert "no `question` column" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\x03" * 100])
def test_empty_and_binary_files(
    hash_index: Path, tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_bytes(content)
    assert batch(hash_index, str(questions)) == 1
    err = capsys.readouterr().err
    assert "no questions to answer" in err and "Traceback" not in err


def test_stdin_to_stdout(hash_index: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui.launcher",
            "batch",
            "-",
            "--format",
            "csv",
            "-k",
            "1",
            "--index",
            str(hash_index),
            "--model",
            "hash-64",
        ],
        input="Who is Kim Song Nam?\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("id,question,rank") and "1 answered" in result.stderr


def test_resume_skips_what_is_done(hash_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("".join(f"What did Kim say to Xi? ({i})\n" for i in range(10)))
    out = tmp_path / "a.jsonl"
    # A run cut short: the first four answers were written, the fifth only half.
    full = tmp_path / "full.jsonl"
    assert batch(hash_index, str(questions), "-o", str(full)) == 0
    lines = full.read_text().splitlines()
    out.write_text("\n".join(lines[:4]) + "\n" + lines[4][:20])
    capsys.readouterr()
    assert batch(hash_index, str(questions), "-o", str(out), "--resume") == 0
    assert "6 answered" in capsys.readouterr().err
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines() if line.endswith("}")]
    assert sorted(ids, key=int) == [str(i) for i in range(1, 11)]


def test_ctrl_c_keeps_what_is_done(hash_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("".join(f"Kim Jong Un question {i}?\n" for i in range(20000)))
    out = tmp_path / "a.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui.launcher",
            "batch",
            str(questions),
            "-o",
            str(out),
            "--index",
            str(hash_index),
            "--model",
            "hash-64",
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
        preexec_fn=ctrl_c_reaches_the_child,
    )
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < 10_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    lines = out.read_text().splitlines()
    assert lines and all(json.loads(line)["id"] for line in lines)


def test_a_question_k_outside_1_to_50_is_a_bad_line(
    hash_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.jsonl"
    lines = [
        {"id": "zero", "question": "Who is Kim Song Nam?", "k": 0},
        {"id": "big", "question": "Who is Kim Song Nam?", "k": 51},
        {"id": "text", "question": "Who is Kim Song Nam?", "k": "0"},
        {"id": "yes", "question": "Who is Kim Song Nam?", "k": True},
        {"id": "fifty", "question": "Who is Kim Song Nam?", "k": 50},
    ]
    questions.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "a.jsonl"
    assert batch(hash_index, str(questions), "-o", str(out)) == 3
    err = capsys.readouterr().err.splitlines()
    assert f"dateline: skipped: {questions}:1: k must be from 1 to 50, not 0" in err
    assert f"dateline: skipped: {questions}:2: k must be from 1 to 50, not 51" in err
    assert f"dateline: skipped: {questions}:3: k must be from 1 to 50, not 0" in err
    assert f"dateline: skipped: {questions}:4: k must be a whole number, not True" in err
    assert [json.loads(r)["id"] for r in out.read_text().splitlines()] == ["fifty"]


def test_batch_k_outside_1_to_50_is_one_line(
    hash_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("Who is Kim Song Nam?\n")
    out = tmp_path / "a.jsonl"
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "1000") == 1
    assert capsys.readouterr().err.splitlines() == ["dateline: error: -k must be a number from 1 to 50, not 1000"]
    assert not out.exists()


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
    assert {len(row) for row in rows} == {12}
    row, *closest = csv.DictReader(io.StringIO(out.read_text()))
    assert row["id"] == "1" and row["question"] == "Quantum chromodynamics lattice gauge theory?"
    assert row["title"] == "nothing found"
    assert row["rank"] == row["quote"] == row["score"] == row["best_sentence"] == row["url"] == ""
    # The nearest passages follow, each ranked as such: none is an answer.
    assert [r["rank"] for r in closest] == ["closest 1"]
    assert closest[0]["quote"] == "Ferry service to Lisbon starts in May." and closest[0]["score"]


def _answered_pairs(out: Path, fmt: str) -> list[tuple[str, str]]:
    """(id, question) of each answer in an output file, as a reader of that format sees them."""
    text = out.read_text()
    if fmt == "jsonl":
        return [(r["id"], r["question"]) for r in map(json.loads, text.splitlines())]
    if fmt == "csv":
        return [(r["id"], r["question"]) for r in csv.DictReader(io.StringIO(text)) if r["rank"] in ("1", "")]
    lines = text.splitlines()
    return [(line[9:-4], lines[i + 1][3:]) for i, line in enumerate(lines) if line.startswith("<!-- id: ")]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "md"])
def test_resume_matches_the_question_not_only_its_line_number(
    hash_index: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("Who is Kim Song Nam?\nWhat did Xi say?\n")
    out = tmp_path / f"a.{fmt}"
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "2") == 0
    # A question inserted at the top: every line number moves down one.
    questions.write_text("Where is Pyongyang?\nWho is Kim Song Nam?\nWhat did Xi say?\n")
    capsys.readouterr()
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "2", "--resume") == 0
    assert "already done" not in capsys.readouterr().err
    assert _answered_pairs(out, fmt) == [
        ("1", "Who is Kim Song Nam?"),
        ("2", "What did Xi say?"),
        ("1", "Where is Pyongyang?"),
        ("2", "Who is Kim Song Nam?"),
        ("3", "What did Xi say?"),
    ]
    # Run again: everything is there, nothing is asked twice.
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "2", "--resume") == 0
    assert ", 3 already done;" in capsys.readouterr().err and len(_answered_pairs(out, fmt)) == 5


def test_duplicate_ids_are_warned_about_and_each_answered_after_resume(
    hash_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.jsonl"
    lines = [
        {"id": "a", "question": "Who is Kim Song Nam?"},
        {"id": "b", "question": "What did Xi say?"},
        {"id": "a", "question": "Where is Pyongyang?"},
    ]
    questions.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "a.jsonl"
    assert batch(hash_index, str(questions), "-o", str(out)) == 0
    warning = f'dateline: warning: {questions}:3: duplicate id "a" (first on line 1); '
    (line,) = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert line.startswith(warning)
    # A run stopped after the first answer, then resumed: the second "a" is a question of its own.
    out.write_text(out.read_text().splitlines()[0] + "\n")
    assert batch(hash_index, str(questions), "-o", str(out), "--resume") == 0
    assert ", 1 already done;" in capsys.readouterr().err
    assert _answered_pairs(out, "jsonl") == [
        ("a", "Who is Kim Song Nam?"),
        ("b", "What did Xi say?"),
        ("a", "Where is Pyongyang?"),
    ]


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


def test_resume_appends_to_a_csv_from_before_the_url_column_in_its_own_columns(
    hash_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("Who is Kim Song Nam?\nWhat did Xi say?\nWhere is Pyongyang?\n")
    out = tmp_path / "a.csv"
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "2") == 0
    # The file an older dateline wrote: no url column, and stopped after the first question.
    rows = list(csv.reader(io.StringIO(out.read_text())))
    old = [row[:-2] for row in rows if row[0] in ("id", "1")]
    with open(out, "w", newline="") as fh:
        csv.writer(fh).writerows(old)
    capsys.readouterr()
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "2", "--resume") == 0
    err = capsys.readouterr().err
    assert ", 1 already done;" in err and "has no url column" in err
    resumed = list(csv.reader(io.StringIO(out.read_text())))
    assert resumed[: len(old)] == old
    assert all(len(row) == len(old[0]) == 10 for row in resumed)
    assert _answered_pairs(out, "csv") == [
        ("1", "Who is Kim Song Nam?"),
        ("2", "What did Xi say?"),
        ("3", "Where is Pyongyang?"),
    ]
    # A file with the url column but no notes column resumes in its own columns.
    before_notes = tmp_path / "b.csv"
    assert batch(hash_index, str(questions), "-o", str(before_notes), "-k", "2") == 0
    kept = [row[:-1] for row in csv.reader(io.StringIO(before_notes.read_text())) if row[0] in ("id", "1")]
    with open(before_notes, "w", newline="") as fh:
        csv.writer(fh).writerows(kept)
    assert batch(hash_index, str(questions), "-o", str(before_notes), "-k", "2", "--resume") == 0
    err = capsys.readouterr().err
    assert "has no url column" not in err and "has no notes column" in err
    assert {len(row) for row in csv.reader(io.StringIO(before_notes.read_text()))} == {11}
    assert len(_answered_pairs(before_notes, "csv")) == 3
    # A file with every column resumes in them, and says nothing of columns.
    fresh = tmp_path / "c.csv"
    assert batch(hash_index, str(questions), "-o", str(fresh), "-k", "2") == 0
    kept = [row for row in csv.reader(io.StringIO(fresh.read_text())) if row[0] in ("id", "1")]
    with open(fresh, "w", newline="") as fh:
        csv.writer(fh).writerows(kept)
    assert batch(hash_index, str(questions), "-o", str(fresh), "-k", "2", "--resume") == 0
    assert "column" not in capsys.readouterr().err
    assert {len(row) for row in csv.reader(io.StringIO(fresh.read_text()))} == {12}
    assert len(_answered_pairs(fresh, "csv")) == 3


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
    assert row[-1] == "read as a period\nk raised; ask for more"
    (failed,) = csv_rows("q1", answer.question, None, "no index")
    assert failed[5] == "failed: no index" and failed[-1] == ""
