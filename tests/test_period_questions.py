"""Questions that ask what happened in a period, as a reporter reads their answers: the period asked
for, why the dates searched run past it, and no score where none ranks the stories."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from qa.cli import main

MARCH = "What happened in March 2024?"


def ask(index: Path, question: str, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["ask", question, "--as-of", "2024-12-31", "--index", str(index), *args]) == 0
    return capsys.readouterr().out


def test_a_month_names_itself_and_why_its_search_runs_a_month_later(
    bundled_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ask(bundled_index, MARCH, capsys)
    note = out.splitlines()[0]
    assert note == (
        "note: read as asking what happened in March 2024: its stories, oldest first, each by its opening;"
        " searched articles dated 2024-03-01 to 2024-05-01"
        " (March 2024 and the 31 days after it, while its news is still coming)"
    )
    # The one story of March, listed with its date and no score: none ranks a period's stories.
    assert "\n1. 2024-03-28" in out and "\n2. " not in out
    assert "(score" not in out


def test_late_march_is_its_second_half(bundled_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ask(bundled_index, "What happened in late March 2024?", capsys)
    assert out.startswith(
        "note: read as asking what happened in late March 2024: its stories, oldest first, each by its"
        " opening; searched articles dated 2024-03-16 to 2024-04-03 (late March 2024 and the 3 days after it,"
    )
    assert "\n1. 2024-03-28" in out
    # The story of the 28th is no early-March story: nothing from then, and the answer says so.
    early = ask(bundled_index, "What happened in early March 2024?", capsys)
    assert early.startswith("note: the question names early March 2024, but the archive has nothing from then")


def test_a_period_question_in_a_batch_csv_has_no_score(bundled_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text(f"{MARCH}\nWho led the North Korean delegation that met Wang Yi?\n")
    out = tmp_path / "a.csv"
    assert main(["batch", str(questions), "-o", str(out), "-k", "2", "--index", str(bundled_index)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    listed = [r for r in rows if r["question"] == MARCH]
    assert listed and all(r["score"] == "" and r["date"] for r in listed)
    assert all(r["score"] for r in rows if r["question"] != MARCH)  # a ranked answer keeps its score


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("What went on in late March 2024?", ["2024-03-28"]),
        ("What took place at the end of March 2024?", ["2024-03-28"]),
        ("Summarize the news of the second half of March 2024", ["2024-03-28"]),
        ("Which stories came out in early October 2024?", ["2024-10-06"]),
        ("What occurred at the beginning of January 2024?", []),
        ("What were the biggest stories of late January 2024?", ["2024-01-27"]),
    ],
)
def test_a_period_asked_in_other_words_lists_its_stories(
    bundled_index: Path, capsys: pytest.CaptureFixture[str], question: str, listed: list[str]
) -> None:
    out = ask(bundled_index, question, capsys)
    if listed:
        assert out.startswith("note: read as asking what happened in "), out
        assert "Nothing relevant" not in out
        assert all(f"\n1. {day}" in out or f"\n2. {day}" in out for day in listed)
    else:  # nothing dated then: said so, not "read as asking about"
        assert "but the archive has nothing from then" in out.splitlines()[0]


def test_asking_only_what_is_new_lists_the_latest_week(bundled_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # No period named: the week up to the as-of day (or the archive's newest story).
    for question in ("What's new?", "What happened last week?"):
        assert main(["ask", question, "--index", str(bundled_index)]) == 0
        out = capsys.readouterr().out
        assert out.startswith("note: read as asking what happened in the "), out
        assert "\n1. 2024-10-06" in out and "Nothing relevant" not in out
