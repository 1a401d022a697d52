"""`dateline batch --resume` and Ctrl-C: what was answered is kept, and no question is asked twice."""

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

from tests.conftest import ROOT
from tests.helpers import batch, ctrl_c_reaches_the_child


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


def test_resume_appends_to_a_csv_from_before_the_url_column_in_its_own_columns(
    hash_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("Who is Kim Song Nam?\nWhat did Xi say?\nWhere is Pyongyang?\n")
    out = tmp_path / "a.csv"
    assert batch(hash_index, str(questions), "-o", str(out), "-k", "2") == 0
    # The file an older dateline wrote: no url column, and stopped after the first question.
    rows = list(csv.reader(io.StringIO(out.read_text())))
    old = [row[:-3] for row in rows if row[0] in ("id", "1")]
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
    # A file with the url column but no notes column, or the notes column but no answer column,
    # resumes in its own columns; one with every column in them, saying nothing of columns.
    for name, dropped, says in (
        ("b.csv", 2, "has no notes column"),
        ("d.csv", 1, "has no answer column"),
        ("c.csv", 0, ""),
    ):
        older = tmp_path / name
        assert batch(hash_index, str(questions), "-o", str(older), "-k", "2") == 0
        rows = list(csv.reader(io.StringIO(older.read_text())))
        kept = [row[: len(row) - dropped] for row in rows if row[0] in ("id", "1")]
        with open(older, "w", newline="") as fh:
            csv.writer(fh).writerows(kept)
        capsys.readouterr()
        assert batch(hash_index, str(questions), "-o", str(older), "-k", "2", "--resume") == 0
        err = capsys.readouterr().err
        assert (says in err) if says else "column" not in err
        assert "has no url column" not in err
        assert {len(row) for row in csv.reader(io.StringIO(older.read_text()))} == {13 - dropped}
        assert len(_answered_pairs(older, "csv")) == 3
