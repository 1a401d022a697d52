"""`dateline batch`'s questions: text, JSON lines, CSV and stdin; bad lines, bad files and a bad k."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import batch


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
